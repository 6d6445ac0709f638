"""Helpers shared by exercise 09's checks (trusted check code).

It ships with the public checks in a release: nothing here may give away a
hidden check. Everything runs through the grader's own builders
(grader/jail/builders/models.py): the values that come back (outputs,
gradients) are verified against the check's own calculus and finite
differences; what the student's process says about its Function (a subclass
of torch.autograd.Function? its grad_fn? its saved tensors?) is a claim, read
only after the values passed, and it can only cost points (claim_fail).

Every failure is a diagnosis (the kind of mistake, in English and Chinese,
one line, no inputs or values: a hidden check shows it) and evidence (the
values, withheld for a hidden check). A known mistake is named only when the
check recomputed it and the student's values match it.
"""
import math

import torch

from grader.checks import CheckFailure, assert_tensor, claim_fail, fail
from grader.i18n import pick


def close(a, b, atol=1e-5):
    return (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape
            and bool(torch.allclose(a.double(), b.double(), rtol=1e-4, atol=atol)))


def apply(student, name, x):
    """y = <name>.apply(x) in the student's process: (y, the process's report, a Claim)."""
    return student.build("models.apply_function", getattr(student, name), x)


def backward(student, name, x, g):
    """y = <name>.apply(x); y.backward(g): (y, x.grad), both values the check verifies."""
    return student.build("models.function_backward", getattr(student, name), x, g)


def reported(claim) -> dict:
    """The report of models.apply_function (what the student's process says): a dict."""
    value = getattr(claim, "value", None)
    return value if isinstance(value, dict) else {}


def output_name(name):
    return pick(f"{name}.apply(x)", f"{name}.apply(x) 的结果")


def gradient_name():
    return pick("gradient (from your backward)", "梯度（你的 backward 算出的）")


def evidence_of(actual, expected, inputs=(), name="result"):
    """assert_tensor's account of how `actual` differs from `expected`: evidence only."""
    try:
        assert_tensor(actual, expected, inputs=inputs, name=name, device=None)
    except CheckFailure as e:
        return "\n".join(part for part in (e.diagnosis, e.evidence) if part)
    return ""


def name_mistake(actual, expected, named, inputs, name):
    """Fail with the diagnosis of the first known mistake whose value `actual` matches.

    named: (value the mistake gives, English diagnosis, Chinese diagnosis), each
    value computed by the check itself from the same inputs.
    """
    matches = {(en, zh) for value, en, zh in named if close(actual, value)}
    if len(matches) == 1:   # two mistakes that give the same values prove neither
        (en, zh), = matches
        fail(en, zh=zh, evidence=evidence_of(actual, expected, inputs, name))


def expect_forward(student, name, x, expected, device, named=()):
    """<name>.apply(x) must equal `expected`; returns (y, report)."""
    y, report = apply(student, name, x)
    if isinstance(y, torch.Tensor) and not close(y, expected):
        name_mistake(y, expected, named, (x,), output_name(name))
    assert_tensor(y, expected, inputs=(x,), name=output_name(name), device=device)
    return y, report


def expect_gradient(student, name, x, g, expected, device, named=()):
    """The gradient reaching x when g flows back from <name>.apply(x) must equal `expected`."""
    _, grad = backward(student, name, x, g)
    if grad is None:
        fail(f"no gradient reached x: your backward returned None for x, or {name}.apply(x)"
             " is not connected to x in the graph; backward must return grad_output times the"
             " local derivative",
             zh=f"没有梯度传回 x：你的 backward 给 x 返回了 None，或者 {name}.apply(x) 的结果"
                "在计算图上与 x 没有连接；backward 必须返回 grad_output 乘以局部导数",
             evidence=f"x.grad is None after {name}.apply(x).backward(grad_output)"
                      f"\nx: shape {tuple(x.shape)}, {x.dtype}")
    if isinstance(grad, torch.Tensor) and not close(grad, expected):
        name_mistake(grad, expected, named, (x, g), gradient_name())
    assert_tensor(grad, expected, inputs=(x, g), name=gradient_name(), device=device)
    return grad


def expect_finite_differences(student, name, case, scale=1.0, directions=3, eps=1e-6,
                              mistakes=None):
    """backward agrees with central differences of forward, in float64 (what gradcheck tests).

    Along random directions v and a random upstream gradient g:
    (<f(x + eps v), g> - <f(x - eps v), g>) / (2 eps) must equal <v, grad>,
    where grad is what backward returns for g. Every number is a value the
    check received and computes with itself. On a mismatch, `mistakes(x, g)`
    (known wrong gradients, computed here) may name what backward computed.
    """
    x = case.randn("i", "j", dtype=torch.float64) * scale
    g = case.randn("i", "j", dtype=torch.float64)
    _, grad = backward(student, name, x, g)
    if not isinstance(grad, torch.Tensor) or grad.shape != x.shape:
        fail("for a float64 input your backward does not give a gradient shaped like the input",
             zh="对于 float64 输入，你的 backward 返回的梯度形状与输入不同",
             evidence=f"input shape {tuple(x.shape)}, float64; gradient: {_what(grad)}")
    for _ in range(directions):
        v = case.randn("i", "j", dtype=torch.float64)
        up, _ = apply(student, name, x + eps * v)
        down, _ = apply(student, name, x - eps * v)
        for y in (up, down):
            if not isinstance(y, torch.Tensor) or y.shape != x.shape:
                fail("for a float64 input your forward does not return a tensor shaped like"
                     " the input",
                     zh="对于 float64 输入，你的 forward 返回的不是与输入形状相同的张量",
                     evidence=f"input shape {tuple(x.shape)}, float64; forward returned {_what(y)}")
        numeric = float(((up.double() - down.double()) * g).sum()) / (2 * eps)
        analytic = float((grad.double() * v).sum())
        if not (math.isfinite(numeric) and math.isfinite(analytic)) or \
                abs(numeric - analytic) > 1e-4 + 1e-3 * abs(numeric):
            evidence = (f"along a random direction v (eps = {eps:g}): finite differences of"
                        f" forward give {numeric:.6g}, your backward gives {analytic:.6g}"
                        f"\ninput shape {tuple(x.shape)}, float64")
            matches = {(en, zh) for value, en, zh in (mistakes(x, g) if mistakes else [])
                       if close(grad, value)}
            if len(matches) == 1:
                (en, zh), = matches
                fail(en, zh=zh, evidence=evidence)
            fail("your backward does not match the numerical derivative of your forward (the"
                 " test torch.autograd.gradcheck makes, in float64): backward must return"
                 " grad_output times the derivative of what forward computes",
                 zh="你的 backward 与对 forward 做数值差分得到的导数不一致（也就是"
                    " torch.autograd.gradcheck 在 float64 下做的检查）：backward 必须返回"
                    " grad_output 乘以 forward 所算函数的导数",
                 evidence=evidence)


def expect_own_backward(report, name, compute, compute_zh):
    """Claims, read after the values passed: a Function subclass, applied with its own node."""
    r = reported(report)
    if r.get("is_function") is not True:
        claim_fail(f"your process reports that {name} is not a subclass of"
                   f" torch.autograd.Function: write class {name}(torch.autograd.Function)",
                   zh=f"你的进程报告 {name} 不是 torch.autograd.Function 的子类：请写成"
                      f" class {name}(torch.autograd.Function)",
                   evidence=f"reported is_function: {r.get('is_function')!r}")
    if r.get("overrides_apply"):
        claim_fail(f"your {name} defines its own apply: then your forward and backward never"
                   " run and autograd differentiates the built-in operations instead; delete"
                   f" apply (the inherited one connects them) and {compute} inside forward(ctx, x)",
                   zh=f"你的 {name} 自己定义了 apply：这样你写的 forward 和 backward 根本不会执行，"
                      "autograd 求导用的是内置运算自己的导数；删掉 apply（继承来的 apply 才会把它们"
                      f"接入自动求导），在 forward(ctx, x) 里{compute_zh}",
                   evidence="reported overrides_apply: True")
    node = r.get("grad_fn")
    if node != f"{name}Backward":
        if node is None:
            claim_fail(f"your process reports no grad_fn on the result of {name}.apply(x)"
                       " although x requires grad: let apply run your forward; do not detach"
                       " the result or use torch.no_grad()",
                       zh=f"你的进程报告：x 需要梯度，但 {name}.apply(x) 的结果没有 grad_fn："
                          "让 apply 去调用你的 forward，不要对结果 detach，也不要用 torch.no_grad()",
                       evidence="reported grad_fn: None")
        claim_fail(f"your process reports that the result of {name}.apply(x) does not have the"
                   f" grad_fn node of your own Function ({name}Backward): autograd is using the"
                   f" built-in operations' backward, not yours; do not override apply, {compute}"
                   " inside forward(ctx, x)",
                   zh=f"你的进程报告 {name}.apply(x) 的结果的 grad_fn 不是你自己的 Function 的节点"
                      f"（{name}Backward）：autograd 用的是内置运算的 backward，而不是你写的；"
                      f"不要重写 apply，在 forward(ctx, x) 里{compute_zh}",
                   evidence=f"reported grad_fn: {str(node)[:80]}, expected {name}Backward")


def expect_saved(report, what, what_zh):
    """A claim, read after the values passed: forward kept a tensor with ctx.save_for_backward."""
    saved = reported(report).get("saved_tensors")
    if type(saved) is not int or saved < 1:
        claim_fail(f"your process reports that forward saved no tensor with"
                   f" ctx.save_for_backward: save the {what} there instead of storing it on ctx"
                   " as an attribute",
                   zh=f"你的进程报告 forward 没有用 ctx.save_for_backward 保存任何张量：请用它保存"
                      f"{what_zh}，不要把张量作为属性直接挂在 ctx 上",
                   evidence=f"reported saved_tensors: {str(saved)[:40]}")


def _what(value) -> str:
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)}, {value.dtype}"
    return "None" if value is None else f"a {type(value).__name__}"


# ------------------------------------------------------------------ known mistakes
# (value the mistake gives, English diagnosis, Chinese diagnosis), each value
# computed here from the check's inputs. Diagnoses are shown for hidden checks
# with every digit masked, so they say the formulas in words.

def sigmoid_forward_mistakes(x):
    xd = x.detach().double()
    named = [
        (1 / (1 + torch.exp(xd)),
         "your forward computes σ(-x) instead of σ(x): the sign of the exponent is"
         " flipped; the sigmoid is one over (one plus torch.exp(-x))",
         "你的 forward 算出的是 σ(-x) 而不是 σ(x)：指数的符号反了；sigmoid 是"
         "“一除以（一加 torch.exp(-x)）”"),
        (torch.tanh(xd),
         "your forward computes tanh(x), not the sigmoid",
         "你的 forward 算的是 tanh(x)，不是 sigmoid"),
    ]
    return named


def sigmoid_gradient_mistakes(x, g):
    xd, gd = x.detach().double(), g.double()
    s = torch.sigmoid(xd)
    named = [
        (s * (1 - s),
         "your backward ignores grad_output: it returns σ'(x) alone; by the chain rule,"
         " multiply it by grad_output",
         "你的 backward 没有用到 grad_output：只返回了 σ'(x)；按照链式法则，还要乘上 grad_output"),
        (gd * xd * (1 - xd),
         "your backward uses the input x where it needs the output y = σ(x): save the"
         " output in forward (ctx.save_for_backward(y)) and compute the derivative from y",
         "你的 backward 用的是输入 x，而这里需要的是输出 y = σ(x)：在 forward 中保存输出"
         "（ctx.save_for_backward(y)），再用 y 计算导数"),
        (gd * (1 - s ** 2),
         "your backward uses the derivative of tanh (one minus y squared); the derivative of"
         " the sigmoid is y times (one minus y)",
         "你的 backward 用的是 tanh 的导数（一减 y 的平方）；sigmoid 的导数是 y 乘以（一减 y）"),
        (gd * s,
         "your backward returns grad_output * y: the factor (one minus y) of σ'(x) is missing",
         "你的 backward 返回的是 grad_output * y：漏掉了 σ'(x) 中“一减 y”这个因子"),
        (-gd * s * (1 - s),
         "your backward has the wrong sign: σ'(x) is always positive",
         "你的 backward 符号反了：σ'(x) 总是正的"),
        (gd * s * (1 - s) * s * (1 - s),
         "your backward multiplies by σ'(x) twice",
         "你的 backward 把 σ'(x) 乘了两次"),
    ]
    return named


def square_forward_mistakes(x):
    xd = x.detach()
    named = [(2 * xd,
              "your forward computes two times x; Square is x * x",
              "你的 forward 算的是 x 的两倍；Square 应该是 x * x")]
    return named


def square_gradient_mistakes(x, g):
    xd = x.detach()
    named = [
        (g * xd,
         "your backward returns grad_output * x: the derivative of x² is two times x, so the"
         " factor two is missing",
         "你的 backward 返回的是 grad_output * x：x² 的导数是 x 的两倍，漏掉了系数二"),
        (2 * xd,
         "your backward ignores grad_output: it returns the local derivative alone; by the"
         " chain rule, multiply it by grad_output",
         "你的 backward 没有用到 grad_output：只返回了局部导数；按照链式法则，还要乘上 grad_output"),
        (2 * g,
         "your backward returns twice grad_output without x: the derivative of x² is two times"
         " x, so multiply by the saved input x as well",
         "你的 backward 返回的是 grad_output 的两倍，里面没有 x：x² 的导数是 x 的两倍，"
         "还要乘上保存的输入 x"),
        (g * 2 * xd * xd,
         "your backward uses the output x² where it needs the input x: save the input in"
         " forward (ctx.save_for_backward(x))",
         "你的 backward 用的是输出 x²，而这里需要的是输入 x：在 forward 中保存输入"
         "（ctx.save_for_backward(x)）"),
        (g * xd * xd,
         "your backward returns grad_output times the forward value x²; the derivative of x²"
         " is two times x",
         "你的 backward 返回的是 grad_output 乘以 forward 的值 x²；x² 的导数是 x 的两倍"),
        (-g * 2 * xd,
         "your backward has the wrong sign",
         "你的 backward 符号反了"),
    ]
    return named
