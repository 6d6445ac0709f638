"""The worked examples from the instructions."""
import torch
from grader.checks import points, hint, target, assert_tensor, fail
from support_function import backward


def _example(student, name, x, y_expected, grad_expected, device):
    # y = F.apply(x); y.sum().backward(); then y and x.grad (run in the jail
    # by the grader's builder models.function_backward, with a gradient of ones)
    y, grad = backward(student, name, x, torch.ones_like(x))
    assert_tensor(y, y_expected, inputs=(x,), name=f"{name}.apply(x)", device=device)
    if grad is None:
        fail("x.grad is None after backward: return the gradient from backward.")
    assert_tensor(grad, grad_expected, inputs=(x,), name="x.grad", device=device)


@points(1)
@target("Sigmoid")
@hint("forward: y = 1 / (1 + torch.exp(-x)); ctx.save_for_backward(y); return y. "
      "backward: (y,) = ctx.saved_tensors; return grad_output * y * (1 - y)")
def check_sigmoid_example(student, device):
    """Sigmoid.apply on [-1, 0, 2], then backward of the sum"""
    x = torch.tensor([-1.0, 0.0, 2.0])
    s = 1 / (1 + torch.exp(-x))
    _example(student, "Sigmoid", x, s, s * (1 - s), device)


@points(1)
@target("Square")
@hint("forward: ctx.save_for_backward(x); return x * x. backward: (x,) = ctx.saved_tensors; "
      "return grad_output * 2 * x")
def check_square_example(student, device):
    """Square.apply on [0, 2, -3], then backward of the sum"""
    x = torch.tensor([0.0, 2.0, -3.0])
    _example(student, "Square", x, torch.tensor([0.0, 4.0, 9.0]),
             torch.tensor([0.0, 4.0, -6.0]), device)
