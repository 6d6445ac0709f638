"""Helpers shared by exercise 11's checks (trusted check code).

It ships with the public checks in a release: nothing here may give away a
hidden check (no inputs, no expected values; only how to judge an answer and
the catalogue of common mistakes). Expected values are computed in the
check's own code with plain torch, in float64, never taken from the reference
solution. When a wrong answer matches what a common mistake computes (the
check recomputes it from the same inputs), the diagnosis names that mistake.

A diagnosis is one line in English and Chinese, with no inputs, sizes or
values: a hidden check shows it, with every digit masked, so formulas are
said in words. The values go to the evidence.
"""
import math

import torch
import torch.nn.functional as F

from grader.checks import StudentError, assert_number, assert_tensor, claim_fail, claims, fail
from grader.i18n import pick


# ----------------------------------------------------------------- helpers

def is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def scalar(result):
    """The value of a 0-d (or 1-element) tensor / number, else None."""
    if isinstance(result, torch.Tensor) and result.numel() == 1:
        return float(result.double().reshape(()))
    if is_number(result):
        return float(result)
    return None


def close(a, b, rel=1e-4, abs_=1e-6):
    return a is not None and math.isfinite(a) and math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def show(*tensors) -> str:
    """The inputs, for evidence: whole when small, else shape and dtype."""
    lines = []
    for i, t in enumerate(tensors, 1):
        if t.numel() <= 36:
            with torch._tensor_str.printoptions(precision=4, sci_mode=False):
                body = str(t.detach()).replace("\n", "\n    ")
        else:
            body = f"<{t.numel()} values>"
        lines.append(f"input {i}: shape {tuple(t.shape)}, {t.dtype}\n    {body}")
    return "\n".join(lines)


def require_0d_loss(result, fn, inputs):
    """Name the common type/shape mistakes of a loss before comparing values."""
    if is_number(result):
        fail(f"{fn}() returned a Python {type(result).__name__}, not a tensor: a loss must stay a"
             " scalar tensor of shape () so that loss.backward() works; don't call .item() or"
             " float() on it",
             zh=f"{fn}() 返回的是 Python 的 {type(result).__name__}，而不是张量：损失必须保持为"
                "形状为 () 的标量张量，loss.backward() 才能工作；不要对它调用 .item() 或 float()",
             evidence=f"returned {result!r}\n" + show(*inputs))
    if isinstance(result, torch.Tensor) and result.dim() > 0 and result.numel() > 1:
        fail(f"{fn}() returned a tensor with more than one element: a loss is one number, a"
             " scalar tensor of shape (); average over all of it, not over one dim",
             zh=f"{fn}() 返回的张量有不止一个元素：损失只是一个数，即形状为 () 的标量张量；"
                "要对全部求平均，而不是只对某一维",
             evidence=f"returned shape {tuple(result.shape)}, expected ()\n" + show(*inputs))


def name_variant(result, expected, variants, inputs):
    """If `result` is wrong but matches a known wrong variant, fail with its diagnosis.

    variants: (what the mistake gives, English, Chinese), computed by the check.
    """
    value = scalar(result)
    if value is None or close(value, expected) or not math.isfinite(value):
        return   # right, not a number, or inf/nan (the caller says something specific)
    matches = {(en, zh) for wrong, en, zh in variants
               if close(value, wrong) and not close(wrong, expected)}
    if len(matches) == 1:   # two mistakes that give the same value prove neither
        (en, zh), = matches
        fail(en, zh=zh, evidence=f"yours {value:.6g}, expected {expected:.6g}\n" + show(*inputs))


def student_grad(student, fn, inp, other, what, what_zh):
    """d fn(inp, other) / d inp, by a backward pass through the student's own graph.

    The grader's builder (autograd.call) calls the student's function in the
    student's process and runs loss.backward() there; the gradient that lands
    in inp.grad comes back as data, compared here with the check's own: a
    gradient that matches was computed by autograd. None means that nothing
    reached inp.
    """
    _, grads, _ = student.build("autograd.call", getattr(student, fn), inp, other,
                                backward=torch.ones((), dtype=inp.dtype))
    grad = grads[0]
    if grad is None:
        fail(f"no gradient reached {what} through your {fn}(): the loss is not part of the"
             " autograd graph; did you call .item() or .detach(), use torch.no_grad(), or"
             " rebuild the result with torch.tensor(...)?",
             zh=f"没有梯度通过你的 {fn}() 传回{what_zh}：损失不在计算图中；是不是调用了 .item()"
                " 或 .detach()，用了 torch.no_grad()，或者用 torch.tensor(...) 重新构造了结果？",
             evidence=f"after loss.backward(), {what}.grad is None\n" + show(inp.detach(), other))
    return grad


def claims_graph(result, what, what_zh):
    """After the values and the gradient are verified: what the process says of the loss."""
    info = claims(result)
    if not info.requires_grad or info.grad_fn is None:
        claim_fail(f"your process reports that the loss does not require grad (or has no"
                   f" grad_fn) although {what} does: loss.backward() would fail; keep every step"
                   " a tensor operation",
                   zh=f"你的进程报告：{what_zh}需要梯度，但损失不需要梯度（或者没有 grad_fn）："
                      "这样 loss.backward() 会失败；每一步都要用张量运算",
                   evidence=f"reported requires_grad={info.requires_grad!r},"
                            f" grad_fn={str(info.grad_fn)[:60]}")


def call_loss(student, fn, *args):
    """student.<fn>(*args), naming an in-place change of a tensor that requires grad."""
    try:
        return getattr(student, fn)(*args)
    except StudentError as e:
        if not e.not_implemented and "in-place operation" in e.message:
            fail(f"your {fn}() changes its input in place, which autograd does not allow for a"
                 " tensor that requires grad: use out-of-place operations (logits - m, not"
                 " logits -= m)",
                 zh=f"你的 {fn}() 原地修改了输入，而对需要梯度的张量 autograd 不允许这样做："
                    "请用非原地运算（logits - m，而不是 logits -= m）",
                 evidence=f"{e.type_name}: {' '.join(e.message.split())[:600]}")
        raise


# ----------------------------------------------------------------- mse

def mse_variants(pred, tgt):
    d = (pred.double() - tgt.double())
    expected = (d ** 2).mean().item()
    variants = [
        ((d ** 2).sum().item(),
         "your mse is the sum of the squared differences, not their mean: use .mean()",
         "你的 mse 是平方差的总和，而不是平均值：请用 .mean()"),
        (2 * expected,
         "your mse is twice the mean squared error: did you multiply by two, or add the loss"
         " twice?",
         "你的 mse 是均方误差的两倍：是不是多乘了一个二，或者把损失加了两遍？"),
        (expected / 2,
         "your mse is half the mean squared error: there is no factor one half here",
         "你的 mse 是均方误差的一半：这里没有二分之一这个系数"),
        (math.sqrt(expected),
         "your mse is the square root of the MSE (the RMSE): don't take .sqrt()",
         "你的 mse 是 MSE 的平方根（也就是 RMSE）：不要调用 .sqrt()"),
        (d.abs().mean().item(),
         "your mse is the mean absolute error: square the differences instead of taking .abs()",
         "你的 mse 是平均绝对误差：应该对差值求平方，而不是取 .abs()"),
        (d.mean().item(),
         "your mse is the mean of the differences: you forgot to square them",
         "你的 mse 是差值的平均值：忘了先求平方"),
        (d.mean().item() ** 2,
         "your mse squares the mean difference: square each difference first, then average",
         "你的 mse 是先求平均再平方：应该先对每个差值求平方，再求平均"),
    ]
    if d.dim() == 2:
        variants.append(((d ** 2).sum(dim=1).mean().item(),
                         "your mse sums over the last dim and averages over the first: average"
                         " over all elements",
                         "你的 mse 在最后一维上求和、在第一维上求平均：应该对所有元素求平均"))
    return expected, variants


def expect_mse(student, pred, tgt):
    result = student.mse(pred, tgt)
    require_0d_loss(result, "mse", (pred, tgt))
    expected, variants = mse_variants(pred, tgt)
    name_variant(result, expected, variants, (pred, tgt))
    assert_tensor(result, torch.tensor(expected, dtype=pred.dtype), inputs=(pred, tgt),
                  name=pick("mse", "mse 的结果"))
    return result


# ----------------------------------------------------------------- cross_entropy

def ce_expected(logits, labels):
    """Per-row log-sum-exp, picked logits and losses, in float64, by the log-sum-exp trick."""
    z = logits.double()
    m = z.max(dim=1, keepdim=True).values
    lse = (z - m).exp().sum(dim=1).log() + m.squeeze(1)
    picked = z.gather(1, labels[:, None]).squeeze(1)
    return lse, picked, (lse - picked)


def ce_variants(logits, labels):
    lse, picked, rows = ce_expected(logits, labels)
    z = logits.double()
    c = z.shape[1]
    m = z.max(dim=1).values
    expected = rows.mean().item()
    variants = [
        (rows.sum().item(),
         "your cross_entropy sums the row losses instead of averaging them: take the mean over"
         " the rows",
         "你的 cross_entropy 把各行的损失加起来了，而不是求平均：请对各行求平均"),
        (-expected,
         "your cross_entropy has the wrong sign: the loss is logsumexp(row) - row[label], which"
         " is never negative",
         "你的 cross_entropy 符号反了：损失是 logsumexp(row) - row[label]，永远不会是负数"),
        (expected / c,
         "your cross_entropy averages over all N*C entries: average over the N rows only",
         "你的 cross_entropy 对全部 N*C 个元素求了平均：只应对 N 行求平均"),
        ((rows - m).mean().item(),
         "your cross_entropy is off by the row max: after subtracting the max for exp(), add it"
         " back (or pick row[label] from the shifted logits as well)",
         "你的 cross_entropy 差了每行的最大值：为了 exp() 减去最大值之后，要把它加回来"
         "（或者 row[label] 也从减过最大值的 logits 中取）"),
        ((rows + m).mean().item(),
         "your cross_entropy is off by the row max: subtract the max from both terms, or from"
         " neither",
         "你的 cross_entropy 差了每行的最大值：要么两项都减去最大值，要么都不减"),
        ((lse.mean() - z[:, labels].mean()).item(),
         "your cross_entropy picks logits[:, labels], a whole N-by-N block; pick one entry per"
         " row: logits[torch.arange(N), labels], or logits.gather with labels[:, None]",
         "你的 cross_entropy 用 logits[:, labels] 取出了一整块 N×N 的元素；每行只应取一个："
         "logits[torch.arange(N), labels]，或者用 logits.gather 配合 labels[:, None]"),
        ((-(z.exp() / z.exp().sum(dim=0, keepdim=True)).log().gather(1, labels[:, None])).mean().item(),
         "your softmax is taken down each column: normalise each row (over the classes), not"
         " each column",
         "你的 softmax 是按列做的：应该对每一行（在类别维度上）归一化，而不是每一列"),
    ]
    col_max = z.max(dim=0, keepdim=True).values
    variants.append((
        ((z - col_max).exp().sum(dim=1).log()
         - (z - col_max).gather(1, labels[:, None]).squeeze(1)).mean().item(),
        "your cross_entropy takes the max down each column; take one max per row (over the"
        " classes, with keepdim=True)",
        "你的 cross_entropy 是按列取的最大值；应该每行取一个最大值（在类别维度上，keepdim=True）"))
    return expected, variants


def ce_not_finite(value, expected, logits, labels):
    fail("your cross_entropy gives inf or nan: for large logits exp() overflows to inf (or"
         " underflows to zero, and the log of zero is -inf); subtract each row's max first",
         zh="你的 cross_entropy 得到了 inf 或 nan：logits 很大时 exp() 会上溢成 inf（或者下溢成零，"
            "而零的 log 是 -inf）；请先减去每一行的最大值",
         evidence=f"yours {value}, expected {expected:.6g}\n" + show(logits, labels))


def expect_ce(student, logits, labels):
    result = call_loss(student, "cross_entropy", logits, labels)
    require_0d_loss(result, "cross_entropy", (logits, labels))
    expected, variants = ce_variants(logits, labels)
    value = scalar(result)
    if value is not None and not math.isfinite(value):
        ce_not_finite(value, expected, logits, labels)
    name_variant(result, expected, variants, (logits, labels))
    assert_tensor(result, torch.tensor(expected, dtype=logits.dtype), inputs=(logits, labels),
                  name=pick("cross_entropy", "cross_entropy 的结果"))
    return result


def ce_gradient(logits, labels):
    """(softmax(logits) - one_hot(labels)) / N, in logits' dtype: the check's own gradient."""
    z = logits.detach().double()
    p = (z - z.max(dim=1, keepdim=True).values).exp()
    p = p / p.sum(dim=1, keepdim=True)
    return ((p - F.one_hot(labels, z.shape[1]).double()) / z.shape[0]).to(logits.dtype)


# ----------------------------------------------------------------- accuracy

def _argmax_down_columns(evidence):
    fail("your accuracy takes the argmax down each column: each row is one sample, so take"
         " the argmax of each row (over the classes)",
         zh="你的 accuracy 是按列取 argmax 的：每一行是一个样本，应该对每一行（在类别维度上）取 argmax",
         evidence=evidence)


def expect_accuracy(student, logits, labels):
    n, c = logits.shape
    def inputs():   # for evidence, only when a check fails (printing tensors is slow)
        return show(logits, labels)

    try:
        result = student.accuracy(logits, labels)
    except StudentError as e:
        if not e.not_implemented and "must match the size" in e.message and \
                f"({c})" in e.message and f"({n})" in e.message:
            _argmax_down_columns(
                f"accuracy() raised {e.type_name}: {' '.join(e.message.split())[:400]}\n"
                f"with N={n} rows and C={c} classes, argmax over dim 0 gives {c} predictions"
                f" that cannot be compared with {n} labels\n" + inputs())
        raise
    pred = logits.argmax(dim=1)
    correct = int((pred == labels).sum())
    expected = correct / n
    if isinstance(result, torch.Tensor):
        fail("accuracy() returned a tensor: return a plain Python float (call .item() on the"
             " final scalar tensor)",
             zh="accuracy() 返回的是张量：请返回 Python 的 float（对最后的标量张量调用 .item()）",
             evidence=f"returned a tensor of shape {tuple(result.shape)}, {result.dtype};"
                      f" expected {expected:.6g}\n" + inputs())
    if isinstance(result, bool) or not is_number(result):
        fail("accuracy() should return a Python float, but it returned another type",
             zh="accuracy() 应该返回 Python 的 float，但返回的是别的类型",
             evidence=f"returned {type(result).__name__} {str(result)[:80]}\n" + inputs())
    def yours():
        return f"yours {result!r}, expected {expected:.6g} ({correct} of {n} rows right)\n" + inputs()

    if type(result) is int and not (0 < correct < n and result == 0) and \
            not (correct > 0 and n > 1 and result == correct):
        fail("accuracy() returned an int: return a Python float (divide with /, or use"
             " .float().mean().item())",
             zh="accuracy() 返回的是 int：请返回 Python 的 float（用 / 做除法，或者用"
                " .float().mean().item()）",
             evidence=yours())
    if correct > 0 and n > 1 and float(result) == float(correct):
        fail("accuracy() returned the number of correct rows: divide it by the number of rows",
             zh="accuracy() 返回的是预测正确的行数：还要除以总行数",
             evidence=yours())
    if n == c:
        wrong = (logits.argmax(dim=0) == labels).float().mean().item()
        if close(float(result), wrong) and not close(wrong, expected):
            _argmax_down_columns(yours())
    if 0 < correct < n and result == 0 and type(result) is int:
        fail("accuracy() rounded the fraction down to zero: integer division (//) drops it;"
             " use / or .float().mean()",
             zh="accuracy() 把比例向下取整成了零：整数除法（//）会把小数部分丢掉；请用 / 或"
                " .float().mean()",
             evidence=yours())
    if expected != 0 and close(float(result), 100 * expected):
        fail("accuracy() returned a percentage: return the fraction, between zero and one",
             zh="accuracy() 返回的是百分数：应该返回介于零和一之间的比例",
             evidence=yours())
    assert_number(result, expected, rel=1e-6, abs=1e-9, name=pick("accuracy", "accuracy 的结果"))
