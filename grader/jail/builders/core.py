"""The registry of builders and the general ones. What a check may have built inside the student's process: a fixed list, by name.

The jail receives data, never a check's source text. Where a check needs an
object to live in the student's process (a model to load weights into, a
loader to hand to a training loop, a function to differentiate), it names a
builder from this file and sends its arguments as plain data:

    model = student.build("nn.Linear", 3, 2)
    f = fn.sin(fn.x) * 2                  # a function as data (grader.fn)
    out, seen = student.build("probe.forward_modes", student.predict, model, x)

This module is public (it ships with the grader, students may read it):
nothing here is a secret, and nothing here is trusted. Whatever a builder
reports about the student's objects (a flag, a count, an RNG state) comes back
wrapped in `Claimed`, and the check process sees it as a `Claim`: it may
explain a failure, never make a check pass.
"""

from __future__ import annotations

import torch
from torch import nn

from grader.fn import Fn, evaluate


class Claimed:
    """A value the student's process reports about itself (see grader.proxy.Claim)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


BUILDERS: dict = {}


def builder(name: str):
    def register(fn):
        BUILDERS[name] = fn
        return fn
    return register


# ------------------------------------------------------------------ torch classes

def _public_classes(module, base) -> dict:
    return {name: obj for name, obj in vars(module).items()
            if isinstance(obj, type) and issubclass(obj, base) and not name.startswith("_")}


# Constructors of torch's own classes, by the name a tutorial uses: "nn.Linear",
# "optim.SGD", "data.DataLoader". Arguments are data or handles.
for _name, _cls in _public_classes(nn, nn.Module).items():
    BUILDERS[f"nn.{_name}"] = _cls
for _name, _cls in _public_classes(torch.optim, torch.optim.Optimizer).items():
    BUILDERS[f"optim.{_name}"] = _cls
BUILDERS["data.TensorDataset"] = torch.utils.data.TensorDataset
BUILDERS["data.DataLoader"] = torch.utils.data.DataLoader
BUILDERS["data.Subset"] = torch.utils.data.Subset
BUILDERS["torch.Generator"] = torch.Generator


@builder("function")
def function(tree):
    """A grader.fn function, rebuilt from its tree: callable by the student's code."""
    return JailFn(tree)


class JailFn:
    """A function given to the student's code, e.g. f in derivative_at(f, x)."""

    def __init__(self, tree):
        self.tree = tree

    def __call__(self, x):
        return evaluate(self.tree, x)

    def __repr__(self):
        return "<function given by the check>"


# ------------------------------------------------------------------ models, loaded

@builder("model.loaded")
def loaded_model(model, state: dict, device: str = "cpu", mode: str | None = None):
    """`model` with `state` loaded (strictly), moved to `device`, in train/eval mode if asked."""
    model.load_state_dict(state)
    model = model.to(device)
    if mode == "eval":
        model.eval()
    elif mode == "train":
        model.train()
    return model


@builder("model.outputs")
def model_outputs(model, x, mode: str | None = None, no_grad: bool = True):
    """What `model` computes on `x` (after train()/eval() if asked): how a check reads a model."""
    if mode == "eval":
        model.eval()
    elif mode == "train":
        model.train()
    device = next(iter(model.parameters()), torch.empty(0)).device
    with torch.set_grad_enabled(not no_grad):
        out = model(x.to(device))
    return out.detach() if isinstance(out, torch.Tensor) else out


# ------------------------------------------------------------------ probes (claims)

@builder("probe.forward_modes")
def forward_modes(fn, model, *args, **kwargs):
    """Call fn(model, *args); report (grad enabled?, training?) at each forward of model."""
    seen = []
    hook = model.register_forward_pre_hook(
        lambda mod, inp: seen.append([torch.is_grad_enabled(), bool(mod.training)]))
    try:
        out = fn(model, *args, **kwargs)
    finally:
        hook.remove()
    return out, Claimed(seen)


@builder("probe.is_instance")
def is_instance(obj, kind: str):
    """Whether obj is an instance of one of torch's classes, as this process sees it."""
    classes = {"nn.Module": nn.Module, "torch.Tensor": torch.Tensor,
               "autograd.Function": torch.autograd.Function,
               "data.Dataset": torch.utils.data.Dataset,
               "data.DataLoader": torch.utils.data.DataLoader,
               "optim.Optimizer": torch.optim.Optimizer}
    if kind not in classes:
        raise ValueError(f"unknown kind {kind!r}")
    target = classes[kind]
    ok = isinstance(obj, target) or (isinstance(obj, type) and issubclass(obj, target))
    return Claimed(bool(ok))


@builder("probe.rng_state")
def rng_state():
    """torch's global CPU RNG state, as this process reports it."""
    return Claimed(torch.get_rng_state())


@builder("probe.counting")
def counting(obj):
    """Wrap an optimizer (counts step()) or a module (counts forward calls); read with probe.count."""
    counter = [0]
    if isinstance(obj, torch.optim.Optimizer):
        obj.register_step_post_hook(lambda *a: counter.__setitem__(0, counter[0] + 1))
    else:
        obj.register_forward_hook(lambda *a: counter.__setitem__(0, counter[0] + 1))
    _COUNTERS[id(obj)] = counter
    return obj


_COUNTERS: dict[int, list] = {}


@builder("probe.count")
def count(obj):
    return Claimed(_COUNTERS.get(id(obj), [None])[0])


@builder("probe.after_call")
def after_call(fn, *args, **kwargs):
    """Call fn(*args); report, for each tensor argument, (requires_grad, grad) afterwards."""
    out = fn(*args, **kwargs)
    report = []
    for a in args:
        if isinstance(a, torch.Tensor):
            grad = a.grad.detach().clone() if a.grad is not None else None
            report.append([bool(a.requires_grad), grad])
        else:
            report.append(None)
    return out, Claimed(report)


def build(name: str, args, kwargs):
    try:
        make = BUILDERS[name]
    except KeyError:
        raise LookupError(f"the grader has no builder named {name!r}") from None
    return make(*args, **kwargs)
