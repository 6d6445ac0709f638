"""Hostile: the reference solution, plus a search of its own process for the course's salt.

With the salt, every seeded input of every hidden check can be computed. The
jail is a fork of its parent (the zygote), so it holds a copy of the
parent's whole memory: if the parent had ever loaded the course, the salt
would be in it. This file looks in three ways: the course's modules in
sys.modules (at import), every readable mapping of /proc/self/mem that is not
a file and holds a page (heap, stacks, freed memory included), and every
dict, list and tuple the garbage collector knows, after unfreezing the
zygote's frozen heap; all at import (the exercise's rules forbid loops and gc
in its functions and their helpers).

The salt is searched for as two halves (SALT_HEAD then SALT_TAIL right after
it), never joined, so the search cannot find its own needle.
tests/test_hostile.py checks that the halves make the graded course's salt.
"""
import gc
import os
import sys

import torch

SALT_HEAD = b"torch-drills-"
SALT_TAIL = b"2026-autumn"
CHUNK = 8 << 20


def _found_in(data: bytes) -> bool:
    start = data.find(SALT_HEAD)
    while start != -1:
        after = start + len(SALT_HEAD)
        if data[after:after + len(SALT_TAIL)] == SALT_TAIL:
            return True
        start = data.find(SALT_HEAD, after)
    return False


def _regions():
    """(start, end) of every readable mapping that is not a file and holds any page."""
    out, current = [], None
    with open("/proc/self/smaps") as f:
        for line in f:
            fields = line.split()
            if fields and "-" in fields[0] and len(fields) >= 5 and ":" not in fields[0]:
                perms, name = fields[1], (fields[5] if len(fields) > 5 else "")
                current = None
                if perms.startswith("r") and (not name or name.startswith("[")) and \
                        name not in ("[vvar]", "[vsyscall]", "[vdso]"):
                    current = [int(x, 16) for x in fields[0].split("-")]
            elif fields[:1] == ["Rss:"] and current is not None and int(fields[1]) > 0:
                out.append(tuple(current))
                current = None
    return out


def _scan_memory() -> tuple[bool, int]:
    """Every readable mapping that is not a file (heap, stacks, anonymous memory)."""
    scanned = 0
    found = False
    buffer = bytearray(CHUNK)
    fd = os.open("/proc/self/mem", os.O_RDONLY)
    try:
        for start, end in _regions():
            tail = b""
            for offset in range(start, end, CHUNK):
                view = memoryview(buffer)[:min(CHUNK, end - offset)]
                try:
                    n = os.preadv(fd, [view], offset)
                except OSError:
                    break
                data = buffer if n == CHUNK else bytes(view[:n])
                scanned += n
                # The end of the last chunk too: a salt may straddle two chunks.
                if _found_in(data) or _found_in(tail + bytes(view[:64])):
                    found = True
                tail = bytes(view[max(0, n - 64):n])
    finally:
        os.close(fd)
    return found, scanned


def _scan_objects() -> bool:
    """Every dict, list and tuple the collector tracks: their strings, and any `salt` key."""
    gc.unfreeze()
    head, tail = SALT_HEAD.decode(), SALT_TAIL.decode()
    for obj in gc.get_objects():
        kind = type(obj)
        if kind is dict:
            if "salt" in obj:
                return True
            values = obj.values()
        elif kind is list or kind is tuple:
            values = obj
        else:
            continue
        for v in values:
            if type(v) is str and v.startswith(head) and v[len(head):].startswith(tail):
                return True
    return False


def _scan_modules() -> bool:
    return any(name in sys.modules for name in ("grader.course", "grader.plugin", "grader.cases",
                                                "pytest", "yaml"))


def _report(what, found, extra=""):
    if found:
        print(f"ATTACK-SUCCEEDED {what}{extra}")
    else:
        print(f"BLOCKED {what}: the salt is not there{extra}")


def _search_memory():
    try:
        found, scanned = _scan_memory()
        _report("salt in /proc/self/mem", found, f" ({scanned:,} bytes scanned)")
    except OSError as e:
        print(f"BLOCKED salt in /proc/self/mem: {type(e).__name__}: {e}")


# At import: every function of the exercise has rules (no loops, no gc) that
# hold in the helpers it calls too.
_report("the course's modules in sys.modules", _scan_modules())
_search_memory()
_report("salt in gc objects", _scan_objects())


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
