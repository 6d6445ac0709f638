"""Hidden checks for with_diagonal(x, v)."""
import torch
from grader.checks import points, hint, target, assert_tensor, claims, claim_fail, StudentError


def _expected(x, v):
    n = x.shape[0]
    eye = torch.eye(n, dtype=torch.bool)
    if isinstance(v, torch.Tensor):
        fill = v.to(x.dtype)[None, :].expand(n, n)   # column j holds v[j]; [i, i] is v[i]
    else:
        fill = torch.full((n, n), v, dtype=x.dtype)
    return torch.where(eye, fill, x)


def _check(student, x, v):
    expected = _expected(x, v)
    inputs = (x, v) if isinstance(v, torch.Tensor) else (x,)
    try:
        got = student.with_diagonal(x, v)
    except StudentError as e:
        if isinstance(v, torch.Tensor) and "fill_value" in str(e):
            raise AssertionError(
                f"with_diagonal raised {e.type_name} when v is a tensor ({e}). fill_diagonal_ "
                f"only takes a number; assign into the diagonal instead: "
                f"y.diagonal()[:] = v.") from None
        raise
    if isinstance(got, torch.Tensor) and got.dim() == 1 and x.shape[0] > 1:
        raise AssertionError(
            f"your result has shape {tuple(got.shape)}, expected {tuple(x.shape)}: you returned "
            f"the diagonal itself. Set the diagonal of a copy y, then return the whole y.")
    if isinstance(got, torch.Tensor) and got.shape == expected.shape and got.dtype == x.dtype \
            and x.numel():
        diag = got.diagonal()
        if torch.isnan(diag).any() and not torch.isnan(expected.diagonal()).any() \
                and not torch.isfinite(x.diagonal()).all():
            raise AssertionError(
                "where x had inf or nan on its diagonal your result has nan: arithmetic cannot "
                "erase them (0 * inf, inf - inf and 0 * nan are all nan), so multiplying by a 0/1 "
                "mask or subtracting the old diagonal fails here. Assign the new values instead: "
                "y = x.clone(); y.diagonal()[:] = v.")
        off = ~torch.eye(x.shape[0], dtype=torch.bool)
        if torch.equal(got[~off], expected[~off]) and not torch.equal(got[off], x[off]) \
                and torch.isfinite(x).all():
            raise AssertionError("your diagonal is right but other elements changed: only the "
                                 "diagonal may differ from x.")
        if torch.isfinite(x).all() and torch.allclose(got, x + _expected(torch.zeros_like(x), v)):
            raise AssertionError("you added v to the diagonal; the diagonal must be replaced "
                                 "by v (whatever was there before).")
    assert_tensor(got, expected, inputs=inputs)
    return got


def _check_copies(results):
    """After every value is verified: whether each result is a copy of x.

    That cannot be seen in the values: the student's process reports it (a
    claim), so it can cost the check, never earn it.
    """
    for got in results:
        if claims(got).shares_memory_with:
            claim_fail("your process reports that the result shares memory with the input: "
                       "return a copy (x.clone()), not x or a view of it.")


@points(1)
@target("with_diagonal")
@hint("y = x.clone(), then set y's diagonal; never write into x.")
def check_with_diagonal_number(student, case):
    """with_diagonal of a random square matrix with a number"""
    x = case.randn("n", "n")
    _check_copies([_check(student, x, 2.5), _check(student, x, -7)])


@points(1)
@target("with_diagonal")
@hint("With a tensor v, element [i, i] becomes v[i]: y.diagonal()[:] = v works for a number and for a tensor.")
def check_with_diagonal_tensor(student, case):
    """with_diagonal with a 1-D tensor v"""
    x = case.randn("n", "n")
    got = [_check(student, x, case.randn("n"))]
    x = case.randn("m", "m", dtype=torch.float64)
    got.append(_check(student, x, case.randn("m", dtype=torch.float64)))
    _check_copies(got)


@points(1)
@target("with_diagonal")
@hint("A 1x1 matrix has one diagonal element, a 0x0 matrix none; an int matrix stays int.")
def check_with_diagonal_edges(student, case):
    """with_diagonal of 1x1, 0x0 and int64 matrices"""
    got = [_check(student, torch.tensor([[3.0]]), 1.0),
           _check(student, torch.zeros(0, 0), 4.0),
           _check(student, case.randint(-9, 10, "n", "n"), 0),
           _check(student, case.randint(-9, 10, "m", "m"), case.randint(100, 200, "m"))]
    _check_copies(got)


@points(1)
@target("with_diagonal")
@hint("0 * inf is nan: a 0/1 mask cannot overwrite inf or nan. Assign into the diagonal of a copy.")
def check_with_diagonal_inf_nan(student, case):
    """with_diagonal replaces inf and nan on the diagonal and keeps inf elsewhere"""
    n = case.size("n")
    x = case.randn("n", "n")
    x[0, 0], x[1, 1] = float("inf"), float("nan")
    x[0, 1], x[n - 1, 0] = float("-inf"), float("inf")
    _check_copies([_check(student, x, 1.5)])
