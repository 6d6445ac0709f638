"""Square as a torch.autograd.Function with a hand-written backward."""
import torch
from grader.checks import points, hint, target
from support_function import (expect_finite_differences, expect_forward, expect_gradient,
                              expect_own_backward, expect_saved)


def _forward(student, x, device):
    xd = x.detach()
    named = [(2 * xd, "your forward computes 2 * x; Square is x * x.")]
    return expect_forward(student, "Square", x, xd * xd, device, named)


def _gradient(student, x, g, device):
    xd = x.detach()
    named = [
        (g * xd, "your backward returns grad_output * x: the derivative of x**2 is 2 * x, "
                 "you are missing the factor 2."),
        (2 * xd, "your backward ignores grad_output: it returns 2 * x alone. Multiply by "
                 "grad_output (chain rule): grad_output * 2 * x."),
        (2 * g, "your backward returns 2 * grad_output: the derivative of x**2 is 2 * x, "
                "so multiply by x as well."),
        (g * 2 * xd * xd, "your backward uses the output x**2 where it needs the input x: "
                          "save the input in forward (ctx.save_for_backward(x))."),
        (g * xd * xd, "your backward returns grad_output * x**2 (the forward value); the "
                      "derivative of x**2 is 2 * x."),
        (-g * 2 * xd, "your backward has the wrong sign."),
    ]
    return expect_gradient(student, "Square", x, g, g * 2 * xd, device, named,
                          "Return grad_output * 2 * x.")


@points(1)
@target("Square")
@hint("forward returns x * x (or x ** 2); it keeps the shape and dtype of x.")
def check_forward_values(student, case, device):
    """forward on a random (i, j) matrix"""
    x = case.randn("i", "j").requires_grad_(True)
    _forward(student, x, device)


@points(2)
@target("Square")
@hint("Subclass torch.autograd.Function, give it @staticmethod forward(ctx, x) and "
      "backward(ctx, grad_output), and use it through Square.apply(x). Do not replace apply.")
def check_uses_custom_backward(student, case, device):
    """Square is a torch.autograd.Function and apply records a SquareBackward node"""
    x = case.randn("i").requires_grad_(True)
    _, report = _forward(student, x, device)
    _gradient(student, x.detach(), case.randn("i"), device)
    expect_own_backward(report, "Square", "compute x * x")


@points(3)
@target("Square")
@hint("backward returns grad_output * 2 * x, where x is the input you saved in forward.")
def check_backward_random_upstream(student, case, device):
    """backward with a random upstream gradient matches grad_output * 2x"""
    x = case.randn("i", "j")
    g = case.randn("i", "j")
    _gradient(student, x, g, device)


@points(2)
@target("Square")
@hint("The grader compares your backward with finite differences of your forward (as "
      "torch.autograd.gradcheck does); a mismatch means backward does not compute the "
      "derivative of what forward computes.")
def check_gradcheck_float64(student, case):
    """backward matches finite differences of forward in float64 (gradcheck's test)"""
    expect_finite_differences(student, "Square", case)


@points(1)
@target("Square")
@hint("In forward: ctx.save_for_backward(x). In backward: (x,) = ctx.saved_tensors.")
def check_saves_for_backward(student, case, device):
    """forward keeps the input with ctx.save_for_backward"""
    x = case.randn("i").requires_grad_(True)
    _, report = _forward(student, x, device)
    _gradient(student, x.detach(), case.randn("i"), device)
    expect_saved(report, "Square", "input")


@points(1)
@target("Square")
@hint("Use only elementwise operations: they work for 0-d and empty tensors and keep the dtype.")
def check_scalar_empty_float64(student, case, device):
    """a 0-d input, an empty (0, i) input, and float64 forward and backward"""
    x0 = torch.tensor(-1.5)
    _gradient(student, x0, torch.tensor(0.5), device)
    xe = torch.zeros(0, case.size("i"))
    _forward(student, xe, device)
    xd = case.randn("j", "k", dtype=torch.float64)
    _forward(student, xd, device)
    _gradient(student, xd, case.randn("j", "k", dtype=torch.float64), device)
