"""Hostile: rewrites the jail's own report of its confinement."""
import gc
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


for _obj in gc.get_objects():
    if isinstance(_obj, dict) and "landlock_abi" in _obj and "active" in _obj:
        _obj["active"][:] = ["forged"]
        _obj["missing"][:] = []
        _obj["forged"] = True
