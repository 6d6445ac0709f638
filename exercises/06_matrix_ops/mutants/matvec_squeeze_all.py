"""Mutant: .squeeze() without a dim also drops B or n when they are 1."""
import torch


def linear_forward(x, W, b):
    return x @ W.T + b


def batched_matvec(A, v):
    return (A @ v[:, :, None]).squeeze()


def gram(x):
    return x @ x.T
