"""Mutant: to_double uses torch.as_tensor, which shares memory when it can."""
import torch


def make_filled(shape, value, dtype=torch.float32):
    return torch.full(tuple(shape), value, dtype=dtype)


def as_long(values):
    return torch.tensor(values, dtype=torch.long)


def to_double(x):
    return torch.as_tensor(x, dtype=torch.float64)
