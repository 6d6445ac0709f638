"""Mutant: x @ W + b: W used without its transpose."""
import torch


def linear_forward(x, W, b):
    return x @ W + b


def batched_matvec(A, v):
    return (A @ v[..., None])[..., 0]


def gram(x):
    return x @ x.T
