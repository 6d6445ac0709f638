"""Mutant: to_double uses x.to(torch.float64), which returns x itself when x is float64."""
import torch


def make_filled(shape, value, dtype=torch.float32):
    return torch.full(tuple(shape), value, dtype=dtype)


def as_long(values):
    return torch.tensor(values, dtype=torch.long)


def to_double(x):
    return x.to(torch.float64)
