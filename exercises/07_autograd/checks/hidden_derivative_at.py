"""derivative_at(coeffs, x0): p'(x0) by autograd, as a Python float."""
import math

import torch
from grader.checks import points, hint, target, assert_number, fail, claim_fail


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
    if isinstance(got, float) and not math.isclose(got, expected, rel_tol=1e-5, abs_tol=tol):
        wrongs = [
            (_deriv(list(reversed(coeffs)), x0),
             "your answer is the derivative with the coefficients in the opposite order: "
             "coeffs[k] is the coefficient of x**k (coeffs[0] is the constant term)."),
            (_value(coeffs, x0),
             "your answer is the value p(x0), not the derivative: return x.grad after "
             "y.backward(), not y."),
            (_deriv([0.0] + list(coeffs), x0),
             "your answer is the derivative of sum(coeffs[k] * x**(k+1)): the powers "
             "start at 0 (coeffs[0] * x**0 is the constant term)."),
        ]
        for value, message in wrongs:
            if math.isclose(got, value, rel_tol=1e-5, abs_tol=tol):
                raise AssertionError(f"{message} (coeffs={coeffs}, x0={x0}: expected "
                                     f"{expected!r}, got {got!r})")
    if isinstance(got, float):
        assert_number(got, expected, rel=1e-5, abs=tol)
    else:
        assert_number(result, expected, rel=1e-5, abs=tol)


def _point(rng, lo=-2.0, hi=2.0):
    # a multiple of 1/64: exactly representable in float32, so only the
    # arithmetic can round
    return round(rng.uniform(lo, hi) * 64) / 64


def _coeffs(rng, n):
    return [round(rng.uniform(-3, 3), 3) for _ in range(n)]


@points(2)
@target("derivative_at")
@hint("Build p from x: y = sum(c * x ** k for k, c in enumerate(coeffs)), then y.backward() and x.grad.item().")
def check_random_polynomials(student, case):
    """random cubic to quintic polynomials at random points"""
    for degree in (3, 4, 5):
        coeffs = _coeffs(case.rng, degree + 1)
        x0 = _point(case.rng)
        _check(student.derivative_at(coeffs, x0), coeffs, x0)


@points(1)
@target("derivative_at")
@hint("x.grad is a 0-d tensor; x.grad.item() turns it into a Python float.")
def check_returns_python_float(student, case):
    """returns a Python float, not a tensor"""
    coeffs = _coeffs(case.rng, 3)
    result = student.derivative_at(coeffs, 1.5)
    if isinstance(result, torch.Tensor):
        raise AssertionError(
            f"derivative_at returned a tensor (shape {tuple(result.shape)}, dtype "
            f"{result.dtype}); return a Python float: x.grad.item().")
    if type(result) is not float:
        fail(f"derivative_at must return a Python float, got {type(result).__name__}")


@points(1)
@target("derivative_at")
@hint("At x0 = 0 the derivative is coeffs[1]. Make sure x**0 and x**1 terms are handled like the others.")
def check_at_zero(student, case):
    """at x0 = 0 the derivative is coeffs[1]"""
    coeffs = _coeffs(case.rng, 4)
    _check(student.derivative_at(coeffs, 0.0), coeffs, 0.0)


@points(1)
@target("derivative_at")
@hint("If p does not depend on x, y is not connected to x. Start from a tensor: "
      "y = sum(c * x ** k ...) includes c0 * x ** 0, which is connected to x and has derivative 0.")
def check_constant_polynomial(student):
    """a constant polynomial has derivative 0.0"""
    for coeffs in ([5.0], [-1.25]):
        _check(student.derivative_at(coeffs, 1.5), coeffs, 1.5)


@points(1)
@target("derivative_at")
@hint("torch.tensor(2, requires_grad=True) fails: an int tensor cannot require grad. Use torch.tensor(float(x0), ...).")
def check_integer_point(student, case):
    """x0 given as a Python int (x0 = 2)"""
    coeffs = _coeffs(case.rng, 4)
    _check(student.derivative_at(coeffs, 2), coeffs, 2.0)


@points(1)
@target("derivative_at")
@hint("Every coefficient counts, including the last one: enumerate(coeffs) gives (k, coeffs[k]).")
def check_high_degree(student, case):
    """a degree-8 polynomial, integer coefficients"""
    coeffs = [float(case.rng.randint(-4, 4)) for _ in range(9)]
    coeffs[-1] = 2.0
    x0 = _point(case.rng, -1.5, 1.5)
    _check(student.derivative_at(coeffs, x0), coeffs, x0)


@points(1)
@target("derivative_at")
@hint("Let autograd do the calculus: x = torch.tensor(float(x0), requires_grad=True), build p(x), "
      "call .backward() and read x.grad. Applying the power rule by hand does not practise autograd.")
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
                   "power rule by hand"
                   + (" (it reports no torch calls at all)." if not calls else "."))
