"""Builders for the models exercises (see grader/jail/builders/core.py).

Custom autograd Functions and nn.Modules, run the way a learner uses them, so
that a check can read what they compute (verified: the values come back as
data) and, separately, what the student's process says about them (claims):

    y, report = student.build("models.apply_function", student.Sigmoid, x)
    y, grad = student.build("models.function_backward", student.Sigmoid, x, g)
    report = student.build("models.describe", model)

A check decides on `y` and `grad` (tensors it compares with its own calculus
or finite differences); `report` is a Claim: it may explain a failure or cost
points, never earn them.
"""

from __future__ import annotations

import torch
from torch import nn

from grader.jail.builders.core import Claimed, builder


def _function_report(function, out) -> dict:
    node = getattr(out, "grad_fn", None) if isinstance(out, torch.Tensor) else None
    try:
        saved = len(getattr(node, "saved_tensors", ()) or ())
    except Exception:   # saved tensors already freed, or not readable
        saved = None
    is_function = isinstance(function, type) and issubclass(function, torch.autograd.Function)
    return {
        "is_function": bool(is_function),
        "overrides_apply": bool(isinstance(function, type) and "apply" in vars(function)),
        "grad_fn": type(node).__name__ if node is not None else None,
        "saved_tensors": saved,
    }


@builder("models.apply_function")
def apply_function(function, *inputs):
    """function.apply(*inputs), as a learner calls a torch.autograd.Function.

    Returns (output, Claimed(report)); the report says whether `function` is a
    torch.autograd.Function subclass, whether it defines its own apply, the
    type name of the output's grad_fn and how many tensors it saved with
    ctx.save_for_backward.
    """
    out = function.apply(*inputs)
    return out, Claimed(_function_report(function, out))


@builder("models.function_backward")
def function_backward(function, x, grad_output):
    """y = function.apply(x); y.backward(grad_output); returns (y, x.grad).

    `x` becomes a fresh leaf that requires grad, so x.grad is exactly what the
    Function's backward returned for it (None if it returned None, or if y
    carries no graph at all).
    """
    leaf = x.detach().requires_grad_(True)
    y = function.apply(leaf)
    if isinstance(y, torch.Tensor) and y.requires_grad:
        y.backward(grad_output.to(y.device))
    grad = leaf.grad
    return (y.detach() if isinstance(y, torch.Tensor) else y), grad


def _size(value):
    return value if type(value) is int else None


@builder("models.describe")
def describe(module):
    """What this process says a module is made of (a claim, for explaining failures).

    Claimed({"is_module", "type", "state": [[key, shape], ...],
             "parameters": total elements, "trainable": elements with requires_grad,
             "modules": [[qualified name, type, in_features, out_features], ...]})
    """
    report = {"is_module": isinstance(module, nn.Module), "type": type(module).__name__,
              "state": [], "parameters": None, "trainable": None, "modules": []}
    if not isinstance(module, nn.Module):
        return Claimed(report)
    try:
        report["state"] = [[str(k), [int(n) for n in getattr(v, "shape", ())]]
                           for k, v in list(module.state_dict().items())[:256]]
        params = list(module.parameters())
        report["parameters"] = sum(p.numel() for p in params)
        report["trainable"] = sum(p.numel() for p in params if p.requires_grad)
        for name, sub in list(module.named_modules())[:256]:
            report["modules"].append([str(name), type(sub).__name__,
                                      _size(getattr(sub, "in_features", None)),
                                      _size(getattr(sub, "out_features", None))])
    except Exception:   # a broken module: report what was gathered
        pass
    return Claimed(report)
