"""stop_gradient_sum(a, b): a + b with no gradient flowing to b.

The grader's builder (autograd.call) calls the student's function in the
student's process and back-propagates an upstream gradient g through the
result. What comes back: the result (values), the gradients that reached a and
b (values, or None), and the flags requires_grad/is_leaf of a and b afterwards
(a Claim: the process's account of itself).

What is verified: the values of a + b, and the value of a's gradient. That no
gradient flows through b is verified by value too: with b computed from a
inside the student's process (b = 3 * a, say), a's gradient is g alone when b
is treated as a constant, and g plus what came back through b when it is not.
A gradient value that arrived in b.grad is the student's graph's doing and
fails the check as evidence; its absence (None) is never a reason to pass.
The flags (whether b still requires grad) can only cost points.
"""
import torch
from grader.checks import points, hint, target, assert_tensor, claims, claim_fail, fail, fn


def _run(student, a, b, g, derive=()):
    """out, a.grad, b.grad (values or None) and the claimed flags of a and b afterwards."""
    out, grads, flags = student.build("autograd.call", student.stop_gradient_sum, a, b,
                                      backward=g, derive=list(derive))
    a_grad, b_grad = (list(grads) + [None, None])[:2] if isinstance(grads, list) else (None, None)
    return out, a_grad, b_grad, flags


def _expected_a_grad(a, b, g):
    al = a.detach().clone().requires_grad_(True)
    ((al + b.detach()) * g).sum().backward()
    return al.grad


def _pair(case, a_dims, b_dims, dtype=torch.float32):
    a = case.randn(*a_dims, dtype=dtype).requires_grad_(True)
    b = case.randn(*b_dims, dtype=dtype).requires_grad_(True)
    return a, b


def _close(x, y):
    return (isinstance(x, torch.Tensor) and x.shape == y.shape
            and torch.allclose(x.double(), y.double(), rtol=1e-4, atol=1e-5))


def _said_detached(out) -> str:
    """An explanation from the process's claims, for a failure decided on values."""
    if isinstance(out, torch.Tensor) and not claims(out).requires_grad:
        return (" Your process reports that your result does not require grad: you detached "
                "the whole sum (or used torch.no_grad()). Detach only b: a + b.detach().")
    return ""


def _a_grad_is(out, a_grad, b_grad, expected, a, b):
    if a_grad is None:
        if b_grad is not None:
            raise AssertionError("the gradient went to b instead of a: you detached a; detach b.")
        raise AssertionError("a.grad is None after backward: the gradient must reach a."
                             + _said_detached(out))
    assert_tensor(a_grad, expected, name="a.grad", inputs=(a, b))


def _b_got_nothing(b_grad):
    # A value in b.grad is the student's graph's own evidence that b was not cut off.
    if b_grad is not None:
        fail("b received a gradient after backward: the sum must use b.detach(), not b "
             "(b.clone() still passes gradients).")


def _tied(student, a, f, g, what):
    """Call with b = f(a) computed from a in the student's process; a's gradient must be g's alone."""
    b = f(a.detach())
    placeholder = torch.zeros(b.shape, dtype=b.dtype)
    out, a_grad, _, _ = _run(student, a, placeholder, g, derive=[[1, 0, f]])
    assert_tensor(out, a.detach() + b, inputs=(a, b))

    def grad_of(use_a, use_b):
        al = a.detach().clone().requires_grad_(True)
        y = (al if use_a else al.detach()) + (f(al) if use_b else f(al.detach()))
        (y * g).sum().backward()
        return al.grad if al.grad is not None else torch.zeros_like(al)

    if a_grad is not None and _close(a_grad, grad_of(True, True)):
        raise AssertionError(
            f"with {what}, computed from a, a's gradient also holds what flowed back through "
            "b: b was not treated as a constant. Use a + b.detach() (b.clone() still passes "
            "gradients).")
    if a_grad is not None and _close(a_grad, grad_of(False, True)):
        raise AssertionError(
            f"with {what}, computed from a, a's gradient came only through b: you detached a; "
            "detach b instead.")
    _a_grad_is(out, a_grad, None, grad_of(True, False), a, b)


def _flags(flags):
    """The claimed [requires_grad, is_leaf] of a and b after the call."""
    value = flags.value if isinstance(flags.value, list) else []
    return [bool(f[0]) if isinstance(f, list) and f else True for f in (value + [None, None])[:2]]


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
    out, a_grad, b_grad, _ = _run(student, a, b, g)
    assert_tensor(out, a.detach() + b.detach(), inputs=(a, b))
    _a_grad_is(out, a_grad, b_grad, _expected_a_grad(a, b, g), a, b)


@points(2)
@target("stop_gradient_sum")
@hint("b.detach() gives the values of b with no history, so nothing flows back into b.")
def check_no_gradient_to_b(student, case):
    """no gradient flows back through b (b a leaf, and b computed from a)"""
    # b a leaf of its own: nothing may arrive in b.grad
    a, b = _pair(case, ("i",), ("i",))
    g = case.randn("i")
    out, a_grad, b_grad, flags = _run(student, a, b, g)
    assert_tensor(out, a.detach() + b.detach(), inputs=(a, b))
    _a_grad_is(out, a_grad, b_grad, g, a, b)
    _b_got_nothing(b_grad)
    # b = 3 * a, computed from a in your process: a's gradient shows whether any came through b
    _tied(student, case.randn("i", "j").requires_grad_(True), 3.0 * fn.x, case.randn("i", "j"),
          "b = 3 * a")
    a_rg, b_rg = _flags(flags)
    if not b_rg:
        claim_fail("your process reports that the caller's tensor b no longer requires grad: "
                   "leave b alone and use b.detach(), which makes a new tensor.")


@points(1)
@target("stop_gradient_sum")
@hint("Do not change the inputs: no b.requires_grad_(False), no b.detach_(), no in-place +=.")
def check_inputs_left_alone(student, case):
    """a and b still require grad after the call"""
    a, b = _pair(case, ("i", "j"), ("j",))
    g = case.randn("i", "j")
    out, _, _, flags = _run(student, a, b, g)
    assert_tensor(out, a.detach() + b.detach(), inputs=(a, b))
    # whether a and b still require grad is the process's account of itself: a claim
    a_rg, b_rg = _flags(flags)
    if not (a_rg and b_rg):
        claim_fail("your process reports that after your function "
                   + ("a" if not a_rg else "b") + " no longer requires grad: do not change the "
                   "caller's tensors; b.detach() returns a new tensor.")


@points(1)
@target("stop_gradient_sum")
@hint("b may be a 0-d tensor; broadcasting handles it, and a.grad keeps the dtype of a.")
def check_float64_scalar_b_and_broadcast_a(student, case):
    """float64, 0-d b, and a that broadcasts against b"""
    a = case.randn("j", dtype=torch.float64).requires_grad_(True)
    b = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    g = case.randn("j", dtype=torch.float64)
    out, a_grad, b_grad, _ = _run(student, a, b, g)
    assert_tensor(out, a.detach() + 1.5, inputs=(a, b))
    _a_grad_is(out, a_grad, b_grad, g, a, b)
    _b_got_nothing(b_grad)
    # b broadcast up to a's shape: a of shape (j,), b of shape (i, j), b computed from a
    # (b = c * a, with c a column the check chose), so a gradient through b would show in a's
    a2 = case.randn("j", dtype=torch.float64).requires_grad_(True)
    c = case.randn("i", 1, dtype=torch.float64)
    _tied(student, a2, fn.const(c) * fn.x, case.randn("i", "j", dtype=torch.float64),
          "b = c * a (b of shape (i, j), c a column)")
