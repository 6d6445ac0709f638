"""Exercise 04: broadcasting.

Fill in each function, then run `grade exercise 04`.
Read the instructions with `grade show 04` (or `grade show 04 --lang zh`).
"""
import torch


def broadcast_shape(a, b):
    """The shape that broadcasting shapes `a` and `b` together gives.

    `a` and `b` are tuples of ints, such as (3, 1) and (4,).
    Return a tuple of ints, or None when the shapes cannot be broadcast.
    Plain Python only: do not use torch or numpy here.

    >>> broadcast_shape((3, 1), (1, 4))
    (3, 4)
    >>> broadcast_shape((2, 3), (4,)) is None
    True
    """
    raise NotImplementedError


def can_broadcast(a, b):
    """True if shapes `a` and `b` can be broadcast together, else False.

    >>> can_broadcast((5, 1), (3,))
    True
    """
    raise NotImplementedError


def outer(x, y):
    """The outer product of 1-D tensors x (length n) and y (length m).

    Returns an (n, m) tensor with result[i, j] == x[i] * y[j].
    Broadcasting only: no loops, no torch.outer / torch.ger / torch.einsum.
    """
    raise NotImplementedError


def center_rows(x):
    """Each row of the 2-D tensor x minus that row's own mean.

    Returns a tensor with the shape of x whose rows each have mean 0.
    No loops.
    """
    raise NotImplementedError


def pairwise_sq_dists(x, y):
    """Squared Euclidean distances between every row of x and every row of y.

    x has shape (n, d), y has shape (m, d). Returns an (n, m) tensor with
    result[i, j] == ((x[i] - y[j]) ** 2).sum().
    Broadcasting only: no loops, no torch.cdist, no torch.einsum.
    """
    raise NotImplementedError
