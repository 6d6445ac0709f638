"""Mutant: with_diagonal blends with an eye mask: 0 * inf gives nan."""
import torch


def last_column(x):
    return x[:, -1]


def select_rows(x, mask):
    return x[mask]


def with_diagonal(x, v):
    eye = torch.eye(x.shape[0], dtype=x.dtype, device=x.device)
    return x * (1 - eye) + eye * v
