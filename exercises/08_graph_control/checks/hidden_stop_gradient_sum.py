"""stop_gradient_sum(a, b): a + b with no gradient flowing to b."""
import torch
from grader.checks import points, hint, target, assert_tensor, claims, fail

# Calls the student's function in the jail, back-propagates g through the
# result, and reports what reached a and b (and whether b was left alone).
_PROBE = (
    "lambda fn, a, b, g: (lambda out: ("
    "out, "
    "(out * g.to(out.device)).sum().backward() if out.requires_grad else None, "
    "None if a.grad is None else a.grad.clone(), "
    "None if b.grad is None else b.grad.clone(), "
    "a.requires_grad, b.requires_grad))(fn(a, b))"
)


def _run(student, a, b, g):
    out, _, a_grad, b_grad, a_rg, b_rg = student.evaluate(_PROBE)(student.stop_gradient_sum, a, b, g)
    return out, a_grad, b_grad, a_rg, b_rg


def _expected_a_grad(a, b, g):
    al = a.detach().clone().requires_grad_(True)
    ((al + b.detach()) * g).sum().backward()
    return al.grad


def _pair(case, a_dims, b_dims, dtype=torch.float32):
    a = case.randn(*a_dims, dtype=dtype).requires_grad_(True)
    b = case.randn(*b_dims, dtype=dtype).requires_grad_(True)
    return a, b


@points(1)
@target("stop_gradient_sum")
@hint("The values are plain a + b; broadcasting works as for +.")
def check_values_broadcast(student, case):
    """values of a + b with a of shape (i, j) and b of shape (j,)"""
    a, b = _pair(case, ("i", "j"), ("j",))
    out = student.stop_gradient_sum(a, b)
    assert_tensor(out, a.detach() + b.detach(), inputs=(a, b))


@points(2)
@target("stop_gradient_sum")
@hint("Detach only b: a + b.detach(). Detaching the sum, or computing it under no_grad, cuts a off too.")
def check_gradient_reaches_a(student, case):
    """a random upstream gradient reaches a unchanged"""
    a, b = _pair(case, ("i", "j"), ("i", "j"))
    g = case.randn("i", "j")
    out, a_grad, b_grad, _, _ = _run(student, a, b, g)
    if isinstance(out, torch.Tensor) and not claims(out).requires_grad:
        raise AssertionError(
            "your result does not require grad, so no gradient can reach a: you detached the "
            "whole sum (or used torch.no_grad()). Detach only b: a + b.detach().")
    if a_grad is None:
        if b_grad is not None:
            raise AssertionError("the gradient went to b instead of a: you detached a; detach b.")
        raise AssertionError("a.grad is None after backward: the gradient must reach a.")
    assert_tensor(a_grad, _expected_a_grad(a, b, g), name="a.grad", inputs=(a, b))


@points(2)
@target("stop_gradient_sum")
@hint("b.detach() gives the values of b with no history, so nothing flows back into b.")
def check_no_gradient_to_b(student, case):
    """after backward, b.grad is still None"""
    a, b = _pair(case, ("i",), ("i",))
    g = case.randn("i")
    out, a_grad, b_grad, _, b_rg = _run(student, a, b, g)
    if not b_rg:
        fail("you switched off requires_grad on the caller's tensor b; leave b alone "
                      "and use b.detach(), which makes a new tensor.")
    if b_grad is not None:
        fail("b received a gradient after backward: the sum must use b.detach(), not b "
            "(b.clone() still passes gradients).")
    if a_grad is None:
        fail("a.grad is None after backward: the gradient must reach a.")


@points(1)
@target("stop_gradient_sum")
@hint("Do not change the inputs: no b.requires_grad_(False), no b.detach_(), no in-place +=.")
def check_inputs_left_alone(student, case):
    """a and b still require grad after the call"""
    a, b = _pair(case, ("i", "j"), ("j",))
    g = case.randn("i", "j")
    out, _, _, a_rg, b_rg = _run(student, a, b, g)
    if not (a_rg and b_rg):
        fail("after your function " + ("a" if not a_rg else "b") + " no longer requires grad: "
            "do not change the caller's tensors; b.detach() returns a new tensor.")
    assert_tensor(out, a.detach() + b.detach(), inputs=(a, b))


@points(1)
@target("stop_gradient_sum")
@hint("b may be a 0-d tensor; broadcasting handles it, and a.grad keeps the dtype of a.")
def check_float64_scalar_b_and_broadcast_a(student, case):
    """float64, 0-d b, and a that broadcasts against b"""
    a = case.randn("j", dtype=torch.float64).requires_grad_(True)
    b = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    g = case.randn("j", dtype=torch.float64)
    out, a_grad, b_grad, _, _ = _run(student, a, b, g)
    assert_tensor(out, a.detach() + 1.5, inputs=(a, b))
    if a_grad is None:
        fail("a.grad is None after backward: the gradient must reach a.")
    assert_tensor(a_grad, g, name="a.grad", inputs=(a, b))
    if b_grad is not None:
        fail("b received a gradient: use b.detach().")
    # b broadcast up to a's shape: a of shape (j,), b of shape (i, j)
    a2, b2 = _pair(case, ("j",), ("i", "j"), dtype=torch.float64)
    g2 = case.randn("i", "j", dtype=torch.float64)
    out2, a2_grad, b2_grad, _, _ = _run(student, a2, b2, g2)
    assert_tensor(out2, a2.detach() + b2.detach(), inputs=(a2, b2))
    if a2_grad is None:
        fail("a.grad is None after backward: the gradient must reach a.")
    assert_tensor(a2_grad, _expected_a_grad(a2, b2, g2), name="a.grad", inputs=(a2, b2))
    if b2_grad is not None:
        fail("b received a gradient: use b.detach().")
