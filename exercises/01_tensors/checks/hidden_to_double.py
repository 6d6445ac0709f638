"""Hidden checks for to_double(x)."""
import torch
from grader.checks import points, hint, target, assert_tensor, claims, claim_fail


def _check(student, x):
    got = student.to_double(x)
    assert_tensor(got, x.to(torch.float64), inputs=(x,))
    return got


def _check_copies(pairs):
    """After every value is verified: whether each result is a copy.

    That cannot be seen in the values: the student's process reports it (a
    claim), so it can cost the check, never earn it.
    """
    for x, got in pairs:
        if claims(got).shares_memory_with:
            claim_fail(
                f"for a {x.dtype} input, your process reports that the result shares memory with "
                f"x: it is x itself (or a view of it), not a copy, so changing it would change x. "
                f"When x is already float64, x.double() and x.to(torch.float64) return x "
                f"unchanged; add .clone(), or use x.to(torch.float64, copy=True).")


@points(1)
@target("to_double")
@hint("x.to(torch.float64) converts any dtype: float32, float16, int64, bool.")
def check_to_double_converts(student, case):
    """to_double of float32, float16, int64 and bool tensors"""
    xs = [case.randn("n", "m"), case.randn("m", dtype=torch.float16),
          case.randint(-50, 50, "n", "k"), case.rand("k") > 0.5]
    _check_copies([(x, _check(student, x)) for x in xs])


@points(1)
@target("to_double")
@hint("When x is already float64, .double() gives back x itself: make a real copy (.clone()).")
def check_to_double_copies_float64(student, case):
    """to_double of a float64 tensor is a copy, not x itself"""
    xs = [case.randn("n", "m", dtype=torch.float64), torch.tensor(3.5, dtype=torch.float64)]
    pairs = [(x, _check(student, x)) for x in xs]
    _check(student, torch.zeros(0, case.size("m"), dtype=torch.float64))  # nothing to share
    _check_copies(pairs)
