"""Hostile: outer() is the reference, but torch.Tensor.__mul__ is patched to call torch.outer.

The source of outer() names no forbidden function; the multiplication it does
runs the patch, which does. Code that library calls may run inside a ruled
function (a stored patch, a torch function mode, a registered callback) is
read for the rule's calls: outer(), center_rows() and pairwise_sq_dists()
(the rules with forbidden calls) break; broadcast_shape() and
can_broadcast() (a rule on names) do not.
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


_mul = torch.Tensor.__mul__


def _routed(a, b):
    # The product of a column and a row, computed by torch.outer.
    if isinstance(b, torch.Tensor) and a.dim() == 2 and b.dim() == 2 and a.shape[1] == 1 \
            and b.shape[0] == 1:
        return torch.outer(a[:, 0], b[0])
    return _mul(a, b)


torch.Tensor.__mul__ = _routed


def center_rows(x):
    return x - x.mean(dim=1, keepdim=True)


def pairwise_sq_dists(x, y):
    diff = x[:, None, :] - y[None, :, :]
    return (diff ** 2).sum(dim=-1)
