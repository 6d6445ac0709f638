"""grad_after_k_backwards(f, x, k): k fresh forward/backward passes, no zeroing."""
import torch
from grader.checks import points, hint, target, assert_tensor, fail


def _grad(src, x):
    xl = x.detach().clone().requires_grad_(True)
    (g,) = torch.autograd.grad(eval(src, {"torch": torch})(xl), xl)
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


def _run(student, src, x, k):
    f = student.evaluate(src)
    result = student.grad_after_k_backwards(f, x, k)
    g = _grad(src, x)
    _diagnose(result, g, k)
    assert_tensor(result, k * g, inputs=(x,))


@points(2)
@target("grad_after_k_backwards")
@hint("for _ in range(k): y = f(x); y.backward()   and never touch x.grad in between.")
def check_random_k(student, case):
    """k between 2 and 5 on a random vector"""
    x = case.randn("i").requires_grad_(True)
    for k in (case.rng.randint(2, 3), case.rng.randint(4, 5)):
        _run(student, "lambda x: (torch.sin(x) * x ** 2).sum()", x, k)


@points(1)
@target("grad_after_k_backwards")
@hint("With k = 1 the loop runs once and x.grad is just the gradient.")
def check_k_is_one(student, case):
    """k = 1 gives the plain gradient"""
    x = case.randn("i", "j").requires_grad_(True)
    _run(student, "lambda x: (x ** 3).mean()", x, 1)


# Calls the student's function with a counting f, then reports what the jail's
# x.grad holds afterwards and how many forward passes were made.
_PROBE = (
    "lambda g, x, k: (lambda calls: (g((lambda t: (calls.append(1), (t ** 3).sum())[1]), x, k), "
    "None if x.grad is None else x.grad.detach().clone(), len(calls)))([])"
)


@points(2)
@target("grad_after_k_backwards")
@hint("Call f(x) inside the loop, so each backward() has its own fresh graph, and let "
      "backward() do the accumulating: do not multiply by k yourself.")
def check_fresh_passes_accumulate_in_x_grad(student, case):
    """f is called k times and x.grad itself holds k times the gradient"""
    k = case.rng.randint(3, 5)
    x = case.randn("j").requires_grad_(True)
    probe = student.evaluate(_PROBE)
    result, x_grad, calls = probe(student.grad_after_k_backwards, x, k)
    g = 3 * x.detach() ** 2
    if x_grad is None:
        fail("after your function x.grad is still None: call y.backward() on y = f(x).")
    if calls != k:
        if calls == 1 and _close(x_grad, g) and _close(result, k * g):
            raise AssertionError(
                f"you ran one backward pass and multiplied by k = {k}: the point is to watch "
                "autograd accumulate. Call y = f(x); y.backward() k times and return x.grad.")
        if calls == 1:
            raise AssertionError(
                f"f was called once for k = {k}: run a fresh forward pass y = f(x) inside "
                "the loop, before each backward() (a graph is freed after backward).")
        raise AssertionError(f"f was called {calls} times, expected k = {k} times.")
    if _close(x_grad, g) and k != 1:
        raise AssertionError(
            f"after your function x.grad holds a single gradient, not {k} of them: "
            "let backward() accumulate, do not zero x.grad or multiply the result by k.")
    _diagnose(x_grad, g, k)
    assert_tensor(x_grad, k * g, name="x.grad", inputs=(x,))
    _diagnose(result, g, k)
    assert_tensor(result, k * g, inputs=(x,))


@points(1)
@target("grad_after_k_backwards")
@hint("x.grad has the dtype and shape of x; return it as it is.")
def check_float64_matrix(student, case):
    """float64 matrix input, k = 2"""
    x = case.randn("i", "j", dtype=torch.float64).requires_grad_(True)
    _run(student, "lambda x: (x.exp() * x).sum()", x, 2)
