"""Mutant: power_rule_by_hand (right numbers, but no autograd)."""
import torch


def derivative_at(coeffs, x0):
    return float(sum(k * c * x0 ** (k - 1) for k, c in enumerate(coeffs) if k > 0))


def vjp(f, x, v):
    y = f(x)
    y.backward(gradient=v)
    return x.grad


def grad_after_k_backwards(f, x, k):
    for _ in range(k):
        y = f(x)
        y.backward()
    return x.grad
