"""Builders for the autograd exercises (see grader/jail/builders/core.py).

What a check needs from autograd happens in the student's process, where the
student's graph lives; what comes back is split as everywhere else:

- gradient *values* that the student's graph produced (the .grad of a tensor
  the check handed over, after a backward pass the builder ran) travel as
  data: the check compares them with gradients it computes itself, so a value
  that matches was computed;
- flags (requires_grad, is_leaf, grad mode during a forward pass) travel as
  `Claimed`: the student's code could set them to anything.

    out, grads, flags = student.build("autograd.call", student.f, a, b, backward=g)
    f = student.build("autograd.in_turn", fn.x ** 2, 2 * fn.x ** 2)   # a different f per call
    out, modes = student.build("autograd.grad_mode_in_forward", student.predict, model, x)
"""

from __future__ import annotations

import torch

from grader.jail.builders.core import Claimed, builder


def _grad_of(t):
    if not isinstance(t, torch.Tensor):
        return None
    with torch._C.DisableTorchFunctionSubclass():
        g = t.grad
        return None if g is None else g.detach().clone()


def _flags_of(t):
    if not isinstance(t, torch.Tensor):
        return None
    with torch._C.DisableTorchFunctionSubclass():
        return [bool(t.requires_grad), bool(t.is_leaf)]


@builder("autograd.call")
def call(fn, *args, backward=None, derive=(), **kwargs):
    """Call fn(*args, **kwargs) and, if `backward` is a tensor, back-propagate it through the result.

    derive: a list of [i, j, f]: before the call, positional argument i is
        replaced by f(args[j]), computed here from argument j, so that any
        gradient that flows back through argument i lands in argument j's .grad
        (how a check sees, by value, whether a gradient went through i).
    backward: a tensor shaped like the result: when the result requires grad,
        (result * backward).sum().backward() runs, which is
        result.backward(gradient=backward).

    Returns (result, grads, Claimed(flags)): grads[i] is what argument i's
    .grad holds afterwards (a copy, or None; None for non-tensors), flags[i]
    is [requires_grad, is_leaf] of argument i afterwards (None for
    non-tensors).
    """
    args = list(args)
    for i, j, f in derive:
        args[int(i)] = f(args[int(j)])
    out = fn(*args, **kwargs)
    if isinstance(backward, torch.Tensor) and isinstance(out, torch.Tensor):
        with torch._C.DisableTorchFunctionSubclass():
            connected = bool(out.requires_grad) and tuple(out.shape) == tuple(backward.shape)
        if connected:
            (out * backward.to(out.device)).sum().backward()
    grads = [_grad_of(a) for a in args]
    flags = [_flags_of(a) for a in args]
    return out, grads, Claimed(flags)


class InTurn:
    """A function that is fns[0] on its first call, fns[1] on its second, ...

    Past the last one it stays the last one. Handed to the student's code, it
    shows by values alone how many fresh forward passes that code made.
    """

    def __init__(self, fns):
        self.fns = list(fns)
        self.calls = 0

    def __call__(self, x):
        f = self.fns[min(self.calls, len(self.fns) - 1)]
        self.calls += 1
        return f(x)

    def __repr__(self):
        return "<function given by the check>"


@builder("autograd.in_turn")
def in_turn(*fns):
    """A function whose n-th call is fns[n] (grader.fn functions or callables); see InTurn."""
    if not fns:
        raise ValueError("autograd.in_turn needs at least one function")
    return InTurn(fns)


@builder("autograd.grad_mode_in_forward")
def grad_mode_in_forward(fn, model, *args, **kwargs):
    """Call fn(model, *args); report whether grad mode was on at each run of model.forward.

    The forward is wrapped on the instance, so model(x) and model.forward(x)
    are both seen. Returns (result, Claimed(list of booleans)).
    """
    seen = []
    original = model.forward

    def forward(*a, **k):
        seen.append(bool(torch.is_grad_enabled()))
        return original(*a, **k)

    model.forward = forward
    try:
        out = fn(model, *args, **kwargs)
    finally:
        try:
            del model.forward
        except AttributeError:
            pass
    return out, Claimed(seen)
