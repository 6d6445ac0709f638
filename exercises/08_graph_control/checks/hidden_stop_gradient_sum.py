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
from grader.checks import (CheckFailure, assert_tensor, claim_fail, claims, fail, fn, hint, points,
                           target, title)


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


def _shown(t):
    return str(t.tolist()) if t.numel() <= 12 else f"shape {tuple(t.shape)}"


def _call_text(a, b, extra=""):
    return (f"the call: stop_gradient_sum(a of shape {tuple(a.shape)} {a.dtype}, b of shape "
            f"{tuple(b.shape)}){extra}, then backward through the result with a random "
            "upstream gradient")


def _compare(actual, expected, name, a, b, extra=""):
    """assert_tensor, with the call in the evidence."""
    try:
        assert_tensor(actual, expected, name=name, inputs=(a, b))
    except CheckFailure as e:
        raise type(e)(e.diagnosis, f"{_call_text(a, b, extra)}\n{e.evidence}".rstrip()) from None


def _a_grad_is(out, a_grad, b_grad, expected, a, b, extra=""):
    if a_grad is None:
        if b_grad is not None:
            fail("the gradient went to b instead of a: you detached a; detach b",
                 zh="梯度传到了 b 而不是 a：你 detach 的是 a；应该 detach b",
                 evidence=_call_text(a, b, extra) + "\na.grad: None, b.grad: " + _shown(b_grad))
        evidence = _call_text(a, b, extra) + "\na.grad: None"
        if isinstance(out, torch.Tensor) and not claims(out).requires_grad:
            # an explanation from the process's own account, after a failure on values
            evidence += ("\nyour process reports that your result does not require grad: "
                         "the whole sum was detached (or computed under torch.no_grad())")
        fail("a.grad is None after backward: the gradient must reach a. Detach only b: "
             "a + b.detach() (detaching the whole sum, or torch.no_grad(), cuts a off too)",
             zh="反向传播之后 a.grad 是 None：梯度必须传到 a。只对 b 做 detach：a + b.detach()"
                "（对整个和 detach，或者用 torch.no_grad()，也会把 a 切断）",
             evidence=evidence)
    _compare(a_grad, expected, "a.grad", a, b, extra)


def _b_got_nothing(b_grad, a, b):
    # A value in b.grad is the student's graph's own evidence that b was not cut off.
    if b_grad is not None:
        fail("b received a gradient after backward: the sum must use b.detach(), not b "
             "(b.clone() still passes gradients)",
             zh="反向传播之后 b 收到了梯度：求和时要用 b.detach()，而不是 b"
                "（b.clone() 仍然会传递梯度）",
             evidence=_call_text(a, b) + "\nb.grad: "
             + (_shown(b_grad) if isinstance(b_grad, torch.Tensor) else repr(b_grad)[:200]))


def _tied(student, a, f, g, what):
    """Call with b = f(a) computed from a in the student's process; a's gradient must be g's alone."""
    b = f(a.detach())
    placeholder = torch.zeros(b.shape, dtype=b.dtype)
    out, a_grad, _, _ = _run(student, a, placeholder, g, derive=[[1, 0, f]])
    extra = f" with {what}, computed from a"
    _compare(out, a.detach() + b, "stop_gradient_sum(a, b)", a, b, extra)

    def grad_of(use_a, use_b):
        al = a.detach().clone().requires_grad_(True)
        y = (al if use_a else al.detach()) + (f(al) if use_b else f(al.detach()))
        (y * g).sum().backward()
        return al.grad if al.grad is not None else torch.zeros_like(al)

    if a_grad is not None and _close(a_grad, grad_of(True, True)):
        fail("with b computed from a, a's gradient also holds what flowed back through b: b was "
             "not treated as a constant. Use a + b.detach() (b.clone() still passes gradients)",
             zh="当 b 由 a 计算得到时，a 的梯度里还包含了经过 b 传回来的部分：b 没有被当作常数。"
                "请用 a + b.detach()（b.clone() 仍然会传递梯度）",
             evidence=_call_text(a, b, extra) + f"\nexpected a.grad: {_shown(grad_of(True, False))}"
                      f"\nyours: {_shown(a_grad)}")
    if a_grad is not None and _close(a_grad, grad_of(False, True)):
        fail("with b computed from a, a's gradient came only through b: you detached a; "
             "detach b instead",
             zh="当 b 由 a 计算得到时，a 的梯度只来自经过 b 的那条路径：你 detach 的是 a；"
                "应该 detach b",
             evidence=_call_text(a, b, extra) + f"\nexpected a.grad: {_shown(grad_of(True, False))}"
                      f"\nyours: {_shown(a_grad)}")
    _a_grad_is(out, a_grad, None, grad_of(True, False), a, b, extra)


def _flags(flags):
    """The claimed [requires_grad, is_leaf] of a and b after the call."""
    value = flags.value if isinstance(flags.value, list) else []
    return [bool(f[0]) if isinstance(f, list) and f else True for f in (value + [None, None])[:2]]


@points(1)
@target("stop_gradient_sum")
@title(zh="a + b 的数值，a 的形状为 (i, j)，b 的形状为 (j,)")
@hint("The values are plain a + b; broadcasting works as for +.",
      zh="数值就是普通的 a + b；广播和 + 一样。")
def check_values_broadcast(student, case):
    """values of a + b with a of shape (i, j) and b of shape (j,)"""
    a, b = _pair(case, ("i", "j"), ("j",))
    out = student.stop_gradient_sum(a, b)
    try:
        assert_tensor(out, a.detach() + b.detach(), inputs=(a, b), name="stop_gradient_sum(a, b)")
    except CheckFailure as e:
        raise type(e)(e.diagnosis, f"the call: stop_gradient_sum(a of shape {tuple(a.shape)}, "
                                   f"b of shape {tuple(b.shape)})\n{e.evidence}") from None


@points(2)
@target("stop_gradient_sum")
@title(zh="随机的上游梯度原样传到 a")
@hint("Detach only b: a + b.detach(). Detaching the sum, or computing it under no_grad, cuts a off too.",
      zh="只对 b 做 detach：a + b.detach()。对整个和 detach，或者在 no_grad 下计算，也会把 a 切断。")
def check_gradient_reaches_a(student, case):
    """a random upstream gradient reaches a unchanged"""
    a, b = _pair(case, ("i", "j"), ("i", "j"))
    g = case.randn("i", "j")
    out, a_grad, b_grad, _ = _run(student, a, b, g)
    _compare(out, a.detach() + b.detach(), "stop_gradient_sum(a, b)", a, b)
    _a_grad_is(out, a_grad, b_grad, _expected_a_grad(a, b, g), a, b)


@points(2)
@target("stop_gradient_sum")
@title(zh="没有梯度经过 b 传回去（b 是叶子张量，以及 b 由 a 计算得到）")
@hint("b.detach() gives the values of b with no history, so nothing flows back into b.",
      zh="b.detach() 给出 b 的数值，但不带计算历史，所以不会有梯度传回 b。")
def check_no_gradient_to_b(student, case):
    """no gradient flows back through b (b a leaf, and b computed from a)"""
    # b a leaf of its own: nothing may arrive in b.grad
    a, b = _pair(case, ("i",), ("i",))
    g = case.randn("i")
    out, a_grad, b_grad, flags = _run(student, a, b, g)
    _compare(out, a.detach() + b.detach(), "stop_gradient_sum(a, b)", a, b)
    _a_grad_is(out, a_grad, b_grad, g, a, b)
    _b_got_nothing(b_grad, a, b)
    # b = 3 * a, computed from a in your process: a's gradient shows whether any came through b
    _tied(student, case.randn("i", "j").requires_grad_(True), 3.0 * fn.x, case.randn("i", "j"),
          "b = 3 * a")
    a_rg, b_rg = _flags(flags)
    if not b_rg:
        claim_fail("your process reports that the caller's tensor b no longer requires grad: "
                   "leave b alone and use b.detach(), which makes a new tensor",
                   zh="你的进程报告说调用者的张量 b 不再 requires grad 了：不要改动 b，"
                      "用 b.detach()，它会生成一个新张量")


@points(1)
@target("stop_gradient_sum")
@title(zh="调用之后 a 和 b 仍然 requires grad")
@hint("Do not change the inputs: no b.requires_grad_(False), no b.detach_(), no in-place +=.",
      zh="不要修改输入：不要 b.requires_grad_(False)，不要 b.detach_()，也不要原地的 +=。")
def check_inputs_left_alone(student, case):
    """a and b still require grad after the call"""
    a, b = _pair(case, ("i", "j"), ("j",))
    g = case.randn("i", "j")
    out, _, _, flags = _run(student, a, b, g)
    _compare(out, a.detach() + b.detach(), "stop_gradient_sum(a, b)", a, b)
    # whether a and b still require grad is the process's account of itself: a claim
    a_rg, b_rg = _flags(flags)
    if not (a_rg and b_rg):
        which = "a" if not a_rg else "b"
        claim_fail(f"your process reports that after your function {which} no longer requires "
                   "grad: do not change the caller's tensors; b.detach() returns a new tensor",
                   zh=f"你的进程报告说调用你的函数之后 {which} 不再 requires grad 了：不要改动调用者"
                      "的张量；b.detach() 会返回一个新张量")


@points(1)
@target("stop_gradient_sum")
@title(zh="float64、0 维的 b，以及 a 要广播到 b 的形状")
@hint("b may be a 0-d tensor; broadcasting handles it, and a.grad keeps the dtype of a.",
      zh="b 可以是 0 维张量；广播会处理它，a.grad 保持 a 的 dtype。")
def check_float64_scalar_b_and_broadcast_a(student, case):
    """float64, 0-d b, and a that broadcasts against b"""
    a = case.randn("j", dtype=torch.float64).requires_grad_(True)
    b = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    g = case.randn("j", dtype=torch.float64)
    out, a_grad, b_grad, _ = _run(student, a, b, g)
    _compare(out, a.detach() + 1.5, "stop_gradient_sum(a, b)", a, b)
    _a_grad_is(out, a_grad, b_grad, g, a, b)
    _b_got_nothing(b_grad, a, b)
    # b broadcast up to a's shape: a of shape (j,), b of shape (i, j), b computed from a
    # (b = c * a, with c a column the check chose), so a gradient through b would show in a's
    a2 = case.randn("j", dtype=torch.float64).requires_grad_(True)
    c = case.randn("i", 1, dtype=torch.float64)
    _tied(student, a2, fn.const(c) * fn.x, case.randn("i", "j", dtype=torch.float64),
          "b = c * a (b of shape (i, j), c a column)")
