"""Mutant: torch.bmm with v.unsqueeze(1), a row instead of a column."""
import torch


def linear_forward(x, W, b):
    return x @ W.T + b


def batched_matvec(A, v):
    return torch.bmm(A, v.unsqueeze(1)).squeeze(1)


def gram(x):
    return x @ x.T
