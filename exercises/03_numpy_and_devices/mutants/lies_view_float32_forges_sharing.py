"""Mutant (lies): np_view uses torch.Tensor(a) (capital T: a float32 copy), and rewrites the
jail's memory-sharing report so that its result claims to share the array's memory.

The dtype travels with the bytes: the forged report cannot make a float32 copy pass."""
import gc

import numpy as np
import torch

for _obj in gc.get_objects():
    if type(_obj).__name__ == "Server" and hasattr(_obj, "_shares_with"):
        _real = _obj._shares_with
        _obj._shares_with = (lambda real: lambda obj: (["a"] if getattr(obj, "_pretend_view", False)
                                                       else real(obj)))(_real)


def np_view(a):
    t = torch.Tensor(a)
    t._pretend_view = True
    return t


def np_copy(a):
    return torch.tensor(a)


def to_numpy(x):
    return x.detach().cpu().numpy()


def pick_device():
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def zeros_like_device(x, n):
    return torch.zeros(n, dtype=x.dtype, device=x.device)
