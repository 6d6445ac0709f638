"""Hidden checks for outer(x, y)."""
import torch
from grader.checks import points, hint, target, title
from support_broadcasting import expect_outer as _check

_HINT = ("x[:, None] has shape (n, 1), y[None, :] has shape (1, m); their product is (n, m). "
         "x * y alone needs equal lengths and gives shape (n,).")
_HINT_ZH = ("x[:, None] 的形状是 (n, 1)，y[None, :] 的形状是 (1, m)；两者相乘得到 (n, m)。"
            "直接写 x * y 要求长度相等，而且得到的形状是 (n,)。")


@points(1)
@target("outer")
@title(zh="对长度不同的随机向量调用 outer")
@hint(_HINT, zh=_HINT_ZH)
def check_outer_random(student, case):
    """outer of random vectors of different lengths"""
    _check(student, case.randn("n"), case.randn("m"))


@points(1)
@target("outer")
@title(zh="outer(x, y) 有 len(x) 行、len(y) 列")
@hint("Rows follow x, columns follow y: result[i, j] = x[i] * y[j].",
      zh="行对应 x，列对应 y：result[i, j] = x[i] * y[j]。")
def check_outer_orientation(student, case):
    """outer(x, y) has len(x) rows and len(y) columns"""
    x, y = case.randn("a"), case.randn("b")
    _check(student, x, y)
    _check(student, y, x)


@points(1)
@target("outer")
@title(zh="outer 保持 float64 和 int64")
@hint("Broadcasting keeps the dtype: float64 stays float64, int64 stays int64.",
      zh="广播不改变 dtype：float64 仍是 float64，int64 仍是 int64。")
def check_outer_dtypes(student, case):
    """outer keeps float64 and int64"""
    _check(student, case.randn("n", dtype=torch.float64), case.randn("m", dtype=torch.float64))
    _check(student, case.randint(-9, 10, "n"), case.randint(-9, 10, "m"))


@points(1)
@target("outer")
@title(zh="outer 的输入中有空向量")
@hint("An empty vector gives an empty table: (0,) and (m,) give (0, m).",
      zh="空向量得到空表：(0,) 和 (m,) 得到 (0, m)。")
def check_outer_empty(student, case):
    """outer with an empty vector"""
    y = case.randn("m")
    _check(student, torch.zeros(0), y)
    _check(student, y, torch.zeros(0))
