"""Mutant: select_rows multiplies by the mask, zeroing rows instead of removing them."""
import torch


def last_column(x):
    return x[:, -1]


def select_rows(x, mask):
    return x * mask[:, None]


def with_diagonal(x, v):
    y = x.clone()
    y.diagonal()[:] = v
    return y
