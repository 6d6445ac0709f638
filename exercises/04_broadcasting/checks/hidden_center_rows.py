"""Hidden checks for center_rows(x)."""
import torch
from grader.checks import points, hint, target, assert_tensor, StudentError

_HINT = ("x.mean(dim=1) has shape (n,), which lines up with the last dimension (the columns). "
         "x.mean(dim=1, keepdim=True) has shape (n, 1): one mean per row.")

_WRONG = [
    (lambda x: x - x.mean(dim=1),
     "you subtracted x.mean(dim=1) without keepdim=True: its shape (n,) lines up with the "
     "columns, so row i's mean was subtracted from column i. Use keepdim=True (shape (n, 1))."),
    (lambda x: x - x.mean(dim=0),
     "you subtracted the column means (dim=0); each row needs its own mean: dim=1."),
    (lambda x: x - x.mean(),
     "you subtracted the mean of the whole tensor; each row needs its own mean: "
     "x.mean(dim=1, keepdim=True)."),
    (lambda x: x - x.mean(dim=0, keepdim=True),
     "you subtracted the column means (dim=0); each row needs its own mean: dim=1."),
    (lambda x: (x - x.mean(dim=1, keepdim=True)) / x.std(dim=1, keepdim=True),
     "you also divided by the standard deviation: center_rows only subtracts each row's mean."),
]


def _check(student, x):
    expected = x - x.mean(dim=1, keepdim=True)
    try:
        got = student.center_rows(x)
    except StudentError as e:
        if "must match the size" in str(e):
            raise AssertionError(
                f"center_rows of a {tuple(x.shape)} tensor raised a broadcasting error ({e}). "
                f"x.mean(dim=1) has shape ({x.shape[0]},), which lines up with the last dimension "
                f"({x.shape[1]} columns), not the rows: use x.mean(dim=1, keepdim=True), "
                f"shape ({x.shape[0]}, 1).") from None
        raise
    if (isinstance(got, torch.Tensor) and got.shape == expected.shape and got.dtype == x.dtype
            and expected.numel() and not torch.allclose(got, expected, rtol=1e-4, atol=1e-5)):
        for wrong, message in _WRONG:
            try:
                w = wrong(x)
            except RuntimeError:
                continue
            if w.shape == got.shape and torch.allclose(got, w, rtol=1e-4, atol=1e-5):
                raise AssertionError(f"center_rows of a {tuple(x.shape)} tensor: {message}")
    assert_tensor(got, expected, inputs=(x,))


@points(1)
@target("center_rows")
@hint(_HINT)
def check_center_rows_random(student, case):
    """center_rows of a random (n, d) tensor, n != d"""
    _check(student, case.randn("n", "d") * 3 + 2)


@points(1)
@target("center_rows")
@hint(_HINT)
def check_center_rows_square(student, case):
    """center_rows of a square matrix (where a missing keepdim does not raise)"""
    x = case.randn("n", "n") + torch.arange(case.size("n"), dtype=torch.float32)[:, None] * 5
    _check(student, x)


@points(1)
@target("center_rows")
@hint("The result has x's shape and dtype, and every row has mean 0.")
def check_center_rows_float64_and_thin(student, case):
    """center_rows in float64, with one row, and with one column"""
    _check(student, case.randn("n", "d", dtype=torch.float64) * 10)
    _check(student, case.randn(1, "d"))
    _check(student, case.randn("n", 1))


@points(1)
@target("center_rows")
@hint("A (0, d) input has no rows: the result is an empty (0, d) tensor.")
def check_center_rows_no_rows(student, case):
    """center_rows of a tensor with no rows"""
    _check(student, torch.zeros(0, case.size("d")))
