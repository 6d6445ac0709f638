"""Mutant: with_diagonal uses fill_diagonal_, which only accepts a number."""
import torch


def last_column(x):
    return x[:, -1]


def select_rows(x, mask):
    return x[mask]


def with_diagonal(x, v):
    y = x.clone()
    y.fill_diagonal_(v)
    return y
