"""second_derivative(f, x): f''(x) elementwise, with torch.autograd.grad twice."""
import torch
from grader.checks import (CheckFailure, StudentError, assert_tensor, claim_fail, claims, fail, fn,
                           hint, points, target, title)

# (f as data, f', f''): f crosses to the student's process as a grader.fn tree; the
# derivatives are the check's own
FUNCTIONS = {
    "sin": (fn.sin(fn.x), lambda t: torch.cos(t), lambda t: -torch.sin(t)),
    "cube": (fn.x ** 3, lambda t: 3 * t ** 2, lambda t: 6 * t),
    "exp2": (fn.exp(2 * fn.x), lambda t: 2 * torch.exp(2 * t), lambda t: 4 * torch.exp(2 * t)),
    "tanh": (fn.tanh(fn.x), lambda t: 1 - torch.tanh(t) ** 2,
             lambda t: -2 * torch.tanh(t) * (1 - torch.tanh(t) ** 2)),
    "xlogx": (fn.x * fn.log(fn.x), lambda t: torch.log(t) + 1, lambda t: 1 / t),
}


def _text(f) -> str:
    return fn.describe(f.tree)


def _close(a, b):
    return (isinstance(a, torch.Tensor) and a.shape == b.shape
            and torch.allclose(a.double(), b.double(), rtol=1e-4, atol=1e-5))


def _calling(run, call):
    """Run the student's code; name the error a missing create_graph=True gives.

    The exception's text is the student's process's (evidence); the diagnosis is
    this check's own advice for the kind of error it matched.
    """
    try:
        return run()
    except StudentError as e:
        if not e.not_implemented and "does not require grad" in e.message:
            fail("second_derivative raised an error: autograd was asked to differentiate a "
                 "tensor that does not require grad. Either the first derivative was computed "
                 "without create_graph=True (so it has no graph to differentiate again: pass it "
                 "to the FIRST torch.autograd.grad call), or your own leaf does not require grad "
                 "(xg = x.detach().requires_grad_(True))",
                 zh="second_derivative 抛出了异常：自动求导被要求对一个不 requires grad 的张量求导。"
                    "要么一阶导数是在没有 create_graph=True 的情况下算出来的（所以它没有可以再次求导"
                    "的计算图：在第一次调用 torch.autograd.grad 时传入它），要么你自己的叶子张量不 "
                    "requires grad（xg = x.detach().requires_grad_(True)）",
                 evidence=f"the call: {call}\n{e.evidence()}")
        raise


def _shown(t):
    return str(t.tolist()) if t.numel() <= 12 else f"shape {tuple(t.shape)}"


def _check(student, name, x):
    f, d1, d2 = FUNCTIONS[name]
    src = _text(f)
    call = f"second_derivative(f = {src}, x of shape {tuple(x.shape)} {x.dtype})"
    result = _calling(lambda: student.second_derivative(f, x), call)
    xd = x.detach()
    expected, first = d2(xd), d1(xd)

    def evidence():
        text = f"the call: {call}\nexpected f''(x): {_shown(expected)}"
        if isinstance(result, torch.Tensor):
            text += f"\nyours: {_shown(result)}"
        return text

    if isinstance(result, tuple):
        fail("second_derivative returned a tuple: torch.autograd.grad returns a tuple, take its "
             "element: h, = torch.autograd.grad(...)",
             zh="second_derivative 返回的是元组：torch.autograd.grad 返回的是元组，要取出其中的"
                "元素：h, = torch.autograd.grad(...)",
             evidence=evidence())
    if isinstance(result, torch.Tensor) and not _close(result, expected):
        if _close(result, first):
            fail("your result is the first derivative f'(x): differentiate once more "
                 "(torch.autograd.grad of g.sum(), where g is the first derivative)",
                 zh="你的结果是一阶导数 f'(x)：还要再求一次导（对 g.sum() 调用 "
                    "torch.autograd.grad，其中 g 是一阶导数）",
                 evidence=evidence())
        if _close(result, first + expected):
            fail("your result is f'(x) + f''(x): both gradients were added into the same .grad. "
                 "Use torch.autograd.grad, which returns the gradient instead of accumulating it",
                 zh="你的结果是 f'(x) + f''(x)：两次的梯度被累加到了同一个 .grad 里。请用 "
                    "torch.autograd.grad，它直接返回梯度，而不是累加",
                 evidence=evidence())
        if _close(result, first * expected) or _close(result, first ** 2):
            fail("your result is not f''(x) but a product of derivatives: differentiate the first "
                 "derivative g itself, torch.autograd.grad(g.sum(), xg)",
                 zh="你的结果不是 f''(x)，而是导数的乘积：要对一阶导数 g 本身求导，"
                    "torch.autograd.grad(g.sum(), xg)",
                 evidence=evidence())
    try:
        assert_tensor(result, expected, inputs=(x,), name="second_derivative(f, x)")
    except CheckFailure as e:
        raise type(e)(e.diagnosis, f"the call: {call}\n{e.evidence}".rstrip()) from None
    return result


@points(2)
@target("second_derivative")
@title(zh="随机 (i, j) 矩阵上的 f = sin：f'' = -sin")
@hint("g, = torch.autograd.grad(f(xg).sum(), xg, create_graph=True), then "
      "h, = torch.autograd.grad(g.sum(), xg)",
      zh="g, = torch.autograd.grad(f(xg).sum(), xg, create_graph=True)，然后 "
         "h, = torch.autograd.grad(g.sum(), xg)")
def check_sin_matrix(student, case):
    """f = sin on a random (i, j) matrix: f'' = -sin"""
    _check(student, "sin", case.randn("i", "j"))


@points(2)
@target("second_derivative")
@title(zh="cube、exp(2t)、tanh 和 t*log(t)，float64")
@hint("Keep the dtype of x: x.detach().requires_grad_(True) does.",
      zh="保持 x 的 dtype：x.detach().requires_grad_(True) 就能做到。")
def check_several_functions_float64(student, case):
    """cube, exp(2t), tanh and t*log(t), float64"""
    x = case.randn("i", dtype=torch.float64)
    for name in ("cube", "exp2", "tanh"):
        _check(student, name, x)
    _check(student, "xlogx", case.rand("j", dtype=torch.float64) + 0.5)


@points(1)
@target("second_derivative")
@title(zh="结果不需要梯度")
@hint("Pass create_graph=True only to the first torch.autograd.grad call; the second one "
      "returns a plain tensor. (Or return h.detach().)",
      zh="只在第一次调用 torch.autograd.grad 时传 create_graph=True；第二次返回的就是普通张量。"
         "（或者返回 h.detach()。）")
def check_result_does_not_require_grad(student, case):
    """the result does not require grad"""
    result = _check(student, "cube", case.randn("i"))
    # the values passed; whether the result carries a graph is the process's account
    if claims(result).requires_grad:
        claim_fail("your process reports that your result requires grad: pass "
                   "create_graph=True only to the first torch.autograd.grad call, or detach "
                   "the result",
                   zh="你的进程报告说结果 requires grad：只在第一次调用 torch.autograd.grad 时传 "
                      "create_graph=True，或者对结果 detach",
                   evidence=f"grad_fn reported: {str(claims(result).grad_fn)[:200]}")


@points(1)
@target("second_derivative")
@title(zh="x 保持原来的 requires_grad 标志，也不会得到 .grad")
@hint("Work on your own leaf: xg = x.detach().requires_grad_(True). x.requires_grad_() or "
      "backward() would change the caller's tensor.",
      zh="在你自己的叶子张量上计算：xg = x.detach().requires_grad_(True)。x.requires_grad_() "
         "或 backward() 会改动调用者的张量。")
def check_caller_x_left_alone(student, case):
    """x keeps its requires_grad flag and gets no .grad"""
    # The grader's builder calls second_derivative(f, x) in your process and reports, for x,
    # what x.grad holds afterwards (a value) and its requires_grad flag (a claim).
    f = FUNCTIONS["sin"][0]
    x = case.randn("i")
    result, grads, flags = _calling(
        lambda: student.build("autograd.call", student.second_derivative, f, x),
        f"second_derivative(f = sin(x), x of shape {tuple(x.shape)})")
    assert_tensor(result, -torch.sin(x), inputs=(x,), name="second_derivative(f, x)")
    if grads[1] is not None:
        fail("your function left a gradient in x.grad: use torch.autograd.grad, which returns "
             "the gradient instead of storing it",
             zh="你的函数在 x.grad 里留下了梯度：请用 torch.autograd.grad，它直接返回梯度，"
                "不会把梯度存进 .grad",
             evidence=f"the call: second_derivative(f = sin(x), x of shape {tuple(x.shape)}, "
                      "x not requiring grad)\nx.grad afterwards: " + _shown(grads[1])
                      if isinstance(grads[1], torch.Tensor) else "x.grad afterwards: not None")
    xr = case.randn("j").requires_grad_(True)
    result_r, grads_r, flags_r = _calling(
        lambda: student.build("autograd.call", student.second_derivative, f, xr),
        f"second_derivative(f = sin(x), x of shape {tuple(xr.shape)}, requiring grad)")
    assert_tensor(result_r, -torch.sin(xr.detach()), inputs=(xr,), name="second_derivative(f, x)")
    if grads_r[1] is not None:
        fail("your function left a gradient in the caller's x.grad: work on "
             "xg = x.detach().requires_grad_(True) and use torch.autograd.grad",
             zh="你的函数在调用者的 x.grad 里留下了梯度：请在 xg = x.detach().requires_grad_(True) "
                "上计算，并使用 torch.autograd.grad",
             evidence=f"the call: second_derivative(f = sin(x), x of shape {tuple(xr.shape)}, "
                      "x requiring grad)\nx.grad afterwards: " + _shown(grads_r[1])
                      if isinstance(grads_r[1], torch.Tensor) else "x.grad afterwards: not None")
    said = flags.value[1] if isinstance(flags.value, list) and len(flags.value) > 1 else None
    if isinstance(said, list) and said and said[0]:
        claim_fail("your process reports that x did not require grad before your function and "
                   "does now: use xg = x.detach().requires_grad_(True) instead of "
                   "x.requires_grad_()",
                   zh="你的进程报告说 x 在调用你的函数之前不 requires grad，之后却 requires grad 了："
                      "请用 xg = x.detach().requires_grad_(True)，不要用 x.requires_grad_()")


@points(1)
@target("second_derivative")
@title(zh="0 维的 x，以及形状为 (0, i) 的空 x")
@hint("Sum before differentiating (y.sum(), g.sum()): that works for any shape, "
      "including 0-d and empty tensors.",
      zh="求导之前先求和（y.sum()、g.sum()）：这样对任何形状都适用，包括 0 维张量和空张量。")
def check_scalar_and_empty(student, case):
    """a 0-d x and an empty x of shape (0, i)"""
    _check(student, "cube", torch.tensor(1.25))
    _check(student, "sin", torch.zeros(0, case.size("i")))
