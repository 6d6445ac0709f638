"""Visible checks for 11_losses: the worked examples from the instructions."""
import math

import torch

from grader.checks import assert_number, assert_tensor, hint, points, target


@points(1)
@target("mse")
@hint("Square the differences, then take .mean() over all elements.")
def check_mse_worked_example(student):
    """mse() of the worked example is 4/3"""
    pred = torch.tensor([1.0, 2.0, 3.0])
    tgt = torch.tensor([1.0, 2.0, 5.0])
    result = student.mse(pred, tgt)
    if isinstance(result, torch.Tensor) and result.shape == () and math.isclose(float(result), 4.0, rel_tol=1e-5):
        raise AssertionError(
            "your mse is 4.0, expected 4/3 = 1.3333: that is 3x too large "
            "(3 elements): did you .sum() instead of .mean()?")
    assert_tensor(result, torch.tensor(4.0 / 3.0), inputs=(pred, tgt))


@points(1)
@target("cross_entropy")
@hint("Per row: log(sum(exp(row - max))) + max - row[label]; then the mean over rows.")
def check_cross_entropy_worked_example(student):
    """cross_entropy() of the worked example"""
    logits = torch.tensor([[2.0, 0.0], [0.0, 2.0]])
    labels = torch.tensor([0, 0])
    # row 0: log(e^2 + e^0) - 2 ; row 1: log(e^0 + e^2) - 0
    lse = math.log(math.exp(2.0) + 1.0)
    expected = torch.tensor(((lse - 2.0) + (lse - 0.0)) / 2)
    assert_tensor(student.cross_entropy(logits, labels), expected, inputs=(logits, labels))


@points(1)
@target("accuracy")
@hint("logits.argmax(dim=1) gives one predicted class per row; compare with labels.")
def check_accuracy_worked_example(student):
    """accuracy() of the worked example is 2/3"""
    logits = torch.tensor([[2.0, 0.0], [0.0, 2.0], [1.0, 3.0]])
    labels = torch.tensor([0, 0, 1])
    result = student.accuracy(logits, labels)
    if isinstance(result, torch.Tensor):
        raise AssertionError(
            f"accuracy() returned a tensor ({result!r}); return a plain Python float: "
            "call .item() on the final 0-d tensor")
    assert_number(result, 2.0 / 3.0, rel=1e-6)
