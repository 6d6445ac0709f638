"""Visible examples for exercise 04: the worked examples from the instructions."""
import torch
from grader.checks import points, hint, target, title
from support_broadcasting import (expect_broadcast_shapes, expect_can_broadcast, expect_centered,
                                  expect_outer, expect_pairwise)


@points(1)
@target("broadcast_shape")
@title(zh="broadcast_shape((3, 1), (4,)) 是 (3, 4)；(2, 3) 和 (4,) 得到 None")
@hint("Line the shapes up from the right: (3, 1) and (4,) become (3, 1) and (1, 4).",
      zh="把形状从右往左对齐：(3, 1) 和 (4,) 变成 (3, 1) 和 (1, 4)。")
def check_broadcast_shape_example(student):
    """broadcast_shape((3, 1), (4,)) is (3, 4); (2, 3) and (4,) give None"""
    expect_broadcast_shapes(student, [((3, 1), (4,)), ((2, 3), (4,))])


@points(1)
@target("can_broadcast")
@title(zh="can_broadcast((5, 1), (3,)) 是 True，can_broadcast((2, 3), (4,)) 是 False")
@hint("broadcast_shape(a, b) is not None", zh="broadcast_shape(a, b) is not None")
def check_can_broadcast_example(student):
    """can_broadcast((5, 1), (3,)) is True, can_broadcast((2, 3), (4,)) is False"""
    expect_can_broadcast(student, [((5, 1), (3,)), ((2, 3), (4,))])


@points(1)
@target("outer")
@title(zh="outer([1, 2, 3], [10, 20]) 是 3x2 的乘积表")
@hint("x[:, None] has shape (n, 1) and y[None, :] has shape (1, m).",
      zh="x[:, None] 的形状是 (n, 1)，y[None, :] 的形状是 (1, m)。")
def check_outer_example(student):
    """outer([1, 2, 3], [10, 20]) is a 3x2 table of products"""
    expect_outer(student, torch.tensor([1.0, 2.0, 3.0]), torch.tensor([10.0, 20.0]))


@points(1)
@target("center_rows")
@title(zh="[[1, 2, 3], [10, 20, 30]] 的 center_rows")
@hint("x.mean(dim=1, keepdim=True) has shape (n, 1), one mean per row.",
      zh="x.mean(dim=1, keepdim=True) 的形状是 (n, 1)，每行一个均值。")
def check_center_rows_example(student):
    """center_rows of [[1, 2, 3], [10, 20, 30]]"""
    expect_centered(student, torch.tensor([[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]]))


@points(1)
@target("pairwise_sq_dists")
@title(zh="二维平面上两个点对一个点的 pairwise_sq_dists")
@hint("Make x (n, 1, d) and y (1, m, d), subtract, square, sum over the last dimension.",
      zh="把 x 变成 (n, 1, d)、y 变成 (1, m, d)，相减、平方，再对最后一维求和。")
def check_pairwise_example(student):
    """pairwise_sq_dists of two points in 2-D against one point"""
    expect_pairwise(student, torch.tensor([[0.0, 0.0], [1.0, 1.0]]), torch.tensor([[1.0, 0.0]]))
