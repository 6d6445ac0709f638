"""NeuralNetwork: Flatten, then Linear(6, 8) -> ReLU -> Linear(8, 5) in linear_relu_stack."""
import torch
from grader.checks import points, hint, target, title, assert_tensor, claim_fail, fail
from grader.i18n import pick
from support_mlp import (close, evidence_of, expect_module, load_weights, name_mistake, reported,
                         reported_keys, reported_layers, run, short)

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
    """Why loading failed, from what the process says about the module (a claim): (en, zh)."""
    keys = reported_keys(report)
    if not keys or keys == KEYS:
        return None
    if not any(k.startswith("linear_relu_stack.") for k in keys):
        return ("your process reports no parameters under linear_relu_stack: name the Sequential"
                " self.linear_relu_stack (the grader loads the weights by that name)",
                "你的进程报告 linear_relu_stack 下没有任何参数：请把 Sequential 命名为"
                " self.linear_relu_stack（评分程序按这个名字加载权重）")
    layers = reported_layers(report, "linear_relu_stack")
    if [t for t, _, _ in layers] == ["Linear", "Linear"]:
        return ("your process reports no ReLU between the two Linear layers of"
                " linear_relu_stack: put nn.ReLU() between them",
                "你的进程报告 linear_relu_stack 的两个 Linear 层之间没有 ReLU：请在它们之间加上 nn.ReLU()")
    if len(layers) == len(LAYERS) and any(
            t == "Linear" and [i, o] == [b, a] for (t, i, o), (_, a, b) in zip(layers, LAYERS)):
        return ("your process reports a Linear layer with in and out features swapped:"
                " nn.Linear(in_features, out_features)",
                "你的进程报告有一个 Linear 层的输入和输出特征数颠倒了："
                "nn.Linear(in_features, out_features)")
    return ("your process reports state dict keys that are not the instructions': put a Linear,"
            " a ReLU and a Linear, in that order, in self.linear_relu_stack",
            "你的进程报告的 state dict 键与题目说明不一致：请在 self.linear_relu_stack 中依次放入"
            " Linear、ReLU、Linear")


def _build(student, device, state, dtype=torch.float32):
    """NeuralNetwork() with the check's weights loaded through its own load_state_dict."""
    model = student.NeuralNetwork()
    expect_module(model, "NeuralNetwork()")
    if dtype != torch.float32:
        model = model.to(dtype=dtype)
    return load_weights(student, model, state, device, "NeuralNetwork()", _explain)


def _layers(x, state, act=torch.relu, last=None):
    """What Flatten -> Linear -> act -> Linear (-> last) computes with the check's weights."""
    h = x.reshape(x.shape[0], -1) @ state["linear_relu_stack.0.weight"].T + \
        state["linear_relu_stack.0.bias"]
    if act is not None:
        h = act(h)
    out = h @ state["linear_relu_stack.2.weight"].T + state["linear_relu_stack.2.bias"]
    return last(out) if last is not None else out


def _reference(x, state):
    return _layers(x, state)


def _output_name():
    return pick("output of NeuralNetwork()", "NeuralNetwork() 的输出")


_IGNORES_WEIGHTS = (
    "your network computes the same outputs after the grader loads other weights: its forward"
    " does not use the parameters that load_state_dict fills (create the layers in __init__,"
    " use them in forward, and do not override load_state_dict)",
    "评分程序加载另一组权重之后，你的网络输出没有变化：forward 用的不是 load_state_dict 填入的参数"
    "（请在 __init__ 中创建各层并在 forward 中使用它们，不要重写 load_state_dict）")


def _ignores_weights(student, model, device, x, out, state):
    """Verified: other weights loaded into the same module leave its outputs unchanged."""
    other = {k: torch.randn(v.shape, dtype=v.dtype, generator=torch.Generator().manual_seed(7))
             + v for k, v in state.items()}
    try:
        again = run(load_weights(student, model, other, device, "NeuralNetwork()", _explain), x,
                    "NeuralNetwork()")
    except Exception:   # noqa: BLE001  (only an explanation: the check fails anyway)
        return False
    return isinstance(again, torch.Tensor) and close(again, out) and \
        not close(_reference(x, other), _reference(x, state))


def _check_forward(out, x, state, probe=None):
    """out must be what the instructions' network computes with `state`; `probe`: (student,
    model, device), to tell a network that ignores the loaded weights when nothing else fits."""
    expected = _reference(x, state)
    named = [
        (_layers(x, state, last=torch.relu),
         "your output has no negative values: it matches the network with a ReLU after the last"
         " Linear; return the logits of the last Linear directly",
         "你的输出里没有负数：与“最后一个 Linear 后面还有 ReLU”的网络一致；请直接返回最后一个"
         " Linear 的 logits"),
        (_layers(x, state, act=None),
         "your output matches the network without the ReLU between the two Linear layers",
         "你的输出与“两个 Linear 层之间没有 ReLU”的网络一致"),
        (_layers(x, state, last=lambda h: torch.softmax(h, dim=1)),
         "your output is softmax(logits): return the raw logits; the loss function applies"
         " softmax itself",
         "你的输出是 softmax(logits)：请返回原始的 logits；损失函数自己会做 softmax"),
        (_layers(x, state, last=torch.sigmoid),
         "your output is sigmoid(logits): return the raw logits",
         "你的输出是 sigmoid(logits)：请返回原始的 logits"),
        (_layers(x, state, act=torch.tanh),
         "your output matches tanh between the two Linear layers, not ReLU",
         "你的输出与“两个 Linear 层之间用 tanh”的网络一致，而不是 ReLU"),
        (_layers(x, state, act=torch.sigmoid),
         "your output matches sigmoid between the two Linear layers, not ReLU",
         "你的输出与“两个 Linear 层之间用 sigmoid”的网络一致，而不是 ReLU"),
        (_layers(x, state, act=torch.abs),
         "your output matches abs(x) between the two Linear layers, not ReLU (which zeroes the"
         " negative values)",
         "你的输出与“两个 Linear 层之间用 abs(x)”的网络一致，而不是 ReLU（它把负值变成零）"),
    ]
    name_mistake(out, expected, named, (x,), _output_name())
    if isinstance(out, torch.Tensor) and x.shape[0] == 1 and tuple(out.shape) == (5,) and \
            close(out, expected[0]):
        fail("for a batch of one sample your output lost its batch dimension: your forward"
             " flattens the batch too; use nn.Flatten(), which keeps it",
             zh="批次里只有一个样本时，你的输出丢掉了批次维度：你的 forward 把批次维度也展平了；"
                "请用 nn.Flatten()，它会保留批次维度",
             evidence=f"input shape {tuple(x.shape)}: your output has shape {tuple(out.shape)},"
                      f" expected {tuple(expected.shape)}")
    if probe is not None and isinstance(out, torch.Tensor) and out.shape == expected.shape and \
            not close(out, expected) and _ignores_weights(*probe, x, out, state):
        fail(_IGNORES_WEIGHTS[0], zh=_IGNORES_WEIGHTS[1],
             evidence=evidence_of(out, expected, (x,), _output_name()))
    assert_tensor(out, expected, inputs=(x,), name=_output_name())


@points(2)
@target("NeuralNetwork")
@title(zh="有一个 Flatten，且 linear_relu_stack = Sequential(Linear(6, 8), ReLU(), Linear(8, 5))")
@hint("self.flatten = nn.Flatten(); self.linear_relu_stack = nn.Sequential(nn.Linear(6, 8), "
      "nn.ReLU(), nn.Linear(8, 5))",
      zh="self.flatten = nn.Flatten()；self.linear_relu_stack = nn.Sequential(nn.Linear(6, 8), "
         "nn.ReLU(), nn.Linear(8, 5))")
def check_structure(student, case, device):
    """a Flatten and linear_relu_stack = Sequential(Linear(6, 8), ReLU(), Linear(8, 5))"""
    # Verified: the grader's weights, loaded under these names, give the
    # outputs of Linear(6, 8) -> ReLU -> Linear(8, 5).
    state = _state(case)
    model = _build(student, device, state)
    x = case.randn("n", 6)
    _check_forward(run(model, x, "NeuralNetwork()"), x, state, (student, model, device))
    # Claims, read after the outputs were right: they can only cost points.
    report = reported(student, model)
    kinds = {str(e[0]): e[1] for e in report.get("modules") or []
             if isinstance(e, (list, tuple)) and e}
    stack = kinds.get("linear_relu_stack")
    if stack != "Sequential":
        claim_fail("your process reports that self.linear_relu_stack is missing or is not an"
                   " nn.Sequential",
                   zh="你的进程报告 self.linear_relu_stack 不存在，或者不是 nn.Sequential",
                   evidence=f"reported type of linear_relu_stack: {short(stack, 80)}")
    layers = reported_layers(report, "linear_relu_stack")
    if layers != LAYERS:
        claim_fail("your process reports layers in linear_relu_stack that are not Linear, ReLU,"
                   " Linear with the instructions' sizes",
                   zh="你的进程报告 linear_relu_stack 中的层不是题目要求尺寸的 Linear、ReLU、Linear",
                   evidence=f"reported: {short(layers)}\nexpected: {LAYERS}")
    if "Flatten" not in kinds.values():
        claim_fail("your process reports no flatten layer: create one in __init__,"
                   " self.flatten = nn.Flatten()",
                   zh="你的进程报告没有展平层：请在 __init__ 中创建一个，self.flatten = nn.Flatten()",
                   evidence=f"reported modules: {short(sorted(set(map(str, kinds.values()))))}")


@points(2)
@target("NeuralNetwork")
@title(zh="共 101 个参数，名字是 linear_relu_stack.0/2.weight/bias")
@hint("6*8 weights + 8 biases + 8*5 weights + 5 biases = 101; the names come from the "
      "attribute name and the position in the Sequential.",
      zh="6*8 个权重 + 8 个偏置 + 8*5 个权重 + 5 个偏置 = 101；参数名由属性名和它在 Sequential "
         "中的位置组成。")
def check_parameter_count_and_names(student, case, device):
    """101 parameters, under the names linear_relu_stack.0/2.weight/bias"""
    # Verified: exactly these four tensors (101 numbers) load under these
    # names, and a second set loaded into the same module gives its own outputs.
    x = case.randn("n", 2, 3)
    first = _state(case)
    model = _build(student, device, first)
    out_first = run(model, x, "NeuralNetwork()")
    second = _state(case)   # new weights, into the same module
    model = load_weights(student, model, second, device, "NeuralNetwork()", _explain)
    out_second = run(model, x, "NeuralNetwork()")
    if isinstance(out_second, torch.Tensor) and close(out_first, out_second) and \
            not close(_reference(x, first), _reference(x, second)):
        fail(_IGNORES_WEIGHTS[0], zh=_IGNORES_WEIGHTS[1],
             evidence=evidence_of(out_second, _reference(x, second), (x,), _output_name()))
    _check_forward(out_first, x, first)
    _check_forward(out_second, x, second)
    # Claims: what the process says it holds.
    report = reported(student, model)
    count = report.get("parameters")
    if count != 101:
        claim_fail("your process reports a parameter count other than the instructions' total",
                   zh="你的进程报告的参数个数与题目给出的总数不同",
                   evidence=f"reported {short(count, 40)} parameters, expected 101")
    keys = reported_keys(report)
    if keys != KEYS:
        claim_fail("your process reports state dict keys other than the instructions'",
                   zh="你的进程报告的 state dict 键与题目说明不一致",
                   evidence=f"reported: {short(keys)}\nexpected: {KEYS}")


@points(3)
@target("NeuralNetwork")
@title(zh="用已知权重，在随机的 (N, 6) 批次上做前向计算")
@hint("forward: x = self.flatten(x); return self.linear_relu_stack(x)  (no activation at the end)",
      zh="forward：x = self.flatten(x)；return self.linear_relu_stack(x)（最后不要激活函数）")
def check_forward_values(student, case, device):
    """forward on a random (N, 6) batch with known weights"""
    state = _state(case)
    model = _build(student, device, state)
    x = case.randn("n", 6)
    _check_forward(run(model, x, "NeuralNetwork()"), x, state, (student, model, device))


@points(2)
@target("NeuralNetwork")
@title(zh="在 (N, 2, 3) 的批次上做前向计算：展平成 (N, 6)，保留批次维度")
@hint("nn.Flatten() keeps dimension 0 (the batch) and flattens the rest: (N, 2, 3) -> (N, 6). "
      "torch.flatten(x) or x.view(-1) would flatten the batch too.",
      zh="nn.Flatten() 保留第 0 维（批次），展平其余维度：(N, 2, 3) -> (N, 6)。"
         "torch.flatten(x) 或 x.view(-1) 会把批次维度也展平。")
def check_flattens_images(student, case, device):
    """forward on a (N, 2, 3) batch: flattened to (N, 6), batch kept"""
    state = _state(case)
    model = _build(student, device, state)
    x = case.randn("n", 2, 3)
    out = run(model, x, "NeuralNetwork()")
    if isinstance(out, torch.Tensor) and out.dim() != 2:
        fail("for a batch of small images your output is not a (batch, classes) matrix: flatten"
             " with nn.Flatten(), which keeps the batch dimension",
             zh="输入是一批小图片时，你的输出不是（批次, 类别）形状的矩阵：请用 nn.Flatten() 展平，"
                "它会保留批次维度",
             evidence=f"input shape {tuple(x.shape)}: your output has shape {tuple(out.shape)},"
                      f" expected ({x.shape[0]}, 5)")
    _check_forward(out, x, state, (student, model, device))


@points(1)
@target("NeuralNetwork")
@title(zh="float64 的权重和输入、大小为 1 的批次以及空批次")
@hint("Use only the layers: they follow the dtype of the weights and work for any batch size.",
      zh="只用这些层来计算：它们跟随权重的数据类型，并且适用于任意批次大小。")
def check_float64_single_and_empty_batch(student, case, device):
    """float64 weights and input, a batch of 1 and an empty batch"""
    state = _state(case, dtype=torch.float64)
    model = _build(student, device, state, dtype=torch.float64)
    x = case.randn(1, 2, 3, dtype=torch.float64)
    _check_forward(run(model, x, "NeuralNetwork()"), x, state, (student, model, device))
    x0 = torch.zeros(0, 6, dtype=torch.float64)
    assert_tensor(run(model, x0, "NeuralNetwork()"), torch.zeros(0, 5, dtype=torch.float64),
                  inputs=(x0,), name=_output_name())
