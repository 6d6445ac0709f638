"""Mutant: the bias is never added."""
import torch


def linear_forward(x, W, b):
    return x @ W.T


def batched_matvec(A, v):
    return (A @ v[..., None])[..., 0]


def gram(x):
    return x @ x.T
