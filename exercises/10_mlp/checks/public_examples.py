"""The worked examples from the instructions."""
import torch
from grader.checks import (points, hint, target, title, assert_equal, assert_number, claim_fail,
                           describe, fail)
from grader.i18n import pick
from support_mlp import expect_layers, expected_layers, expect_module, reported, reported_layers, run


@points(1)
@target("NeuralNetwork")
@title(zh="NeuralNetwork()(torch.zeros(4, 2, 3)) 的形状是 (4, 5)；网络共有 101 个参数")
@hint("Flatten, then Linear(6, 8), ReLU, Linear(8, 5): 6*8 + 8 + 8*5 + 5 = 101 parameters.",
      zh="先 Flatten，再 Linear(6, 8)、ReLU、Linear(8, 5)：6*8 + 8 + 8*5 + 5 = 101 个参数。")
def check_network_example(student, device):
    """NeuralNetwork()(torch.zeros(4, 2, 3)) has shape (4, 5); the network has 101 parameters"""
    model = student.NeuralNetwork()
    expect_module(model, "NeuralNetwork()")
    model = model.to(device)
    out = run(model, torch.zeros(4, 2, 3), "NeuralNetwork()")
    if not isinstance(out, torch.Tensor):
        fail(f"forward should return a tensor, but it returned {describe(out)}",
             zh=f"forward 应该返回张量，但返回的是 {describe(out)}",
             evidence="NeuralNetwork()(torch.zeros(4, 2, 3))")
    assert_equal(tuple(out.shape), (4, 5), what=pick("output shape", "输出形状"))
    # A claim, after the verified shape: what the process says it holds.
    n = reported(student, model).get("parameters")
    if n != 101:
        claim_fail("your process reports a parameter count other than 101",
                   zh="你的进程报告的参数个数不是 101",
                   evidence=f"reported {str(n)[:40]} parameters, expected 101 (6*8 + 8 + 8*5 + 5)")


@points(1)
@target("make_sequential")
@title(zh="make_sequential([4, 16, 8, 3])：例子里的那些层")
@hint("Linear(4, 16), ReLU, Linear(16, 8), ReLU, Linear(8, 3): no ReLU after the last Linear.",
      zh="Linear(4, 16)、ReLU、Linear(16, 8)、ReLU、Linear(8, 3)：最后一个 Linear 之后没有 ReLU。")
def check_make_sequential_example(student, case, device):
    """make_sequential([4, 16, 8, 3]): the layers of the example"""
    sizes = [4, 16, 8, 3]
    seq = expect_layers(student, case, sizes, device)
    layers = reported_layers(reported(student, seq))
    if layers != expected_layers(sizes):
        claim_fail("your process reports layers other than the example's",
                   zh="你的进程报告的层与例子中的不一致",
                   evidence=f"reported: {str(layers)[:300]}\nexpected: {expected_layers(sizes)}")


@points(1)
@target("count_parameters")
@title(zh="count_parameters(nn.Linear(3, 2)) 等于 8")
@hint("sum(p.numel() for p in model.parameters() if p.requires_grad)",
      zh="sum(p.numel() for p in model.parameters() if p.requires_grad)")
def check_count_parameters_example(student):
    """count_parameters(nn.Linear(3, 2)) is 8"""
    result = student.count_parameters(student.build("nn.Linear", 3, 2))
    if type(result) is int and result == 2:
        fail("count_parameters returned the number of parameter tensors: count their elements"
             " with p.numel()",
             zh="count_parameters 返回的是参数张量的个数：应该用 p.numel() 数出其中的元素个数",
             evidence="yours 2, expected 8 (a weight of 6 and a bias of 2)")
    assert_number(result, 8, type=int)
