"""Mutant: numpy_polyder (NumPy's polynomial helpers instead of autograd)."""
import numpy as np
import torch


def derivative_at(coeffs, x0):
    return float(np.polyval(np.polyder(list(reversed(coeffs))), x0))


def vjp(f, x, v):
    y = f(x)
    y.backward(gradient=v)
    return x.grad


def grad_after_k_backwards(f, x, k):
    for _ in range(k):
        y = f(x)
        y.backward()
    return x.grad
