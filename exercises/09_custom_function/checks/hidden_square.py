"""Square as a torch.autograd.Function with a hand-written backward."""
import torch
from grader.checks import points, hint, target, title
from support_function import (expect_finite_differences, expect_forward, expect_gradient,
                              expect_own_backward, expect_saved,
                              square_forward_mistakes, square_gradient_mistakes)


def _forward(student, x, device):
    xd = x.detach()
    return expect_forward(student, "Square", x, xd * xd, device, square_forward_mistakes(x))


def _gradient(student, x, g, device):
    return expect_gradient(student, "Square", x, g, g * 2 * x.detach(), device,
                           square_gradient_mistakes(x, g))


@points(1)
@target("Square")
@title(zh="在随机的 (i, j) 矩阵上检查 forward")
@hint("forward returns x * x (or x ** 2); it keeps the shape and dtype of x.",
      zh="forward 返回 x * x（或 x ** 2）；形状和数据类型与 x 相同。")
def check_forward_values(student, case, device):
    """forward on a random (i, j) matrix"""
    x = case.randn("i", "j").requires_grad_(True)
    _forward(student, x, device)


@points(2)
@target("Square")
@title(zh="Square 是 torch.autograd.Function，apply 会记录一个 SquareBackward 节点")
@hint("Subclass torch.autograd.Function, give it @staticmethod forward(ctx, x) and "
      "backward(ctx, grad_output), and use it through Square.apply(x). Do not replace apply.",
      zh="继承 torch.autograd.Function，写上 @staticmethod 的 forward(ctx, x) 和 "
         "backward(ctx, grad_output)，通过 Square.apply(x) 来使用。不要替换 apply。")
def check_uses_custom_backward(student, case, device):
    """Square is a torch.autograd.Function and apply records a SquareBackward node"""
    x = case.randn("i").requires_grad_(True)
    _, report = _forward(student, x, device)
    _gradient(student, x.detach(), case.randn("i"), device)
    expect_own_backward(report, "Square", "compute x * x", "计算 x * x")


@points(3)
@target("Square")
@title(zh="上游梯度随机时，backward 等于 grad_output * 2x")
@hint("backward returns grad_output * 2 * x, where x is the input you saved in forward.",
      zh="backward 返回 grad_output * 2 * x，其中 x 是你在 forward 中保存的输入。")
def check_backward_random_upstream(student, case, device):
    """backward with a random upstream gradient matches grad_output * 2x"""
    x = case.randn("i", "j")
    g = case.randn("i", "j")
    _gradient(student, x, g, device)


@points(2)
@target("Square")
@title(zh="float64 下，backward 与对 forward 做数值差分的结果一致（gradcheck 所做的检查）")
@hint("The grader compares your backward with finite differences of your forward (as "
      "torch.autograd.gradcheck does); a mismatch means backward does not compute the "
      "derivative of what forward computes.",
      zh="评分程序会把你的 backward 与对 forward 做数值差分的结果比较（和 "
         "torch.autograd.gradcheck 一样）；不一致说明 backward 算的不是 forward 所算函数的导数。")
def check_gradcheck_float64(student, case):
    """backward matches finite differences of forward in float64 (gradcheck's test)"""
    expect_finite_differences(student, "Square", case, mistakes=square_gradient_mistakes)


@points(1)
@target("Square")
@title(zh="forward 用 ctx.save_for_backward 保存输入")
@hint("In forward: ctx.save_for_backward(x). In backward: (x,) = ctx.saved_tensors.",
      zh="在 forward 中：ctx.save_for_backward(x)。在 backward 中：(x,) = ctx.saved_tensors。")
def check_saves_for_backward(student, case, device):
    """forward keeps the input with ctx.save_for_backward"""
    x = case.randn("i").requires_grad_(True)
    _, report = _forward(student, x, device)
    _gradient(student, x.detach(), case.randn("i"), device)
    expect_saved(report, "input", "输入")


@points(1)
@target("Square")
@title(zh="0 维输入、空的 (0, i) 输入，以及 float64 的 forward 和 backward")
@hint("Use only elementwise operations: they work for 0-d and empty tensors and keep the dtype.",
      zh="只用逐元素运算：它们对 0 维张量和空张量都适用，并且保持数据类型不变。")
def check_scalar_empty_float64(student, case, device):
    """a 0-d input, an empty (0, i) input, and float64 forward and backward"""
    x0 = torch.tensor(-1.5)
    _gradient(student, x0, torch.tensor(0.5), device)
    xe = torch.zeros(0, case.size("i"))
    _forward(student, xe, device)
    xd = case.randn("j", "k", dtype=torch.float64)
    _forward(student, xd, device)
    _gradient(student, xd, case.randn("j", "k", dtype=torch.float64), device)
