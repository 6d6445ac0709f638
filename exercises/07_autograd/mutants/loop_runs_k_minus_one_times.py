"""Mutant: loop_runs_k_minus_one_times."""
import torch


def derivative_at(coeffs, x0):
    x = torch.tensor(float(x0), dtype=torch.float64, requires_grad=True)
    y = sum(float(c) * x ** k for k, c in enumerate(coeffs))
    y.backward()
    return x.grad.item()


def vjp(f, x, v):
    y = f(x)
    y.backward(gradient=v)
    return x.grad


def grad_after_k_backwards(f, x, k):
    for _ in range(1, k):
        y = f(x)
        y.backward()
    return x.grad
