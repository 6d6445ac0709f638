"""Visible examples for exercise 01: the worked examples from the instructions."""
import torch
from grader.checks import points, hint, target, title, assert_tensor
from support_tensors import expect_filled, expect_long


@points(1)
@target("make_filled")
@title(zh="make_filled((2, 3), 7) 是全为 7 的 float32 张量")
@hint("torch.full(shape, value, dtype=dtype)", zh="torch.full(shape, value, dtype=dtype)")
def check_make_filled_example(student):
    """make_filled((2, 3), 7) is a float32 tensor of sevens"""
    expect_filled(student, (2, 3), 7)


@points(1)
@target("as_long")
@title(zh="as_long([3, -1, 4]) 是 int64 张量")
@hint("torch.tensor(values, dtype=torch.long)", zh="torch.tensor(values, dtype=torch.long)")
def check_as_long_example(student):
    """as_long([3, -1, 4]) is an int64 tensor"""
    expect_long(student, [3, -1, 4])


@points(1)
@target("to_double")
@title(zh="to_double(tensor([1, 2])) 是 tensor([1., 2.], dtype=torch.float64)")
@hint("Convert with .to(torch.float64) or .double(), and make sure the result is a copy.",
      zh="用 .to(torch.float64) 或 .double() 转换，并确保结果是副本。")
def check_to_double_example(student):
    """to_double(tensor([1, 2])) is tensor([1., 2.], dtype=torch.float64)"""
    x = torch.tensor([1, 2])
    got = student.to_double(x)
    assert_tensor(got, torch.tensor([1.0, 2.0], dtype=torch.float64), inputs=(x,))
