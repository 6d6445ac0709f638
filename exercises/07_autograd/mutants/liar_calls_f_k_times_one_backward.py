"""Mutant (a liar): calls f k times so a call counter says k, back-propagates once, scales x.grad by k.

Whatever counts the calls of f, or reads x.grad for a stateless f, is fooled:
x.grad holds k times the gradient. With an f that differs from call to call,
the value of x.grad shows that only the first forward pass was back-propagated.
"""
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
    ys = [f(x) for _ in range(k)]
    ys[0].backward()
    with torch.no_grad():
        x.grad.mul_(k)
    return x.grad
