"""Hostile: ptrace, process_vm_readv, namespaces, mounts, io_uring, bpf, perf, keyrings, raised limits, exec."""
import ctypes
import os
import resource
from pathlib import Path
import torch


def _try(what, attack):
    """Run one attack; say whether the jail refused it."""
    try:
        attack()
    except BaseException as e:  # noqa: B036 (the jail's refusal is what we look for)
        print(f"BLOCKED {what}: {type(e).__name__}: {e}")
    else:
        print(f"ATTACK-SUCCEEDED {what}")


def _course_root():
    """The course folder above this file (stat works even where reading does not)."""
    here = Path(__file__).resolve().parent
    for folder in [here, *here.parents]:
        if (folder / "course.yaml").exists():
            return folder
    return here.parent


def broadcast_shape(a, b):
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    out = []
    for da, db in zip(a, b):
        if da == db or db == 1:
            out.append(da)
        elif da == 1:
            out.append(db)
        else:
            return None
    return tuple(out)


def can_broadcast(a, b):
    return broadcast_shape(a, b) is not None


def outer(x, y):
    return x[:, None] * y[None, :]


def center_rows(x):
    return x - x.mean(dim=1, keepdim=True)


def pairwise_sq_dists(x, y):
    diff = x[:, None, :] - y[None, :, :]
    return (diff ** 2).sum(dim=-1)


LIBC = ctypes.CDLL(None, use_errno=True)
LIBC.syscall.restype = ctypes.c_long
PARENT = os.getppid()


def _sys(number, *args):
    if LIBC.syscall(number, *args) < 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))


class _IoVec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


def _vm_read():
    buf = ctypes.create_string_buffer(64)
    local = _IoVec(ctypes.cast(buf, ctypes.c_void_p), 64)
    remote = _IoVec(0x400000, 64)
    if LIBC.process_vm_readv(PARENT, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0) < 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))


def _raise_memory_limit():
    resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


_try("ptrace(ATTACH) the parent", lambda: _sys(101, 16, PARENT, 0, 0))
_try("process_vm_readv from the parent", _vm_read)
_try("read the parent's memory through /proc", lambda: open(f"/proc/{PARENT}/mem", "rb").read(1))
_try("unshare a user namespace", lambda: _sys(272, 0x10000000))
_try("mount a tmpfs", lambda: _sys(165, b"none", b"/tmp", b"tmpfs", 0, None))
_try("chroot", lambda: os.chroot("."))
_try("io_uring_setup", lambda: _sys(425, 8, ctypes.create_string_buffer(120)))
_try("bpf", lambda: _sys(321, 0, ctypes.create_string_buffer(128), 128))
_try("perf_event_open", lambda: _sys(298, ctypes.create_string_buffer(128), 0, -1, -1, 0))
_try("keyctl", lambda: _sys(250, 0, -3, 0))
_try("userfaultfd", lambda: _sys(323, 0))
_try("raise the memory limit", _raise_memory_limit)
_try("exec /bin/sh", lambda: os.execv("/bin/sh", ["sh", "-c", "echo ATTACK-SUCCEEDED exec"]))
_try("posix_spawn", lambda: os.posix_spawn("/bin/true", ["true"], {}))
