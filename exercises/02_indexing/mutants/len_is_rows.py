"""Mutant: last_column uses len(x) - 1, the number of rows, as the column index."""
import torch


def last_column(x):
    return x[:, len(x) - 1]


def select_rows(x, mask):
    return x[mask]


def with_diagonal(x, v):
    y = x.clone()
    y.diagonal()[:] = v
    return y
