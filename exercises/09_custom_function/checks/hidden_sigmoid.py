"""Sigmoid as a torch.autograd.Function with a hand-written backward."""
import torch
from grader.checks import points, hint, target, assert_tensor, claims, fail

# Probes run in the jail with the student's class F.
_APPLY = "lambda F, x: F.apply(x)"
# (sum(y * g) back-propagates exactly g into the Function's backward)
_GRAD = ("lambda F, x, g: (lambda y: (y, torch.autograd.grad((y * g.to(y.device)).sum(), x)[0]))"
         "(F.apply(x))")
_IS_FUNCTION = "lambda F: isinstance(F, type) and issubclass(F, torch.autograd.Function)"
_SAVED = "lambda F, x: len(getattr(F.apply(x).grad_fn, 'saved_tensors', ()))"
_GRADCHECK = ("lambda F, x: torch.autograd.gradcheck(F.apply, (x,), eps=1e-6, atol=1e-5, "
              "rtol=1e-3, raise_exception=False)")


def _sigmoid(x):
    """The check's own sigma, in float64, cast back."""
    return (1 / (1 + torch.exp(-x.detach().double()))).to(x.dtype)


def _dsigmoid(x):
    s = 1 / (1 + torch.exp(-x.detach().double()))
    return (s * (1 - s)).to(x.dtype)


def _close(a, b, atol=1e-5):
    return (isinstance(a, torch.Tensor) and a.shape == b.shape
            and torch.allclose(a.double(), b.double(), rtol=1e-4, atol=atol))


def _forward(student, x):
    y = student.evaluate(_APPLY)(student.Sigmoid, x)
    if isinstance(y, torch.Tensor) and not _close(y, _sigmoid(x)):
        xd = x.detach().double()
        if _close(y, 1 / (1 + torch.exp(xd))):
            raise AssertionError("your forward computes 1 / (1 + exp(x)) = sigma(-x): "
                                 "the exponent is -x, 1 / (1 + torch.exp(-x)).")
        if _close(y, torch.tanh(xd)):
            raise AssertionError("your forward computes tanh(x), not sigmoid: "
                                 "1 / (1 + torch.exp(-x)).")
        if _close(y, torch.exp(-xd) / (1 + torch.exp(-xd))):
            raise AssertionError("your forward computes exp(-x) / (1 + exp(-x)) = 1 - sigma(x): "
                                 "sigmoid is 1 / (1 + torch.exp(-x)).")
    assert_tensor(y, _sigmoid(x), inputs=(x,), name="Sigmoid.apply(x)")
    return y


def _gradient(student, x, g):
    y, grad = student.evaluate(_GRAD)(student.Sigmoid, x, g)
    expected = g * _dsigmoid(x)
    if grad is None:
        raise AssertionError("your backward returned None: return grad_output * y * (1 - y).")
    if isinstance(grad, torch.Tensor) and not _close(grad, expected):
        xd, gd = x.detach().double(), g.double()
        s = torch.sigmoid(xd)
        named = [
            (s * (1 - s), "your backward ignores grad_output: it returns sigma'(x) alone. "
                          "Multiply by grad_output (chain rule): grad_output * y * (1 - y)."),
            (gd * xd * (1 - xd), "your backward uses the input x where it needs the output y = "
                                 "sigma(x): save the output in forward (ctx.save_for_backward(y)) "
                                 "and return grad_output * y * (1 - y)."),
            (gd * (1 - s ** 2), "your backward uses 1 - y**2, which is the derivative of tanh; "
                                "for sigmoid it is y * (1 - y)."),
            (gd * s, "your backward returns grad_output * y: sigma'(x) = y * (1 - y)."),
            (-gd * s * (1 - s), "your backward has the wrong sign: sigma'(x) = y * (1 - y) "
                                "is positive."),
            (gd * s * (1 - s) * s * (1 - s), "your backward multiplies by y * (1 - y) twice."),
        ]
        for value, message in named:
            if _close(grad, value):
                raise AssertionError(message)
    assert_tensor(grad, expected, inputs=(x, g), name="gradient (from your backward)")


@points(2)
@target("Sigmoid")
@hint("sigma(x) = 1 / (1 + torch.exp(-x)), elementwise; it keeps the shape and dtype of x.")
def check_forward_values(student, case):
    """forward on a random (i, j) matrix"""
    x = (case.randn("i", "j") * 3).requires_grad_(True)
    _forward(student, x)


@points(2)
@target("Sigmoid")
@hint("Subclass torch.autograd.Function, give it @staticmethod forward(ctx, x) and "
      "backward(ctx, grad_output), and use it through Sigmoid.apply(x). Do not replace apply.")
def check_uses_custom_backward(student, case):
    """Sigmoid is a torch.autograd.Function and apply records a SigmoidBackward node"""
    if not student.evaluate(_IS_FUNCTION)(student.Sigmoid):
        fail("Sigmoid must be a class that subclasses torch.autograd.Function.")
    x = case.randn("i").requires_grad_(True)
    y = student.evaluate(_APPLY)(student.Sigmoid, x)
    if not isinstance(y, torch.Tensor):
        fail(f"Sigmoid.apply(x) returned {type(y).__name__}, not a tensor.")
    node = claims(y).grad_fn
    if node != "SigmoidBackward":
        if node is None:
            raise AssertionError("the result of Sigmoid.apply(x) has no grad_fn although x requires "
                                 "grad: let apply run your forward; do not detach or use no_grad.")
        raise AssertionError(
            f"the result of Sigmoid.apply(x) has grad_fn {node}, not SigmoidBackward (the node of "
            "your own Function): autograd is using its own backward for the built-in operations, "
            "not yours. Do not override apply; compute sigma inside forward(ctx, x).")


@points(3)
@target("Sigmoid")
@hint("backward returns grad_output * y * (1 - y), where y is the output you saved in forward.")
def check_backward_random_upstream(student, case):
    """backward with a random upstream gradient matches grad_output * s * (1 - s)"""
    x = (case.randn("i", "j") * 2).requires_grad_(True)
    g = case.randn("i", "j")
    _gradient(student, x, g)


@points(2)
@target("Sigmoid")
@hint("gradcheck compares your backward with finite differences of your forward; a mismatch "
      "means backward does not compute the derivative of what forward computes.")
def check_gradcheck_float64(student, case):
    """torch.autograd.gradcheck passes in float64"""
    x = (case.randn("i", "j", dtype=torch.float64) * 2).requires_grad_(True)
    ok = student.evaluate(_GRADCHECK)(student.Sigmoid, x)
    if ok is not True:
        fail("torch.autograd.gradcheck failed: your backward does not match the "
                            "numerical derivative of your forward.")


@points(1)
@target("Sigmoid")
@hint("In forward: ctx.save_for_backward(y). In backward: (y,) = ctx.saved_tensors. "
      "Storing tensors as ctx attributes (ctx.y = y) bypasses autograd's checks.")
def check_saves_for_backward(student, case):
    """forward keeps its tensor with ctx.save_for_backward"""
    x = case.randn("i").requires_grad_(True)
    n = student.evaluate(_SAVED)(student.Sigmoid, x)
    if n < 1:
        fail("your forward saved no tensor with ctx.save_for_backward: save the output "
                        "there instead of storing it on ctx as an attribute.")


@points(1)
@target("Sigmoid")
@hint("exp(x) / (1 + exp(x)) gives inf / inf = nan for large x; 1 / (1 + torch.exp(-x)) "
      "gives 1 / (1 + inf) = 0 and 1 / (1 + 0) = 1, both fine.")
def check_extreme_inputs(student):
    """x = -100, -30, 0, 30, 100: finite values and gradients"""
    x = torch.tensor([-100.0, -30.0, 0.0, 30.0, 100.0], requires_grad=True)
    y, grad = student.evaluate(_GRAD)(student.Sigmoid, x, torch.ones(5))
    if not (isinstance(y, torch.Tensor) and bool(torch.isfinite(y).all())):
        fail(f"your forward gives non-finite values for large |x|: {y}. Use 1 / (1 + torch.exp(-x)).")
    assert_tensor(y, _sigmoid(x), inputs=(x,), name="Sigmoid.apply(x)")
    if not (isinstance(grad, torch.Tensor) and bool(torch.isfinite(grad).all())):
        fail(f"your backward gives non-finite gradients for large |x|: {grad}. Compute it from the "
            "saved output: y * (1 - y).")
    assert_tensor(grad, _dsigmoid(x), inputs=(x,), name="gradient (from your backward)")


@points(1)
@target("Sigmoid")
@hint("Use only elementwise operations: they work for 0-d and empty tensors and keep the dtype.")
def check_scalar_empty_float64(student, case):
    """a 0-d input, an empty (0, i) input, and float64 forward and backward"""
    x0 = torch.tensor(0.7, requires_grad=True)
    _gradient(student, x0, torch.tensor(1.5))
    xe = torch.zeros(0, case.size("i"), requires_grad=True)
    _forward(student, xe)
    xd = case.randn("j", "k", dtype=torch.float64).requires_grad_(True)
    _forward(student, xd)
    _gradient(student, xd, case.randn("j", "k", dtype=torch.float64))
