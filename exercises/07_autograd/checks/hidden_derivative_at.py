"""derivative_at(coeffs, x0): p'(x0) by autograd, as a Python float."""
import math

import torch
from grader.checks import (CheckFailure, assert_number, claim_fail, fail, hint, points, target,
                           title)


def _value(coeffs, x):
    return math.fsum(c * x ** k for k, c in enumerate(coeffs))


def _deriv(coeffs, x):
    return math.fsum(k * c * x ** (k - 1) for k, c in enumerate(coeffs) if k > 0)


def _scale(coeffs, x):
    # size of the largest terms: sets a tolerance that float32 arithmetic can meet
    return 1.0 + sum(abs(k * c * x ** (k - 1)) for k, c in enumerate(coeffs) if k > 0)


def _as_float(result):
    """Accept a one-element tensor for the value checks; the type has its own check."""
    if isinstance(result, torch.Tensor) and result.numel() == 1:
        return float(result.reshape(()).item())
    if isinstance(result, int) and not isinstance(result, bool):
        return float(result)
    return result


def _check(result, coeffs, x0):
    expected = _deriv(coeffs, x0)
    scale = _scale(coeffs, x0)
    tol = 2e-5 * scale
    got = _as_float(result)
    call = f"derivative_at({coeffs}, {x0!r})"
    if isinstance(got, float) and not math.isclose(got, expected, rel_tol=1e-5, abs_tol=tol):
        wrongs = [
            (_deriv(list(reversed(coeffs)), x0),
             "your answer is the derivative with the coefficients in the opposite order: "
             "coeffs[k] is the coefficient of x**k (coeffs[0] is the constant term)",
             "你的答案是把系数顺序反过来之后的导数：coeffs[k] 是 x**k 的系数（coeffs[0] 是常数项）"),
            (_value(coeffs, x0),
             "your answer is the value p(x0), not the derivative: return x.grad after "
             "y.backward(), not y",
             "你的答案是函数值 p(x0)，不是导数：调用 y.backward() 之后返回 x.grad，而不是 y"),
            (_deriv([0.0] + list(coeffs), x0),
             "your answer is the derivative of sum(coeffs[k] * x**(k+1)): the powers "
             "start at 0 (coeffs[0] * x**0 is the constant term)",
             "你的答案是 sum(coeffs[k] * x**(k+1)) 的导数：次数要从 0 开始"
             "（coeffs[0] * x**0 是常数项）"),
        ]
        for value, en, zh in wrongs:
            if math.isclose(got, value, rel_tol=1e-5, abs_tol=tol):
                fail(en, zh=zh, evidence=f"the call: {call}\nexpected {expected!r}, yours {got!r}")
    try:
        if isinstance(got, float):
            assert_number(got, expected, rel=1e-5, abs=tol, name="derivative_at(coeffs, x0)")
        else:
            assert_number(result, expected, rel=1e-5, abs=tol, name="derivative_at(coeffs, x0)")
    except CheckFailure as e:
        raise type(e)(e.diagnosis, f"the call: {call}\n{e.evidence}".rstrip()) from None


def _point(rng, lo=-2.0, hi=2.0):
    # a multiple of 1/64: exactly representable in float32, so only the
    # arithmetic can round
    return round(rng.uniform(lo, hi) * 64) / 64


def _coeffs(rng, n):
    return [round(rng.uniform(-3, 3), 3) for _ in range(n)]


@points(2)
@target("derivative_at")
@title(zh="随机的三次到五次多项式，在随机的点上")
@hint("Build p from x: y = sum(c * x ** k for k, c in enumerate(coeffs)), then y.backward() "
      "and x.grad.item().",
      zh="用 x 构造 p：y = sum(c * x ** k for k, c in enumerate(coeffs))，然后 y.backward()，"
         "再取 x.grad.item()。")
def check_random_polynomials(student, case):
    """random cubic to quintic polynomials at random points"""
    for degree in (3, 4, 5):
        coeffs = _coeffs(case.rng, degree + 1)
        x0 = _point(case.rng)
        _check(student.derivative_at(coeffs, x0), coeffs, x0)


@points(1)
@target("derivative_at")
@title(zh="返回 Python float，而不是张量")
@hint("x.grad is a 0-d tensor; x.grad.item() turns it into a Python float.",
      zh="x.grad 是 0 维张量；x.grad.item() 把它变成 Python float。")
def check_returns_python_float(student, case):
    """returns a Python float, not a tensor"""
    coeffs = _coeffs(case.rng, 3)
    result = student.derivative_at(coeffs, 1.5)
    if isinstance(result, torch.Tensor):
        fail("derivative_at returned a tensor; return a Python float: x.grad.item()",
             zh="derivative_at 返回的是张量；应该返回 Python float：x.grad.item()",
             evidence=f"the call: derivative_at({coeffs}, 1.5)\nyours: a tensor of shape "
                      f"{tuple(result.shape)}, dtype {result.dtype}")
    if type(result) is not float:
        fail("derivative_at must return a Python float, but it returned something else",
             zh="derivative_at 必须返回 Python float，但它返回了别的类型",
             evidence=f"the call: derivative_at({coeffs}, 1.5)\nyours: a "
                      f"{type(result).__name__}")


@points(1)
@target("derivative_at")
@title(zh="在 x0 = 0 处，导数等于 coeffs[1]")
@hint("At x0 = 0 the derivative is coeffs[1]. Make sure x**0 and x**1 terms are handled like "
      "the others.",
      zh="在 x0 = 0 处导数就是 coeffs[1]。确保 x**0 和 x**1 这两项和其他项一样处理。")
def check_at_zero(student, case):
    """at x0 = 0 the derivative is coeffs[1]"""
    coeffs = _coeffs(case.rng, 4)
    _check(student.derivative_at(coeffs, 0.0), coeffs, 0.0)


@points(1)
@target("derivative_at")
@title(zh="常数多项式的导数是 0.0")
@hint("If p does not depend on x, y is not connected to x. Start from a tensor: "
      "y = sum(c * x ** k ...) includes c0 * x ** 0, which is connected to x and has derivative 0.",
      zh="如果 p 不依赖 x，y 就和 x 没有连接。从张量出发：y = sum(c * x ** k ...) 包含 "
         "c0 * x ** 0 这一项，它和 x 相连，导数为 0。")
def check_constant_polynomial(student):
    """a constant polynomial has derivative 0.0"""
    for coeffs in ([5.0], [-1.25]):
        _check(student.derivative_at(coeffs, 1.5), coeffs, 1.5)


@points(1)
@target("derivative_at")
@title(zh="x0 是 Python int（x0 = 2）")
@hint("torch.tensor(2, requires_grad=True) fails: an int tensor cannot require grad. Use "
      "torch.tensor(float(x0), ...).",
      zh="torch.tensor(2, requires_grad=True) 会报错：整数张量不能 requires grad。"
         "请用 torch.tensor(float(x0), ...)。")
def check_integer_point(student, case):
    """x0 given as a Python int (x0 = 2)"""
    coeffs = _coeffs(case.rng, 4)
    _check(student.derivative_at(coeffs, 2), coeffs, 2.0)


@points(1)
@target("derivative_at")
@title(zh="8 次多项式，整数系数")
@hint("Every coefficient counts, including the last one: enumerate(coeffs) gives (k, coeffs[k]).",
      zh="每个系数都要算上，包括最后一个：enumerate(coeffs) 给出 (k, coeffs[k])。")
def check_high_degree(student, case):
    """a degree-8 polynomial, integer coefficients"""
    coeffs = [float(case.rng.randint(-4, 4)) for _ in range(9)]
    coeffs[-1] = 2.0
    x0 = _point(case.rng, -1.5, 1.5)
    _check(student.derivative_at(coeffs, x0), coeffs, x0)


@points(1)
@target("derivative_at")
@title(zh="用自动求导计算（backward() 或 torch.autograd.grad）")
@hint("Let autograd do the calculus: x = torch.tensor(float(x0), requires_grad=True), build p(x), "
      "call .backward() and read x.grad. Applying the power rule by hand does not practise autograd.",
      zh="让自动求导来做微积分：x = torch.tensor(float(x0), requires_grad=True)，算出 p(x)，"
         "调用 .backward()，再读取 x.grad。手动套幂函数求导公式练不到自动求导。")
def check_uses_autograd(student, case):
    """computed with autograd (backward() or torch.autograd.grad)"""
    coeffs = _coeffs(case.rng, 4)
    _check(student.derivative_at(coeffs, 0.75), coeffs, 0.75)
    # Which torch functions ran is the student's process's own account (a claim): it can
    # cost this point, never earn it; the value above is what the check verified.
    calls = set(student.last_call.torch_calls)
    if not calls & {"Tensor.backward", "torch.autograd.grad", "torch.autograd.backward"}:
        claim_fail("your process reports that derivative_at never called backward() or "
                   "torch.autograd.grad: compute the derivative with autograd, not with the "
                   "power rule by hand",
                   zh="你的进程报告说 derivative_at 从未调用 backward() 或 torch.autograd.grad："
                      "请用自动求导计算导数，不要手动套幂函数求导公式",
                   evidence="torch calls reported: " + (", ".join(sorted(calls))[:500] or "none"))
