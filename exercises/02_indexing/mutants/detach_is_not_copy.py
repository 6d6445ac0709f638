"""Mutant: with_diagonal uses x.detach(), which shares memory with x."""
import torch


def last_column(x):
    return x[:, -1]


def select_rows(x, mask):
    return x[mask]


def with_diagonal(x, v):
    y = x.detach()
    y.diagonal()[:] = v
    return y
