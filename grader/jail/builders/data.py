"""Builders for the data exercises and for vision models (see grader/jail/builders/core.py).

Public and untrusted like every builder: what one reports about the student's
objects (their parameters, their shapes) comes back as `Claimed`; what a check
may verify is the data a builder computes with them (outputs, gradients,
items, batches), compared with the check's own.
"""

from __future__ import annotations

import torch

from grader.jail.builders.core import Claimed, builder


# ------------------------------------------------------------------ datasets

@builder("data.plus")
def plus(a, b):
    """a + b, as a program joins two datasets (torch's Dataset.__add__ makes a ConcatDataset)."""
    return a + b


@builder("data.draw_global")
def draw_global(n: int):
    """n numbers drawn from torch's global RNG, as the rest of a program would draw them.

    A check uses it to move the global RNG to a state of its choosing before it
    reads the state (probe.rng_state) around a call of the student's code.
    """
    return torch.rand(int(n))


# ------------------------------------------------------------------ vision models

@builder("vision.state_shapes")
def state_shapes(model):
    """What `model` reports about itself: its state_dict's shapes and its parameter count (claims)."""
    report = {"state": {str(k): list(v.shape) for k, v in model.state_dict().items()},
              "parameters": int(sum(p.numel() for p in model.parameters()))}
    return Claimed(report)


@builder("vision.backward")
def backward(model, x, weights=None):
    """Gradients of (model(x) * weights).sum(): with respect to x and to each named parameter.

    `weights` defaults to ones. Returns {"output": model(x) detached, "input": the
    gradient of x (None if none reached it), "parameters": {name: gradient or None}}:
    values a check compares with the gradients of its own model.
    """
    x = x.detach().clone().requires_grad_(True)
    named = list(model.named_parameters())
    for _, p in named:
        p.grad = None
    with torch.enable_grad():
        out = model(x)
        w = torch.ones_like(out) if weights is None else weights.to(device=out.device, dtype=out.dtype)
        (out * w).sum().backward()
    return {"output": out.detach(), "input": x.grad,
            "parameters": {str(n): (p.grad.detach().clone() if p.grad is not None else None)
                           for n, p in named}}
