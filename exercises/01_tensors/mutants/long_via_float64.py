"""Mutant: as_long goes through float64: ints above 2**53 lose digits."""
import torch


def make_filled(shape, value, dtype=torch.float32):
    return torch.full(tuple(shape), value, dtype=dtype)


def as_long(values):
    return torch.tensor(values, dtype=torch.float64).long()


def to_double(x):
    return x.to(torch.float64, copy=True)
