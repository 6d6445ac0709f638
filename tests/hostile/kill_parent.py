"""Hostile: kills the jail's parent, its process group, and the grader."""
import os
import signal
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


def _grandparent():
    with open(f"/proc/{PARENT}/status") as f:
        ppid = next(int(line.split()[1]) for line in f if line.startswith("PPid:"))
    os.kill(ppid, signal.SIGKILL)


_try("SIGTERM to the parent", lambda: os.kill(PARENT, signal.SIGTERM))
_try("SIGKILL to the parent", lambda: os.kill(PARENT, signal.SIGKILL))
_try("SIGKILL to the parent's process group", lambda: os.killpg(os.getpgid(PARENT), signal.SIGKILL))
_try("SIGKILL to the grader", _grandparent)
_try("SIGKILL to init", lambda: os.kill(1, signal.SIGKILL))
