"""Hostile: deletes the checks, the solution, course.yaml, its own file and its working folder."""
import os
import shutil
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


COURSE = _course_root()
_try("delete the checks folder", lambda: shutil.rmtree(COURSE / "exercises" / "04_broadcasting" / "checks"))
_try("delete the solution", lambda: os.remove(COURSE / "solutions" / "04_broadcasting.py"))
_try("delete course.yaml", lambda: os.remove(COURSE / "course.yaml"))
_try("delete this submission", lambda: os.remove(__file__))
_try("rename the exercise folder", lambda: os.rename(COURSE / "exercises", COURSE / "gone"))
for name in os.listdir("."):  # the scratch folder is ours to wreck: allowed, harmless
    shutil.rmtree(name, ignore_errors=True)
