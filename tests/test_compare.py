"""assert_tensor and friends: the right verdict, and words a learner can use."""

import pytest
import torch

from grader.compare import CheckFailure, assert_equal, assert_number, assert_tensor
from grader.proxy import TensorClaims


def from_jail(t, **meta):
    t._drill_meta = TensorClaims(**meta)
    return t


def failure(actual, expected, **kw) -> str:
    with pytest.raises(CheckFailure) as info:
        assert_tensor(actual, expected, **kw)
    return str(info.value)


def test_a_match_passes_within_tolerance():
    x = torch.randn(3, 4)
    assert_tensor(from_jail(x + 1e-7), x)


def test_not_a_tensor_says_what_it_is():
    from grader import compare
    assert "but it is None" in failure(None, torch.ones(2))
    assert "return statement" not in failure(None, torch.ones(2))
    # "no return statement" only when the student's function really has none
    compare.CONTEXT.update(function="outer", without_return={"outer"})
    try:
        assert "has no return statement" in failure(None, torch.ones(2))
    finally:
        compare.CONTEXT.clear()
    assert "a list" in failure([1.0, 2.0], torch.ones(2))


def test_diagnosis_and_evidence_are_apart():
    with pytest.raises(CheckFailure) as info:
        assert_tensor(torch.zeros(4, 3), torch.zeros(3, 4), inputs=(torch.full((2,), 7.25),))
    assert "transposed" in info.value.diagnosis and "7.25" not in info.value.diagnosis
    assert "(4, 3)" not in info.value.diagnosis
    assert "shape (4, 3), expected (3, 4)" in info.value.evidence and "7.25" in info.value.evidence


def test_subclasses_and_parameters_are_refused():
    p = from_jail(torch.ones(2), type_name="Parameter")
    assert "not a Parameter" in failure(p, torch.ones(2))
    s = from_jail(torch.ones(2), type_name="Liar")
    assert "plain torch.Tensor, not a Liar" in failure(s, torch.ones(2))


@pytest.mark.parametrize("actual_shape,expected_shape,words", [
    ((4, 3), (3, 4), "transposed"),
    ((3,), (3, 1), "size-1 axis is missing"),
    ((3, 1), (3,), "extra size-1 axis"),
    ((3, 3), (3,), "accidental broadcast"),
    ((2, 6), (3, 4), "arranged differently"),
    ((2, 3, 4), (4, 3, 2), "wrong order"),
])
def test_shape_diagnosis(actual_shape, expected_shape, words):
    assert words in failure(torch.zeros(actual_shape), torch.zeros(expected_shape))


def test_dtype_and_device():
    assert "dtype torch.float32, expected torch.float64" in failure(
        torch.zeros(2), torch.zeros(2, dtype=torch.float64))
    moved = from_jail(torch.zeros(2), device="cpu", input_device="cuda:0")
    assert "device mistake: your result is on cpu, but the input was on cuda:0" in failure(
        moved, torch.zeros(2))


def test_value_messages_locate_and_explain():
    e = torch.arange(1.0, 7.0).reshape(2, 3)
    msg = failure(e * 2, e)
    assert "6 of 6 values are wrong" in msg and "2 times the expected" in msg
    assert "off by a constant +0.5" in failure(e + 0.5, e)
    assert "wrong sign" in failure(-e, e)
    sq = torch.randn(3, 3)
    assert "transpose of the expected" in failure(sq.T.contiguous(), sq)
    one = e.clone()
    one[1, 2] = 100
    msg = failure(one, e)
    assert "1 of 6 values are wrong" in msg and "at index [1, 2]" in msg and "expected 6" in msg
    assert "NaN where a number was expected" in failure(torch.tensor([1.0, float("nan")]), torch.tensor([1.0, 2.0]))


def test_integer_tensors_compare_exactly():
    with pytest.raises(CheckFailure):
        assert_tensor(torch.tensor([1, 2]), torch.tensor([1, 3]))
    assert_tensor(torch.tensor([True, False]), torch.tensor([True, False]))


def test_assert_number():
    assert_number(0.5, 0.5 + 1e-12)
    with pytest.raises(CheckFailure, match="use .item()"):
        assert_number(torch.tensor(0.5), 0.5)
    with pytest.raises(CheckFailure, match="expected 0.5"):
        assert_number(0.25, 0.5)
    with pytest.raises(CheckFailure, match="should be a Python int"):
        assert_number(2.0, 2, type=int)


def test_assert_equal_names_types():
    assert_equal((3, 4), (3, 4))
    with pytest.raises(CheckFailure, match="should be a tuple"):
        assert_equal([3, 4], (3, 4))
    with pytest.raises(CheckFailure, match=r"yours \(4, 3\), expected \(3, 4\)"):
        assert_equal((4, 3), (3, 4))


def test_precision_and_large_integer_diagnoses():
    e = torch.randn(5, dtype=torch.float64) * 100
    assert "only float32 precision" in failure(e.float().double(), e, rtol=1e-12, atol=1e-12)
    big = torch.tensor([2 ** 40 + 1, 3], dtype=torch.int64)
    assert "large integers went through float32" in failure(big.float().long(), big)
