"""Visible examples for exercise 04: the worked examples from the instructions."""
import torch
from grader.checks import points, hint, target, assert_tensor, assert_equal


@points(1)
@target("broadcast_shape")
@hint("Line the shapes up from the right: (3, 1) and (4,) become (3, 1) and (1, 4).")
def check_broadcast_shape_example(student):
    """broadcast_shape((3, 1), (4,)) is (3, 4); (2, 3) and (4,) give None"""
    assert_equal(student.broadcast_shape((3, 1), (4,)), (3, 4),
                 what="broadcast_shape((3, 1), (4,))")
    assert_equal(student.broadcast_shape((2, 3), (4,)), None,
                 what="broadcast_shape((2, 3), (4,))")


@points(1)
@target("can_broadcast")
def check_can_broadcast_example(student):
    """can_broadcast((5, 1), (3,)) is True, can_broadcast((2, 3), (4,)) is False"""
    assert_equal(student.can_broadcast((5, 1), (3,)), True, what="can_broadcast((5, 1), (3,))")
    assert_equal(student.can_broadcast((2, 3), (4,)), False, what="can_broadcast((2, 3), (4,))")


@points(1)
@target("outer")
@hint("x[:, None] has shape (n, 1) and y[None, :] has shape (1, m).")
def check_outer_example(student):
    """outer([1, 2, 3], [10, 20]) is a 3x2 table of products"""
    x = torch.tensor([1.0, 2.0, 3.0])
    y = torch.tensor([10.0, 20.0])
    expected = torch.tensor([[10.0, 20.0], [20.0, 40.0], [30.0, 60.0]])
    assert_tensor(student.outer(x, y), expected, inputs=(x, y))


@points(1)
@target("center_rows")
@hint("x.mean(dim=1, keepdim=True) has shape (n, 1), one mean per row.")
def check_center_rows_example(student):
    """center_rows of [[1, 2, 3], [10, 20, 30]]"""
    x = torch.tensor([[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]])
    expected = torch.tensor([[-1.0, 0.0, 1.0], [-10.0, 0.0, 10.0]])
    assert_tensor(student.center_rows(x), expected, inputs=(x,))


@points(1)
@target("pairwise_sq_dists")
@hint("Make x (n, 1, d) and y (1, m, d), subtract, square, sum over the last dimension.")
def check_pairwise_example(student):
    """pairwise_sq_dists of two points in 2-D against one point"""
    x = torch.tensor([[0.0, 0.0], [1.0, 1.0]])
    y = torch.tensor([[1.0, 0.0]])
    expected = torch.tensor([[1.0], [1.0]])
    assert_tensor(student.pairwise_sq_dists(x, y), expected, inputs=(x, y))
