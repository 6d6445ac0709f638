"""Square as a torch.autograd.Function with a hand-written backward."""
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


def _close(a, b):
    return (isinstance(a, torch.Tensor) and a.shape == b.shape
            and torch.allclose(a.double(), b.double(), rtol=1e-4, atol=1e-5))


def _forward(student, x):
    y = student.evaluate(_APPLY)(student.Square, x)
    xd = x.detach()
    if isinstance(y, torch.Tensor) and not _close(y, xd * xd) and _close(y, 2 * xd):
        raise AssertionError("your forward computes 2 * x; Square is x * x.")
    assert_tensor(y, xd * xd, inputs=(x,), name="Square.apply(x)")
    return y


def _gradient(student, x, g):
    y, grad = student.evaluate(_GRAD)(student.Square, x, g)
    xd = x.detach()
    expected = g * 2 * xd
    if grad is None:
        raise AssertionError("your backward returned None: return grad_output * 2 * x.")
    if isinstance(grad, torch.Tensor) and not _close(grad, expected):
        named = [
            (g * xd, "your backward returns grad_output * x: the derivative of x**2 is 2 * x, "
                     "you are missing the factor 2."),
            (2 * xd, "your backward ignores grad_output: it returns 2 * x alone. Multiply by "
                     "grad_output (chain rule): grad_output * 2 * x."),
            (2 * g, "your backward returns 2 * grad_output: the derivative of x**2 is 2 * x, "
                    "so multiply by x as well."),
            (g * 2 * xd * xd, "your backward uses the output x**2 where it needs the input x: "
                              "save the input in forward (ctx.save_for_backward(x))."),
            (g * xd * xd, "your backward returns grad_output * x**2 (the forward value); the "
                          "derivative of x**2 is 2 * x."),
            (-g * 2 * xd, "your backward has the wrong sign."),
        ]
        for value, message in named:
            if _close(grad, value):
                raise AssertionError(message)
    assert_tensor(grad, expected, inputs=(x, g), name="gradient (from your backward)")


@points(1)
@target("Square")
@hint("forward returns x * x (or x ** 2); it keeps the shape and dtype of x.")
def check_forward_values(student, case):
    """forward on a random (i, j) matrix"""
    x = case.randn("i", "j").requires_grad_(True)
    _forward(student, x)


@points(2)
@target("Square")
@hint("Subclass torch.autograd.Function, give it @staticmethod forward(ctx, x) and "
      "backward(ctx, grad_output), and use it through Square.apply(x). Do not replace apply.")
def check_uses_custom_backward(student, case):
    """Square is a torch.autograd.Function and apply records a SquareBackward node"""
    if not student.evaluate(_IS_FUNCTION)(student.Square):
        fail("Square must be a class that subclasses torch.autograd.Function.")
    x = case.randn("i").requires_grad_(True)
    y = student.evaluate(_APPLY)(student.Square, x)
    if not isinstance(y, torch.Tensor):
        fail(f"Square.apply(x) returned {type(y).__name__}, not a tensor.")
    node = claims(y).grad_fn
    if node != "SquareBackward":
        if node is None:
            raise AssertionError("the result of Square.apply(x) has no grad_fn although x requires "
                                 "grad: let apply run your forward; do not detach or use no_grad.")
        raise AssertionError(
            f"the result of Square.apply(x) has grad_fn {node}, not SquareBackward (the node of "
            "your own Function): autograd is using its own backward for the built-in operations, "
            "not yours. Do not override apply; compute x * x inside forward(ctx, x).")


@points(3)
@target("Square")
@hint("backward returns grad_output * 2 * x, where x is the input you saved in forward.")
def check_backward_random_upstream(student, case):
    """backward with a random upstream gradient matches grad_output * 2x"""
    x = case.randn("i", "j").requires_grad_(True)
    g = case.randn("i", "j")
    _gradient(student, x, g)


@points(2)
@target("Square")
@hint("gradcheck compares your backward with finite differences of your forward; a mismatch "
      "means backward does not compute the derivative of what forward computes.")
def check_gradcheck_float64(student, case):
    """torch.autograd.gradcheck passes in float64"""
    x = case.randn("i", "j", dtype=torch.float64).requires_grad_(True)
    ok = student.evaluate(_GRADCHECK)(student.Square, x)
    if ok is not True:
        fail("torch.autograd.gradcheck failed: your backward does not match the "
                            "numerical derivative of your forward.")


@points(1)
@target("Square")
@hint("In forward: ctx.save_for_backward(x). In backward: (x,) = ctx.saved_tensors.")
def check_saves_for_backward(student, case):
    """forward keeps the input with ctx.save_for_backward"""
    x = case.randn("i").requires_grad_(True)
    n = student.evaluate(_SAVED)(student.Square, x)
    if n < 1:
        fail("your forward saved no tensor with ctx.save_for_backward: save the input "
                        "there instead of storing it on ctx as an attribute.")


@points(1)
@target("Square")
@hint("Use only elementwise operations: they work for 0-d and empty tensors and keep the dtype.")
def check_scalar_empty_float64(student, case):
    """a 0-d input, an empty (0, i) input, and float64 forward and backward"""
    x0 = torch.tensor(-1.5, requires_grad=True)
    _gradient(student, x0, torch.tensor(0.5))
    xe = torch.zeros(0, case.size("i"), requires_grad=True)
    _forward(student, xe)
    xd = case.randn("j", "k", dtype=torch.float64).requires_grad_(True)
    _forward(student, xd)
    _gradient(student, xd, case.randn("j", "k", dtype=torch.float64))
