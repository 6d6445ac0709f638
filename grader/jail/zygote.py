"""The warm parent that forks one jail per student process.

It is a fresh interpreter (`python -c "...main(FD, PARENT_PID)"`, see start_zygote),
started by the check process with nothing but one end of a socket pair, a
short list of environment variables and its command line: it has never held
the course, its salt, a check, a solution or an expected value, so none of
them is in memory a jail (a fork of it) could read. It imports torch and the
jail's code, never runs a torch op, never touches CUDA, scrubs its
environment, and then a fork of it costs milliseconds instead of a torch
import. The check process starts it before importing torch itself, so the two
imports overlap. It talks only over the inherited socket pair (SOCK_SEQPACKET:
one message per request, file descriptors passed alongside), never over
anything a jailed process could connect to.

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
import subprocess
import sys
import tempfile
from pathlib import Path

MAX_MESSAGE = 1 << 16
PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None = None) -> None:
    """Ask the kernel to SIGKILL us when our parent dies (Linux only); with `parent`
    (the pid that started us), exit at once if it died before we asked."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def requests(sock: socket.socket):
    """Each (request, its file descriptors) that comes over an inherited socket pair,
    until the other end closes it: how a zygote and the class's factory are asked."""
    while True:
        try:
            data, fds, _flags, _addr = socket.recv_fds(sock, MAX_MESSAGE, 3)
        except OSError:
            return
        if not data:
            return
        yield json.loads(data), fds


def fresh_interpreter(module: str, fd: int) -> list[str]:
    """The command of a fresh interpreter that runs `module`.main([fd, our pid]):
    no script folder or working directory on its sys.path, only the folder our
    grader package comes from, if the path lacks it."""
    here = str(Path(__file__).resolve().parents[2])
    boot = ("import sys; here = sys.argv.pop(); del sys.path[0];"
            " here in sys.path or sys.path.insert(0, here);"
            f" from {module} import main; main(sys.argv[1:])")
    return [sys.executable, "-c", boot, str(fd), str(os.getpid()), here]


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
    _overwrite_block(47, 48)


# What a fresh interpreter needs to import torch as the check process did (and
# to see the same GPUs); everything else of the grader's environment stays behind.
PASSED_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "LD_LIBRARY_PATH", "PYTHONPATH",
                      "VIRTUAL_ENV", "CONDA_PREFIX", "HOME", "TMPDIR", "OMP_NUM_THREADS")
PASSED_PREFIXES = ("CUDA_", "NVIDIA_", "PYTORCH_", "TORCH", "MKL_", "KMP_", "OPENBLAS_")


class ZygoteClient:
    """The check process's end of the zygote."""

    def __init__(self, pid: int, sock: socket.socket, proc: subprocess.Popen | None = None):
        self.pid = pid
        self.sock = sock
        self.proc = proc

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

    def ready(self) -> None:
        """Block until the zygote serves (it answers only once it has imported torch)."""
        if not getattr(self, "_ready", False):
            self._ask({"op": "ping"})
            self._ready = True

    def close(self) -> None:
        try:
            self.sock.close()
        finally:
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            if self.proc is not None:
                self.proc.returncode = self.proc.returncode or 0  # reaped above


def zygote_environment() -> dict[str, str]:
    """The only environment a zygote holds; a class worker starts with it too (fork_zygote)."""
    env = {k: v for k, v in os.environ.items()
           if k in PASSED_ENVIRONMENT or k.startswith(PASSED_PREFIXES)}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def start_zygote() -> ZygoteClient:
    """Start the zygote: a fresh interpreter that has never seen the course.

    Call it as early as possible (before importing torch here): it imports
    torch in its own process while this one goes on.
    """
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        proc = subprocess.Popen(
            fresh_interpreter(__name__, theirs.fileno()),
            pass_fds=[theirs.fileno()], env=zygote_environment(), cwd="/",
            stdin=subprocess.DEVNULL,
            # Our stdout may be a protocol (a class worker's, --json): never the zygote's.
            stdout=sys.stderr.fileno() if _is_open(sys.stderr) else subprocess.DEVNULL)
    finally:
        theirs.close()
    return ZygoteClient(proc.pid, ours, proc)


def _is_open(stream) -> bool:
    try:
        os.fstat(stream.fileno())
        return True
    except (OSError, ValueError, AttributeError):
        return False


def main(argv: list[str]) -> None:
    """The zygote's life: serve the socket FD until it closes (PARENT_PID: the check process)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the grader to handle
    code = 0
    try:
        fd, parent = int(argv[0]), int(argv[1])
        die_with_parent(parent)
        _serve(socket.socket(fileno=fd))
    except BaseException:
        import traceback
        traceback.print_exc()
        code = 1
    finally:
        os._exit(code)


def fork_zygote() -> ZygoteClient:
    """The zygote as a fork of this process, which must be a class worker at its very start.

    A class worker (grader/classroom/pool.py) is started with zygote_environment()
    only, imports torch and the jail's code, and calls this before it reads
    anything of the course: the fork then holds what a fresh zygote would (an
    interpreter, torch, the jail's code, that short environment) and the
    worker pays one torch import instead of two. Anything else starts a fresh
    interpreter (start_zygote).
    """
    import grader.jail.child  # noqa: F401  (imported here, so the fork shares it)
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    sys.stdout.flush()
    sys.stderr.flush()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            ours.close()
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            die_with_parent(parent)
            _forget_the_worker()
            _serve(theirs)
        except BaseException:
            import traceback
            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    theirs.close()
    return ZygoteClient(pid, ours)


def _forget_the_worker() -> None:
    """Become what start_zygote's fresh interpreter is: no task pipe, no command line."""
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)          # the worker's stdin carries the tasks: never ours
    os.close(devnull)
    os.chdir("/")
    sys.dont_write_bytecode = True
    here = str(Path(__file__).resolve().parents[2])
    if not sys.flags.safe_path and sys.path:
        del sys.path[0]          # `python -m`'s working directory
    if here not in sys.path:
        sys.path.insert(0, here)
    sys.argv[:] = [TITLE]
    set_process_title(TITLE)


TITLE = "torch-drills-zygote"


def set_process_title(title: str) -> None:
    """What /proc/self/cmdline (and ps) show, within the length of the command line."""
    _overwrite_block(45, 46, title.encode())


def _overwrite_block(start_field: int, end_field: int, text: bytes = b"") -> None:
    """Overwrite a block the kernel laid out at exec time (argv, environ) in place.

    The fields are indexes into /proc/self/stat after the command name
    (0 is field 3, state): 45/46 are arg_start/arg_end, 47/48 env_start/env_end.
    """
    try:
        with open("/proc/self/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        start, end = int(fields[start_field]), int(fields[end_field])
        if 0 < start < end:
            ctypes.memset(start, 0, end - start)
            ctypes.memmove(start, text[:end - start - 1], min(len(text), end - start - 1))
    except (OSError, ValueError, IndexError):
        pass


def _serve(sock: socket.socket) -> None:
    import grader.jail.child  # noqa: F401  (warm: a jail then costs a fork, not an import)
    import gc
    # Every jail inherits this heap: frozen, its collector never walks it
    # (and never dirties its pages).
    gc.freeze()
    _map_heap_in_huge_pages()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the grader to handle
    scrub_environment()
    os.closerange(3, sock.fileno())
    os.closerange(sock.fileno() + 1, 1 << 16)
    scratch_of: dict[int, str] = {}
    finished: dict[int, dict] = {}
    for request, fds in requests(sock):
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
        try:
            sock.send(json.dumps(reply).encode())
        except OSError:   # the check process closed its end (Ctrl-C mid-grading): stop
            break
    for pid, scratch in scratch_of.items():
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        _wait(pid)
        shutil.rmtree(scratch, ignore_errors=True)


MADV_HUGEPAGE, MADV_COLLAPSE = 14, 25   # Linux 2.6.38 and 6.1


def _map_heap_in_huge_pages() -> None:
    """Map torch's heap (about 150 MB written at import) with 2 MB pages, once.

    A fork copies the page table of every written page and an exit tears it
    down: 37,000 entries of 4 kB, most of a jail's start and end. In 2 MB
    pages they are a few dozen (a jail's fork and exit here: 17 ms -> 6 ms);
    a page a jail writes is split and copied in 4 kB as before. The zygote's
    copy of the heap becomes its own (about 120 MB more memory). Where the
    kernel has no transparent huge pages (or not this call), nothing changes.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
        huge = 2 << 20
        with open("/proc/self/maps") as f:
            rows = [line.split() for line in f]
        for row in rows:
            low, high = (int(x, 16) for x in row[0].split("-"))
            name = row[5] if len(row) > 5 else ""
            start, end = (low + huge - 1) & ~(huge - 1), high & ~(huge - 1)
            if row[1].startswith("rw") and name in ("", "[heap]") and end - start >= huge:
                libc.madvise(start, end - start, MADV_HUGEPAGE)
                libc.madvise(start, end - start, MADV_COLLAPSE)
    except (OSError, ValueError, AttributeError):
        pass


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
            blocked = config.get("block_imports") or []
            if blocked:
                # An exercise that must not use a library: Landlock refuses its
                # files, and for torch the jail is a fresh interpreter that never
                # loaded it (grader/jail/fresh.py): this fork holds torch in memory.
                from grader.jail import fresh
                config["deny_read"] = fresh.denied_paths(blocked)
                if "torch" in blocked:
                    fresh.exec_jail(fds[:3], config, scratch)  # returns only if exec failed
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
