"""Hidden checks for with_diagonal(x, v)."""
import torch
from grader.checks import points, hint, target, title, claims, claim_fail
from support_indexing import expect_diagonal as _check


def _check_copies(results):
    """After every value is verified: whether each result is a copy of x.

    That cannot be seen in the values: the student's process reports it (a
    claim), so it can cost the check, never earn it.
    """
    for got in results:
        if claims(got).shares_memory_with:
            claim_fail("your process reports that the result shares memory with the input: "
                       "return a copy (x.clone()), not x or a view of it.",
                       zh="你的进程报告说结果与输入共享内存：请返回副本（x.clone()），"
                          "而不是 x 或它的视图。")


@points(1)
@target("with_diagonal")
@title(zh="对随机方阵调用 with_diagonal，v 是一个数")
@hint("y = x.clone(), then set y's diagonal; never write into x.",
      zh="先 y = x.clone()，再设置 y 的对角线；不要往 x 里写。")
def check_with_diagonal_number(student, case):
    """with_diagonal of a random square matrix with a number"""
    x = case.randn("n", "n")
    _check_copies([_check(student, x, 2.5), _check(student, x, -7)])


@points(1)
@target("with_diagonal")
@title(zh="with_diagonal，v 是一维张量")
@hint("With a tensor v, element [i, i] becomes v[i]: y.diagonal()[:] = v works for a number and for a tensor.",
      zh="v 是张量时，元素 [i, i] 变成 v[i]：y.diagonal()[:] = v 对数和张量都适用。")
def check_with_diagonal_tensor(student, case):
    """with_diagonal with a 1-D tensor v"""
    x = case.randn("n", "n")
    got = [_check(student, x, case.randn("n"))]
    x = case.randn("m", "m", dtype=torch.float64)
    got.append(_check(student, x, case.randn("m", dtype=torch.float64)))
    _check_copies(got)


@points(1)
@target("with_diagonal")
@title(zh="对 1x1、0x0 和 int64 矩阵调用 with_diagonal")
@hint("A 1x1 matrix has one diagonal element, a 0x0 matrix none; an int matrix stays int.",
      zh="1x1 矩阵有一个对角线元素，0x0 矩阵一个也没有；整数矩阵仍然是整数。")
def check_with_diagonal_edges(student, case):
    """with_diagonal of 1x1, 0x0 and int64 matrices"""
    got = [_check(student, torch.tensor([[3.0]]), 1.0),
           _check(student, torch.zeros(0, 0), 4.0),
           _check(student, case.randint(-9, 10, "n", "n"), 0),
           _check(student, case.randint(-9, 10, "m", "m"), case.randint(100, 200, "m"))]
    _check_copies(got)


@points(1)
@target("with_diagonal")
@title(zh="with_diagonal 能替换对角线上的 inf 和 nan，并保留其他位置的 inf")
@hint("0 * inf is nan: a 0/1 mask cannot overwrite inf or nan. Assign into the diagonal of a copy.",
      zh="0 * inf 是 nan：0/1 掩码无法覆盖 inf 或 nan。请给副本的对角线赋值。")
def check_with_diagonal_inf_nan(student, case):
    """with_diagonal replaces inf and nan on the diagonal and keeps inf elsewhere"""
    n = case.size("n")
    x = case.randn("n", "n")
    x[0, 0], x[1, 1] = float("inf"), float("nan")
    x[0, 1], x[n - 1, 0] = float("-inf"), float("inf")
    _check_copies([_check(student, x, 1.5)])
