"""Visible checks for 12_lenet: the size of the network and the worked examples."""
import torch

from grader.checks import StudentError, assert_equal, fail, hint, points, target


@points(1)
@target("LeNet")
@hint("conv1 156 + conv2 2,416 + fc1 48,120 + fc2 10,164 + fc3 850 = 61,706 parameters.")
def check_lenet_size_and_output_shape(student, device):
    """LeNet() has 61,706 parameters and maps (2, 1, 32, 32) to (2, 10)"""
    net = student.LeNet()
    count = student.evaluate("sum(p.numel() for p in m.parameters())", m=net)
    if count != 61706:
        fail(f"your LeNet has {count:,} parameters, expected 61,706: compare your layers with "
             "conv1 = Conv2d(1, 6, 5), conv2 = Conv2d(6, 16, 5), fc1 = Linear(16*5*5, 120), "
             "fc2 = Linear(120, 84), fc3 = Linear(84, 10)")
    if device != "cpu":
        net.to(device)
    try:
        out = net(torch.randn(2, 1, 32, 32, generator=torch.Generator().manual_seed(0)))
    except StudentError as e:
        if not e.not_implemented and "cannot be multiplied" in e.message and "1x800" in e.message:
            fail(f"your LeNet raised {e.type_name}: {e.message}\nThe batch dimension was flattened "
                 "into the features (2 x 400 = 800): use torch.flatten(x, 1), not torch.flatten(x) "
                 "or x.view(1, -1)")
        raise
    if not isinstance(out, torch.Tensor):
        fail(f"forward() should return a tensor of shape (2, 10), but it returned {out!r}")
    assert_equal(tuple(out.shape), (2, 10), what="output shape for a batch of 2")


@points(1)
@target("conv_out_hw")
@hint("out = (size + 2*padding - k) // stride + 1, for the height and the width.")
def check_conv_out_hw_worked_examples(student):
    """conv_out_hw(32, 32, 5) is (28, 28) and conv_out_hw(28, 20, 2, stride=2) is (14, 10)"""
    assert_equal(student.conv_out_hw(32, 32, 5), (28, 28), what="conv_out_hw(32, 32, 5)")
    assert_equal(student.conv_out_hw(28, 20, 2, stride=2), (14, 10),
                 what="conv_out_hw(28, 20, 2, stride=2)")
