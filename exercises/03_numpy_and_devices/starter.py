"""Exercise 03: NumPy and devices.

Fill in each function, then run `grade exercise 03`.
Read the instructions with `grade show 03` (or `grade show 03 --lang zh`).
"""
import numpy as np
import torch


def np_view(a):
    """A tensor that shares memory with the NumPy array `a` (same dtype, same shape).

    Writing into the tensor must change `a`, and the other way round.
    """
    raise NotImplementedError


def np_copy(a):
    """A tensor with the values, dtype and shape of the NumPy array `a`, sharing no memory with it."""
    raise NotImplementedError


def to_numpy(x):
    """The values of tensor x as a NumPy array (same dtype and shape).

    Must work when x requires grad and when x lives on a GPU.
    """
    raise NotImplementedError


def pick_device():
    """torch.device("cuda") when a GPU is available, else torch.device("cpu")."""
    raise NotImplementedError


def zeros_like_device(x, n):
    """A 1-D tensor of n zeros with x's dtype, on x's device."""
    raise NotImplementedError
