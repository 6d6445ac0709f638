"""Mutant: (A * v).sum(-1): v is not given its batch axis right."""
import torch


def linear_forward(x, W, b):
    return x @ W.T + b


def batched_matvec(A, v):
    return (A * v).sum(-1)


def gram(x):
    return x @ x.T
