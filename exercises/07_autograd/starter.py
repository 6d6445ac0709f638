"""Exercise 07: autograd.

Run `grade show 07` for the full instructions.
"""
import torch


def derivative_at(coeffs, x0):
    """The derivative p'(x0) of p(x) = sum(coeffs[k] * x**k), computed with autograd.

    coeffs: a list of numbers, lowest power first (coeffs[k] multiplies x**k).
    x0: a Python number (int or float).
    Returns a Python float.

    >>> derivative_at([1.0, 2.0, 3.0], 2.0)   # p'(x) = 2 + 6x
    14.0
    """
    raise NotImplementedError


def vjp(f, x, v):
    """The vector-Jacobian product v^T J of f at x, as x.grad.

    Compute y = f(x), call y.backward(gradient=v), return x.grad.
    x requires grad; v has the shape of f(x).

    >>> x = torch.tensor([1., 2., 3.], requires_grad=True)
    >>> vjp(lambda t: t ** 2, x, torch.tensor([1., 0.5, 2.]))
    tensor([ 2.,  2., 12.])
    """
    raise NotImplementedError


def grad_after_k_backwards(f, x, k):
    """Run y = f(x); y.backward() k times (fresh forward pass each time, no zeroing).

    f returns a scalar; x requires grad; k >= 1. Returns x.grad, which is then
    k times the gradient of f at x.

    >>> x = torch.tensor([1., -2., 3.], requires_grad=True)
    >>> grad_after_k_backwards(lambda t: (t ** 2).sum(), x, 3)
    tensor([  6., -12.,  18.])
    """
    raise NotImplementedError
