"""Visible checks for 11_losses: the worked examples from the instructions."""
import torch

from grader.checks import hint, points, target, title
from support_losses import expect_accuracy, expect_ce, expect_mse


@points(1)
@target("mse")
@title(zh="例子中的 mse() 等于 4/3")
@hint("Square the differences, then take .mean() over all elements.",
      zh="先对差值求平方，再对所有元素求 .mean()。")
def check_mse_worked_example(student):
    """mse() of the worked example is 4/3"""
    expect_mse(student, torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.0, 5.0]))


@points(1)
@target("cross_entropy")
@title(zh="例子中的 cross_entropy()")
@hint("Per row: log(sum(exp(row - max))) + max - row[label]; then the mean over rows.",
      zh="每一行：log(sum(exp(row - max))) + max - row[label]；再对各行求平均。")
def check_cross_entropy_worked_example(student):
    """cross_entropy() of the worked example"""
    # row 0: log(e^2 + e^0) - 2 ; row 1: log(e^0 + e^2) - 0
    expect_ce(student, torch.tensor([[2.0, 0.0], [0.0, 2.0]]), torch.tensor([0, 0]))


@points(1)
@target("accuracy")
@title(zh="例子中的 accuracy() 等于 2/3")
@hint("logits.argmax(dim=1) gives one predicted class per row; compare with labels.",
      zh="logits.argmax(dim=1) 为每一行给出一个预测类别；再与 labels 比较。")
def check_accuracy_worked_example(student):
    """accuracy() of the worked example is 2/3"""
    expect_accuracy(student, torch.tensor([[2.0, 0.0], [0.0, 2.0], [1.0, 3.0]]),
                   torch.tensor([0, 0, 1]))
