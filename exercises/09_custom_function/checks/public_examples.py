"""The worked examples from the instructions."""
import torch
from grader.checks import points, hint, target, title, assert_tensor, fail
from support_function import (backward, close, name_mistake, output_name, sigmoid_forward_mistakes,
                              sigmoid_gradient_mistakes, square_forward_mistakes,
                              square_gradient_mistakes)

MISTAKES = {"Sigmoid": (sigmoid_forward_mistakes, sigmoid_gradient_mistakes),
            "Square": (square_forward_mistakes, square_gradient_mistakes)}


def _example(student, name, x, y_expected, grad_expected, device):
    # y = F.apply(x); y.sum().backward(); then y and x.grad (run in the jail
    # by the grader's builder models.function_backward, with a gradient of ones)
    ones = torch.ones_like(x)
    forward_mistakes, gradient_mistakes = MISTAKES[name]
    y, grad = backward(student, name, x, ones)
    if isinstance(y, torch.Tensor) and not close(y, y_expected):
        name_mistake(y, y_expected, forward_mistakes(x), (x,), output_name(name))
    assert_tensor(y, y_expected, inputs=(x,), name=output_name(name), device=device)
    if grad is None:
        fail("x.grad is None after backward: return the gradient for x from backward",
             zh="backward 之后 x.grad 是 None：backward 要返回 x 的梯度",
             evidence=f"x = {x}\ny = {name}.apply(x); y.sum().backward(); x.grad is None")
    if isinstance(grad, torch.Tensor) and not close(grad, grad_expected):
        name_mistake(grad, grad_expected, gradient_mistakes(x, ones), (x,), "x.grad")
    assert_tensor(grad, grad_expected, inputs=(x,), name="x.grad", device=device)


@points(1)
@target("Sigmoid")
@title(zh="对 [-1, 0, 2] 调用 Sigmoid.apply，再对求和结果做 backward")
@hint("forward: y = 1 / (1 + torch.exp(-x)); ctx.save_for_backward(y); return y. "
      "backward: (y,) = ctx.saved_tensors; return grad_output * y * (1 - y)",
      zh="forward：y = 1 / (1 + torch.exp(-x))；ctx.save_for_backward(y)；return y。"
         "backward：(y,) = ctx.saved_tensors；return grad_output * y * (1 - y)")
def check_sigmoid_example(student, device):
    """Sigmoid.apply on [-1, 0, 2], then backward of the sum"""
    x = torch.tensor([-1.0, 0.0, 2.0])
    s = 1 / (1 + torch.exp(-x))
    _example(student, "Sigmoid", x, s, s * (1 - s), device)


@points(1)
@target("Square")
@title(zh="对 [0, 2, -3] 调用 Square.apply，再对求和结果做 backward")
@hint("forward: ctx.save_for_backward(x); return x * x. backward: (x,) = ctx.saved_tensors; "
      "return grad_output * 2 * x",
      zh="forward：ctx.save_for_backward(x)；return x * x。backward：(x,) = ctx.saved_tensors；"
         "return grad_output * 2 * x")
def check_square_example(student, device):
    """Square.apply on [0, 2, -3], then backward of the sum"""
    x = torch.tensor([0.0, 2.0, -3.0])
    _example(student, "Square", x, torch.tensor([0.0, 4.0, 9.0]),
             torch.tensor([0.0, 4.0, -6.0]), device)
