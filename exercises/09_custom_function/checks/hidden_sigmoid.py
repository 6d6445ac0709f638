"""Sigmoid as a torch.autograd.Function with a hand-written backward."""
import torch
from grader.checks import points, hint, target, title, assert_tensor, fail
from support_function import (backward, close, expect_finite_differences, expect_forward,
                              expect_gradient, expect_own_backward, expect_saved, gradient_name,
                              name_mistake, output_name, sigmoid_forward_mistakes,
                              sigmoid_gradient_mistakes)


def _sigmoid(x):
    """The check's own sigma, in float64, cast back."""
    return (1 / (1 + torch.exp(-x.detach().double()))).to(x.dtype)


def _dsigmoid(x):
    s = 1 / (1 + torch.exp(-x.detach().double()))
    return (s * (1 - s)).to(x.dtype)


def _forward(student, x, device):
    return expect_forward(student, "Sigmoid", x, _sigmoid(x), device, sigmoid_forward_mistakes(x))


def _gradient(student, x, g, device):
    return expect_gradient(student, "Sigmoid", x, g, g * _dsigmoid(x), device,
                           sigmoid_gradient_mistakes(x, g))


@points(2)
@target("Sigmoid")
@title(zh="在随机的 (i, j) 矩阵上检查 forward")
@hint("sigma(x) = 1 / (1 + torch.exp(-x)), elementwise; it keeps the shape and dtype of x.",
      zh="sigma(x) = 1 / (1 + torch.exp(-x))，逐元素计算；形状和数据类型与 x 相同。")
def check_forward_values(student, case, device):
    """forward on a random (i, j) matrix"""
    x = (case.randn("i", "j") * 3).requires_grad_(True)
    _forward(student, x, device)


@points(2)
@target("Sigmoid")
@title(zh="Sigmoid 是 torch.autograd.Function，apply 会记录一个 SigmoidBackward 节点")
@hint("Subclass torch.autograd.Function, give it @staticmethod forward(ctx, x) and "
      "backward(ctx, grad_output), and use it through Sigmoid.apply(x). Do not replace apply.",
      zh="继承 torch.autograd.Function，写上 @staticmethod 的 forward(ctx, x) 和 "
         "backward(ctx, grad_output)，通过 Sigmoid.apply(x) 来使用。不要替换 apply。")
def check_uses_custom_backward(student, case, device):
    """Sigmoid is a torch.autograd.Function and apply records a SigmoidBackward node"""
    x = case.randn("i").requires_grad_(True)
    _, report = _forward(student, x, device)
    _gradient(student, x.detach(), case.randn("i"), device)
    expect_own_backward(report, "Sigmoid", "compute sigma", "计算 sigma")


@points(3)
@target("Sigmoid")
@title(zh="上游梯度随机时，backward 等于 grad_output * s * (1 - s)")
@hint("backward returns grad_output * y * (1 - y), where y is the output you saved in forward.",
      zh="backward 返回 grad_output * y * (1 - y)，其中 y 是你在 forward 中保存的输出。")
def check_backward_random_upstream(student, case, device):
    """backward with a random upstream gradient matches grad_output * s * (1 - s)"""
    x = case.randn("i", "j") * 2
    g = case.randn("i", "j")
    _gradient(student, x, g, device)


@points(2)
@target("Sigmoid")
@title(zh="float64 下，backward 与对 forward 做数值差分的结果一致（gradcheck 所做的检查）")
@hint("The grader compares your backward with finite differences of your forward (as "
      "torch.autograd.gradcheck does); a mismatch means backward does not compute the "
      "derivative of what forward computes.",
      zh="评分程序会把你的 backward 与对 forward 做数值差分的结果比较（和 "
         "torch.autograd.gradcheck 一样）；不一致说明 backward 算的不是 forward 所算函数的导数。")
def check_gradcheck_float64(student, case):
    """backward matches finite differences of forward in float64 (gradcheck's test)"""
    expect_finite_differences(student, "Sigmoid", case, scale=2.0,
                              mistakes=sigmoid_gradient_mistakes)


@points(1)
@target("Sigmoid")
@title(zh="forward 用 ctx.save_for_backward 保存张量")
@hint("In forward: ctx.save_for_backward(y). In backward: (y,) = ctx.saved_tensors. "
      "Storing tensors as ctx attributes (ctx.y = y) bypasses autograd's checks.",
      zh="在 forward 中：ctx.save_for_backward(y)。在 backward 中：(y,) = ctx.saved_tensors。"
         "把张量存成 ctx 的属性（ctx.y = y）会绕过 autograd 的检查。")
def check_saves_for_backward(student, case, device):
    """forward keeps its tensor with ctx.save_for_backward"""
    x = case.randn("i").requires_grad_(True)
    _, report = _forward(student, x, device)
    _gradient(student, x.detach(), case.randn("i"), device)
    expect_saved(report, "output", "输出")


@points(1)
@target("Sigmoid")
@title(zh="x = -100, -30, 0, 30, 100：值和梯度都是有限的")
@hint("exp(x) / (1 + exp(x)) gives inf / inf = nan for large x; 1 / (1 + torch.exp(-x)) "
      "gives 1 / (1 + inf) = 0 and 1 / (1 + 0) = 1, both fine.",
      zh="x 很大时 exp(x) / (1 + exp(x)) 会得到 inf / inf = nan；而 1 / (1 + torch.exp(-x)) "
         "得到的 1 / (1 + inf) = 0 和 1 / (1 + 0) = 1 都没有问题。")
def check_extreme_inputs(student, device):
    """x = -100, -30, 0, 30, 100: finite values and gradients"""
    x = torch.tensor([-100.0, -30.0, 0.0, 30.0, 100.0])
    ones = torch.ones(5)
    y, grad = backward(student, "Sigmoid", x, ones)
    if isinstance(y, torch.Tensor) and not close(y, _sigmoid(x)):
        name_mistake(y, _sigmoid(x), sigmoid_forward_mistakes(x), (x,), output_name("Sigmoid"))
    if isinstance(y, torch.Tensor) and y.shape == x.shape and not bool(torch.isfinite(y).all()):
        fail("your forward gives inf or nan for large |x|: compute one over (one plus"
             " torch.exp(-x)), which stays finite",
             zh="|x| 很大时你的 forward 得到了 inf 或 nan：请计算“一除以（一加 torch.exp(-x)）”，"
                "这样结果始终是有限的",
             evidence=f"x: {x}\nyour forward: {y}")
    assert_tensor(y, _sigmoid(x), inputs=(x,), name=output_name("Sigmoid"), device=device)
    if isinstance(grad, torch.Tensor) and grad.shape == x.shape and \
            not bool(torch.isfinite(grad).all()):
        fail("your backward gives inf or nan gradients for large |x|: compute the derivative"
             " from the saved output y, as y times (one minus y)",
             zh="|x| 很大时你的 backward 得到了 inf 或 nan 的梯度：请用保存的输出 y 计算导数，"
                "即 y 乘以（一减 y）",
             evidence=f"x: {x}\nyour gradient: {grad}\nexpected: {_dsigmoid(x)}")
    if grad is None:
        fail("no gradient reached x: your backward returned None for x",
             zh="没有梯度传回 x：你的 backward 给 x 返回了 None",
             evidence=f"x: {x}\nx.grad is None after Sigmoid.apply(x).backward(torch.ones(5))")
    if isinstance(grad, torch.Tensor) and not close(grad, _dsigmoid(x)):
        name_mistake(grad, _dsigmoid(x), sigmoid_gradient_mistakes(x, ones), (x,), gradient_name())
    assert_tensor(grad, _dsigmoid(x), inputs=(x,), name=gradient_name(), device=device)


@points(1)
@target("Sigmoid")
@title(zh="0 维输入、空的 (0, i) 输入，以及 float64 的 forward 和 backward")
@hint("Use only elementwise operations: they work for 0-d and empty tensors and keep the dtype.",
      zh="只用逐元素运算：它们对 0 维张量和空张量都适用，并且保持数据类型不变。")
def check_scalar_empty_float64(student, case, device):
    """a 0-d input, an empty (0, i) input, and float64 forward and backward"""
    x0 = torch.tensor(0.7)
    _gradient(student, x0, torch.tensor(1.5), device)
    xe = torch.zeros(0, case.size("i"))
    _forward(student, xe, device)
    xd = case.randn("j", "k", dtype=torch.float64)
    _forward(student, xd, device)
    _gradient(student, xd, case.randn("j", "k", dtype=torch.float64), device)
