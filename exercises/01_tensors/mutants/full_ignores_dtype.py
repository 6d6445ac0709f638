"""Mutant: make_filled calls torch.full without passing dtype on (int values give int64)."""
import torch


def make_filled(shape, value, dtype=torch.float32):
    return torch.full(tuple(shape), value)


def as_long(values):
    return torch.tensor(values, dtype=torch.long)


def to_double(x):
    return x.to(torch.float64, copy=True)
