"""Hidden checks for np_view(a) and np_copy(a)."""
import numpy as np
import torch
from grader.checks import points, hint, target, assert_tensor, claims, claim_fail


def _expected(a):
    return torch.from_numpy(a.copy())


def _dtype_message(a, got, fn):
    if got.dtype == torch.float32 and a.dtype != np.float32:
        return (f"{fn}: your tensor is float32 but the array is {a.dtype}: torch.Tensor(a) (capital "
                f"T) and .float() convert to float32. Keep the array's dtype.")
    return None


def _check_view(student, a):
    got = student.np_view(a)
    if isinstance(got, torch.Tensor) and got.dtype != _expected(a).dtype:
        msg = _dtype_message(a, got, "np_view")
        if msg:
            raise AssertionError(msg + " torch.from_numpy(a) keeps it and shares memory.")
    assert_tensor(got, _expected(a))
    return a, got


def _check_views_share(pairs):
    """After every value is verified: each view shares the array's memory (a claim)."""
    for a, got in pairs:
        if a.size and not claims(got).shares_memory_with:
            claim_fail(
                f"np_view of a {a.dtype} array of shape {a.shape}: your process reports that "
                f"your tensor is a copy, that it does not share memory with the array. "
                f"torch.tensor(a) always copies; torch.from_numpy(a) shares.")


def _check_copy(student, a):
    got = student.np_copy(a)
    if isinstance(got, torch.Tensor) and got.dtype != _expected(a).dtype:
        msg = _dtype_message(a, got, "np_copy")
        if msg:
            raise AssertionError(msg + " torch.tensor(a) keeps it and copies.")
    assert_tensor(got, _expected(a))
    return a, got


def _check_copies(pairs):
    """After every value is verified: no copy shares the array's memory (a claim)."""
    for a, got in pairs:
        if claims(got).shares_memory_with:
            claim_fail(
                f"np_copy of a {a.dtype} array of shape {a.shape}: your process reports that "
                f"your tensor shares memory with the array, so changing one changes the other. "
                f"torch.from_numpy(a) and torch.as_tensor(a) share; torch.tensor(a) copies.")


def _arrays(case):
    n, m = case.size("n"), case.size("m")
    rng = case.np_rng
    return [rng.standard_normal((n, m)),                         # float64
            rng.standard_normal(m).astype(np.float32),
            rng.integers(-100, 100, size=(m, n)).astype(np.int64),
            rng.integers(-100, 100, size=n).astype(np.int32)]


@points(1)
@target("np_view")
@hint("torch.from_numpy(a): same memory, same dtype.")
def check_np_view_dtypes(student, case):
    """np_view of float64, float32, int64 and int32 arrays shares memory and keeps the dtype"""
    _check_views_share([_check_view(student, a) for a in _arrays(case)])


@points(1)
@target("np_view")
@hint("from_numpy works for any shape and dtype, a 0-d array included.")
def check_np_view_shapes(student, case):
    """np_view of a 0-d array, a bool array, a 3-D array and an empty array"""
    _check_views_share([
        _check_view(student, np.array(2.5)),
        _check_view(student, case.np_rng.random(case.size("n")) > 0.5),
        _check_view(student, case.np_rng.standard_normal((2, case.size("m"), case.size("n")))),
        _check_view(student, np.zeros((0, case.size("m")), dtype=np.float32))])


@points(1)
@target("np_copy")
@hint("torch.tensor(a) copies and keeps the dtype; torch.Tensor(a) would make float32.")
def check_np_copy_dtypes(student, case):
    """np_copy of float64, float32, int64 and int32 arrays copies and keeps the dtype"""
    _check_copies([_check_copy(student, a) for a in _arrays(case)])


@points(1)
@target("np_copy")
@hint("A copy of any shape and dtype: a 0-d array gives a 0-d tensor.")
def check_np_copy_shapes(student, case):
    """np_copy of a 0-d array, a bool array, a uint8 array and an empty array"""
    _check_copies([
        _check_copy(student, np.array(-1.25)),
        _check_copy(student, case.np_rng.random(case.size("m")) > 0.5),
        _check_copy(student, case.np_rng.integers(0, 255, size=(case.size("n"), 3))
                    .astype(np.uint8)),
        _check_copy(student, np.zeros((case.size("n"), 0)))])
