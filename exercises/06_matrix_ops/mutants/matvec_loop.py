"""Mutant: a Python loop over the batch."""
import torch


def linear_forward(x, W, b):
    return x @ W.T + b


def batched_matvec(A, v):
    return torch.stack([A[k] @ v[k] for k in range(A.shape[0])])


def gram(x):
    return x @ x.T
