"""Visible examples for exercise 04: the worked examples from the instructions."""
import torch
from grader.checks import points, hint, target, assert_tensor, assert_equal, StudentError


@points(1)
@target("broadcast_shape")
@hint("Line the shapes up from the right: (3, 1) and (4,) become (3, 1) and (1, 4).")
def check_broadcast_shape_example(student):
    """broadcast_shape((3, 1), (4,)) is (3, 4); (2, 3) and (4,) give None"""
    assert_equal(student.broadcast_shape((3, 1), (4,)), (3, 4),
                 what="broadcast_shape((3, 1), (4,))")
    got = student.broadcast_shape((2, 3), (4,))
    if got is not None:
        raise AssertionError(f"broadcast_shape((2, 3), (4,)) returned {got!r}; these shapes "
                             f"cannot be broadcast (3 and 4 differ and neither is 1), so "
                             f"return None.")


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
    try:
        got = student.outer(x, y)
    except StudentError as e:
        if "must match the size" in str(e):
            raise AssertionError(f"{e}. x * y multiplies element by element (it needs equal "
                                 f"lengths); give x a column axis and y a row axis.") from None
        raise
    assert_tensor(got, expected, inputs=(x, y))


@points(1)
@target("center_rows")
@hint("x.mean(dim=1, keepdim=True) has shape (n, 1), one mean per row.")
def check_center_rows_example(student):
    """center_rows of [[1, 2, 3], [10, 20, 30]]"""
    x = torch.tensor([[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]])
    expected = torch.tensor([[-1.0, 0.0, 1.0], [-10.0, 0.0, 10.0]])
    try:
        got = student.center_rows(x)
    except StudentError as e:
        if "must match the size" in str(e):
            raise AssertionError(f"{e}. x.mean(dim=1) has shape (2,), which lines up with the "
                                 f"3 columns, not the 2 rows: keep the dimension with "
                                 f"keepdim=True.") from None
        raise
    assert_tensor(got, expected, inputs=(x,))


@points(1)
@target("pairwise_sq_dists")
@hint("Make x (n, 1, d) and y (1, m, d), subtract, square, sum over the last dimension.")
def check_pairwise_example(student):
    """pairwise_sq_dists of two points in 2-D against one point"""
    x = torch.tensor([[0.0, 0.0], [1.0, 1.0]])
    y = torch.tensor([[1.0, 0.0]])
    expected = torch.tensor([[1.0], [1.0]])
    assert_tensor(student.pairwise_sq_dists(x, y), expected, inputs=(x, y))
