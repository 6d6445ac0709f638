"""Mutant: repeat transposes with .T, an attribute the rules do not allow: right values."""
import torch


def arange(i):
    """Use this function to replace a for-loop: arange(4) -> tensor([0, 1, 2, 3])."""
    return torch.arange(i)


def where(q, a, b):
    """Use this function to replace an if-statement: where(q, a, b)[k] is a[k] if q[k] else b[k]."""
    return torch.where(q, a, b)


def ones(i):
    return where(arange(i) >= 0, 1, 0)


def sum(a):
    return ones(a.shape[0]) @ a[:, None]


def outer(a, b):
    return a[:, None] * b[None, :]


def diag(a):
    return a[arange(a.shape[0]), arange(a.shape[0])]


def eye(j):
    return where(arange(j)[:, None] == arange(j), 1, 0)


def triu(j):
    return where(arange(j)[:, None] <= arange(j), 1, 0)


def cumsum(a):
    return a @ triu(a.shape[0])


def diff(a, i):
    return a - where(arange(i) > 0, a[arange(i) - 1], 0)


def vstack(a, b):
    return where(arange(2)[:, None] == 0, a, b)


def roll(a, i):
    return a[(arange(i) + 1) % i]


def flip(a, i):
    return a[i - 1 - arange(i)]


def compress(g, v, i):
    return v @ where(g[:, None], arange(i) == (cumsum(1 * g) - 1)[:, None], 0)


def pad_to(a, i, j):
    return a @ where(arange(i)[:, None] == arange(j), 1, 0)


def sequence_mask(values, length):
    return where(arange(values.shape[1]) < length[:, None], values, 0)


def bincount(a, j):
    return ones(a.shape[0]) @ eye(j)[a]


def scatter_add(values, link, j):
    return values @ eye(j)[link]


def flatten(a, i, j):
    return a[arange(i * j) // j, arange(i * j) % j]


def linspace(i, j, n):
    return i + (j - i) * arange(n) / max(1, n - 1)


def heaviside(a, b):
    return where(a == 0, b, 1 * (a > 0))


def repeat(a, d):
    return outer(a, ones(d)).T


def bucketize(v, boundaries):
    return 1 * (v[:, None] >= boundaries) @ ones(boundaries.shape[0])
