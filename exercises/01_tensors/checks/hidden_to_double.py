"""Hidden checks for to_double(x)."""
import torch
from grader.checks import points, hint, target, assert_tensor, claims


def _check(student, x, check_copy=True):
    got = student.to_double(x)
    assert_tensor(got, x.to(torch.float64), inputs=(x,))
    if check_copy and claims(got).shares_memory_with:
        raise AssertionError(
            f"for a {x.dtype} input your result shares memory with x: it is x itself (or a "
            f"view of it), not a copy, so changing it would change x. When x is already float64, "
            f"x.double() and x.to(torch.float64) return x unchanged; add .clone(), or use "
            f"x.to(torch.float64, copy=True).")


@points(1)
@target("to_double")
@hint("x.to(torch.float64) converts any dtype: float32, float16, int64, bool.")
def check_to_double_converts(student, case):
    """to_double of float32, float16, int64 and bool tensors"""
    _check(student, case.randn("n", "m"))
    _check(student, case.randn("m", dtype=torch.float16))
    _check(student, case.randint(-50, 50, "n", "k"))
    _check(student, case.rand("k") > 0.5)


@points(1)
@target("to_double")
@hint("When x is already float64, .double() gives back x itself: make a real copy (.clone()).")
def check_to_double_copies_float64(student, case):
    """to_double of a float64 tensor is a copy, not x itself"""
    _check(student, case.randn("n", "m", dtype=torch.float64))
    _check(student, torch.tensor(3.5, dtype=torch.float64))
    _check(student, torch.zeros(0, case.size("m"), dtype=torch.float64), check_copy=False)
