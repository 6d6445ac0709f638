"""Mutant (lies): zeros_like_device is torch.zeros(n): float32 and on the CPU whatever x is,
and the file replaces the grader's "where did the result land" builder with one that always
answers "meta, float64".

The placement report is a claim; the dtype of the zeros that come back is data."""
import numpy as np
import torch

from grader.jail.builders import BUILDERS, Claimed


def _forged(fn, device, x, n, *args, **kwargs):
    return Claimed({"device": str(device), "dtype": str(x.dtype), "shape": [int(n)]})


BUILDERS["devices.placed"] = _forged


def np_view(a):
    return torch.from_numpy(a)


def np_copy(a):
    return torch.tensor(a)


def to_numpy(x):
    return x.detach().cpu().numpy()


def pick_device():
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def zeros_like_device(x, n):
    return torch.zeros(n)
