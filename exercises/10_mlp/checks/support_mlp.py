"""Helpers shared by exercise 10's checks (trusted check code).

It ships with the public checks in a release: nothing here may give away a
hidden check. A module is judged by what it computes: the check chooses the
weights, loads them through the student's module (load_state_dict, by the
grader's builder model.loaded), sends inputs and compares the outputs with its
own computation from the same weights. What the student's process says about
the module (its state dict keys, its layers, its parameter count: the builder
models.describe) is a claim: it explains a failure, or costs points after the
outputs were right, never earns them.
"""
import torch

from grader.checks import Handle, StudentError, assert_tensor, describe, fail


def close(a, b):
    return (isinstance(a, torch.Tensor) and a.shape == b.shape
            and bool(torch.allclose(a.double(), b.double(), rtol=1e-4, atol=1e-5)))


def reported(student, module) -> dict:
    """What the student's process says the module is made of (a claim), or {}."""
    try:
        claim = student.build("models.describe", module)
    except StudentError:
        return {}
    value = getattr(claim, "value", None)
    return value if isinstance(value, dict) else {}


def reported_keys(report: dict) -> list:
    return sorted(str(entry[0]) for entry in report.get("state") or []
                  if isinstance(entry, (list, tuple)) and entry)


def reported_layers(report: dict, prefix: str = "") -> list:
    """[[type, in_features, out_features], ...] of the direct children under `prefix`."""
    layers = []
    for entry in report.get("modules") or []:
        if not (isinstance(entry, (list, tuple)) and len(entry) == 4):
            continue
        name = str(entry[0])
        rest = name[len(prefix) + 1:] if prefix else name
        if (name.startswith(prefix + ".") if prefix else name) and rest and "." not in rest:
            layers.append([entry[1], entry[2], entry[3]])
    return layers


def expect_module(value, what: str):
    """`value` must be an object living in the student's process (a module), not plain data."""
    if isinstance(value, list):
        fail(f"{what} returned a Python list: wrap it, nn.Sequential(*layers).")
    if not isinstance(value, Handle):
        fail(f"{what} should return an nn.Module, but it returned {describe(value)}.")


def load_weights(student, module, state: dict, device, what: str, explain=None):
    """`module` with the check's `state` loaded through its own load_state_dict (strict).

    If loading raises, the check fails on that error (the student's code
    raised it); `explain(report)` may add what the process says about the
    module's keys and layers, to point at the mistake.
    """
    try:
        return student.build("model.loaded", module, state, device)
    except StudentError as e:
        if e.not_implemented:
            raise
        report = reported(student, module)
        why = ""
        if report.get("is_module") is False:
            why = f" Your process reports that {what} is not an nn.Module: subclass nn.Module."
        elif explain is not None:
            why = explain(report) or ""
        raised = " ".join(e.message.split())
        raised = raised if len(raised) <= 400 else raised[:400] + "..."
        keys = "" if why else f" (keys {sorted(state)})"
        fail(f"{what} does not accept the grader's weights{keys}.{why}"
             f" load_state_dict raised {e.type_name}: {raised}")


def run(module, x, what: str):
    """module(x), explaining the classic errors: a wrong flatten, a module without forward."""
    try:
        return module(x)
    except StudentError as e:
        if "cannot be multiplied" in e.message:
            fail(f"your forward failed on an input of shape {tuple(x.shape)}: {e.message}. "
                 f"The first Linear needs input of shape (N, {x[0].numel()}): flatten with"
                 " nn.Flatten(), which keeps the batch dimension (torch.flatten(x) and"
                 " x.view(-1) flatten the batch too, and forgetting to flatten leaves"
                 f" {tuple(x.shape)}).")
        if e.not_implemented and "forward" in e.message:
            kind = getattr(module, "type_name", "module")
            fail(f"calling {what} failed: {e.message}"
                 + (" (a ModuleList has no forward: use nn.Sequential(*layers))"
                    if kind == "ModuleList" else "") + ".")
        raise


# ------------------------------------------------------------------ make_sequential

def expected_layers(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        if i:
            layers.append(["ReLU", None, None])
        layers.append(["Linear", sizes[i], sizes[i + 1]])
    return layers


def sequential_state(case, sizes):
    state = {}
    for k in range(len(sizes) - 1):
        state[f"{2 * k}.weight"] = case.randn(sizes[k + 1], sizes[k])
        state[f"{2 * k}.bias"] = case.randn(sizes[k + 1])
    return state


def reference_sequential(x, state, sizes):
    h = x
    for k in range(len(sizes) - 1):
        h = h @ state[f"{2 * k}.weight"].T + state[f"{2 * k}.bias"]
        if k < len(sizes) - 2:
            h = torch.relu(h)
    return h


def explain_sequential(sizes):
    """Why loading failed, from the layers the process reports (a claim)."""
    def explain(report):
        layers = reported_layers(report)
        expected = expected_layers(sizes)
        said = f" Your process reports the layers {layers}"
        if layers == expected + [["ReLU", None, None]]:
            return said + (": there is a ReLU after the last Linear; the network must end"
                           " with a Linear layer (its outputs are logits).")
        if layers == [["ReLU", None, None]] + expected:
            return said + ": your Sequential starts with a ReLU; ReLUs go only between Linear layers."
        if len(layers) < len(expected) and layers == expected[:len(layers)]:
            n = len(sizes) - 1
            return said + (f": your Sequential stops early; it needs {n} Linear"
                           f" layer{'s' if n > 1 else ''} (one per consecutive pair of sizes):"
                           " check the range of your loop.")
        if any(t == "Linear" and [i, o] == [b, a]
               for (t, i, o), (_, a, b) in zip(layers, expected) if len(layers) == len(expected)):
            return said + ": a Linear layer has in and out features swapped; nn.Linear(in_features, out_features)."
        if layers and layers != expected:
            return said + f", expected {expected}."
        return ""
    return explain


def expect_layers(student, case, sizes, device, state=None):
    """make_sequential(sizes), judged by its outputs with the grader's weights loaded."""
    seq = student.make_sequential(sizes)
    expect_module(seq, "make_sequential")
    state = state or sequential_state(case, sizes)
    what = f"make_sequential({sizes})"
    seq = load_weights(student, seq, state, device, what, explain_sequential(sizes))
    x = case.randn("n", sizes[0])
    out = run(seq, x, what)
    expected = reference_sequential(x, state, sizes)
    if isinstance(out, torch.Tensor) and not close(out, expected):
        if close(out, torch.relu(expected)):
            raise AssertionError(f"for sizes {sizes} your outputs have no negative values: there"
                                 " is a ReLU after the last Linear. The network must end with a"
                                 " Linear layer (its outputs are logits).")
    assert_tensor(out, expected, inputs=(x,), name=f"output of {what}")
    return seq


# ------------------------------------------------------------------ count_parameters

def built_twice(student, spec, freeze_first=False):
    """The model `spec` describes, built in the jail (a handle) and here (the check's own).

    spec: ["Sequential", ["Linear", 3, 4], ["ReLU"], ...], torch.nn classes by
    name with their arguments. freeze_first: the first layer's parameters get
    requires_grad False, in both.
    """
    from torch import nn

    def make(node, build):
        name, *args = node
        if name == "Sequential":
            return build("Sequential", *(make(a, build) for a in args))
        return build(name, *args)

    jail = make(spec, lambda name, *args: student.build(f"nn.{name}", *args))
    local = make(spec, lambda name, *args: getattr(nn, name)(*args))
    if freeze_first:
        jail[0].requires_grad_(False)
        local[0].requires_grad_(False)
    return jail, local
