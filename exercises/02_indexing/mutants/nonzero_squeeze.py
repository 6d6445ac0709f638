"""Mutant: select_rows uses mask.nonzero().squeeze(): one True drops the row axis."""
import torch


def last_column(x):
    return x[:, -1]


def select_rows(x, mask):
    return x[mask.nonzero().squeeze()]


def with_diagonal(x, v):
    y = x.clone()
    y.diagonal()[:] = v
    return y
