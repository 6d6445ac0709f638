"""Helpers shared by exercise 09's checks (trusted check code).

It ships with the public checks in a release: nothing here may give away a
hidden check. Everything runs through the grader's own builders
(grader/jail/builders/models.py): the values that come back (outputs,
gradients) are verified against the check's own calculus and finite
differences; what the student's process says about its Function (a subclass
of torch.autograd.Function? its grad_fn? its saved tensors?) is a claim, read
only after the values passed, and it can only cost points (claim_fail).
"""
import math

import torch

from grader.checks import assert_tensor, claim_fail, fail


def close(a, b, atol=1e-5):
    return (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape
            and bool(torch.allclose(a.double(), b.double(), rtol=1e-4, atol=atol)))


def apply(student, name, x):
    """y = <name>.apply(x) in the student's process: (y, the process's report, a Claim)."""
    return student.build("models.apply_function", getattr(student, name), x)


def backward(student, name, x, g):
    """y = <name>.apply(x); y.backward(g): (y, x.grad), both values the check verifies."""
    return student.build("models.function_backward", getattr(student, name), x, g)


def reported(claim) -> dict:
    """The report of models.apply_function (what the student's process says): a dict."""
    value = getattr(claim, "value", None)
    return value if isinstance(value, dict) else {}


def name_mistake(actual, named):
    """Raise the message of the first known mistake whose value `actual` matches."""
    for value, message in named:
        if close(actual, value):
            raise AssertionError(message)


def expect_forward(student, name, x, expected, device, named=()):
    """<name>.apply(x) must equal `expected`; returns (y, report)."""
    y, report = apply(student, name, x)
    if isinstance(y, torch.Tensor) and not close(y, expected):
        name_mistake(y, named)
    assert_tensor(y, expected, inputs=(x,), name=f"{name}.apply(x)", device=device)
    return y, report


def expect_gradient(student, name, x, g, expected, device, named=(), none_hint=""):
    """The gradient reaching x when g flows back from <name>.apply(x) must equal `expected`."""
    _, grad = backward(student, name, x, g)
    if grad is None:
        fail(f"no gradient reached x: your backward returned None (or {name}.apply(x) is not"
             f" connected to x). {none_hint}".rstrip())
    if isinstance(grad, torch.Tensor) and not close(grad, expected):
        name_mistake(grad, named)
    assert_tensor(grad, expected, inputs=(x, g), name="gradient (from your backward)",
                  device=device)
    return grad


def expect_finite_differences(student, name, case, scale=1.0, directions=3, eps=1e-6):
    """backward agrees with central differences of forward, in float64 (what gradcheck tests).

    Along random directions v and a random upstream gradient g:
    (<f(x + eps v), g> - <f(x - eps v), g>) / (2 eps) must equal <v, grad>,
    where grad is what backward returns for g. Every number is a value the
    check received and computes with itself.
    """
    x = case.randn("i", "j", dtype=torch.float64) * scale
    g = case.randn("i", "j", dtype=torch.float64)
    _, grad = backward(student, name, x, g)
    if not isinstance(grad, torch.Tensor) or grad.shape != x.shape:
        fail(f"your backward should give a gradient of shape {tuple(x.shape)} for a float64"
             f" input of that shape, but it gave {_what(grad)}.")
    for _ in range(directions):
        v = case.randn("i", "j", dtype=torch.float64)
        up, _ = apply(student, name, x + eps * v)
        down, _ = apply(student, name, x - eps * v)
        for y in (up, down):
            if not isinstance(y, torch.Tensor) or y.shape != x.shape:
                fail(f"your forward should return a tensor of shape {tuple(x.shape)} for a"
                     f" float64 input of that shape, but it returned {_what(y)}.")
        numeric = float(((up.double() - down.double()) * g).sum()) / (2 * eps)
        analytic = float((grad.double() * v).sum())
        if not (math.isfinite(numeric) and math.isfinite(analytic)) or \
                abs(numeric - analytic) > 1e-4 + 1e-3 * abs(numeric):
            fail("your backward does not match the numerical derivative of your forward"
                 " (the test torch.autograd.gradcheck makes, in float64): along a random"
                 f" direction v, finite differences of forward give {numeric:.6g}, your backward"
                 f" gives {analytic:.6g}. Backward must return grad_output times the derivative"
                 " of what forward computes.")


def expect_own_backward(report, name, compute):
    """Claims, read after the values passed: a Function subclass, applied with its own node."""
    r = reported(report)
    if r.get("is_function") is not True:
        claim_fail(f"your process reports that {name} is not a subclass of"
                   f" torch.autograd.Function: write class {name}(torch.autograd.Function).")
    if r.get("overrides_apply"):
        claim_fail(f"your {name} defines its own apply: then your forward and backward never"
                   " run and autograd differentiates the built-in operations instead. Delete"
                   f" apply (the inherited one connects them) and {compute} inside forward(ctx, x).")
    node = r.get("grad_fn")
    if node != f"{name}Backward":
        if node is None:
            claim_fail(f"your process reports no grad_fn on the result of {name}.apply(x)"
                       " although x requires grad: let apply run your forward; do not detach"
                       " or use no_grad.")
        claim_fail(f"your process reports that the result of {name}.apply(x) has grad_fn"
                   f" {node}, not {name}Backward (the node of your own Function): autograd is"
                   " using its own backward for the built-in operations, not yours. Do not"
                   f" override apply; {compute} inside forward(ctx, x).")


def expect_saved(report, name, what):
    """A claim, read after the values passed: forward kept a tensor with ctx.save_for_backward."""
    saved = reported(report).get("saved_tensors")
    if type(saved) is not int or saved < 1:
        claim_fail(f"your process reports that forward saved no tensor with"
                   f" ctx.save_for_backward: save the {what} there instead of storing it on ctx"
                   " as an attribute.")


def _what(value) -> str:
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)}"
    return "None" if value is None else f"a {type(value).__name__}"
