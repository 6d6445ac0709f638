"""Hidden checks for select_rows(x, mask)."""
import torch
from grader.checks import points, hint, target, assert_tensor, StudentError


def _check(student, x, mask):
    n, d = x.shape
    expected = x[mask]
    k = int(mask.sum())
    try:
        got = student.select_rows(x, mask)
    except StudentError as e:
        if "shape of the mask" in str(e) and n != d:
            raise AssertionError(
                f"select_rows raised an IndexError ({e}): the mask has one entry per row, so "
                f"it indexes the first dimension: x[mask], not x[:, mask].") from None
        raise
    if isinstance(got, torch.Tensor) and tuple(got.shape) != (k, d):
        shape = tuple(got.shape)
        if shape == (n, d) and k != n:
            if torch.equal(got, x * mask[:, None]):
                raise AssertionError(
                    f"your result has shape {shape}, expected ({k}, {d}): you zeroed the "
                    f"unselected rows instead of removing them. x[mask] keeps only the rows "
                    f"where mask is True.")
            if torch.equal(got, x[mask.long()]):
                raise AssertionError(
                    f"your result has shape {shape}, expected ({k}, {d}): indexing with "
                    f"mask.long() (or an int mask) reads True/False as the row numbers 1/0. "
                    f"Index with the bool mask itself: x[mask].")
        if k == 1 and shape == (d,):
            raise AssertionError(
                f"with exactly one True in the mask your result has shape ({d},), expected "
                f"(1, {d}): the result must stay 2-D. (.squeeze() on the indices drops the row "
                f"axis; x[mask] does not.)")
        if shape == (k * d,):
            raise AssertionError(
                f"your result has shape {shape}, expected ({k}, {d}): torch.masked_select "
                f"flattens. x[mask] keeps whole rows.")
        if shape == (k, 1, d):
            raise AssertionError(
                f"your result has shape {shape}, expected ({k}, {d}): mask.nonzero() has shape "
                f"(k, 1), which adds an axis. Index with the bool mask itself: x[mask].")
    assert_tensor(got, expected, inputs=(x, mask))


def _mask(case, n):
    mask = case.rand(n) > 0.5
    mask[0], mask[-1] = True, False   # at least one row kept and one dropped
    return mask[torch.randperm(n, generator=case.generator)]


@points(1)
@target("select_rows")
@hint("x[mask] keeps the rows where mask is True, in order.")
def check_select_rows_random(student, case):
    """select_rows with a random mask"""
    x = case.randn("n", "d")
    _check(student, x, _mask(case, case.size("n")))
    x = case.randn("d", "n")
    _check(student, x, _mask(case, case.size("d")))


@points(1)
@target("select_rows")
@hint("The result is always 2-D: one True gives shape (1, d), no True gives shape (0, d).")
def check_select_rows_counts(student, case):
    """select_rows with exactly one, zero, and all rows selected"""
    n = case.size("n")
    x = case.randn("n", "d")
    one = torch.zeros(n, dtype=torch.bool)
    one[case.rng.randrange(n)] = True
    _check(student, x, one)
    _check(student, x, torch.zeros(n, dtype=torch.bool))
    _check(student, x, torch.ones(n, dtype=torch.bool))


@points(1)
@target("select_rows")
@hint("The rows keep their values and dtype: indexing does not convert anything.")
def check_select_rows_dtypes(student, case):
    """select_rows of float64 and int64 tensors, with a mask from a comparison"""
    x = case.randn("n", "d", dtype=torch.float64)
    x[0, 0], x[1, 0] = 1.0, -1.0
    _check(student, x, x[:, 0] > 0)
    xi = case.randint(-5, 6, "d", "n")
    xi[0, -1], xi[1, -1] = 1, -1
    _check(student, xi, xi[:, -1] <= 0)
