"""Visible checks for 12_lenet: the size of the network and the worked examples."""
import torch

from grader.checks import (StudentError, assert_equal, assert_tensor, claim_fail, fail, hint,
                           points, target)

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
@hint("conv1 156 + conv2 2,416 + fc1 48,120 + fc2 10,164 + fc3 850 = 61,706 parameters.")
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
        said = f" (your LeNet reports {count:,} parameters)" if isinstance(count, int) else ""
        lines = e.message.strip().splitlines()
        fail("the check's weights (61,706 parameters, by the names conv1, conv2, fc1, fc2, fc3) "
             f"do not load into your LeNet{said}:\n    " + "\n    ".join(lines[:4])
             + f"\nCompare your layers with {LAYERS}")
    x = torch.randn(2, 1, 32, 32, generator=case.generator)
    try:
        out = net(x)
    except StudentError as e:
        if not e.not_implemented and "cannot be multiplied" in e.message and "1x800" in e.message:
            fail(f"your LeNet raised {e.type_name}: {e.message}\nThe batch dimension was flattened "
                 "into the features (2 x 400 = 800): use torch.flatten(x, 1), not torch.flatten(x) "
                 "or x.view(1, -1)")
        raise
    if not isinstance(out, torch.Tensor):
        fail(f"forward() should return a tensor of shape (2, 10), but it returned {out!r}")
    assert_equal(tuple(out.shape), (2, 10), what="output shape for a batch of 2")
    assert_tensor(out.detach(), state["fc3.bias"].expand(2, 10), rtol=1e-4, atol=1e-4,
                  name="output when every weight is zero (each logit should be fc3's bias: "
                       "no activation or softmax after fc3)")
    # What the process says about its size: a claim, it can only cost the point.
    count = _reported_count(student, net)
    if count != 61706:
        said = f"{count:,}" if isinstance(count, int) else "no count of its"
        claim_fail(f"your process reports {said} parameters in LeNet, expected 61,706: compare "
                   f"your layers with {LAYERS}")


@points(1)
@target("conv_out_hw")
@hint("out = (size + 2*padding - k) // stride + 1, for the height and the width.")
def check_conv_out_hw_worked_examples(student):
    """conv_out_hw(32, 32, 5) is (28, 28) and conv_out_hw(28, 20, 2, stride=2) is (14, 10)"""
    assert_equal(student.conv_out_hw(32, 32, 5), (28, 28), what="conv_out_hw(32, 32, 5)")
    assert_equal(student.conv_out_hw(28, 20, 2, stride=2), (14, 10),
                 what="conv_out_hw(28, 20, 2, stride=2)")
