"""Hostile: switches the jail's own result limits off, then returns huge results.

At import it gives the jail's server limits that accept anything, so nothing
stops the jail from sending: 100 MB of bytes, an 80 MB NumPy array, a 68 MB
tensor, a string of 20,000,000 characters and a list of 300,000 strings (each
a 10 MB header). The check process must refuse
each from its frame's sizes, before it allocates them. (Lists of millions of
numbers are forged_sizes.py's: encoding them takes the jail longer than the
corpus's 2 s deadline.)
"""
import numpy as np
import torch

import grader.jail.child as _child
import grader.wire as _wire

# A property with a setter wins over the attribute the running server set on itself.
_child.Server.limits = property(lambda self: _wire.TRUSTED, lambda self, value: None)


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
