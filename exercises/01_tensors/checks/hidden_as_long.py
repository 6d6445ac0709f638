"""Hidden checks for as_long(values)."""
import torch
from grader.checks import points, hint, target, assert_tensor


def _check(student, values):
    expected = torch.tensor(values, dtype=torch.int64).reshape(len(values))
    got = student.as_long(values)
    call = f"as_long({values!r})" if len(values) <= 6 else f"as_long(<a list of {len(values)} ints>)"
    if isinstance(got, torch.Tensor) and got.dtype != torch.int64:
        if len(values) == 0 and got.dtype == torch.float32:
            raise AssertionError(
                f"{call} gave dtype float32, expected int64: torch.tensor([]) has no numbers to "
                f"guess a dtype from, so it is float32. Pass dtype=torch.long.")
        raise AssertionError(f"{call} gave dtype {got.dtype}, expected torch.int64 "
                             f"(torch.long): pass dtype=torch.long.")
    if isinstance(got, torch.Tensor) and got.shape == expected.shape and \
            not torch.equal(got, expected):
        approx = torch.tensor(values, dtype=torch.float64)
        if torch.allclose(got.double(), approx, rtol=1e-6, atol=0):
            bad = [(v, int(g)) for v, g in zip(values, got.tolist()) if v != int(g)]
            v, g = bad[0]
            raise AssertionError(
                f"{call}: {v} came out as {g}. The big integers lost their last digits, which "
                f"happens when they pass through a float tensor (torch.Tensor(values) is float32, "
                f"float64 is exact only up to 2**53). Build the tensor as int64 directly: "
                f"torch.tensor(values, dtype=torch.long).")
    assert_tensor(got, expected, name=f"result of {call}")


@points(1)
@target("as_long")
@hint("Build the tensor as int64 from the start: torch.tensor(values, dtype=torch.long).")
def check_as_long_exact(student, case):
    """as_long keeps every int exactly, including large and negative ones"""
    values = [case.rng.randint(-10**6, 10**6) for _ in range(case.size("n"))]
    _check(student, values)
    _check(student, [2**53 + 1, -(2**40) - 3, 123456789012345678, 0, 2**62 + 7])


@points(1)
@target("as_long")
@hint("An empty list gives shape (0,); a list with one int gives shape (1,), not a 0-d tensor.")
def check_as_long_empty_and_single(student):
    """as_long([]) is an empty int64 tensor; as_long([7]) has shape (1,)"""
    _check(student, [])
    _check(student, [7])
