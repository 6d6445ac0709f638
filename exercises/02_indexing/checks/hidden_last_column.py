"""Hidden checks for last_column(x)."""
import torch
from grader.checks import points, hint, target, title
from support_indexing import expect_last_column as _check


@points(1)
@target("last_column")
@title(zh="对又宽又矮、又窄又高的随机张量调用 last_column")
@hint("Rows come first: x[:, -1] is every row's last element.",
      zh="行在前：x[:, -1] 是每一行的最后一个元素。")
def check_last_column_random(student, case):
    """last_column of wide and tall random tensors"""
    _check(student, case.randn("n", "m"))
    _check(student, case.randn("m", "n"))
    _check(student, case.randint(-9, 10, "k", "n"))


@points(1)
@target("last_column")
@title(zh="last_column：只有一列、只有一行、没有行，以及 float64")
@hint("The result has one value per row: shape (x.shape[0],), even with 0 rows or 1 column.",
      zh="结果每行一个值：形状是 (x.shape[0],)，即使没有行或只有一列也一样。")
def check_last_column_edges(student, case):
    """last_column with one column, one row, no rows, and in float64"""
    _check(student, case.randn("n", 1))
    _check(student, case.randn(1, "m", dtype=torch.float64))
    _check(student, torch.zeros(0, case.size("m")))
    _check(student, case.randn("k", "m", dtype=torch.float64))
