"""NeuralNetwork: Flatten, then Linear(6, 8) -> ReLU -> Linear(8, 5) in linear_relu_stack."""
import torch
from grader.checks import points, hint, target, assert_tensor, claim_fail
from support_mlp import (close, expect_module, load_weights, reported, reported_keys,
                         reported_layers, run)

KEYS = ["linear_relu_stack.0.bias", "linear_relu_stack.0.weight",
        "linear_relu_stack.2.bias", "linear_relu_stack.2.weight"]
LAYERS = [["Linear", 6, 8], ["ReLU", None, None], ["Linear", 8, 5]]


def _state(case, dtype=torch.float32):
    return {
        "linear_relu_stack.0.weight": case.randn(8, 6, dtype=dtype),
        "linear_relu_stack.0.bias": case.randn(8, dtype=dtype),
        "linear_relu_stack.2.weight": case.randn(5, 8, dtype=dtype),
        "linear_relu_stack.2.bias": case.randn(5, dtype=dtype),
    }


def _explain(report):
    """Why loading failed, from what the process says about the module (a claim)."""
    keys = reported_keys(report)
    if keys and keys != KEYS:
        return (f" Your process reports the state dict keys {keys}, expected {KEYS}: name the"
                " Sequential self.linear_relu_stack and put Linear(6, 8), ReLU(), Linear(8, 5)"
                " in it, in that order.")
    return ""


def _build(student, device, state, dtype=torch.float32):
    """NeuralNetwork() with the check's weights loaded through its own load_state_dict."""
    model = student.NeuralNetwork()
    expect_module(model, "NeuralNetwork()")
    if dtype != torch.float32:
        model = model.to(dtype=dtype)
    return load_weights(student, model, state, device, "NeuralNetwork()", _explain)


def _reference(x, state):
    h = x.reshape(x.shape[0], -1) @ state["linear_relu_stack.0.weight"].T + state["linear_relu_stack.0.bias"]
    return torch.relu(h) @ state["linear_relu_stack.2.weight"].T + state["linear_relu_stack.2.bias"]


def _check_forward(out, x, state):
    expected = _reference(x, state)
    if isinstance(out, torch.Tensor) and not close(out, expected):
        xf = x.reshape(x.shape[0], -1)
        W1, b1 = state["linear_relu_stack.0.weight"], state["linear_relu_stack.0.bias"]
        W2, b2 = state["linear_relu_stack.2.weight"], state["linear_relu_stack.2.bias"]
        named = [
            (torch.relu(expected), "your output has no negative values: it matches the network "
                                   "with a ReLU after the last Linear. Return the logits of "
                                   "Linear(8, 5) directly."),
            ((xf @ W1.T + b1) @ W2.T + b2, "your output matches the network without the ReLU "
                                           "between the two Linear layers."),
            (torch.softmax(expected, dim=1), "your output is softmax(logits): return the raw "
                                             "logits; the loss function applies softmax itself."),
            (torch.sigmoid(expected), "your output is sigmoid(logits): return the raw logits."),
        ]
        for value, message in named:
            if close(out, value):
                raise AssertionError(message)
    assert_tensor(out, expected, inputs=(x,))


@points(2)
@target("NeuralNetwork")
@hint("self.flatten = nn.Flatten(); self.linear_relu_stack = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 5))")
def check_structure(student, case, device):
    """a Flatten and linear_relu_stack = Sequential(Linear(6, 8), ReLU(), Linear(8, 5))"""
    # Verified: the grader's weights, loaded under these names, give the
    # outputs of Linear(6, 8) -> ReLU -> Linear(8, 5).
    state = _state(case)
    model = _build(student, device, state)
    x = case.randn("n", 6)
    _check_forward(run(model, x, "NeuralNetwork()"), x, state)
    # Claims, read after the outputs were right: they can only cost points.
    report = reported(student, model)
    kinds = {str(e[0]): e[1] for e in report.get("modules") or [] if isinstance(e, (list, tuple)) and e}
    stack = kinds.get("linear_relu_stack")
    if stack != "Sequential":
        claim_fail(f"your process reports that self.linear_relu_stack is"
                   f" {'missing' if stack is None else 'a ' + str(stack)}: make it an"
                   " nn.Sequential.")
    layers = reported_layers(report, "linear_relu_stack")
    if layers != LAYERS:
        claim_fail(f"your process reports the layers {layers} in linear_relu_stack, expected"
                   f" {LAYERS}.")
    if "Flatten" not in kinds.values():
        claim_fail("your process reports no flatten layer: create one in __init__,"
                   " self.flatten = nn.Flatten().")


@points(2)
@target("NeuralNetwork")
@hint("6*8 weights + 8 biases + 8*5 weights + 5 biases = 101; the names come from the "
      "attribute name and the position in the Sequential.")
def check_parameter_count_and_names(student, case, device):
    """101 parameters, under the names linear_relu_stack.0/2.weight/bias"""
    # Verified: exactly these four tensors (101 numbers) load under these
    # names, and a second set loaded into the same module gives its own outputs.
    x = case.randn("n", 2, 3)
    state = _state(case)
    model = _build(student, device, state)
    _check_forward(run(model, x, "NeuralNetwork()"), x, state)
    state = _state(case)   # new weights, into the same module
    model = load_weights(student, model, state, device, "NeuralNetwork()", _explain)
    _check_forward(run(model, x, "NeuralNetwork()"), x, state)
    # Claims: what the process says it holds.
    report = reported(student, model)
    count = report.get("parameters")
    if count != 101:
        claim_fail(f"your process reports {count} parameters, expected 101"
                   " (6*8 + 8 + 8*5 + 5).")
    keys = reported_keys(report)
    if keys != KEYS:
        claim_fail(f"your process reports the state dict keys {keys}, expected {KEYS}.")


@points(3)
@target("NeuralNetwork")
@hint("forward: x = self.flatten(x); return self.linear_relu_stack(x)  (no activation at the end)")
def check_forward_values(student, case, device):
    """forward on a random (N, 6) batch with known weights"""
    state = _state(case)
    model = _build(student, device, state)
    x = case.randn("n", 6)
    _check_forward(run(model, x, "NeuralNetwork()"), x, state)


@points(2)
@target("NeuralNetwork")
@hint("nn.Flatten() keeps dimension 0 (the batch) and flattens the rest: (N, 2, 3) -> (N, 6). "
      "torch.flatten(x) or x.view(-1) would flatten the batch too.")
def check_flattens_images(student, case, device):
    """forward on a (N, 2, 3) batch: flattened to (N, 6), batch kept"""
    state = _state(case)
    model = _build(student, device, state)
    x = case.randn("n", 2, 3)
    out = run(model, x, "NeuralNetwork()")
    if isinstance(out, torch.Tensor) and out.dim() != 2:
        raise AssertionError(f"for input of shape {tuple(x.shape)} your output has shape "
                             f"{tuple(out.shape)}, expected ({x.shape[0]}, 5): flatten with "
                             "nn.Flatten(), which keeps the batch dimension.")
    _check_forward(out, x, state)


@points(1)
@target("NeuralNetwork")
@hint("Use only the layers: they follow the dtype of the weights and work for any batch size.")
def check_float64_single_and_empty_batch(student, case, device):
    """float64 weights and input, a batch of 1 and an empty batch"""
    state = _state(case, dtype=torch.float64)
    model = _build(student, device, state, dtype=torch.float64)
    x = case.randn(1, 2, 3, dtype=torch.float64)
    _check_forward(run(model, x, "NeuralNetwork()"), x, state)
    x0 = torch.zeros(0, 6, dtype=torch.float64)
    assert_tensor(run(model, x0, "NeuralNetwork()"), torch.zeros(0, 5, dtype=torch.float64),
                  inputs=(x0,))
