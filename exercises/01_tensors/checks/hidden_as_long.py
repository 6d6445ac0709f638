"""Hidden checks for as_long(values)."""
import torch
from grader.checks import points, hint, target, title
from support_tensors import expect_long as _check


@points(1)
@target("as_long")
@title(zh="as_long 精确保留每个整数，包括很大的数和负数")
@hint("Build the tensor as int64 from the start: torch.tensor(values, dtype=torch.long).",
      zh="一开始就构造 int64 张量：torch.tensor(values, dtype=torch.long)。")
def check_as_long_exact(student, case):
    """as_long keeps every int exactly, including large and negative ones"""
    values = [case.rng.randint(-10**6, 10**6) for _ in range(case.size("n"))]
    _check(student, values)
    _check(student, [2**53 + 1, -(2**40) - 3, 123456789012345678, 0, 2**62 + 7])


@points(1)
@target("as_long")
@title(zh="as_long([]) 是空的 int64 张量；as_long([7]) 的形状是 (1,)")
@hint("An empty list gives shape (0,); a list with one int gives shape (1,), not a 0-d tensor.",
      zh="空列表得到形状 (0,)；只有一个整数的列表得到形状 (1,)，而不是 0 维张量。")
def check_as_long_empty_and_single(student):
    """as_long([]) is an empty int64 tensor; as_long([7]) has shape (1,)"""
    _check(student, [])
    _check(student, [7])
