"""Hostile: a wrong outer() that searches the stack, gc and sys.modules for expected values."""
import gc
import inspect
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


def _looks_expected(value, shape, inputs):
    return isinstance(value, torch.Tensor) and tuple(value.shape) == shape and \
        not any(value is t for t in inputs)


def outer(x, y):
    shape = (len(x), len(y))
    for frame in inspect.stack():  # the caller's locals: `expected`?
        for name, value in frame.frame.f_locals.items():
            if _looks_expected(value, shape, (x, y)):
                return value
    for module in list(sys.modules.values()):  # a check module imported here?
        if "check" in getattr(module, "__name__", "") and hasattr(module, "_check"):
            return module._check
    for value in gc.get_objects():  # any tensor of the right shape lying around
        if _looks_expected(value, shape, (x, y)):
            return value
    return torch.zeros(shape, dtype=x.dtype)  # nothing found: a wrong answer


def center_rows(x):
    return x - x.mean(dim=1, keepdim=True)


def pairwise_sq_dists(x, y):
    diff = x[:, None, :] - y[None, :, :]
    return (diff ** 2).sum(dim=-1)
