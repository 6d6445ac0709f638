"""Visible examples for exercise 02: the worked examples from the instructions."""
import torch
from grader.checks import points, hint, target, title, assert_tensor
from support_indexing import expect_diagonal, expect_last_column, expect_selected_rows


@points(1)
@target("last_column")
@title(zh="[[1, 2, 3], [4, 5, 6]] 的 last_column 是 [3, 6]")
@hint("x[:, -1]: all rows, last column.", zh="x[:, -1]：所有行，最后一列。")
def check_last_column_example(student):
    """last_column of [[1, 2, 3], [4, 5, 6]] is [3, 6]"""
    x = torch.tensor([[1, 2, 3], [4, 5, 6]])
    expect_last_column(student, x)


@points(1)
@target("select_rows")
@title(zh="select_rows 保留第 0 行和第 2 行")
@hint("x[mask] keeps the rows where mask is True.", zh="x[mask] 保留 mask 为 True 的行。")
def check_select_rows_example(student):
    """select_rows keeps rows 0 and 2"""
    x = torch.tensor([[1, 2], [3, 4], [5, 6]])
    mask = torch.tensor([True, False, True])
    expect_selected_rows(student, x, mask)


@points(1)
@target("with_diagonal")
@title(zh="[[1, 2], [3, 4]] 的 with_diagonal，分别用 0.0 和 tensor([7., 8.])")
@hint("Copy first (y = x.clone()), then set y's diagonal.",
      zh="先复制（y = x.clone()），再设置 y 的对角线。")
def check_with_diagonal_example(student):
    """with_diagonal of [[1, 2], [3, 4]] with 0.0 and with tensor([7., 8.])"""
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    expect_diagonal(student, x, 0.0)
    expect_diagonal(student, x, torch.tensor([7.0, 8.0]))
