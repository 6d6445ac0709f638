"""Hostile: wrong tensor functions, but it tries to read the reference solution and the hidden checks and run them as its own."""
import os
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
    return torch.zeros(len(x), len(y), dtype=x.dtype)  # wrong unless the theft works


def center_rows(x):
    return x  # wrong unless the theft works


def pairwise_sq_dists(x, y):
    return torch.zeros(len(x), len(y), dtype=x.dtype)  # wrong unless the theft works


COURSE = _course_root()
SOLUTION = COURSE / "solutions" / "04_broadcasting.py"


def _steal(path):
    source = open(path).read()
    exec(compile(source, str(path), "exec"), globals())  # the solution's functions replace ours


_try("read the solution", lambda: _steal(SOLUTION))
_try("read a hidden check", lambda: open(COURSE / "exercises" / "04_broadcasting" / "checks" / "hidden_outer.py").read())
_try("list the course folder", lambda: os.listdir(COURSE))
_try("read course.yaml", lambda: open(COURSE / "course.yaml").read())


def _through_symlink():
    os.symlink(SOLUTION, "stolen.py")  # in the scratch folder, which is writable
    _steal("stolen.py")


def _through_hardlink():
    os.link(SOLUTION, "stolen_hard.py")
    _steal("stolen_hard.py")


_try("read the solution through a symlink", _through_symlink)
_try("read the solution through a hard link", _through_hardlink)
_try("read the solution through /proc/self/root", lambda: _steal(f"/proc/self/root{SOLUTION}"))
