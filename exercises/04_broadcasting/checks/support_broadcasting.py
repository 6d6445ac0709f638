"""Helpers of exercise 04's checks: each names the mistakes it can prove.

A diagnosis says what kind of mistake it is and never quotes the inputs (the
same words whatever the inputs: a hidden check shows it, with any number in
it masked); the call, the inputs and the values go to the evidence, which a
hidden check withholds. A diagnosis that names a wrong method ("you lined the
shapes up from the left") is stated only when the check recomputed that
method and the student's answer matches it.
"""
import torch
from grader.checks import assert_tensor, describe, fail, StudentError


# ------------------------------------------------------------------ shapes

def true_shape(a, b):
    """The true broadcast shape, from torch itself (trusted check code), or None."""
    try:
        # broadcast_tensors of stride-0 views: broadcast_shapes would import sympy (0.4 s)
        scalar = torch.zeros(())
        return tuple(torch.broadcast_tensors(scalar.expand(a), scalar.expand(b))[0].shape)
    except RuntimeError:
        return None


def _pairwise_rule(a, b, pick):
    out = []
    for da, db in zip(a, b):
        if da == db or da == 1 or db == 1:
            out.append(pick(da, db))
        else:
            return None
    return tuple(out)


def left_aligned(a, b):
    """What you get when shapes are lined up from the left (padded on the right)."""
    n = max(len(a), len(b))
    a = tuple(a) + (1,) * (n - len(a))
    b = tuple(b) + (1,) * (n - len(b))
    return _pairwise_rule(a, b, lambda x, y: y if x == 1 else x)


def max_rule(a, b):
    """What you get with max(size_a, size_b): wrong when the other size is 0."""
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    return _pairwise_rule(a, b, max)


_FROM_THE_RIGHT = ("Broadcasting lines the shapes up from the right: pad the shorter one with "
                   "ones on its left.")
_FROM_THE_RIGHT_ZH = "广播是从右往左对齐形状的：较短的形状在左边补上大小为一的维度。"


def _diagnose_shape(a, b, got, want):
    """(diagnosis, its Chinese) for broadcast_shape(a, b) == got where want was expected."""
    if want is None:
        if got is False:
            return ("broadcast_shape returned False for shapes that do not fit; return None "
                    "(not False).",
                    "对不能广播的形状，broadcast_shape 返回了 False；应返回 None（而不是 False）。")
        if got is not None and got == left_aligned(a, b):
            return ("broadcast_shape returned a shape for shapes that cannot be broadcast: the "
                    "shape you get by lining them up from the left. Lined up from the right (the "
                    "broadcasting rule) some pair of sizes differs and neither is one: return None.",
                    "对不能广播的形状，broadcast_shape 却返回了一个形状：那是从左往右对齐得到的结果。"
                    "按广播规则从右往左对齐时，有一对大小不相等、且都不是一：应返回 None。")
        return ("broadcast_shape returned a result for shapes that cannot be broadcast: lined up "
                "from the right, some pair of sizes differs and neither is one, so return None.",
                "对不能广播的形状，broadcast_shape 却返回了结果：从右往左对齐时有一对大小不相等、"
                "且都不是一，所以应返回 None。")
    if got is None:
        if left_aligned(a, b) is None:
            return ("broadcast_shape returned None for shapes that do broadcast, as lining them "
                    "up from the left would. " + _FROM_THE_RIGHT,
                    "对可以广播的形状，broadcast_shape 返回了 None，就像从左往右对齐时那样。"
                    + _FROM_THE_RIGHT_ZH)
        return ("broadcast_shape returned None for shapes that do broadcast.",
                "对可以广播的形状，broadcast_shape 返回了 None。")
    if isinstance(got, tuple) and type(got) is not tuple:
        return (f"broadcast_shape returned a {type(got).__name__}, not a plain tuple: return a "
                f"tuple of ints (tuple(...)).",
                f"broadcast_shape 返回的是 {type(got).__name__}，而不是普通的元组：请返回由整数"
                f"组成的元组（tuple(...)）。")
    if isinstance(got, list) and tuple(got) == want:
        return ("broadcast_shape returned the right sizes in a list; return a tuple (tuple(...)).",
                "broadcast_shape 返回的大小是对的，但放在了列表里；请返回元组（tuple(...)）。")
    if not isinstance(got, tuple):
        return (f"broadcast_shape should return a tuple of ints or None, but it returned "
                f"{describe(got)}.",
                f"broadcast_shape 应该返回由整数组成的元组或 None，但它返回的是 {describe(got)}。")
    if got == left_aligned(a, b):
        return ("your shape is what lining the shapes up from the left gives. " + _FROM_THE_RIGHT,
                "你的形状正是从左往右对齐得到的结果。" + _FROM_THE_RIGHT_ZH)
    if tuple(reversed(got)) == want:
        return ("your shape is the right one reversed: if you walked the shapes from the right, "
                "reverse the result at the end.",
                "你的形状是正确结果倒过来的样子：如果你是从右往左逐对比较的，最后要把结果反转过来。")
    if got == max_rule(a, b):
        return ("your shape is what max() of each pair of sizes gives: a size of one takes the "
                "other size even when that size is zero, and max() gets this wrong.",
                "你的形状正是对每对大小取 max() 的结果：大小为一的维度会变成另一个大小，"
                "即使那个大小是零也一样，而 max() 在这里会出错。")
    return ("broadcast_shape returned the wrong shape.", "broadcast_shape 返回的形状不对。")


def expect_broadcast_shapes(student, pairs):
    for a, b in pairs:
        want = true_shape(a, b)
        got = student.broadcast_shape(a, b)
        if type(got) is type(want) and got == want:
            continue
        en, zh = _diagnose_shape(a, b, got, want)
        fail(en, zh=zh, evidence=f"broadcast_shape({a!r}, {b!r}) returned {got!r}"[:500]
             + f", expected {want!r}")


def expect_can_broadcast(student, pairs):
    for a, b in pairs:
        shape = true_shape(a, b)
        want = shape is not None
        got = student.can_broadcast(a, b)
        evidence = f"can_broadcast({a!r}, {b!r}) returned {got!r}"[:500] + f", expected {want}"
        if type(got) is not bool:
            if type(got) is type(shape) and got == shape:
                fail("can_broadcast returned the broadcast shape itself; return whether there is "
                     "one, a real bool: broadcast_shape(a, b) is not None.",
                     zh="can_broadcast 返回的是广播后的形状本身；应返回是否存在这样的形状，"
                        "而且必须是真正的 bool：broadcast_shape(a, b) is not None。",
                     evidence=evidence)
            fail(f"can_broadcast should return a real bool, True or False, but it returned "
                 f"{describe(got)}.",
                 zh=f"can_broadcast 应该返回真正的 bool（True 或 False），但它返回的是 {describe(got)}。",
                 evidence=evidence)
        if got != want:
            if a == () and b == ():
                fail("can_broadcast returned False for () and (), which broadcast to (): an empty "
                     "tuple is falsy, so test `is not None` instead of truthiness.",
                     zh="对 () 和 ()，can_broadcast 返回了 False，但它们可以广播，结果是 ()："
                        "空元组的真值为假，所以要用 `is not None` 判断，而不是看真假。",
                     evidence=evidence)
            if got == (left_aligned(a, b) is not None):
                fail("your answer is what lining the shapes up from the left gives. "
                     + _FROM_THE_RIGHT,
                     zh="你的答案正是从左往右对齐得到的结果。" + _FROM_THE_RIGHT_ZH,
                     evidence=evidence)
            fail("can_broadcast gave the wrong answer: "
                 + ("these shapes do broadcast." if want else "these shapes cannot be broadcast."),
                 zh="can_broadcast 的答案不对：" + ("这两个形状可以广播。" if want
                                                  else "这两个形状不能广播。"),
                 evidence=evidence)


# ------------------------------------------------------------------ tensors

def _broadcast_error(e):
    return "must match the size" in str(e)


def expect_outer(student, x, y):
    expected = x[:, None] * y[None, :]
    try:
        got = student.outer(x, y)
    except StudentError as e:
        if _broadcast_error(e):
            fail("your outer raised a size-mismatch error: x * y multiplies element by element, "
                 "which needs equal lengths. Give x a column axis and y a row axis: "
                 "x[:, None] * y[None, :].",
                 zh="你的 outer 抛出了大小不匹配的错误：x * y 是逐元素相乘，要求两者长度相等。"
                    "请给 x 加一个列方向的维度、给 y 加一个行方向的维度：x[:, None] * y[None, :]。",
                 evidence=f"x: shape {tuple(x.shape)}, y: shape {tuple(y.shape)}\n" + e.evidence())
        raise
    assert_tensor(got, expected, inputs=(x, y))


_WRONG_CENTERING = [
    (lambda x: x - x.mean(dim=1),
     "you subtracted the row means without keepdim=True: one mean per row, as a vector, lines up "
     "with the columns, so row i's mean was subtracted from column i. Add keepdim=True.",
     "你减去的是没有加 keepdim=True 的行均值：每行一个均值组成的一维向量会和列对齐，"
     "于是第 i 行的均值被减到了第 i 列上。请加上 keepdim=True。"),
    (lambda x: x - x.mean(dim=0),
     "you subtracted the column means; each row needs its own mean (the mean along the row).",
     "你减去的是每一列的均值；每一行应该减去它自己的均值（沿着这一行求均值）。"),
    (lambda x: x - x.mean(),
     "you subtracted the mean of the whole tensor; each row needs its own mean (the mean along "
     "the row, with keepdim=True).",
     "你减去的是整个张量的均值；每一行应该减去它自己的均值（沿着这一行求均值，并加上 keepdim=True）。"),
    (lambda x: x - x.mean(dim=0, keepdim=True),
     "you subtracted the column means; each row needs its own mean (the mean along the row).",
     "你减去的是每一列的均值；每一行应该减去它自己的均值（沿着这一行求均值）。"),
    (lambda x: (x - x.mean(dim=1, keepdim=True)) / x.std(dim=1, keepdim=True),
     "you also divided by the standard deviation: center_rows only subtracts each row's mean.",
     "你还除以了标准差：center_rows 只需要减去每一行的均值。"),
]


def expect_centered(student, x):
    expected = x - x.mean(dim=1, keepdim=True)
    evidence = f"x: shape {tuple(x.shape)}, dtype {x.dtype}"
    try:
        got = student.center_rows(x)
    except StudentError as e:
        if _broadcast_error(e):
            fail("your center_rows raised a size-mismatch error: the row means without "
                 "keepdim=True line up with the last dimension (the columns), not with the rows. "
                 "Keep the dimension: add keepdim=True to the mean.",
                 zh="你的 center_rows 抛出了大小不匹配的错误：不加 keepdim=True 的行均值会和最后一维"
                    "（列）对齐，而不是和行对齐。请保留这一维：求均值时加上 keepdim=True。",
                 evidence=evidence + "\n" + e.evidence())
        raise
    if (isinstance(got, torch.Tensor) and got.shape == expected.shape and got.dtype == x.dtype
            and expected.numel() and not torch.allclose(got, expected, rtol=1e-4, atol=1e-5)):
        for wrong, en, zh in _WRONG_CENTERING:
            try:
                w = wrong(x)
            except RuntimeError:
                continue
            if w.shape == got.shape and torch.allclose(got, w, rtol=1e-4, atol=1e-5):
                fail(en, zh=zh, evidence=evidence)
    assert_tensor(got, expected, inputs=(x,))


def _tolerance(dtype):
    # loose enough for the |x|^2 + |y|^2 - 2 x @ y.T formula, tight enough for real mistakes
    return dict(rtol=1e-5, atol=1e-4) if dtype == torch.float32 else {}


def expect_pairwise(student, x, y):
    diff = x[:, None, :] - y[None, :, :]
    expected = (diff ** 2).sum(dim=-1)
    got = student.pairwise_sq_dists(x, y)
    evidence = f"x: shape {tuple(x.shape)}, y: shape {tuple(y.shape)}, dtype {x.dtype}"
    transposed = (isinstance(got, torch.Tensor) and expected.dim() == 2
                  and tuple(got.shape) == tuple(expected.T.shape) and got.dtype == expected.dtype
                  and torch.allclose(got, expected.T, rtol=1e-4, atol=1e-4))
    if isinstance(got, torch.Tensor) and tuple(got.shape) != tuple(expected.shape) and \
            not transposed:   # a transpose is assert_tensor's to name
        for dim in (0, 1):
            wrong = (diff ** 2).sum(dim=dim)
            if got.shape == wrong.shape and got.dtype == wrong.dtype and \
                    torch.allclose(got, wrong, rtol=1e-4, atol=1e-4):
                fail("you summed over the wrong dimension: the difference has shape (n, m, d); sum "
                     "over the features, the last dimension.",
                     zh="你求和的维度不对：差的形状是 (n, m, d)；应该对特征求和，也就是最后一维。",
                     evidence=evidence + f"\nyour shape {tuple(got.shape)}, "
                                         f"expected {tuple(expected.shape)}")
    if (isinstance(got, torch.Tensor) and got.shape == expected.shape and expected.numel()
            and got.dtype == expected.dtype
            and not torch.allclose(got, expected, rtol=1e-4, atol=1e-4)):
        if torch.allclose(got, expected.sqrt(), rtol=1e-4, atol=1e-4):
            fail("these are the distances, not the squared distances: drop the square root.",
                 zh="这些是距离，而不是距离的平方：不要开平方根。",
                 evidence=evidence)
        if torch.allclose(got, diff.abs().sum(dim=-1), rtol=1e-4, atol=1e-4):
            fail("you summed |x[i] - y[j]| (absolute values); square the differences instead.",
                 zh="你求和的是 |x[i] - y[j]|（绝对值）；应该先把差平方再求和。",
                 evidence=evidence)
    assert_tensor(got, expected, inputs=(x, y), **_tolerance(x.dtype))
