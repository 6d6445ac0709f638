"""grad_after_k_backwards(f, x, k): k fresh forward/backward passes, no zeroing."""
import torch
from grader.checks import points, hint, target, assert_tensor, fail, fn


def _grad(f, x):
    """The gradient of f at x, with the check's own autograd on the same function."""
    xl = x.detach().clone().requires_grad_(True)
    (g,) = torch.autograd.grad(f(xl), xl)
    return g


def _close(a, b):
    return (isinstance(a, torch.Tensor) and a.shape == b.shape
            and torch.allclose(a.double(), b.double(), rtol=1e-4, atol=1e-5))


def _diagnose(result, g, k):
    if result is None:
        raise AssertionError("your function returned None: return x.grad at the end.")
    if not isinstance(result, torch.Tensor) or _close(result, k * g):
        return
    for m in range(0, 2 * k + 2):
        if m != k and _close(result, m * g):
            if m == 1:
                raise AssertionError(
                    f"your result is the gradient of a single backward pass, but k = {k}: "
                    "gradients accumulate in x.grad. Do not zero x.grad (or set it to None) "
                    "between the passes, and call backward k times.")
            if m == 0:
                raise AssertionError("your result is all zeros: do not zero x.grad.")
            raise AssertionError(
                f"your result is {m} times the gradient, expected {k} times (k = {k}): "
                f"check how many times your loop runs (range(k) runs k times).")


def _run(student, f, x, k):
    # f is data (a grader.fn tree), evaluated here too for the expected gradient
    result = student.grad_after_k_backwards(f, x, k)
    g = _grad(f, x)
    _diagnose(result, g, k)
    assert_tensor(result, k * g, inputs=(x,))


@points(2)
@target("grad_after_k_backwards")
@hint("for _ in range(k): y = f(x); y.backward()   and never touch x.grad in between.")
def check_random_k(student, case):
    """k between 2 and 5 on a random vector"""
    x = case.randn("i").requires_grad_(True)
    for k in (case.rng.randint(2, 3), case.rng.randint(4, 5)):
        _run(student, (fn.sin(fn.x) * fn.x ** 2).sum(), x, k)


@points(1)
@target("grad_after_k_backwards")
@hint("With k = 1 the loop runs once and x.grad is just the gradient.")
def check_k_is_one(student, case):
    """k = 1 gives the plain gradient"""
    x = case.randn("i", "j").requires_grad_(True)
    _run(student, (fn.x ** 3).mean(), x, 1)


@points(2)
@target("grad_after_k_backwards")
@hint("Call f(x) inside the loop, so each backward() has its own fresh graph, and let "
      "backward() do the accumulating: do not multiply by k yourself.")
def check_fresh_passes_accumulate_in_x_grad(student, case):
    """f is called k times and x.grad itself holds the sum of the k gradients"""
    k = case.rng.randint(3, 5)
    x = case.randn("j").requires_grad_(True)
    # An f that is a different function on each call: 2**n * (x ** 3).sum() on its n-th
    # call (n = 0, 1, ...). Fresh forward passes then show in the gradient's value.
    f = student.build("autograd.in_turn", *[2.0 ** n * (fn.x ** 3).sum() for n in range(k + 3)])
    result, grads, _ = student.build("autograd.call", student.grad_after_k_backwards, f, x, k)
    x_grad = grads[1]                      # x.grad after the call: a value, compared below
    g = 3 * x.detach() ** 2                # the gradient of (x ** 3).sum()
    expected = (2 ** k - 1) * g            # 1 + 2 + ... + 2**(k-1) times g
    about = (" (this check's f is a different function on each call, 2**n * (x ** 3).sum() "
             "on call n = 0, 1, 2, ..., so the gradients show how many fresh forward passes "
             "were made)")
    if x_grad is None:
        fail("after your function x.grad is still None: call y.backward() on y = f(x).")
    if not _close(x_grad, expected):
        if _close(x_grad, g) and _close(result, k * g):
            raise AssertionError(
                f"you ran one backward pass and multiplied by k = {k}: the point is to watch "
                "autograd accumulate. Call y = f(x); y.backward() k times and return x.grad."
                + about)
        if _close(x_grad, k * g):
            raise AssertionError(
                f"x.grad is {k} times the gradient of f's first call: your {k} backward passes "
                "all went through one graph (retain_graph=True?). Run a fresh forward pass "
                "y = f(x) inside the loop, before each backward()." + about)
        if k > 1 and _close(x_grad, 2 ** (k - 1) * g):
            raise AssertionError(
                "x.grad holds only the gradient of the last pass: do not zero x.grad (or set "
                "it to None) between the passes, let backward() accumulate." + about)
        for m in range(0, k + 4):
            if m != k and _close(x_grad, (2 ** m - 1) * g):
                raise AssertionError(
                    f"x.grad is the sum of {m} fresh forward/backward passes, expected k = {k}: "
                    "check how many times your loop runs (range(k) runs k times)." + about)
    assert_tensor(x_grad, expected, name="x.grad", inputs=(x,))
    if _close(result, k * g) and not _close(result, expected):
        raise AssertionError(
            f"your result is k = {k} times the gradient of f's first call, but x.grad holds "
            "the sum of the k passes: return x.grad itself." + about)
    assert_tensor(result, expected, inputs=(x,))


@points(1)
@target("grad_after_k_backwards")
@hint("x.grad has the dtype and shape of x; return it as it is.")
def check_float64_matrix(student, case):
    """float64 matrix input, k = 2"""
    x = case.randn("i", "j", dtype=torch.float64).requires_grad_(True)
    _run(student, (fn.exp(fn.x) * fn.x).sum(), x, 2)
