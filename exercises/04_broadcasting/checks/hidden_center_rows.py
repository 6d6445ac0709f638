"""Hidden checks for center_rows(x)."""
import torch
from grader.checks import points, hint, target, title
from support_broadcasting import expect_centered as _check

_HINT = ("x.mean(dim=1) has shape (n,), which lines up with the last dimension (the columns). "
         "x.mean(dim=1, keepdim=True) has shape (n, 1): one mean per row.")
_HINT_ZH = ("x.mean(dim=1) 的形状是 (n,)，它会和最后一维（列）对齐。"
            "x.mean(dim=1, keepdim=True) 的形状是 (n, 1)：每行一个均值。")


@points(1)
@target("center_rows")
@title(zh="对随机的 (n, d) 张量调用 center_rows，n != d")
@hint(_HINT, zh=_HINT_ZH)
def check_center_rows_random(student, case):
    """center_rows of a random (n, d) tensor, n != d"""
    _check(student, case.randn("n", "d") * 3 + 2)


@points(1)
@target("center_rows")
@title(zh="对方阵调用 center_rows（缺少 keepdim 时不会报错）")
@hint(_HINT, zh=_HINT_ZH)
def check_center_rows_square(student, case):
    """center_rows of a square matrix (where a missing keepdim does not raise)"""
    x = case.randn("n", "n") + torch.arange(case.size("n"), dtype=torch.float32)[:, None] * 5
    _check(student, x)


@points(1)
@target("center_rows")
@title(zh="center_rows：float64、只有一行、只有一列")
@hint("The result has x's shape and dtype, and every row has mean 0.",
      zh="结果的形状和 dtype 与 x 相同，并且每一行的均值都是 0。")
def check_center_rows_float64_and_thin(student, case):
    """center_rows in float64, with one row, and with one column"""
    _check(student, case.randn("n", "d", dtype=torch.float64) * 10)
    _check(student, case.randn(1, "d"))
    _check(student, case.randn("n", 1))


@points(1)
@target("center_rows")
@title(zh="对没有行的张量调用 center_rows")
@hint("A (0, d) input has no rows: the result is an empty (0, d) tensor.",
      zh="(0, d) 的输入没有行：结果是形状为 (0, d) 的空张量。")
def check_center_rows_no_rows(student, case):
    """center_rows of a tensor with no rows"""
    _check(student, torch.zeros(0, case.size("d")))
