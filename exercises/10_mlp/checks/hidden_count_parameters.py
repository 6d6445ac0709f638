"""count_parameters(model): elements of the parameters with requires_grad, as an int."""
import torch
from grader.checks import points, hint, target, assert_number, describe, fail
from support_mlp import built_twice


def _check(student, spec, freeze_first=False):
    """count_parameters of a model the check built in the jail, against the check's own count."""
    model, local = built_twice(student, spec, freeze_first)
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
    a, b, c, d = (case.size(k) for k in "abcd")
    _check(student, ["Sequential", ["Linear", a, b], ["ReLU"],
                     ["Sequential", ["Linear", b, c], ["Tanh"], ["Linear", c, d]]])


@points(2)
@target("count_parameters")
@hint("Only parameters with p.requires_grad == True are trainable.")
def check_frozen_layer_excluded(student, case):
    """the first layer is frozen (requires_grad False): its parameters do not count"""
    a, b, c = (case.size(k) for k in "abc")
    _check(student, ["Sequential", ["Linear", a, b], ["ReLU"], ["Linear", b, c]],
           freeze_first=True)


@points(1)
@target("count_parameters")
@hint("Buffers (BatchNorm's running_mean, running_var, num_batches_tracked) are in the state "
      "dict but are not parameters.")
def check_buffers_not_counted(student, case):
    """BatchNorm's running statistics are buffers, not parameters"""
    a, b, c = (case.size(k) for k in "abc")
    _check(student, ["Sequential", ["Linear", a, b], ["BatchNorm1d", b], ["ReLU"],
                     ["Linear", b, c]])


@points(1)
@target("count_parameters")
@hint("sum(p.numel() for p in ...) is a Python int; do not wrap it in a tensor.")
def check_returns_int(student):
    """returns a Python int; a module with no parameters gives 0"""
    result = student.count_parameters(student.build("nn.Linear", 3, 2))
    if type(result) is not int:
        fail(f"count_parameters must return a Python int, got {describe(result)}"
             + (": use p.numel() and Python's sum()" if isinstance(result, torch.Tensor) else ""))
    _check(student, ["ReLU"])
