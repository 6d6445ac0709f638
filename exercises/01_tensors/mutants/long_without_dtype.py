"""Mutant: as_long lets torch.tensor guess the dtype: [] becomes float32."""
import torch


def make_filled(shape, value, dtype=torch.float32):
    return torch.full(tuple(shape), value, dtype=dtype)


def as_long(values):
    return torch.tensor(values)


def to_double(x):
    return x.to(torch.float64, copy=True)
