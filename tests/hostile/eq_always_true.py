"""Hostile: outer() returns an object that equals everything and looks like a tensor."""
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


class _Anything:
    shape = property(lambda self: self._shape)
    dtype = property(lambda self: self._dtype)

    def __init__(self, shape, dtype):
        self._shape, self._dtype = shape, dtype

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __bool__(self):
        return True

    def __len__(self):
        return self._shape[0]


def outer(x, y):
    return _Anything(torch.Size([len(x), len(y)]), x.dtype)


def center_rows(x):
    return x - x.mean(dim=1, keepdim=True)


def pairwise_sq_dists(x, y):
    diff = x[:, None, :] - y[None, :, :]
    return (diff ** 2).sum(dim=-1)
