"""Mutant: torch.mm: works for 2-D x only."""
import torch


def linear_forward(x, W, b):
    return torch.mm(x, W.T) + b


def batched_matvec(A, v):
    return (A @ v[..., None])[..., 0]


def gram(x):
    return x @ x.T
