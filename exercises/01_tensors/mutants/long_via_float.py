"""Mutant: as_long goes through a float32 tensor: big ints lose digits."""
import torch


def make_filled(shape, value, dtype=torch.float32):
    return torch.full(tuple(shape), value, dtype=dtype)


def as_long(values):
    return torch.Tensor(values).long()


def to_double(x):
    return x.to(torch.float64, copy=True)
