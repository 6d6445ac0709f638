"""second_derivative(f, x): f''(x) elementwise, with torch.autograd.grad twice."""
import torch
from grader.checks import points, hint, target, assert_tensor, claims, claim_fail, fail, fn

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


def _check(student, name, x):
    f, d1, d2 = FUNCTIONS[name]
    src = _text(f)
    result = student.second_derivative(f, x)
    xd = x.detach()
    expected, first = d2(xd), d1(xd)
    if isinstance(result, tuple):
        raise AssertionError("you returned a tuple: torch.autograd.grad returns a tuple, "
                             "take its element: h, = torch.autograd.grad(...).")
    if isinstance(result, torch.Tensor) and not _close(result, expected):
        if _close(result, first):
            raise AssertionError(
                f"for f = {src} your result is the first derivative f'(x): differentiate "
                "once more (torch.autograd.grad of g.sum(), where g is the first derivative).")
        if _close(result, first + expected):
            raise AssertionError(
                f"for f = {src} your result is f'(x) + f''(x): both gradients were added into "
                "the same .grad. Use torch.autograd.grad, which returns the gradient instead of "
                "accumulating it.")
        if _close(result, first * expected) or _close(result, first ** 2):
            raise AssertionError(f"for f = {src} your result is not f''(x); differentiate the "
                                 "first derivative g itself: torch.autograd.grad(g.sum(), xg).")
    assert_tensor(result, expected, inputs=(x,))
    return result


@points(2)
@target("second_derivative")
@hint("g, = torch.autograd.grad(f(xg).sum(), xg, create_graph=True), then h, = torch.autograd.grad(g.sum(), xg)")
def check_sin_matrix(student, case):
    """f = sin on a random (i, j) matrix: f'' = -sin"""
    _check(student, "sin", case.randn("i", "j"))


@points(2)
@target("second_derivative")
@hint("Keep the dtype of x: x.detach().requires_grad_(True) does.")
def check_several_functions_float64(student, case):
    """cube, exp(2t), tanh and t*log(t), float64"""
    x = case.randn("i", dtype=torch.float64)
    for name in ("cube", "exp2", "tanh"):
        _check(student, name, x)
    _check(student, "xlogx", case.rand("j", dtype=torch.float64) + 0.5)


@points(1)
@target("second_derivative")
@hint("Pass create_graph=True only to the first torch.autograd.grad call; the second one "
      "returns a plain tensor. (Or return h.detach().)")
def check_result_does_not_require_grad(student, case):
    """the result does not require grad"""
    result = _check(student, "cube", case.randn("i"))
    # the values passed; whether the result carries a graph is the process's account
    if claims(result).requires_grad:
        claim_fail("your process reports that your result requires grad (grad_fn "
                   + str(claims(result).grad_fn) + "): pass create_graph=True only to the "
                   "first torch.autograd.grad call, or detach the result.")


@points(1)
@target("second_derivative")
@hint("Work on your own leaf: xg = x.detach().requires_grad_(True). x.requires_grad_() or "
      "backward() would change the caller's tensor.")
def check_caller_x_left_alone(student, case):
    """x keeps its requires_grad flag and gets no .grad"""
    # The grader's builder calls second_derivative(f, x) in your process and reports, for x,
    # what x.grad holds afterwards (a value) and its requires_grad flag (a claim).
    f = FUNCTIONS["sin"][0]
    x = case.randn("i")
    result, grads, flags = student.build("autograd.call", student.second_derivative, f, x)
    assert_tensor(result, -torch.sin(x), inputs=(x,))
    if grads[1] is not None:
        fail("your function left a gradient in x.grad: use torch.autograd.grad.")
    xr = case.randn("j").requires_grad_(True)
    result_r, grads_r, flags_r = student.build("autograd.call", student.second_derivative, f, xr)
    assert_tensor(result_r, -torch.sin(xr.detach()), inputs=(xr,))
    if grads_r[1] is not None:
        fail("your function left a gradient in the caller's x.grad: work on "
             "xg = x.detach().requires_grad_(True) and use torch.autograd.grad.")
    said = flags.value[1] if isinstance(flags.value, list) and len(flags.value) > 1 else None
    if isinstance(said, list) and said and said[0]:
        claim_fail("your process reports that x did not require grad before your function and "
                   "does now: use xg = x.detach().requires_grad_(True) instead of "
                   "x.requires_grad_().")


@points(1)
@target("second_derivative")
@hint("Sum before differentiating (y.sum(), g.sum()): that works for any shape, "
      "including 0-d and empty tensors.")
def check_scalar_and_empty(student, case):
    """a 0-d x and an empty x of shape (0, i)"""
    _check(student, "cube", torch.tensor(1.25))
    _check(student, "sin", torch.zeros(0, case.size("i")))
