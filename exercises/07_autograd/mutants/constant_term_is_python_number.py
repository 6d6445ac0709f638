"""Mutant: constant_term_is_python_number."""
import torch


def derivative_at(coeffs, x0):
    x = torch.tensor(float(x0), dtype=torch.float64, requires_grad=True)
    y = coeffs[0]
    for k in range(1, len(coeffs)):
        y = y + coeffs[k] * x ** k
    y.backward()
    return x.grad.item()


def vjp(f, x, v):
    y = f(x)
    y.backward(gradient=v)
    return x.grad


def grad_after_k_backwards(f, x, k):
    for _ in range(k):
        y = f(x)
        y.backward()
    return x.grad
