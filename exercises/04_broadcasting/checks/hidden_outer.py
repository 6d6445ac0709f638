"""Hidden checks for outer(x, y)."""
import torch
from grader.checks import points, hint, target, assert_tensor, StudentError

_HINT = ("x[:, None] has shape (n, 1), y[None, :] has shape (1, m); their product is (n, m). "
         "x * y alone needs equal lengths and gives shape (n,).")


def _check(student, x, y):
    expected = x[:, None] * y[None, :]
    try:
        got = student.outer(x, y)
    except StudentError as e:
        if "must match the size" in str(e):
            raise AssertionError(
                f"outer of vectors of lengths {len(x)} and {len(y)} raised a broadcasting error "
                f"({e}). x * y multiplies element by element, which needs equal lengths; give x "
                f"a column axis and y a row axis: x[:, None] * y[None, :].") from None
        raise
    assert_tensor(got, expected, inputs=(x, y))


@points(1)
@target("outer")
@hint(_HINT)
def check_outer_random(student, case):
    """outer of random vectors of different lengths"""
    _check(student, case.randn("n"), case.randn("m"))


@points(1)
@target("outer")
@hint("Rows follow x, columns follow y: result[i, j] = x[i] * y[j].")
def check_outer_orientation(student, case):
    """outer(x, y) has len(x) rows and len(y) columns"""
    x, y = case.randn("a"), case.randn("b")
    _check(student, x, y)
    _check(student, y, x)


@points(1)
@target("outer")
@hint("Broadcasting keeps the dtype: float64 stays float64, int64 stays int64.")
def check_outer_dtypes(student, case):
    """outer keeps float64 and int64"""
    _check(student, case.randn("n", dtype=torch.float64), case.randn("m", dtype=torch.float64))
    _check(student, case.randint(-9, 10, "n"), case.randint(-9, 10, "m"))


@points(1)
@target("outer")
@hint("An empty vector gives an empty table: (0,) and (m,) give (0, m).")
def check_outer_empty(student, case):
    """outer with an empty vector"""
    y = case.randn("m")
    _check(student, torch.zeros(0), y)
    _check(student, y, torch.zeros(0))
