"""Hidden checks for last_column(x)."""
import torch
from grader.checks import points, hint, target, assert_tensor, StudentError


def _check(student, x):
    n, m = x.shape
    expected = x[:, m - 1] if m else x.new_zeros(n)
    try:
        got = student.last_column(x)
    except StudentError as e:
        if "out of bounds" in str(e) and n > m:
            raise AssertionError(
                f"last_column of a {n}x{m} tensor raised an IndexError ({e}). Did you use "
                f"len(x) or x.shape[0]? That is the number of rows ({n}); the columns are "
                f"counted by x.shape[1] ({m}). x[:, -1] needs neither.") from None
        raise
    if isinstance(got, torch.Tensor) and n != m and n and m:
        if got.shape == x[-1].shape and torch.equal(got, x[-1]):
            raise AssertionError(f"last_column of a {n}x{m} tensor returned the last row, x[-1]; "
                                 f"the last column is x[:, -1] (all rows, last column).")
        if got.shape == (n, 1) and torch.equal(got[:, 0], expected):
            raise AssertionError(f"your result has shape ({n}, 1), expected ({n},): a slice like "
                                 f"x[:, -1:] keeps the column dimension; x[:, -1] drops it.")
        if n < m and got.shape == (n,) and torch.equal(got, x[:, n - 1]) and \
                not torch.equal(got, expected):
            raise AssertionError(
                f"last_column of a {n}x{m} tensor returned column {n - 1}, not the last column "
                f"({m - 1}): len(x) and x.shape[0] count rows ({n}); columns are x.shape[1].")
    assert_tensor(got, expected, inputs=(x,))


@points(1)
@target("last_column")
@hint("Rows come first: x[:, -1] is every row's last element.")
def check_last_column_random(student, case):
    """last_column of wide and tall random tensors"""
    _check(student, case.randn("n", "m"))
    _check(student, case.randn("m", "n"))
    _check(student, case.randint(-9, 10, "k", "n"))


@points(1)
@target("last_column")
@hint("The result has one value per row: shape (x.shape[0],), even with 0 rows or 1 column.")
def check_last_column_edges(student, case):
    """last_column with one column, one row, no rows, and in float64"""
    _check(student, case.randn("n", 1))
    _check(student, case.randn(1, "m", dtype=torch.float64))
    _check(student, torch.zeros(0, case.size("m")))
    _check(student, case.randn("k", "m", dtype=torch.float64))
