"""Check processes forked from one warm interpreter: one torch import for a whole pool.

Importing torch costs seconds of CPU, and a pool of N fresh worker interpreters
paid it N times (plus N more for their zygotes, before fork_zygote). The
factory is a fresh interpreter started like a zygote (`python -c ...`, the
zygote's environment only, never told about the course): it imports torch and
the jail's code, then forks one check process (pool.worker_main) per request.
A forked worker forks its own zygote first thing, before it reads the course,
so a jail holds what it held when every worker was a fresh interpreter.

It talks only over an inherited socket pair, as the zygote does:
    {"op": "spawn", "course_root", "device", "pin"} + fds [stdin, stdout, stderr] -> {"pid": n}
    {"op": "poll", "pid": n}        -> {"code": c} (null while it runs)
A worker asks the kernel to kill it when the factory dies; the factory dies
with the `grade class` that started it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

MAX_MESSAGE = 1 << 16
STARTUP_S = 30          # seconds to reach another process's factory (WorkerFactory.through)
WORKER_TITLE = "torch-drills-check-process"


class ForkedWorker:
    """What the pool needs of a worker process (a subprocess.Popen's pid, stdin,
    stdout and wait), for one the factory forked: it is not our child."""

    def __init__(self, factory: "WorkerFactory", pid: int, stdin, stdout):
        self.factory = factory
        self.pid = pid
        self.stdin = stdin
        self.stdout = stdout
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.factory.poll(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout)
            time.sleep(0.01)
        return self.returncode


class WorkerFactory:
    """The pool's end of the factory."""

    def __init__(self, proc: subprocess.Popen, sock: socket.socket):
        self.proc = proc
        self.sock = sock
        self.lock = threading.Lock()

    @classmethod
    def start(cls, environment: dict[str, str], log) -> "WorkerFactory":
        from grader.jail.zygote import fresh_interpreter
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            proc = subprocess.Popen(
                fresh_interpreter(__name__, theirs.fileno()),
                pass_fds=[theirs.fileno()], env=environment, cwd="/",
                stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                start_new_session=True)   # our Ctrl-C does not reach it directly
        finally:
            theirs.close()
        return cls(proc, ours)

    def _ask(self, request: dict, fds=()) -> dict:
        with self.lock:
            socket.send_fds(self.sock, [json.dumps(request).encode()], list(fds))
            reply = self.sock.recv(MAX_MESSAGE)
        if not reply:
            raise OSError("the check processes' factory died")
        reply = json.loads(reply)
        if "error" in reply:
            raise OSError(reply["error"])
        return reply

    def spawn(self, course_root: Path, device: str, log, pin: bool = False) -> ForkedWorker:
        """A new worker, with pipes for its stdin and stdout and `log` as its stderr;
        `pin`: it claims a core of its own (grader/classroom/cores.py)."""
        to_worker, from_worker = os.pipe(), os.pipe()
        try:
            pid = self._ask({"op": "spawn", "course_root": str(Path(course_root).resolve()),
                             "device": device, "pin": bool(pin)},
                            [to_worker[0], from_worker[1], log.fileno()])["pid"]
        except BaseException:
            for fd in (*to_worker, *from_worker):
                os.close(fd)
            raise
        os.close(to_worker[0])
        os.close(from_worker[1])
        return ForkedWorker(self, pid, os.fdopen(to_worker[1], "wb"),
                            os.fdopen(from_worker[0], "rb"))

    def poll(self, pid: int) -> int | None:
        try:
            return self._ask({"op": "poll", "pid": pid})["code"]
        except OSError:
            return -signal.SIGKILL   # the factory is gone, and its workers with it

    @classmethod
    def through(cls, door: str) -> "WorkerFactory":
        """The factory of another process on this machine, through its FactoryDoor."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            sock.settimeout(STARTUP_S)
            sock.connect(door)
            sock.settimeout(None)
        except OSError:
            sock.close()
            raise
        return cls(None, sock)

    def close(self) -> None:
        self.sock.close()   # it stops at end of file, killing what is left
        if self.proc is None:
            return          # another process's factory (through()): it closes it
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class FactoryDoor:
    """The factory, open to the other processes of this user on this machine.

    A LocalCluster's Dask workers are processes of their own: each used to start
    a check process that imported torch itself, seconds after the command
    started. Through this door (a Unix socket in a folder only we can enter)
    they ask the command's factory instead, which started at once and imports
    torch once. It passes on "spawn" and "poll" only; a check process it forks
    is the factory's child, stops when its Dask worker's pipes close, and dies
    with the factory.
    """

    def __init__(self, factory: WorkerFactory):
        import tempfile
        self.factory = factory
        self.folder = tempfile.mkdtemp(prefix="torch-drills-factory-")   # mode 0700
        self.path = os.path.join(self.folder, "door")
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.listener.bind(self.path)
        self.listener.listen(64)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _addr = self.listener.accept()
            except OSError:
                return   # closed
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        from grader.jail.zygote import requests
        with conn:
            for request, fds in requests(conn):
                try:
                    if request.get("op") in ("spawn", "poll"):
                        reply = self.factory._ask(request, fds)
                    else:
                        reply = {"error": "unknown op"}
                except OSError:
                    reply = {"error": "the check processes' factory died"}
                finally:
                    for fd in fds:
                        os.close(fd)
                try:
                    conn.send(json.dumps(reply).encode())
                except OSError:
                    return

    def close(self) -> None:
        import shutil
        self.listener.close()
        shutil.rmtree(self.folder, ignore_errors=True)


# ------------------------------------------------------------------ the factory

def main(argv: list[str]) -> None:
    from grader.jail.zygote import die_with_parent, requests, set_process_title
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is for `grade class` to handle
    fd, parent = int(argv[0]), int(argv[1])
    die_with_parent(parent)
    # What every worker needs before it forks its zygote; nothing of the course.
    import torch  # noqa: F401
    import grader.jail.child  # noqa: F401
    from grader.classroom import pool
    sock = socket.socket(fileno=fd)
    children: set[int] = set()
    code = 0
    try:
        for request, fds in requests(sock):
            if request["op"] == "spawn":
                pid = _fork_worker(sock, fds, request, pool.worker_main, set_process_title)
                children.add(pid)
                reply = {"pid": pid}
            elif request["op"] == "poll":
                reply = {"code": _poll(request["pid"], children)}
            else:
                reply = {"error": "unknown op"}
            for received in fds:
                os.close(received)
            sock.send(json.dumps(reply).encode())
    except BaseException:
        import traceback
        traceback.print_exc()
        code = 1
    finally:
        for pid in children:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        os._exit(code)


def _poll(pid: int, children: set[int]) -> int | None:
    if pid not in children:
        return -signal.SIGKILL
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        children.discard(pid)
        return -signal.SIGKILL
    if not done:
        return None
    children.discard(pid)
    return os.waitstatus_to_exitcode(status)


def _fork_worker(control: socket.socket, fds: list[int], request: dict, worker_main,
                 set_process_title) -> int:
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            control.close()
            os.setsid()   # its own process group: the pool kills it and its zygote at once
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
            os.closerange(3, 1 << 16)
            set_process_title(WORKER_TITLE)
            sys.stdin = open(0, "r", encoding="utf-8", closefd=False)
            sys.stdout = open(1, "w", closefd=False)
            sys.stderr = open(2, "w", closefd=False)
            worker_main(request["course_root"], parent, request["device"],
                        bool(request.get("pin")))
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
        except BaseException:
            import traceback
            traceback.print_exc()
            code = 1
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    return pid
