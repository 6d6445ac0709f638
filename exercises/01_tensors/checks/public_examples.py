"""Visible examples for exercise 01: the worked examples from the instructions."""
import torch
from grader.checks import points, hint, target, assert_tensor


@points(1)
@target("make_filled")
@hint("torch.full(shape, value, dtype=dtype)")
def check_make_filled_example(student):
    """make_filled((2, 3), 7) is a float32 tensor of sevens"""
    assert_tensor(student.make_filled((2, 3), 7), torch.full((2, 3), 7.0))


@points(1)
@target("as_long")
@hint("torch.tensor(values, dtype=torch.long)")
def check_as_long_example(student):
    """as_long([3, -1, 4]) is an int64 tensor"""
    assert_tensor(student.as_long([3, -1, 4]), torch.tensor([3, -1, 4], dtype=torch.int64))


@points(1)
@target("to_double")
@hint("Convert with .to(torch.float64) or .double(), and make sure the result is a copy.")
def check_to_double_example(student):
    """to_double(tensor([1, 2])) is tensor([1., 2.], dtype=torch.float64)"""
    x = torch.tensor([1, 2])
    got = student.to_double(x)
    assert_tensor(got, torch.tensor([1.0, 2.0], dtype=torch.float64), inputs=(x,))
