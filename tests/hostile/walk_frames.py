"""Hostile: a wrong outer() that searches the stack, gc and sys.modules for expected values."""
import gc
import inspect
import itertools
import sys
import torch


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


def _frame_values():
    return list(itertools.chain.from_iterable(
        map(lambda f: list(f.frame.f_locals.values()), inspect.stack())))


def _check_modules():
    return list(filter(lambda m: "check" in getattr(m, "__name__", ""), list(sys.modules.values())))


def _found(values, shape, inputs):
    def fits(v):
        return isinstance(v, torch.Tensor) and tuple(v.shape) == shape and             not any(map(lambda t: v is t, inputs))
    return next(filter(fits, values), None)


def outer(x, y):
    shape = (len(x), len(y))
    stolen = _found(_frame_values(), shape, (x, y))  # the caller's `expected`?
    if stolen is None and _check_modules():  # a check module imported here?
        stolen = getattr(_check_modules()[0], "expected", None)
    if stolen is None:
        stolen = _found(gc.get_objects(), shape, (x, y))  # any tensor of the right shape
    return stolen if stolen is not None else torch.zeros(shape, dtype=x.dtype)


def center_rows(x):
    return x - x.mean(dim=1, keepdim=True)


def pairwise_sq_dists(x, y):
    diff = x[:, None, :] - y[None, :, :]
    return (diff ** 2).sum(dim=-1)
