"""Visible checks: the worked examples from the instructions for a few puzzles.

The hidden checks try many more inputs (other sizes, empty vectors, corner
cases), so passing these is a good start, not the finish line.
"""
import torch

from grader.checks import assert_tensor, hint, points, target, title


@target("ones")
@points(1)
@title(zh="ones(3) 是 tensor([1, 1, 1])")
@hint("ones(i) is int64 with shape (i,): where(arange(i) >= 0, 1, 0)",
      zh="ones(i) 是形状为 (i,) 的 int64 张量：where(arange(i) >= 0, 1, 0)")
def check_ones_example(student):
    """ones(3) is tensor([1, 1, 1])"""
    assert_tensor(student.ones(3), torch.tensor([1, 1, 1]), name="ones(3)")


@target("outer")
@points(1)
@title(zh="outer([1, 2, 3], [10, 20])")
@hint("Make a a column and b a row: a[:, None] * b[None, :]",
      zh="把 a 变成一列、b 变成一行：a[:, None] * b[None, :]")
def check_outer_example(student):
    """outer([1, 2, 3], [10, 20])"""
    a, b = torch.tensor([1, 2, 3]), torch.tensor([10, 20])
    assert_tensor(student.outer(a, b), torch.tensor([[10, 20], [20, 40], [30, 60]]),
                  inputs=(a, b), name="outer([1, 2, 3], [10, 20])")


@target("cumsum")
@points(1)
@title(zh="cumsum([1, 2, 3, 4]) 是 [1, 3, 6, 10]")
@hint("out[k] = a[0] + ... + a[k]: a @ triu(n)", zh="out[k] = a[0] + ... + a[k]：a @ triu(n)")
def check_cumsum_example(student):
    """cumsum([1, 2, 3, 4]) is [1, 3, 6, 10]"""
    a = torch.tensor([1, 2, 3, 4])
    assert_tensor(student.cumsum(a), torch.tensor([1, 3, 6, 10]), inputs=(a,),
                  name="cumsum([1, 2, 3, 4])")


@target("diff")
@points(1)
@title(zh="diff([1, 4, 9, 16], 4) 是 [1, 3, 5, 7]")
@hint("out[0] is a[0] itself; a[arange(i) - 1] wraps around at k = 0, so mask that spot with where",
      zh="out[0] 就是 a[0] 本身；a[arange(i) - 1] 在 k = 0 处会绕回到末尾，所以用 where 把这个位置遮掉")
def check_diff_example(student):
    """diff([1, 4, 9, 16], 4) is [1, 3, 5, 7]"""
    a = torch.tensor([1, 4, 9, 16])
    assert_tensor(student.diff(a, 4), torch.tensor([1, 3, 5, 7]), inputs=(a,),
                  name="diff([1, 4, 9, 16], 4)")


@target("flatten")
@points(1)
@title(zh="flatten([[1, 2, 3], [4, 5, 6]], 2, 3) 是 [1, 2, 3, 4, 5, 6]")
@hint("Entry k of the result is a[k // j, k % j]", zh="结果的第 k 个元素是 a[k // j, k % j]")
def check_flatten_example(student):
    """flatten([[1, 2, 3], [4, 5, 6]], 2, 3) is [1, 2, 3, 4, 5, 6]"""
    a = torch.tensor([[1, 2, 3], [4, 5, 6]])
    assert_tensor(student.flatten(a, 2, 3), torch.tensor([1, 2, 3, 4, 5, 6]), inputs=(a,),
                  name="flatten([[1, 2, 3], [4, 5, 6]], 2, 3)")
