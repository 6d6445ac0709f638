"""Mutant: make_filled always makes float32, whatever dtype it is given."""
import torch


def make_filled(shape, value, dtype=torch.float32):
    return torch.full(tuple(shape), value, dtype=torch.float32)


def as_long(values):
    return torch.tensor(values, dtype=torch.long)


def to_double(x):
    return x.to(torch.float64, copy=True)
