"""Hidden checks for pairwise_sq_dists(x, y)."""
import torch
from grader.checks import points, hint, target, assert_tensor

_HINT = ("x[:, None, :] has shape (n, 1, d) and y[None, :, :] has shape (1, m, d); their "
         "difference is (n, m, d). Square it and sum over the last dimension.")


def _tolerance(dtype):
    # loose enough for the |x|^2 + |y|^2 - 2 x @ y.T formula, tight enough for real mistakes
    return dict(rtol=1e-5, atol=1e-4) if dtype == torch.float32 else {}


def _check(student, x, y):
    diff = x[:, None, :] - y[None, :, :]
    expected = (diff ** 2).sum(dim=-1)
    got = student.pairwise_sq_dists(x, y)
    n, m, d = x.shape[0], y.shape[0], x.shape[1]
    if isinstance(got, torch.Tensor) and tuple(got.shape) != (n, m) and len({n, m, d}) == 3:
        if tuple(got.shape) in ((n, d), (m, d)):
            raise AssertionError(
                f"your result has shape {tuple(got.shape)}, expected ({n}, {m}): you summed over "
                f"the wrong dimension. The difference has shape (n, m, d) = ({n}, {m}, {d}); "
                f"sum over the features, the last dimension (dim=-1).")
    if (isinstance(got, torch.Tensor) and got.shape == expected.shape and expected.numel()
            and got.dtype == expected.dtype
            and not torch.allclose(got, expected, rtol=1e-4, atol=1e-4)):
        if torch.allclose(got, expected.sqrt(), rtol=1e-4, atol=1e-4):
            raise AssertionError("these are the distances, not the squared distances: "
                                 "drop the square root.")
        if torch.allclose(got, diff.abs().sum(dim=-1), rtol=1e-4, atol=1e-4):
            raise AssertionError("you summed |x[i] - y[j]| (absolute values); square the "
                                 "differences instead: (diff ** 2).sum(dim=-1).")
    assert_tensor(got, expected, inputs=(x, y), **_tolerance(x.dtype))


@points(1)
@target("pairwise_sq_dists")
@hint(_HINT)
def check_pairwise_random(student, case):
    """pairwise_sq_dists of random (n, d) and (m, d) tensors"""
    _check(student, case.randn("n", "d"), case.randn("m", "d"))


@points(1)
@target("pairwise_sq_dists")
@hint("Rows of the result follow x, columns follow y.")
def check_pairwise_orientation(student, case):
    """pairwise_sq_dists(x, y) has one row per x and one column per y"""
    x, y = case.randn("n", "d"), case.randn("m", "d")
    _check(student, y, x)
    _check(student, x[:1], y)


@points(1)
@target("pairwise_sq_dists")
@hint("Work in the input's dtype: no torch.tensor(...) or .float() along the way.")
def check_pairwise_float64(student, case):
    """pairwise_sq_dists in float64"""
    _check(student, case.randn("n", "d", dtype=torch.float64) * 5,
           case.randn("m", "d", dtype=torch.float64) * 5)


@points(1)
@target("pairwise_sq_dists")
@hint("The distance from a point to itself is 0, and d[i, j] == d[j, i] for x against x.")
def check_pairwise_same_points(student, case):
    """pairwise_sq_dists of a set of points against itself (zero diagonal)"""
    x = case.randn("n", "d", dtype=torch.float64)
    _check(student, x, x)
    _check(student, x, x.flip(0))


@points(1)
@target("pairwise_sq_dists")
@hint("No points gives an empty result: (0, d) and (m, d) give (0, m). With d = 0 every distance is 0.")
def check_pairwise_empty(student, case):
    """pairwise_sq_dists with no points, or with zero features"""
    d = case.size("d")
    _check(student, torch.zeros(0, d), case.randn("m", "d"))
    _check(student, case.randn("n", "d"), torch.zeros(0, d))
    _check(student, torch.zeros(case.size("n"), 0), torch.zeros(case.size("m"), 0))
