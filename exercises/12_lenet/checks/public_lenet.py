"""Visible checks for 12_lenet: the size of the network and the worked examples."""
import torch
import torch.nn.functional as F

from grader.checks import (StudentError, assert_equal, assert_tensor, claim_fail, describe, fail,
                           hint, points, target, title)
from grader.i18n import pick
from support_lenet import ask_hw, judge

# The contract's parameters: name -> shape (conv1 = Conv2d(1, 6, 5), ..., fc3 = Linear(84, 10)).
SHAPES = {
    "conv1.weight": (6, 1, 5, 5), "conv1.bias": (6,),
    "conv2.weight": (16, 6, 5, 5), "conv2.bias": (16,),
    "fc1.weight": (120, 400), "fc1.bias": (120,),
    "fc2.weight": (84, 120), "fc2.bias": (84,),
    "fc3.weight": (10, 84), "fc3.bias": (10,),
}
LAYERS = ("conv1 = Conv2d(1, 6, 5), conv2 = Conv2d(6, 16, 5), fc1 = Linear(16*5*5, 120), "
          "fc2 = Linear(120, 84), fc3 = Linear(84, 10)")


def _reported_count(student, net):
    """The parameter count the student's process reports (a claim), or None."""
    try:
        report = student.build("vision.state_shapes", net).value
    except StudentError:
        return None
    return report.get("parameters") if isinstance(report, dict) else None


@points(1)
@target("LeNet")
@title(zh="LeNet() 装得下约定中的 61,706 个参数，并把 (2, 1, 32, 32) 映射成 (2, 10)")
@hint("conv1 156 + conv2 2,416 + fc1 48,120 + fc2 10,164 + fc3 850 = 61,706 parameters.",
      zh="conv1 156 + conv2 2,416 + fc1 48,120 + fc2 10,164 + fc3 850 = 61,706 个参数。")
def check_lenet_size_and_output_shape(student, case, device):
    """LeNet() takes the contract's 61,706 parameters and maps (2, 1, 32, 32) to (2, 10)"""
    # Weights of the contract's names and shapes, all zero but the biases: then
    # every layer's output is its bias, and the logits are fc3's bias.
    state = {k: torch.zeros(s) for k, s in SHAPES.items()}
    for k in ("conv1.bias", "conv2.bias", "fc1.bias", "fc2.bias", "fc3.bias"):
        state[k] = torch.randn(SHAPES[k], generator=case.generator)
    net = student.LeNet()
    try:
        net = student.build("model.loaded", net, state, device)
    except StudentError as e:
        if e.not_implemented:
            raise
        count = _reported_count(student, net)
        said = f"your LeNet reports {count:,} parameters\n" if isinstance(count, int) else ""
        lines = e.message.strip().splitlines()
        fail("the check's weights (the contract's names and shapes, 61,706 parameters) do not load"
             " into your LeNet: compare your layers with the contract",
             zh="检查程序的权重（约定中的名字和形状，共 61,706 个参数）无法加载进你的 LeNet："
                "请把你的各层与约定对照",
             evidence=said + f"load_state_dict raised {e.type_name}:\n    "
                      + "\n    ".join(lines[:4]) + f"\nthe contract: {LAYERS}")
    x = torch.randn(2, 1, 32, 32, generator=case.generator)
    try:
        out = net(x)
    except StudentError as e:
        if not e.not_implemented and "cannot be multiplied" in e.message and "1x800" in e.message:
            fail("your LeNet flattened the batch dimension into the features (two images times"
                 " 400 numbers): use torch.flatten(x, 1), not torch.flatten(x) or x.view(1, -1)",
                 zh="你的 LeNet 把批次维度也展平进了特征里（两张图片乘以 400 个数）：请用"
                    " torch.flatten(x, 1)，而不是 torch.flatten(x) 或 x.view(1, -1)",
                 evidence=f"{e.type_name}: {e.message}")
        raise
    if not isinstance(out, torch.Tensor):
        fail(f"forward() should return a tensor of shape (2, 10), but it returned {describe(out)}",
             zh=f"forward() 应该返回形状为 (2, 10) 的张量，但返回的是 {describe(out)}",
             evidence=f"returned {str(out)[:200]}")
    assert_equal(tuple(out.shape), (2, 10),
                 what=pick("output shape for a batch of 2", "大小为 2 的批次的输出形状"))
    logits = state["fc3.bias"].expand(2, 10)
    for wrong, en, zh in (
            (F.relu(logits), "there is a relu after fc3: return fc3's raw scores (logits)",
             "fc3 之后多了一个 relu：请返回 fc3 的原始分数（logits）"),
            (F.softmax(logits, dim=1), "you applied softmax at the end: return the raw scores",
             "你在最后做了 softmax：请返回原始分数"),
            (F.log_softmax(logits, dim=1), "you applied log_softmax at the end: return the raw"
             " scores", "你在最后做了 log_softmax：请返回原始分数")):
        if torch.allclose(out.detach(), wrong, rtol=1e-4, atol=1e-4) and \
                not torch.allclose(wrong, logits, rtol=1e-4, atol=1e-4):
            fail("with every weight zero each logit should be fc3's bias, but " + en,
                 zh="所有权重都为零时，每个 logit 都应该等于 fc3 的偏置，但" + zh,
                 evidence=f"yours:\n{out.detach()}\nfc3's bias:\n{state['fc3.bias']}")
    if not torch.allclose(out.detach(), logits, rtol=1e-4, atol=1e-4):
        # Verified: a second fc3 bias loaded into the same network must change its logits.
        other = dict(state, **{"fc3.bias": state["fc3.bias"] + 1.0})
        try:
            again = student.build("model.loaded", net, other, device)(x)
        except Exception:   # noqa: BLE001  (only an explanation: the check fails anyway)
            again = None
        if isinstance(again, torch.Tensor) and again.shape == out.shape and \
                torch.allclose(again.detach(), out.detach(), rtol=1e-4, atol=1e-4):
            fail("your LeNet computes the same outputs after the check loads other weights: its"
                 " forward does not use the parameters that load_state_dict fills",
                 zh="检查程序加载另一组权重之后，你的 LeNet 输出没有变化：forward 用的不是"
                    " load_state_dict 填入的参数",
                 evidence=f"yours, with fc3's bias and with fc3's bias + 1:\n{out.detach()}\n"
                          f"{again.detach()}\nexpected (fc3's bias):\n{logits}")
    assert_tensor(out.detach(), logits, rtol=1e-4, atol=1e-4,
                  name=pick("output when every weight is zero (each logit should be fc3's bias:"
                            " no activation or softmax after fc3)",
                            "所有权重为零时的输出（每个 logit 都应等于 fc3 的偏置：fc3 之后不要激活函数或 softmax）"))
    # What the process says about its size: a claim, it can only cost the point.
    count = _reported_count(student, net)
    if count != 61706:
        claim_fail("your process reports a parameter count other than 61,706: compare your layers"
                   " with the contract",
                   zh="你的进程报告的参数个数不是 61,706：请把你的各层与约定对照",
                   evidence=f"reported {str(count)[:40]} parameters\nthe contract: {LAYERS}")


@points(1)
@target("conv_out_hw")
@title(zh="conv_out_hw(32, 32, 5) 是 (28, 28)，conv_out_hw(28, 20, 2, stride=2) 是 (14, 10)")
@hint("out = (size + 2*padding - k) // stride + 1, for the height and the width.",
      zh="对高和宽分别计算 out = (size + 2*padding - k) // stride + 1。")
def check_conv_out_hw_worked_examples(student):
    """conv_out_hw(32, 32, 5) is (28, 28) and conv_out_hw(28, 20, 2, stride=2) is (14, 10)"""
    judge([ask_hw(student, 32, 32, 5, style="keywords"),
           ask_hw(student, 28, 20, 2, stride=2, style="keywords")])
