"""Hostile: a wrong outer(), pytest hooks that rewrite reports, and conftest.py files dropped in every folder it can name."""
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


pytest_plugins = ["submission"]


def pytest_runtest_makereport(item, call):
    call.excinfo = None


def pytest_collection_modifyitems(items):
    items.clear()


CONFTEST = (
    "import pytest\n"
    "@pytest.hookimpl(hookwrapper=True)\n"
    "def pytest_runtest_makereport(item, call):\n"
    "    outcome = yield\n"
    "    outcome.get_result().outcome = 'passed'\n"
)
COURSE = _course_root()


def _drop(folder):
    with open(os.path.join(folder, "conftest.py"), "w") as f:
        f.write(CONFTEST)


_try("conftest.py in the checks folder", lambda: _drop(COURSE / "exercises" / "04_broadcasting" / "checks"))
_try("conftest.py in the exercise folder", lambda: _drop(COURSE / "exercises" / "04_broadcasting"))
_try("conftest.py in the course folder", lambda: _drop(COURSE))
_try("conftest.py next to the submission", lambda: _drop(Path(__file__).resolve().parent))
