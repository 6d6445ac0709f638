"""vjp(f, x, v): y = f(x); y.backward(gradient=v); return x.grad."""
import torch
from grader.checks import points, hint, target, assert_tensor, fn


def _reference(f, x, v):
    """v^T J computed here, with the check's own autograd on the same function f."""
    xl = x.detach().clone().requires_grad_(True)
    y = f(xl)
    # sum(y * v) has gradient v^T J; it avoids grad_outputs=, whose first use costs a
    # second of lazy imports in torch
    (g,) = torch.autograd.grad((y * v).sum(), xl)
    return g


def _close(a, b):
    return (isinstance(a, torch.Tensor) and a.shape == b.shape
            and torch.allclose(a.double(), b.double(), rtol=1e-4, atol=1e-5))


def _check(student, f, x, v):
    # f is data (a grader.fn tree): the jail rebuilds it, and the check evaluates the
    # very same tree here for the expected gradient. The returned gradient is a value.
    result = student.vjp(f, x, v)
    expected = _reference(f, x, v)
    if result is None:
        raise AssertionError("vjp returned None: return x.grad after calling y.backward(gradient=v) "
                             "(and check that the last line has a return).")
    if isinstance(result, tuple):
        raise AssertionError("vjp returned a tuple: torch.autograd.grad returns a tuple of "
                             "gradients. Return x.grad after y.backward(gradient=v) "
                             "(or the first element of the tuple).")
    if isinstance(result, torch.Tensor) and not _close(result, expected):
        ones = _reference(f, x, torch.ones_like(v))
        if _close(result, ones):
            raise AssertionError(
                "your result is the gradient of y.sum(): it ignores v. Pass v to backward: "
                "y.backward(gradient=v).")
        if ones.shape == v.shape and _close(result, ones * v):
            raise AssertionError(
                "your result is (gradient of y.sum()) * v, which is only right when each "
                "y[i] depends on x[i] alone. Let autograd weight by v: y.backward(gradient=v).")
        if _close(result, -expected):
            raise AssertionError("your result has the wrong sign.")
    assert_tensor(result, expected, inputs=(x, v))


@points(1)
@target("vjp")
@hint("y = f(x); y.backward(gradient=v); return x.grad")
def check_elementwise(student, case):
    """elementwise f = sin(x) * x on a random matrix"""
    x = case.randn("i", "j").requires_grad_(True)
    v = case.randn("i", "j")
    _check(student, fn.sin(fn.x) * fn.x, x, v)


@points(2)
@hint("The gradient= argument is v itself: y.backward(gradient=v). Do not multiply by v yourself.")
@target("vjp")
def check_cumsum_not_diagonal(student, case):
    """f = 2 * cumsum(x): y[i] depends on several x[j], so the Jacobian is not diagonal"""
    x = case.randn("i").requires_grad_(True)
    v = case.randn("i")
    n = x.shape[0]
    lower = torch.tril(torch.ones(n, n))          # lower @ x is torch.cumsum(x, 0)
    _check(student, fn.const(2.0 * lower) @ fn.x, x, v)


@points(2)
@target("vjp")
@hint("x.grad always has the shape of x, even when f(x) has another shape; v has the shape of f(x).")
def check_matrix_product(student, case):
    """f(x) = x @ W with x of shape (i, j) and W of shape (j, k)"""
    x = case.randn("i", "j").requires_grad_(True)
    W = case.randn("j", "k")
    v = case.randn("i", "k")
    _check(student, fn.x @ fn.const(W), x, v)


@points(1)
@target("vjp")
@hint("For a scalar y, backward(gradient=v) with a 0-d v scales the gradient by v.")
def check_scalar_output(student, case):
    """f returns a scalar and v is a 0-d tensor"""
    x = case.randn("i").requires_grad_(True)
    v = torch.tensor(2.5)
    _check(student, (fn.x ** 3).sum(), x, v)


@points(1)
@target("vjp")
@hint("Do not convert x or v: x.grad has the dtype of x.")
def check_float64(student, case):
    """float64 x and v, a function that mixes elements: exp(x).sum(0) + x[0] ** 2"""
    x = case.randn("i", "j", dtype=torch.float64).requires_grad_(True)
    v = case.randn("j", dtype=torch.float64)
    rows = x.shape[0]
    ones = torch.ones(rows, dtype=torch.float64)                 # ones @ t is t.sum(0)
    first = torch.zeros(rows, dtype=torch.float64)
    first[0] = 1.0                                               # first @ t is t[0]
    _check(student, fn.const(ones) @ fn.exp(fn.x) + fn.const(first) @ fn.x ** 2, x, v)
