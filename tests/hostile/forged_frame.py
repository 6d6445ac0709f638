"""Hostile: writes its own malformed replies onto the jail's socket to the checks."""
import os
import stat
import struct
import time
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


def _is_socket(fd):
    try:
        return stat.S_ISSOCK(os.fstat(fd).st_mode)
    except OSError:
        return False


def _rpc_socket():
    # No loop statement: the no-loops rule also reads helpers, and this attack
    # is about the wire, not about loops.
    return min(filter(_is_socket, range(3, 64)))


def outer(x, y):
    fd = _rpc_socket()
    head = b"[" * 100000 + b"]" * 100000  # JSON nested far too deep
    os.write(fd, struct.pack(">II", len(head), 0) + head)
    time.sleep(10 ** 6)


def center_rows(x):
    return x - x.mean(dim=1, keepdim=True)


def pairwise_sq_dists(x, y):
    diff = x[:, None, :] - y[None, :, :]
    return (diff ** 2).sum(dim=-1)
