"""Mutant (a liar): vjp ignores v, and returns a Tensor subclass that says it equals anything.

Its comparisons, allclose and class name all answer in its favour, but only
inside the student's process: the check rebuilds the values from bytes and
compares them itself.
"""
import torch


class Agreeable(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", "")
        if name in ("eq", "__eq__", "allclose", "equal", "isclose"):
            return True
        return super().__torch_function__(func, types, args, kwargs or {})

    def __eq__(self, other):
        return True

    __hash__ = torch.Tensor.__hash__


Agreeable.__name__ = Agreeable.__qualname__ = "Tensor"


def derivative_at(coeffs, x0):
    x = torch.tensor(float(x0), dtype=torch.float64, requires_grad=True)
    y = sum(float(c) * x ** k for k, c in enumerate(coeffs))
    y.backward()
    return x.grad.item()


def vjp(f, x, v):
    y = f(x)
    y.sum().backward()
    return x.grad.detach().as_subclass(Agreeable)


def grad_after_k_backwards(f, x, k):
    for _ in range(k):
        y = f(x)
        y.backward()
    return x.grad
