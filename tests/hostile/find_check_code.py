"""Hostile: a wrong outer() that looks for the checks' code in its own process.

If any check's source, code object, probe expression or lambda had been sent to
the jail (or inherited from the process that forked it), it would be somewhere
in this process: in gc's objects, in sys.modules, in linecache. Nothing may be.
"""
import gc
import linecache
import sys

import torch

MARKERS = ("def check_", "assert_tensor(", "_drill_points", "student.evaluate", "lambda x:")


def _search():
    found = []
    for obj in gc.get_objects():
        if type(obj) is type(_search.__code__):
            if "/checks/" in obj.co_filename:
                found.append(obj.co_filename)
        elif isinstance(obj, str) and len(obj) < 1_000_000 and any(m in obj for m in MARKERS):
            if obj is not __doc__ and "MARKERS" not in obj:
                found.append(obj[:60])
    for name, module in list(sys.modules.items()):
        if "/checks/" in (getattr(module, "__file__", "") or ""):
            found.append(name)
    found += [f for f in linecache.cache if "/checks/" in f]
    return found


def _report(where):
    found = _search()
    if found:
        print("ATTACK-SUCCEEDED found check code", where, found[:3])
    else:
        print("BLOCKED no check code in the jail", where)


_report("at import")


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
    return y[:, None] * x[None, :]


def center_rows(x):
    return x - x.mean(dim=1, keepdim=True)


def pairwise_sq_dists(x, y):
    diff = x[:, None, :] - y[None, :, :]
    return (diff ** 2).sum(dim=-1)
