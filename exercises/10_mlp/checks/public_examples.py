"""The worked examples from the instructions."""
import torch
from grader.checks import points, hint, target, assert_equal, assert_number, fail


@points(1)
@target("NeuralNetwork")
@hint("Flatten, then Linear(6, 8), ReLU, Linear(8, 5): 6*8 + 8 + 8*5 + 5 = 101 parameters.")
def check_network_example(student, device):
    """NeuralNetwork()(torch.zeros(4, 2, 3)) has shape (4, 5); the network has 101 parameters"""
    model = student.NeuralNetwork().to(device)
    out = model(torch.zeros(4, 2, 3))
    if not isinstance(out, torch.Tensor):
        fail(f"forward returned {type(out).__name__}, not a tensor")
    assert_equal(tuple(out.shape), (4, 5), what="output shape")
    n = student.evaluate("lambda m: sum(p.numel() for p in m.parameters())")(model)
    assert_equal(n, 101, what="number of parameters")


@points(1)
@target("make_sequential")
@hint("Linear(4, 16), ReLU, Linear(16, 8), ReLU, Linear(8, 3): no ReLU after the last Linear.")
def check_make_sequential_example(student):
    """make_sequential([4, 16, 8, 3]): the layers of the example"""
    seq = student.make_sequential([4, 16, 8, 3])
    layers = student.evaluate(
        "lambda s: [(type(l).__name__, getattr(l, 'in_features', None), "
        "getattr(l, 'out_features', None)) for l in s]")(seq)
    assert_equal(layers, [("Linear", 4, 16), ("ReLU", None, None), ("Linear", 16, 8),
                          ("ReLU", None, None), ("Linear", 8, 3)], what="layers")


@points(1)
@target("count_parameters")
@hint("sum(p.numel() for p in model.parameters() if p.requires_grad)")
def check_count_parameters_example(student):
    """count_parameters(nn.Linear(3, 2)) is 8"""
    assert_number(student.count_parameters(student.evaluate("nn.Linear(3, 2)")), 8, type=int)
