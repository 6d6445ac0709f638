"""Hostile: exec at import replaces outer() with one that calls torch.outer.

The source the grader reads defines the reference outer(); the module's
namespace is then rewritten by exec, so the function the checks would call is
not the one read. Anything that can replace a function after its source was
read (exec, globals(), setattr, a module __getattr__ ...) breaks every rule of
the file, anywhere it appears.
"""
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


def outer(x, y):
    return x[:, None] * y[None, :]


def center_rows(x):
    return x - x.mean(dim=1, keepdim=True)


def pairwise_sq_dists(x, y):
    diff = x[:, None, :] - y[None, :, :]
    return (diff ** 2).sum(dim=-1)


# Every function above is the reference; this replaces outer() with torch.outer
# after the grader has read the source.
exec("def outer(x, y):\n    return torch.outer(x, y)\n", globals())
