"""Visible examples for exercise 02: the worked examples from the instructions."""
import torch
from grader.checks import points, hint, target, assert_tensor


@points(1)
@target("last_column")
@hint("x[:, -1]: all rows, last column.")
def check_last_column_example(student):
    """last_column of [[1, 2, 3], [4, 5, 6]] is [3, 6]"""
    x = torch.tensor([[1, 2, 3], [4, 5, 6]])
    assert_tensor(student.last_column(x), torch.tensor([3, 6]), inputs=(x,))


@points(1)
@target("select_rows")
@hint("x[mask] keeps the rows where mask is True.")
def check_select_rows_example(student):
    """select_rows keeps rows 0 and 2"""
    x = torch.tensor([[1, 2], [3, 4], [5, 6]])
    mask = torch.tensor([True, False, True])
    assert_tensor(student.select_rows(x, mask), torch.tensor([[1, 2], [5, 6]]), inputs=(x, mask))


@points(1)
@target("with_diagonal")
@hint("Copy first (y = x.clone()), then set y's diagonal.")
def check_with_diagonal_example(student):
    """with_diagonal of [[1, 2], [3, 4]] with 0.0 and with tensor([7., 8.])"""
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert_tensor(student.with_diagonal(x, 0.0), torch.tensor([[0.0, 2.0], [3.0, 0.0]]),
                  inputs=(x,))
    v = torch.tensor([7.0, 8.0])
    assert_tensor(student.with_diagonal(x, v), torch.tensor([[7.0, 2.0], [3.0, 8.0]]),
                  inputs=(x, v))
