"""Sigmoid as a torch.autograd.Function with a hand-written backward."""
import torch
from grader.checks import points, hint, target, assert_tensor, fail
from support_function import (backward, expect_finite_differences, expect_forward, expect_gradient,
                              expect_own_backward, expect_saved)


def _sigmoid(x):
    """The check's own sigma, in float64, cast back."""
    return (1 / (1 + torch.exp(-x.detach().double()))).to(x.dtype)


def _dsigmoid(x):
    s = 1 / (1 + torch.exp(-x.detach().double()))
    return (s * (1 - s)).to(x.dtype)


def _forward(student, x, device):
    xd = x.detach().double()
    named = [
        (1 / (1 + torch.exp(xd)), "your forward computes 1 / (1 + exp(x)) = sigma(-x): "
                                  "the exponent is -x, 1 / (1 + torch.exp(-x))."),
        (torch.tanh(xd), "your forward computes tanh(x), not sigmoid: 1 / (1 + torch.exp(-x))."),
        (torch.exp(-xd) / (1 + torch.exp(-xd)), "your forward computes exp(-x) / (1 + exp(-x)) = "
                                                "1 - sigma(x): sigmoid is 1 / (1 + torch.exp(-x))."),
    ]
    return expect_forward(student, "Sigmoid", x, _sigmoid(x), device, named)


def _gradient(student, x, g, device):
    xd, gd = x.detach().double(), g.double()
    s = torch.sigmoid(xd)
    named = [
        (s * (1 - s), "your backward ignores grad_output: it returns sigma'(x) alone. "
                      "Multiply by grad_output (chain rule): grad_output * y * (1 - y)."),
        (gd * xd * (1 - xd), "your backward uses the input x where it needs the output y = "
                             "sigma(x): save the output in forward (ctx.save_for_backward(y)) "
                             "and return grad_output * y * (1 - y)."),
        (gd * (1 - s ** 2), "your backward uses 1 - y**2, which is the derivative of tanh; "
                            "for sigmoid it is y * (1 - y)."),
        (gd * s, "your backward returns grad_output * y: sigma'(x) = y * (1 - y)."),
        (-gd * s * (1 - s), "your backward has the wrong sign: sigma'(x) = y * (1 - y) "
                            "is positive."),
        (gd * s * (1 - s) * s * (1 - s), "your backward multiplies by y * (1 - y) twice."),
    ]
    return expect_gradient(student, "Sigmoid", x, g, g * _dsigmoid(x), device, named,
                          "Return grad_output * y * (1 - y).")


@points(2)
@target("Sigmoid")
@hint("sigma(x) = 1 / (1 + torch.exp(-x)), elementwise; it keeps the shape and dtype of x.")
def check_forward_values(student, case, device):
    """forward on a random (i, j) matrix"""
    x = (case.randn("i", "j") * 3).requires_grad_(True)
    _forward(student, x, device)


@points(2)
@target("Sigmoid")
@hint("Subclass torch.autograd.Function, give it @staticmethod forward(ctx, x) and "
      "backward(ctx, grad_output), and use it through Sigmoid.apply(x). Do not replace apply.")
def check_uses_custom_backward(student, case, device):
    """Sigmoid is a torch.autograd.Function and apply records a SigmoidBackward node"""
    x = case.randn("i").requires_grad_(True)
    _, report = _forward(student, x, device)
    _gradient(student, x.detach(), case.randn("i"), device)
    expect_own_backward(report, "Sigmoid", "compute sigma")


@points(3)
@target("Sigmoid")
@hint("backward returns grad_output * y * (1 - y), where y is the output you saved in forward.")
def check_backward_random_upstream(student, case, device):
    """backward with a random upstream gradient matches grad_output * s * (1 - s)"""
    x = case.randn("i", "j") * 2
    g = case.randn("i", "j")
    _gradient(student, x, g, device)


@points(2)
@target("Sigmoid")
@hint("The grader compares your backward with finite differences of your forward (as "
      "torch.autograd.gradcheck does); a mismatch means backward does not compute the "
      "derivative of what forward computes.")
def check_gradcheck_float64(student, case):
    """backward matches finite differences of forward in float64 (gradcheck's test)"""
    expect_finite_differences(student, "Sigmoid", case, scale=2.0)


@points(1)
@target("Sigmoid")
@hint("In forward: ctx.save_for_backward(y). In backward: (y,) = ctx.saved_tensors. "
      "Storing tensors as ctx attributes (ctx.y = y) bypasses autograd's checks.")
def check_saves_for_backward(student, case, device):
    """forward keeps its tensor with ctx.save_for_backward"""
    x = case.randn("i").requires_grad_(True)
    _, report = _forward(student, x, device)
    _gradient(student, x.detach(), case.randn("i"), device)
    expect_saved(report, "Sigmoid", "output")


@points(1)
@target("Sigmoid")
@hint("exp(x) / (1 + exp(x)) gives inf / inf = nan for large x; 1 / (1 + torch.exp(-x)) "
      "gives 1 / (1 + inf) = 0 and 1 / (1 + 0) = 1, both fine.")
def check_extreme_inputs(student, device):
    """x = -100, -30, 0, 30, 100: finite values and gradients"""
    x = torch.tensor([-100.0, -30.0, 0.0, 30.0, 100.0])
    y, grad = backward(student, "Sigmoid", x, torch.ones(5))
    if isinstance(y, torch.Tensor) and y.shape == x.shape and not bool(torch.isfinite(y).all()):
        fail(f"your forward gives non-finite values for large |x|: {y}. Use 1 / (1 + torch.exp(-x)).")
    assert_tensor(y, _sigmoid(x), inputs=(x,), name="Sigmoid.apply(x)", device=device)
    if isinstance(grad, torch.Tensor) and grad.shape == x.shape and \
            not bool(torch.isfinite(grad).all()):
        fail(f"your backward gives non-finite gradients for large |x|: {grad}. Compute it from the "
             "saved output: y * (1 - y).")
    if grad is None:
        fail("no gradient reached x: your backward returned None. Return grad_output * y * (1 - y).")
    assert_tensor(grad, _dsigmoid(x), inputs=(x,), name="gradient (from your backward)",
                  device=device)


@points(1)
@target("Sigmoid")
@hint("Use only elementwise operations: they work for 0-d and empty tensors and keep the dtype.")
def check_scalar_empty_float64(student, case, device):
    """a 0-d input, an empty (0, i) input, and float64 forward and backward"""
    x0 = torch.tensor(0.7)
    _gradient(student, x0, torch.tensor(1.5), device)
    xe = torch.zeros(0, case.size("i"))
    _forward(student, xe, device)
    xd = case.randn("j", "k", dtype=torch.float64)
    _forward(student, xd, device)
    _gradient(student, xd, case.randn("j", "k", dtype=torch.float64), device)
