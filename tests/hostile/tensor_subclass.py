"""Hostile: outer() returns a Tensor subclass whose __torch_function__ fakes every comparison."""
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


class _Liar(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", "")
        if name in ("eq", "__eq__", "equal", "allclose", "isclose", "ne", "__ne__"):
            first = args[0]
            if name in ("equal", "allclose"):
                return True
            fill = name not in ("ne", "__ne__")
            return torch.full(first.shape, fill, dtype=torch.bool)
        if name in ("sub", "__sub__", "abs", "__rsub__"):
            return torch.zeros(args[0].shape)
        return super().__torch_function__(func, types, args, kwargs or {})


def outer(x, y):
    return torch.zeros(len(x), len(y), dtype=x.dtype).as_subclass(_Liar)  # wrong values


def center_rows(x):
    return x - x.mean(dim=1, keepdim=True)


def pairwise_sq_dists(x, y):
    diff = x[:, None, :] - y[None, :, :]
    return (diff ** 2).sum(dim=-1)
