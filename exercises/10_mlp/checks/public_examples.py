"""The worked examples from the instructions."""
import torch
from grader.checks import points, hint, target, assert_equal, assert_number, claim_fail, fail
from support_mlp import expect_layers, expected_layers, expect_module, reported, reported_layers, run


@points(1)
@target("NeuralNetwork")
@hint("Flatten, then Linear(6, 8), ReLU, Linear(8, 5): 6*8 + 8 + 8*5 + 5 = 101 parameters.")
def check_network_example(student, device):
    """NeuralNetwork()(torch.zeros(4, 2, 3)) has shape (4, 5); the network has 101 parameters"""
    model = student.NeuralNetwork()
    expect_module(model, "NeuralNetwork()")
    model = model.to(device)
    out = run(model, torch.zeros(4, 2, 3), "NeuralNetwork()")
    if not isinstance(out, torch.Tensor):
        fail(f"forward returned {type(out).__name__}, not a tensor")
    assert_equal(tuple(out.shape), (4, 5), what="output shape")
    # A claim, after the verified shape: what the process says it holds.
    n = reported(student, model).get("parameters")
    if n != 101:
        claim_fail(f"your process reports {n} parameters, expected 101.")


@points(1)
@target("make_sequential")
@hint("Linear(4, 16), ReLU, Linear(16, 8), ReLU, Linear(8, 3): no ReLU after the last Linear.")
def check_make_sequential_example(student, case, device):
    """make_sequential([4, 16, 8, 3]): the layers of the example"""
    sizes = [4, 16, 8, 3]
    seq = expect_layers(student, case, sizes, device)
    layers = reported_layers(reported(student, seq))
    if layers != expected_layers(sizes):
        claim_fail(f"your process reports the layers {layers}, expected {expected_layers(sizes)}.")


@points(1)
@target("count_parameters")
@hint("sum(p.numel() for p in model.parameters() if p.requires_grad)")
def check_count_parameters_example(student):
    """count_parameters(nn.Linear(3, 2)) is 8"""
    assert_number(student.count_parameters(student.build("nn.Linear", 3, 2)), 8, type=int)
