"""Mutant: make_filled multiplies torch.ones(shape) by value, ignoring dtype."""
import torch


def make_filled(shape, value, dtype=torch.float32):
    return torch.ones(shape) * value


def as_long(values):
    return torch.tensor(values, dtype=torch.long)


def to_double(x):
    return x.to(torch.float64, copy=True)
