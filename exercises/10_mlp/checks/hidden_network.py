"""NeuralNetwork: Flatten, then Linear(6, 8) -> ReLU -> Linear(8, 5) in linear_relu_stack."""
import torch
from grader.checks import points, hint, target, assert_tensor, assert_equal, fail, StudentError

KEYS = ["linear_relu_stack.0.bias", "linear_relu_stack.0.weight",
        "linear_relu_stack.2.bias", "linear_relu_stack.2.weight"]

_DESCRIBE = (
    "lambda m: (isinstance(m, nn.Module), "
    "sorted(m.state_dict().keys()), "
    "type(getattr(m, 'linear_relu_stack', None)).__name__, "
    "[(type(l).__name__, getattr(l, 'in_features', None), getattr(l, 'out_features', None)) "
    " for l in getattr(m, 'linear_relu_stack', [])] "
    " if isinstance(getattr(m, 'linear_relu_stack', None), nn.Module) else None, "
    "sum(p.numel() for p in m.parameters()))"
)


def _state(case, dtype=torch.float32):
    return {
        "linear_relu_stack.0.weight": case.randn(8, 6, dtype=dtype),
        "linear_relu_stack.0.bias": case.randn(8, dtype=dtype),
        "linear_relu_stack.2.weight": case.randn(5, 8, dtype=dtype),
        "linear_relu_stack.2.bias": case.randn(5, dtype=dtype),
    }


def _build(student, device, state, dtype=torch.float32):
    model = student.NeuralNetwork()
    is_module, keys, *_ = student.evaluate(_DESCRIBE)(model)
    if not is_module:
        fail("NeuralNetwork must subclass nn.Module.")
    if keys != KEYS:
        raise AssertionError(
            f"the state dict keys of NeuralNetwork() are {keys}, expected {KEYS}: name the "
            "Sequential self.linear_relu_stack and put Linear(6, 8), ReLU(), Linear(8, 5) in it, "
            "in that order.")
    model = model.to(device=device, dtype=dtype)
    model.load_state_dict(state)
    return model


def _reference(x, state):
    h = x.reshape(x.shape[0], -1) @ state["linear_relu_stack.0.weight"].T + state["linear_relu_stack.0.bias"]
    return torch.relu(h) @ state["linear_relu_stack.2.weight"].T + state["linear_relu_stack.2.bias"]


def _close(a, b):
    return (isinstance(a, torch.Tensor) and a.shape == b.shape
            and torch.allclose(a.double(), b.double(), rtol=1e-4, atol=1e-5))


def _run(model, x):
    """model(x), explaining the classic shape error of a wrong flatten."""
    try:
        return model(x)
    except StudentError as e:
        if "cannot be multiplied" in e.message:
            fail(f"your forward failed on an input of shape {tuple(x.shape)}: {e.message}. "
                 f"The first Linear needs input of shape (N, 6): flatten with nn.Flatten(), "
                 f"which keeps the batch dimension (torch.flatten(x) and x.view(-1) flatten the "
                 f"batch too, and forgetting to flatten leaves (N, 2, 3)).")
        raise


def _check_forward(out, x, state):
    expected = _reference(x, state)
    if isinstance(out, torch.Tensor) and not _close(out, expected):
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
            if _close(out, value):
                raise AssertionError(message)
    assert_tensor(out, expected, inputs=(x,))


@points(2)
@target("NeuralNetwork")
@hint("self.flatten = nn.Flatten(); self.linear_relu_stack = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 5))")
def check_structure(student):
    """a Flatten and linear_relu_stack = Sequential(Linear(6, 8), ReLU(), Linear(8, 5))"""
    model = student.NeuralNetwork()
    is_module, keys, stack_type, layers, _ = student.evaluate(_DESCRIBE)(model)
    if not is_module:
        fail("NeuralNetwork must subclass nn.Module (class NeuralNetwork(nn.Module)).")
    if stack_type != "Sequential":
        fail(f"self.linear_relu_stack should be an nn.Sequential, found {stack_type}"
            + (" (no attribute with that name)" if stack_type == "NoneType" else "") + ".")
    expected = [("Linear", 6, 8), ("ReLU", None, None), ("Linear", 8, 5)]
    if layers and layers[-1][0] in ("ReLU", "Softmax", "Sigmoid") and layers[:3] == expected:
        raise AssertionError(f"there is a {layers[-1][0]} after the last Linear: the network must "
                             "end with Linear(8, 5) and return raw logits.")
    assert_equal(layers, expected, what="layers of linear_relu_stack")
    has_flatten = student.evaluate(
        "lambda m: any(isinstance(l, nn.Flatten) for l in m.modules())")(model)
    if not has_flatten:
        fail("create a flatten layer in __init__: self.flatten = nn.Flatten().")


@points(2)
@target("NeuralNetwork")
@hint("6*8 weights + 8 biases + 8*5 weights + 5 biases = 101; the names come from the "
      "attribute name and the position in the Sequential.")
def check_parameter_count_and_names(student):
    """101 parameters, under the names linear_relu_stack.0/2.weight/bias"""
    model = student.NeuralNetwork()
    _, keys, _, _, count = student.evaluate(_DESCRIBE)(model)
    assert_equal(count, 101, what="number of parameters")
    assert_equal(keys, KEYS, what="state dict keys")


@points(3)
@target("NeuralNetwork")
@hint("forward: x = self.flatten(x); return self.linear_relu_stack(x)  (no activation at the end)")
def check_forward_values(student, case, device):
    """forward on a random (N, 6) batch with known weights"""
    state = _state(case)
    model = _build(student, device, state)
    x = case.randn("n", 6)
    _check_forward(_run(model, x), x, state)


@points(2)
@target("NeuralNetwork")
@hint("nn.Flatten() keeps dimension 0 (the batch) and flattens the rest: (N, 2, 3) -> (N, 6). "
      "torch.flatten(x) or x.view(-1) would flatten the batch too.")
def check_flattens_images(student, case, device):
    """forward on a (N, 2, 3) batch: flattened to (N, 6), batch kept"""
    state = _state(case)
    model = _build(student, device, state)
    x = case.randn("n", 2, 3)
    out = _run(model, x)
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
    _check_forward(_run(model, x), x, state)
    x0 = torch.zeros(0, 6, dtype=torch.float64)
    assert_tensor(_run(model, x0), torch.zeros(0, 5, dtype=torch.float64), inputs=(x0,))
