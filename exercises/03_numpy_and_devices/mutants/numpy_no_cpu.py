"""Mutant: to_numpy detaches but never moves x to the CPU: fails for a GPU tensor."""
import numpy as np
import torch


def np_view(a):
    return torch.from_numpy(a)


def np_copy(a):
    return torch.tensor(a)


def to_numpy(x):
    return x.detach().numpy()


def pick_device():
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def zeros_like_device(x, n):
    return torch.zeros(n, dtype=x.dtype, device=x.device)
