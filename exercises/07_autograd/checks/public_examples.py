"""The worked examples from the instructions."""
import torch
from grader.checks import points, hint, target, assert_tensor, assert_number, fn


@points(1)
@target("derivative_at")
@hint("p(x) = 1 + 2x + 3x**2, so p'(x) = 2 + 6x and p'(2) = 14. Return x.grad.item().")
def check_derivative_at_example(student):
    """derivative_at([1.0, 2.0, 3.0], 2.0) is 14.0"""
    assert_number(student.derivative_at([1.0, 2.0, 3.0], 2.0), 14.0, rel=1e-5, abs=1e-5)


@points(1)
@target("vjp")
@hint("y = f(x); y.backward(gradient=v); return x.grad")
def check_vjp_example(student):
    """vjp(lambda x: x ** 2, [1, 2, 3], v=[1, 0.5, 2]) is [2, 2, 12]"""
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = torch.tensor([1.0, 0.5, 2.0])
    assert_tensor(student.vjp(fn.x ** 2, x, v), torch.tensor([2.0, 2.0, 12.0]), inputs=(x, v))


@points(1)
@target("grad_after_k_backwards")
@hint("for _ in range(k): f(x).backward()   then return x.grad")
def check_grad_after_k_backwards_example(student):
    """three backward passes of (x ** 2).sum() give 3 * 2x"""
    x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    assert_tensor(student.grad_after_k_backwards((fn.x ** 2).sum(), x, 3),
                  torch.tensor([6.0, -12.0, 18.0]), inputs=(x,))
