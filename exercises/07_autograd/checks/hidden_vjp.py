"""vjp(f, x, v): y = f(x); y.backward(gradient=v); return x.grad."""
import torch
from grader.checks import CheckFailure, assert_tensor, fail, fn, hint, points, target, title


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


def _evidence(f, x, v, expected, result=None):
    text = (f"the call: vjp({f!r}, x of shape {tuple(x.shape)} {x.dtype}, "
            f"v of shape {tuple(v.shape)})\nexpected {expected.tolist() if expected.numel() <= 12 else 'shape ' + str(tuple(expected.shape))}")
    if isinstance(result, torch.Tensor):
        shown = result.tolist() if result.numel() <= 12 else f"shape {tuple(result.shape)}"
        text += f"\nyours {shown}"
    return text


def _check(student, f, x, v):
    # f is data (a grader.fn tree): the jail rebuilds it, and the check evaluates the
    # very same tree here for the expected gradient. The returned gradient is a value.
    result = student.vjp(f, x, v)
    expected = _reference(f, x, v)
    if result is None:
        fail("vjp returned None: return x.grad after calling y.backward(gradient=v)",
             zh="vjp 返回了 None：调用 y.backward(gradient=v) 之后要返回 x.grad",
             evidence=_evidence(f, x, v, expected))
    if isinstance(result, tuple):
        fail("vjp returned a tuple: torch.autograd.grad returns a tuple of gradients. Return "
             "x.grad after y.backward(gradient=v) (or the first element of the tuple)",
             zh="vjp 返回的是元组：torch.autograd.grad 返回的是梯度组成的元组。请在 "
                "y.backward(gradient=v) 之后返回 x.grad（或者取元组的第一个元素）",
             evidence=_evidence(f, x, v, expected))
    if isinstance(result, torch.Tensor) and not _close(result, expected):
        ones = _reference(f, x, torch.ones_like(v))
        if _close(result, ones):
            fail("your vjp equals the gradient of y.sum(): it ignores v. Pass v to backward: "
                 "y.backward(gradient=v)",
                 zh="你的 vjp 等于 y.sum() 的梯度：它忽略了 v。要把 v 传给 backward："
                    "y.backward(gradient=v)",
                 evidence=_evidence(f, x, v, expected, result))
        if ones.shape == v.shape and _close(result, ones * v):
            fail("your vjp equals (gradient of y.sum()) * v, which is only right when each "
                 "y[i] depends on x[i] alone. Let autograd weight by v: y.backward(gradient=v)",
                 zh="你的 vjp 等于（y.sum() 的梯度）* v，这只有在每个 y[i] 只依赖 x[i] 时才对。"
                    "让自动求导按 v 加权：y.backward(gradient=v)",
                 evidence=_evidence(f, x, v, expected, result))
        if _close(result, -expected):
            fail("your vjp has the wrong sign", zh="你的 vjp 符号反了",
                 evidence=_evidence(f, x, v, expected, result))
    try:
        assert_tensor(result, expected, inputs=(x, v), name="vjp(f, x, v)")
    except CheckFailure as e:
        raise type(e)(e.diagnosis, f"the call: vjp({f!r}, x, v)\n{e.evidence}".rstrip()) from None


@points(1)
@target("vjp")
@title(zh="逐元素的 f = sin(x) * x，作用在随机矩阵上")
@hint("y = f(x); y.backward(gradient=v); return x.grad",
      zh="y = f(x); y.backward(gradient=v); return x.grad")
def check_elementwise(student, case):
    """elementwise f = sin(x) * x on a random matrix"""
    x = case.randn("i", "j").requires_grad_(True)
    v = case.randn("i", "j")
    _check(student, fn.sin(fn.x) * fn.x, x, v)


@points(2)
@title(zh="f = 2 * cumsum(x)：y[i] 依赖多个 x[j]，所以雅可比矩阵不是对角的")
@hint("The gradient= argument is v itself: y.backward(gradient=v). Do not multiply by v yourself.",
      zh="gradient= 参数就是 v 本身：y.backward(gradient=v)。不要自己再乘 v。")
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
@title(zh="f(x) = x @ W，x 的形状为 (i, j)，W 的形状为 (j, k)")
@hint("x.grad always has the shape of x, even when f(x) has another shape; v has the shape of f(x).",
      zh="x.grad 的形状总是和 x 相同，即使 f(x) 的形状不同；v 的形状和 f(x) 相同。")
def check_matrix_product(student, case):
    """f(x) = x @ W with x of shape (i, j) and W of shape (j, k)"""
    x = case.randn("i", "j").requires_grad_(True)
    W = case.randn("j", "k")
    v = case.randn("i", "k")
    _check(student, fn.x @ fn.const(W), x, v)


@points(1)
@target("vjp")
@title(zh="f 返回标量，v 是 0 维张量")
@hint("For a scalar y, backward(gradient=v) with a 0-d v scales the gradient by v.",
      zh="y 是标量时，用 0 维的 v 调用 backward(gradient=v) 会把梯度乘以 v。")
def check_scalar_output(student, case):
    """f returns a scalar and v is a 0-d tensor"""
    x = case.randn("i").requires_grad_(True)
    v = torch.tensor(2.5)
    _check(student, (fn.x ** 3).sum(), x, v)


@points(1)
@target("vjp")
@title(zh="float64 的 x 和 v，函数会混合不同元素：exp(x).sum(0) + x[0] ** 2")
@hint("Do not convert x or v: x.grad has the dtype of x.",
      zh="不要转换 x 或 v：x.grad 的 dtype 和 x 相同。")
def check_float64(student, case):
    """float64 x and v, a function that mixes elements: exp(x).sum(0) + x[0] ** 2"""
    x = case.randn("i", "j", dtype=torch.float64).requires_grad_(True)
    v = case.randn("j", dtype=torch.float64)
    rows = x.shape[0]
    ones = torch.ones(rows, dtype=torch.float64)                 # ones @ t is t.sum(0)
    first = torch.zeros(rows, dtype=torch.float64)
    first[0] = 1.0                                               # first @ t is t[0]
    _check(student, fn.const(ones) @ fn.exp(fn.x) + fn.const(first) @ fn.x ** 2, x, v)
