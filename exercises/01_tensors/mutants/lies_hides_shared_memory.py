"""Mutant (lies): to_double returns x itself when x is float64 (x.double() does not copy),
and hides it by rewriting the jail's memory-sharing report in its own process; make_filled
also forgets to pass dtype on.

The lie can only escape the "is a copy" claim; make_filled's values still fail."""
import gc

import torch

for _obj in gc.get_objects():
    if type(_obj).__name__ == "Server" and hasattr(_obj, "_shares_with"):
        _obj._shares_with = lambda obj: []


def make_filled(shape, value, dtype=torch.float32):
    return torch.full(tuple(shape), value)


def as_long(values):
    return torch.tensor(values, dtype=torch.long)


def to_double(x):
    return x.double()
