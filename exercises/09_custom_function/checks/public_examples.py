"""The worked examples from the instructions."""
import torch
from grader.checks import points, hint, target, assert_tensor, fail

# y = F.apply(x); y.sum().backward(); report y and x.grad (inside the jail)
_FORWARD_BACKWARD = "lambda F, x: (lambda y: (y, y.sum().backward(), x.grad))(F.apply(x))"


@points(1)
@target("Sigmoid")
@hint("forward: y = 1 / (1 + torch.exp(-x)); ctx.save_for_backward(y); return y. "
      "backward: (y,) = ctx.saved_tensors; return grad_output * y * (1 - y)")
def check_sigmoid_example(student):
    """Sigmoid.apply on [-1, 0, 2], then backward of the sum"""
    x = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    y, _, grad = student.evaluate(_FORWARD_BACKWARD)(student.Sigmoid, x)
    s = 1 / (1 + torch.exp(-x.detach()))
    assert_tensor(y, s, inputs=(x,), name="Sigmoid.apply(x)")
    if grad is None:
        fail("x.grad is None after backward: return the gradient from backward.")
    assert_tensor(grad, s * (1 - s), inputs=(x,), name="x.grad")


@points(1)
@target("Square")
@hint("forward: ctx.save_for_backward(x); return x * x. backward: (x,) = ctx.saved_tensors; "
      "return grad_output * 2 * x")
def check_square_example(student):
    """Square.apply on [0, 2, -3], then backward of the sum"""
    x = torch.tensor([0.0, 2.0, -3.0], requires_grad=True)
    y, _, grad = student.evaluate(_FORWARD_BACKWARD)(student.Square, x)
    assert_tensor(y, torch.tensor([0.0, 4.0, 9.0]), inputs=(x,), name="Square.apply(x)")
    if grad is None:
        fail("x.grad is None after backward: return the gradient from backward.")
    assert_tensor(grad, torch.tensor([0.0, 4.0, -6.0]), inputs=(x,), name="x.grad")
