"""Mutant: make_filled uses torch.Tensor(shape), which reads the shape as data."""
import torch


def make_filled(shape, value, dtype=torch.float32):
    return torch.Tensor(shape).fill_(value).to(dtype)


def as_long(values):
    return torch.tensor(values, dtype=torch.long)


def to_double(x):
    return x.to(torch.float64, copy=True)
