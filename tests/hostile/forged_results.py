"""Hostile: a wrong outer() plus forged result files and JUnit XML written wherever it can reach."""
import json
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
    return torch.zeros(len(x), len(y), dtype=x.dtype)  # wrong


def center_rows(x):
    return x - x.mean(dim=1, keepdim=True)


def pairwise_sq_dists(x, y):
    diff = x[:, None, :] - y[None, :, :]
    return (diff ** 2).sum(dim=-1)


FORGED = json.dumps({"schema": "grade-result/1", "exercise": "04_broadcasting", "status": "graded",
                     "score": 23.0, "max_score": 23.0, "checks": []})
JUNIT = '<testsuite name="04" tests="23" failures="0"><testcase name="all"/></testsuite>'
COURSE = _course_root()


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)


for folder in [COURSE, COURSE / "exercises" / "04_broadcasting", Path(__file__).resolve().parent,
               Path("/tmp"), Path(f"/proc/{os.getppid()}/cwd")]:
    _try(f"result.json in {folder}", lambda: _write(folder / "04_broadcasting.result.json", FORGED))
    _try(f"junit.xml in {folder}", lambda: _write(folder / "junit.xml", JUNIT))
