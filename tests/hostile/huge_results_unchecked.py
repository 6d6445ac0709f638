"""Hostile: switches the jail's own result limits off, then returns huge results.

At import it finds the jail's server (through gc) and gives it limits that
accept anything, so nothing stops the jail from sending: 100 MB of bytes, an
80 MB NumPy array, a 68 MB tensor, a string of 20,000,000 characters and a
list of 300,000 strings (each a 10 MB header). The check process must refuse
each from its frame's sizes, before it allocates them. (Lists of millions of
numbers are forged_sizes.py's: encoding them takes the jail longer than the
corpus's 2 s deadline.)
"""
import gc

import numpy as np
import torch

import grader.wire as _wire

for _obj in gc.get_objects():
    if type(_obj).__name__ == "Server" and hasattr(_obj, "limits"):
        _obj.limits = _wire.TRUSTED


def broadcast_shape(a, b):
    return "x" * 20_000_000


def can_broadcast(a, b):
    return ["a string of thirty characters."] * 300_000


def outer(x, y):
    return bytes(100 * 1024 * 1024)


def center_rows(x):
    return np.zeros(10_000_000)


def pairwise_sq_dists(x, y):
    return torch.empty(17_000_000)
