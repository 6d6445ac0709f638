"""Mutant (lies): pick_device asks torch only once, at import, and the file also switches off
the grader's "pretend a GPU is there" builder in its own process, so torch never changes its
answer.

What pick_device returns is data: the check expects cuda when it asked for a GPU, whatever
the process then did with the request."""
import numpy as np
import torch

from grader.jail.builders import BUILDERS

BUILDERS["devices.pretend_cuda"] = lambda available: None
BUILDERS["devices.restore_cuda"] = lambda: None


def np_view(a):
    return torch.from_numpy(a)


def np_copy(a):
    return torch.tensor(a)


def to_numpy(x):
    return x.detach().cpu().numpy()


DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def pick_device():
    return DEVICE


def zeros_like_device(x, n):
    return torch.zeros(n, dtype=x.dtype, device=x.device)
