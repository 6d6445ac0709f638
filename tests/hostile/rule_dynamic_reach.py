"""Hostile: right answers that reach forbidden functions dynamically (rules walked around).

broadcast_shape() reaches NumPy through __import__ with a computed name, outer()
calls torch.outer through getattr with a computed name, pairwise_sq_dists()
calls torch.cdist through an alias bound at module level. Each is a break of
its function's rule, decided on the source; center_rows() and can_broadcast()
are the reference (can_broadcast calls the broken broadcast_shape, whose break
is reported there, once, not again for can_broadcast).
"""
import torch

_distances = torch.cdist  # an alias at module level


def broadcast_shape(a, b):
    try:  # NumPy by another name: the rule forbids the names torch, np and numpy here
        return tuple(int(n) for n in __import__("num" + "py").broadcast_shapes(a, b))
    except ValueError:
        return None


def can_broadcast(a, b):
    return broadcast_shape(a, b) is not None


def outer(x, y):
    return getattr(torch, "ou" + "ter")(x, y)  # torch.outer, by a computed name


def center_rows(x):
    return x - x.mean(dim=1, keepdim=True)


def pairwise_sq_dists(x, y):
    return _distances(x, y) ** 2  # torch.cdist, by an alias
