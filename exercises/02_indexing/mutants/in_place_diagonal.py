"""Mutant: with_diagonal writes into x itself (no clone)."""
import torch


def last_column(x):
    return x[:, -1]


def select_rows(x, mask):
    return x[mask]


def with_diagonal(x, v):
    y = x
    y.diagonal()[:] = v
    return y
