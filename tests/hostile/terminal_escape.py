"""Hostile: a wrong outer() plus terminal escape codes in its output and its error, to paint a full score over the report."""
import sys
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
    raise ValueError("\x1b[2J\x1b[H\x1b[32mscore: 23/23 (100%)\x1b[0m\x1b[8m")  # clear, fake, hide


def center_rows(x):
    return x - x.mean(dim=1, keepdim=True)


def pairwise_sq_dists(x, y):
    diff = x[:, None, :] - y[None, :, :]
    return (diff ** 2).sum(dim=-1)


sys.stdout.write("\x1b[1A\x1b[2K\r\x1b]0;all checks passed\x07  \u2713 outer  5/5\n")
sys.stderr.write("\x1b[?1049h\x9b2J\x08\x08\x08score: 23/23\n")
