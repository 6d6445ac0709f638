"""count_parameters(model): elements of the parameters with requires_grad, as an int."""
import torch
from torch import nn
from grader.checks import points, hint, target, assert_number, fail

# Model sources: built in the jail for the student, and built here too (our own
# trusted copy) to work out the right count and the counts of common mistakes.
_NESTED = ("nn.Sequential(nn.Linear(a, b), nn.ReLU(), "
           "nn.Sequential(nn.Linear(b, c), nn.Tanh(), nn.Linear(c, d)))")
_FROZEN_FIRST = ("(lambda m: (m[0].requires_grad_(False), m)[1])"
                 "(nn.Sequential(nn.Linear(a, b), nn.ReLU(), nn.Linear(b, c)))")
_BATCHNORM = "nn.Sequential(nn.Linear(a, b), nn.BatchNorm1d(b), nn.ReLU(), nn.Linear(b, c))"


def _check(student, src, **sizes):
    model = student.evaluate(src, **sizes)
    local = eval(src, {"nn": nn, "torch": torch, **sizes})
    params = list(local.parameters())
    trainable = [p for p in params if p.requires_grad]
    expected = sum(p.numel() for p in trainable)
    result = student.count_parameters(model)
    if isinstance(result, torch.Tensor):
        fail("count_parameters returned a tensor: return a Python int "
             "(a sum of p.numel() values is already an int).")
    if isinstance(result, int) and not isinstance(result, bool) and result != expected:
        mistakes = [
            (sum(p.numel() for p in params),
             "the count of all parameters, frozen ones included: skip those with "
             "p.requires_grad == False"),
            (len(trainable), "the number of parameter tensors: count their elements with p.numel()"),
            (len(params), "the number of parameter tensors: count their elements with p.numel()"),
            (sum(p.numel() for m in local.modules() for p in m.parameters() if p.requires_grad),
             "nested modules counted more than once: model.parameters() already includes "
             "the parameters of every submodule, so do not loop over model.modules()"),
            (sum(p.numel() for m in local.modules() for p in m.parameters()),
             "nested modules counted more than once: model.parameters() already includes "
             "the parameters of every submodule, so do not loop over model.modules()"),
            (sum(v.numel() for v in local.state_dict().values()),
             "the size of the state dict, which also holds buffers (such as BatchNorm's "
             "running statistics) and frozen parameters: count model.parameters() with "
             "requires_grad"),
            (sum(p.shape[0] for p in trainable),
             "the sum of len(p): count all elements with p.numel()"),
        ]
        for value, why in mistakes:
            if result == value:
                fail(f"you returned {result}, {why} (expected {expected}).")
    assert_number(result, expected, type=int)


@points(1)
@target("count_parameters")
@hint("model.parameters() yields every parameter, including those of nested modules, once.")
def check_nested_sequential(student, case):
    """a Sequential with a nested Sequential"""
    _check(student, _NESTED, **{k: case.size(k) for k in "abcd"})


@points(2)
@target("count_parameters")
@hint("Only parameters with p.requires_grad == True are trainable.")
def check_frozen_layer_excluded(student, case):
    """the first layer is frozen (requires_grad False): its parameters do not count"""
    _check(student, _FROZEN_FIRST, **{k: case.size(k) for k in "abc"})


@points(1)
@target("count_parameters")
@hint("Buffers (BatchNorm's running_mean, running_var, num_batches_tracked) are in the state "
      "dict but are not parameters.")
def check_buffers_not_counted(student, case):
    """BatchNorm's running statistics are buffers, not parameters"""
    _check(student, _BATCHNORM, **{k: case.size(k) for k in "abc"})


@points(1)
@target("count_parameters")
@hint("sum(p.numel() for p in ...) is a Python int; do not wrap it in a tensor.")
def check_returns_int(student):
    """returns a Python int; a module with no parameters gives 0"""
    result = student.count_parameters(student.evaluate("nn.Linear(3, 2)"))
    if type(result) is not int:
        fail(f"count_parameters must return a Python int, got {type(result).__name__}"
             + (": use p.numel() and Python's sum()" if isinstance(result, torch.Tensor) else ""))
    _check(student, "nn.ReLU()")
