"""Hidden checks for select_rows(x, mask)."""
import torch
from grader.checks import points, hint, target, title
from support_indexing import expect_selected_rows as _check


def _mask(case, n):
    mask = case.rand(n) > 0.5
    mask[0], mask[-1] = True, False   # at least one row kept and one dropped
    return mask[torch.randperm(n, generator=case.generator)]


@points(1)
@target("select_rows")
@title(zh="用随机掩码调用 select_rows")
@hint("x[mask] keeps the rows where mask is True, in order.",
      zh="x[mask] 按顺序保留 mask 为 True 的行。")
def check_select_rows_random(student, case):
    """select_rows with a random mask"""
    x = case.randn("n", "d")
    _check(student, x, _mask(case, case.size("n")))
    x = case.randn("d", "n")
    _check(student, x, _mask(case, case.size("d")))


@points(1)
@target("select_rows")
@title(zh="select_rows：恰好选中一行、一行也不选、全部选中")
@hint("The result is always 2-D: one True gives shape (1, d), no True gives shape (0, d).",
      zh="结果总是二维的：一个 True 得到形状 (1, d)，没有 True 得到形状 (0, d)。")
def check_select_rows_counts(student, case):
    """select_rows with exactly one, zero, and all rows selected"""
    n = case.size("n")
    x = case.randn("n", "d")
    one = torch.zeros(n, dtype=torch.bool)
    one[case.rng.randrange(n)] = True
    _check(student, x, one)
    _check(student, x, torch.zeros(n, dtype=torch.bool))
    _check(student, x, torch.ones(n, dtype=torch.bool))


@points(1)
@target("select_rows")
@title(zh="对 float64 和 int64 张量调用 select_rows，掩码来自比较运算")
@hint("The rows keep their values and dtype: indexing does not convert anything.",
      zh="选出的行保持原来的值和 dtype：索引不会做任何转换。")
def check_select_rows_dtypes(student, case):
    """select_rows of float64 and int64 tensors, with a mask from a comparison"""
    x = case.randn("n", "d", dtype=torch.float64)
    x[0, 0], x[1, 0] = 1.0, -1.0
    _check(student, x, x[:, 0] > 0)
    xi = case.randint(-5, 6, "d", "n")
    xi[0, -1], xi[1, -1] = 1, -1
    _check(student, xi, xi[:, -1] <= 0)
