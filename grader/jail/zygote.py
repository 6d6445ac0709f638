"""The warm parent that forks one jail per student process.

It is forked from the check process right after `import torch`, before any
torch op has run, before CUDA is touched, and before any check, solution or
expected value is loaded; so it holds no secrets, and a fork of it costs
milliseconds instead of a torch import. It talks only over an inherited
socket pair (SOCK_SEQPACKET: one message per request, file descriptors passed
alongside), never over anything a jailed process could connect to.

Requests (JSON):
    {"op": "spawn", "config": {...}} + fds [rpc, stdout, stderr] -> {"pid": n}
    {"op": "wait", "pid": n}                                  -> {"code": c, "signal": s}
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import socket
import sys
import tempfile

MAX_MESSAGE = 1 << 16
PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL us when our parent dies (Linux only)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def scrub_environment() -> None:
    """Forget the grader's environment, including the copy /proc shows.

    os.environ is a copy; /proc/self/environ reads the block the kernel laid
    out at exec time, which a fork inherits. Zero that block too.
    """
    # Values set through os.environ after start live in C strings that glibc
    # allocated and never frees: zero them where `environ` points, then drop them.
    try:
        libc = ctypes.CDLL(None)
        libc.strlen.restype = ctypes.c_size_t
        entries = ctypes.POINTER(ctypes.c_void_p).in_dll(libc, "environ")
        i = 0
        while entries and entries[i]:
            ctypes.memset(entries[i], 0, libc.strlen(ctypes.c_void_p(entries[i])))
            i += 1
        libc.clearenv()
    except (OSError, ValueError, AttributeError):
        pass
    os.environ.clear()
    try:
        with open("/proc/self/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        # fields[0] is field 3 (state); env_start and env_end are fields 50 and 51.
        env_start, env_end = int(fields[47]), int(fields[48])
        if 0 < env_start < env_end:
            ctypes.memset(env_start, 0, env_end - env_start)
    except (OSError, ValueError, IndexError):
        pass


class ZygoteClient:
    """The check process's end of the zygote."""

    def __init__(self, pid: int, sock: socket.socket):
        self.pid = pid
        self.sock = sock

    def _ask(self, request: dict, fds=()) -> dict:
        socket.send_fds(self.sock, [json.dumps(request).encode()], list(fds))
        reply = self.sock.recv(MAX_MESSAGE)
        if not reply:
            raise RuntimeError("the jail parent (zygote) died")
        return json.loads(reply)

    def spawn(self, config: dict, rpc_fd: int, stdout_fd: int, stderr_fd: int) -> int:
        return self._ask({"op": "spawn", "config": config}, [rpc_fd, stdout_fd, stderr_fd])["pid"]

    def wait(self, pid: int) -> dict:
        return self._ask({"op": "wait", "pid": pid})

    def close(self) -> None:
        try:
            self.sock.close()
        finally:
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass


def start_zygote() -> ZygoteClient:
    """Fork the zygote. Call it after `import torch` and before any torch op."""
    if "torch" in sys.modules:
        import torch
        if torch.cuda.is_initialized():
            raise RuntimeError("CUDA was initialised before the jail parent was forked")
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            ours.close()
            _serve(theirs)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    theirs.close()
    return ZygoteClient(pid, ours)


def _serve(sock: socket.socket) -> None:
    die_with_parent()
    import grader.jail.child  # noqa: F401  (warm: a jail then costs a fork, not an import)
    import gc
    # Every jail inherits this heap: frozen, its collector never walks it
    # (and never dirties its pages).
    gc.freeze()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the grader to handle
    scrub_environment()
    os.closerange(3, sock.fileno())
    os.closerange(sock.fileno() + 1, 1 << 16)
    scratch_of: dict[int, str] = {}
    finished: dict[int, dict] = {}
    while True:
        try:
            data, fds, _flags, _addr = socket.recv_fds(sock, MAX_MESSAGE, 3)
        except OSError:
            data, fds = b"", []
        if not data:
            break
        request = json.loads(data)
        if request["op"] == "spawn":
            _preload(request["config"].get("preload") or [])
            scratch = tempfile.mkdtemp(prefix="drill-jail-")
            pid = _fork_jail(sock, fds, request["config"], scratch)
            for fd in fds:
                os.close(fd)
            scratch_of[pid] = scratch
            reply = {"pid": pid}
        elif request["op"] == "wait":
            pid = request["pid"]
            reply = finished.pop(pid, None) or _wait(pid)
            shutil.rmtree(scratch_of.pop(pid, ""), ignore_errors=True)
        else:
            reply = {"error": "unknown op"}
        sock.send(json.dumps(reply).encode())
    for pid, scratch in scratch_of.items():
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        _wait(pid)
        shutil.rmtree(scratch, ignore_errors=True)


def _preload(modules: list[str]) -> None:
    """Import what an exercise's jails would each import lazily, once, here.

    The first optimizer in a process imports torch._dynamo (about 800
    modules, seconds): paid once by the zygote, every later jail inherits it.
    """
    import gc
    import importlib

    fresh = [m for m in modules if m not in sys.modules]
    for name in fresh:
        try:
            importlib.import_module(name)
        except Exception:
            pass  # the jail will meet the same error and report it
    if fresh:
        gc.freeze()


def _wait(pid: int) -> dict:
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return {"code": None, "signal": None}
    if os.WIFSIGNALED(status):
        return {"code": None, "signal": os.WTERMSIG(status)}
    return {"code": os.WEXITSTATUS(status), "signal": None}


def _fork_jail(control: socket.socket, fds: list[int], config: dict, scratch: str) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            control.close()
            from grader.jail.child import run_jail
            run_jail(fds[0], fds[1], fds[2], config, scratch)
        finally:
            os._exit(70)
    # Set the process group from both sides, so a kill right after spawn
    # cannot miss it.
    try:
        os.setpgid(pid, pid)
    except OSError:
        pass
    return pid
