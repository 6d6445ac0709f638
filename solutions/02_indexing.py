"""Reference solution for exercise 02 (indexing)."""
import torch


def last_column(x):
    return x[:, -1]


def select_rows(x, mask):
    return x[mask]


def with_diagonal(x, v):
    y = x.clone()
    y.diagonal()[:] = v
    return y
