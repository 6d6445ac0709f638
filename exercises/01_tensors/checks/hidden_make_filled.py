"""Hidden checks for make_filled(shape, value, dtype=torch.float32)."""
import torch
from grader.checks import points, hint, target, assert_tensor


def _check(student, shape, value, dtype=None):
    """Call make_filled (without dtype when dtype is None) and compare."""
    want_dtype = torch.float32 if dtype is None else dtype
    expected = torch.full(tuple(shape), value, dtype=want_dtype)
    got = (student.make_filled(shape, value) if dtype is None
           else student.make_filled(shape, value, dtype))
    call = (f"make_filled({shape!r}, {value!r})" if dtype is None
            else f"make_filled({shape!r}, {value!r}, {dtype})")
    if isinstance(got, torch.Tensor) and tuple(got.shape) == tuple(expected.shape) \
            and got.dtype != want_dtype:
        if dtype is None and got.dtype == torch.full((), value).dtype:
            raise AssertionError(
                f"{call} gave dtype {got.dtype}, expected {want_dtype}: without dtype=, "
                f"torch.full guesses the dtype from the value ({value!r} gives {got.dtype}). "
                f"Pass dtype=dtype; its default is torch.float32.")
        raise AssertionError(
            f"{call} gave dtype {got.dtype}, expected {want_dtype}: pass the dtype argument on, "
            f"for example torch.full(shape, value, dtype=dtype).")
    if isinstance(got, torch.Tensor) and tuple(got.shape) != tuple(expected.shape) \
            and len(shape) and tuple(got.shape) == (len(shape),):
        raise AssertionError(
            f"{call} gave shape {tuple(got.shape)}, expected {tuple(expected.shape)}: the shape "
            f"numbers became the tensor's values. torch.Tensor(shape) and torch.tensor(shape) "
            f"read a tuple as data; torch.full(shape, value) reads it as a shape.")
    assert_tensor(got, expected, name=f"result of {call}")


@points(1)
@target("make_filled")
@hint("The default dtype is float32 even when the value is an int: pass dtype=dtype to torch.full.")
def check_make_filled_default_dtype(student, case):
    """make_filled without a dtype argument is float32, also for an int value"""
    _check(student, (2, 3), 5)
    _check(student, (case.size("n"), case.size("m")), -1.5)
    _check(student, (case.size("m"),), 0)


@points(1)
@target("make_filled")
@hint("Use the dtype you are given: torch.full(shape, value, dtype=dtype).")
def check_make_filled_dtypes(student, case):
    """make_filled with float64, int64, int32 and bool"""
    _check(student, (case.size("n"),), 2.5, torch.float64)
    _check(student, (case.size("n"), case.size("m")), 7, torch.int64)
    _check(student, [case.size("m"), case.size("n")], -3, torch.int32)
    _check(student, (case.size("m"),), True, torch.bool)
    _check(student, (case.size("n"), 1), 0.1, torch.float64)


@points(1)
@target("make_filled")
@hint("The shape () is a 0-d tensor (a single number); a 0 in the shape gives an empty tensor.")
def check_make_filled_shapes(student, case):
    """make_filled with shape (), with a size-0 dimension, and in 3-D"""
    _check(student, (), 2.5)
    _check(student, (0, case.size("m")), 1.0)
    _check(student, (case.size("a"), case.size("b"), case.size("c")), 4, torch.int64)
    _check(student, [case.size("b")], -0.25)
