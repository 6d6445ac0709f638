"""Mutant: select_rows indexes with mask.long(), reading True/False as rows 1/0."""
import torch


def last_column(x):
    return x[:, -1]


def select_rows(x, mask):
    return x[mask.long()]


def with_diagonal(x, v):
    y = x.clone()
    y.diagonal()[:] = v
    return y
