"""Mutant: with_diagonal returns the diagonal it set, not the matrix."""
import torch


def last_column(x):
    return x[:, -1]


def select_rows(x, mask):
    return x[mask]


def with_diagonal(x, v):
    y = x.clone()
    d = y.diagonal()
    d[:] = v
    return d
