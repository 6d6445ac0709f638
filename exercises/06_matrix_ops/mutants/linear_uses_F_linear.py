"""Mutant: calls torch.nn.functional.linear (forbidden)."""
import torch


def linear_forward(x, W, b):
    return torch.nn.functional.linear(x, W, b)


def batched_matvec(A, v):
    return (A @ v[..., None])[..., 0]


def gram(x):
    return x @ x.T
