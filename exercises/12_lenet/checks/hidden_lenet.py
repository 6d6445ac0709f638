"""Hidden checks for 12_lenet.

The checks build weights themselves (keyed and shaped like the check's own
LeNet, built here from torch.nn), load them into the student's LeNet through
its own load_state_dict, and compare its outputs and gradients on the checks'
inputs with their own functional computation (F.conv2d, F.max_pool2d,
F.linear): expected values never come from the reference solution. What the
student's process says about its network (its state_dict's shapes, its
parameter count, whether it is an nn.Module, whether forward changed its input)
is a claim: it explains a failure or costs a point, never passes a check.

A diagnosis is one line in English and Chinese with no inputs, sizes or values
and nothing the student's process wrote (a hidden check shows it, with every
digit masked: layer names such as fc3 keep theirs, other numbers are said in
words); the values, the student's errors and reports go to the evidence.
"""
import contextlib
import math
import re

import torch
import torch.nn.functional as F
from torch import nn

from grader.checks import (CheckFailure, StudentError, assert_tensor, claim_fail, fail, hint,
                           points, target, title)
from grader.i18n import pick
from support_lenet import ask_hw, judge


def _contract_layers() -> nn.Module:
    """The contract's layers, built with torch.nn (on the meta device: shapes only)."""
    return nn.ModuleDict({
        "conv1": nn.Conv2d(1, 6, 5, device="meta"), "conv2": nn.Conv2d(6, 16, 5, device="meta"),
        "fc1": nn.Linear(16 * 5 * 5, 120, device="meta"), "fc2": nn.Linear(120, 84, device="meta"),
        "fc3": nn.Linear(84, 10, device="meta")})


SHAPES = {k: tuple(v.shape) for k, v in _contract_layers().state_dict().items()}
N_PARAMETERS = sum(math.prod(s) for s in SHAPES.values())   # 61,706
CONTRACT = ("the contract: self.conv1 = nn.Conv2d(1, 6, 5), self.conv2 = nn.Conv2d(6, 16, 5),"
            " self.fc1 = nn.Linear(16 * 5 * 5, 120), self.fc2 = nn.Linear(120, 84),"
            " self.fc3 = nn.Linear(84, 10), and no other layers with parameters")


# ----------------------------------------------------------------- helpers

def _short(text, limit=600) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "..."


def _state(case, dtype=torch.float32):
    """Random weights (He-scaled so activations stay around 1) keyed by the contract's names."""
    state = {}
    for name, shape in SHAPES.items():
        if name.endswith("weight"):
            fan_in = math.prod(shape[1:])
            state[name] = torch.randn(shape, generator=case.generator, dtype=dtype) * math.sqrt(2.0 / fan_in)
        else:
            state[name] = torch.randn(shape, generator=case.generator, dtype=dtype) * 0.1
    return state


def _forward(s, x, *, act=F.relu, pool=F.max_pool2d, conv_act=(True, True),
             fc_act=(True, True), out=None):
    """The check's own LeNet forward pass, with switches to replay common mistakes."""
    h = F.conv2d(x, s["conv1.weight"], s["conv1.bias"])
    h = pool(act(h) if conv_act[0] else h, 2)
    h = F.conv2d(h, s["conv2.weight"], s["conv2.bias"])
    h = pool(act(h) if conv_act[1] else h, 2)
    h = torch.flatten(h, 1)
    h = F.linear(h, s["fc1.weight"], s["fc1.bias"])
    h = act(h) if fc_act[0] else h
    h = F.linear(h, s["fc2.weight"], s["fc2.bias"])
    h = act(h) if fc_act[1] else h
    h = F.linear(h, s["fc3.weight"], s["fc3.bias"])
    return out(h) if out is not None else h


# (switches, English, Chinese): what LeNet computes with one common mistake.
VARIANTS = [
    (dict(fc_act=(False, True)), "there is no relu after fc1", "fc1 之后没有 relu"),
    (dict(fc_act=(True, False)), "there is no relu after fc2", "fc2 之后没有 relu"),
    (dict(fc_act=(False, False)), "there is no relu after fc1 and fc2", "fc1 和 fc2 之后都没有 relu"),
    (dict(conv_act=(False, True)), "there is no relu after conv1", "conv1 之后没有 relu"),
    (dict(conv_act=(True, False)), "there is no relu after conv2", "conv2 之后没有 relu"),
    (dict(out=F.relu),
     "there is a relu after fc3: the last layer returns raw scores (logits), which may be negative",
     "fc3 之后多了一个 relu：最后一层应该返回原始分数（logits），它可以是负数"),
    (dict(out=lambda h: F.softmax(h, dim=1)),
     "you applied softmax at the end: return the raw scores (logits); the loss function does the"
     " softmax",
     "你在最后做了 softmax：请返回原始分数（logits）；softmax 由损失函数来做"),
    (dict(out=lambda h: F.log_softmax(h, dim=1)),
     "you applied log_softmax at the end: return the raw scores (logits)",
     "你在最后做了 log_softmax：请返回原始分数（logits）"),
    (dict(pool=F.avg_pool2d),
     "that is average pooling: use max pooling, F.max_pool2d",
     "这是平均池化：请用最大池化 F.max_pool2d"),
    (dict(act=torch.tanh), "that is tanh as the activation: use relu",
     "激活函数用的是 tanh：请用 relu"),
    (dict(act=torch.sigmoid), "that is sigmoid as the activation: use relu",
     "激活函数用的是 sigmoid：请用 relu"),
]

FLATTENED_BATCH = (
    "your LeNet flattened the batch dimension into the features: keep the batch dimension and"
    " flatten only the rest of each sample (torch.flatten with start_dim, or x.view with the"
    " batch size first), never torch.flatten(x) or a fixed batch size",
    "你的 LeNet 把批次维度也展平进了特征里：要保留批次维度，只展平每个样本的其余部分"
    "（torch.flatten 配合 start_dim，或者第一维用批次大小的 x.view），不要用 torch.flatten(x)，"
    "也不要写死批次大小")

_MATMUL = re.compile(r"\((\d+)x(\d+) and (\d+)x(\d+)\)")


def _tolerances(device):
    # GPUs may run convolutions in TF32: allow for it there.
    return (1e-4, 1e-4) if device == "cpu" else (1e-2, 1e-2)


def _output_name():
    return pick("LeNet's output", "LeNet 的输出")


def _reported(student, net):
    """What the student's process says about its network (a claim), or None if it cannot say."""
    try:
        report = student.build("vision.state_shapes", net).value
    except StudentError:
        return None
    if not isinstance(report, dict) or not isinstance(report.get("state"), dict):
        return None
    return report


def _contract_problems(report) -> tuple[list[str], tuple[str, str] | None]:
    """How the state_dict the student's process reports differs from the contract.

    Returns (the differences, for evidence; a diagnosis (en, zh) naming the
    first kind of difference, or None).
    """
    if report is None:
        return [], None
    shapes = {k: tuple(v) if isinstance(v, list) else v for k, v in report["state"].items()}
    problems, why = [], None
    missing = [k for k in SHAPES if k not in shapes]
    extra = [k for k in shapes if k not in SHAPES]
    wrong = [f"{k} is {shapes[k]}, expected {SHAPES[k]}" for k in SHAPES
             if k in shapes and shapes[k] != SHAPES[k]]
    if missing:
        problems.append("missing: " + ", ".join(missing))
    if extra:
        problems.append("not expected: " + ", ".join(_short(k, 80) for k in extra[:20]))
    if wrong:
        problems.append("wrong shape: " + "; ".join(wrong))
    if problems and shapes.get("conv1.weight") == (6, 1, 3, 3):
        problems.append("(3x3 kernels and fc1 = Linear(16*6*6, 120) are from an older version of "
                        "the tutorial: this exercise uses 5x5 kernels and fc1 = Linear(16*5*5, 120))")
        why = ("your process reports three-by-three kernels, from an older version of the"
               " tutorial: this exercise uses five-by-five kernels, and fc1's inputs change"
               " with them",
               "你的进程报告卷积核是三乘三的，这是旧版教程里的写法：本题用的是五乘五的卷积核，"
               "fc1 的输入个数也随之改变")
    elif missing:
        why = ("your process reports that some of the contract's parameters are missing: name"
               " the layers exactly conv1, conv2, fc1, fc2, fc3",
               "你的进程报告缺少约定中的一些参数：请把各层准确命名为 conv1、conv2、fc1、fc2、fc3")
    elif extra:
        why = ("your process reports parameters the contract does not have: no other layers"
               " with parameters (no BatchNorm, no extra Linear)",
               "你的进程报告有约定之外的参数：不要有其他带参数的层（不要 BatchNorm，也不要多余的 Linear）")
    elif wrong:
        why = ("your process reports a layer of the wrong size: compare each layer with the"
               " instructions' table",
               "你的进程报告有一层的尺寸不对：请把每一层与题目说明中的表格对照")
    return problems, why


def _build(student, device, state, *, double=False):
    """A student LeNet holding the check's weights (loaded by its own load_state_dict), on the target device."""
    net = student.LeNet()
    if double:
        net.double()
    try:
        return student.build("model.loaded", net, state, device)
    except StudentError as e:
        if e.not_implemented:
            raise
        problems, why = _contract_problems(_reported(student, net))
        en, zh = why or ("compare your layers and their attribute names with the contract in the"
                         " instructions",
                         "请把你的各层及其属性名与题目说明中的约定对照")
        evidence = [f"load_state_dict raised {e.type_name}:"] + \
            ["    " + line for line in e.message.strip().splitlines()[:8]]
        if problems:
            evidence += ["your LeNet reports these differences from the contract:"] + \
                ["    " + p for p in problems]
        evidence.append(CONTRACT)
        fail("the check's weights do not load into your LeNet (load_state_dict, strict): " + en,
             zh="检查程序的权重无法加载进你的 LeNet（load_state_dict，strict 模式）：" + zh,
             evidence="\n".join(evidence))


def _run(student, net, x, what):
    """The student's LeNet on x; returns (output, the inputs the process says forward modified)."""
    try:
        out = net(x)
    except StudentError as e:
        if e.not_implemented:
            raise
        evidence = f"input: {what}, shape {tuple(x.shape)}, {x.dtype}\n{e.type_name}: {_short(e.message)}"
        m = _MATMUL.search(e.message) if "cannot be multiplied" in e.message else None
        if m and int(m.group(1)) == 1 and int(m.group(2)) == x.shape[0] * 400 and x.shape[0] > 1:
            fail(FLATTENED_BATCH[0], zh=FLATTENED_BATCH[1], evidence=evidence)
        if "Input type" in e.message and "should be the same" in e.message:
            fail("your LeNet converts the input's dtype or device inside forward: leave x as it"
                 " is; the layers' weights decide the dtype and the device",
                 zh="你的 LeNet 在 forward 里转换了输入的数据类型或设备：不要改动 x；数据类型和设备"
                    "由各层的权重决定",
                 evidence=evidence)
        raise
    mutated = list(student.last_call.mutated)   # a claim: judged after the outputs
    if not isinstance(out, torch.Tensor):
        fail("forward() should return a tensor of logits, but it returned something else",
             zh="forward() 应该返回 logits 张量，但返回的是别的东西",
             evidence=f"input: {what}; returned {_short(repr(out), 200)}")
    return out, mutated


def _unchanged_input(mutated, what):
    """Claim: the student's process says forward modified its input."""
    if mutated:
        claim_fail("your process reports that forward() modified its input in place: don't change"
                   " x itself, for example use F.relu(x), not F.relu(x, inplace=True) on the input",
                   zh="你的进程报告 forward() 原地修改了它的输入：不要改动 x 本身，比如对输入要用"
                      " F.relu(x)，而不是 F.relu(x, inplace=True)",
                   evidence=f"input: {what}; reported modified: {_short(mutated, 100)}")


def _ignores_weights(student, net, device, x, out, state, rtol, atol):
    """Verified: other weights loaded into the same network leave its outputs unchanged."""
    gen = torch.Generator().manual_seed(11)
    other = {k: v + torch.randn(v.shape, dtype=v.dtype, generator=gen) * 0.1
             for k, v in state.items()}
    try:
        again, _ = _run(student, student.build("model.loaded", net, other, device), x, "")
    except Exception:   # noqa: BLE001  (only an explanation: the check fails anyway)
        return False
    return isinstance(again, torch.Tensor) and again.shape == out.shape and \
        torch.allclose(again.double(), out.double(), rtol=rtol, atol=atol) and \
        not torch.allclose(_forward(other, x).double(), _forward(state, x).double(),
                           rtol=rtol, atol=atol)


def _compare(out, state, x, device, what, tolerances=None, probe=None):
    """out must be the check's own LeNet's output; probe: (student, net), to tell a
    network that ignores the loaded weights when no known mistake fits."""
    rtol, atol = tolerances or _tolerances(device)
    expected = _forward(state, x)
    name = _output_name()
    if out.shape == expected.shape and out.dtype == expected.dtype and not torch.allclose(
            out.double(), expected.double(), rtol=rtol, atol=atol):
        matches = []
        for kwargs, en, zh in VARIANTS:
            wrong = _forward(state, x, **kwargs)
            if torch.allclose(out.double(), wrong.double(), rtol=rtol, atol=atol):
                matches.append((en, zh))
        if len(matches) == 1:   # two mistakes that give the same outputs prove neither
            (en, zh), = matches
            fail("your LeNet's output is wrong: " + en, zh="你的 LeNet 输出不对：" + zh,
                 evidence=f"input: {what}\n" + _evidence(out, expected, name, rtol, atol))
    if x.shape[0] == 1 and tuple(out.shape) == (10,):
        fail(FLATTENED_BATCH[0], zh=FLATTENED_BATCH[1],
             evidence="for a batch of 1 your output has shape (10,), expected (1, 10)")
    if probe is not None and out.shape == expected.shape and out.dtype == expected.dtype and \
            not torch.allclose(out.double(), expected.double(), rtol=rtol, atol=atol) and \
            _ignores_weights(*probe, device, x, out, state, rtol, atol):
        fail("your LeNet computes the same outputs after the check loads other weights: its"
             " forward does not use the parameters that load_state_dict fills (create the layers"
             " in __init__, use them in forward, and do not override load_state_dict or"
             " state_dict)",
             zh="检查程序加载另一组权重之后，你的 LeNet 输出没有变化：forward 用的不是"
                " load_state_dict 填入的参数（请在 __init__ 中创建各层并在 forward 中使用它们，"
                "不要重写 load_state_dict 或 state_dict）",
             evidence=f"input: {what}\n" + _evidence(out, expected, name, rtol, atol))
    with _more_evidence(f"input: {what}"):
        assert_tensor(out.detach(), expected, rtol=rtol, atol=atol, name=name, inputs=())


@contextlib.contextmanager
def _more_evidence(text: str):
    """Put `text` (which input) at the head of the evidence of any failure inside."""
    try:
        yield
    except CheckFailure as e:
        raise type(e)(e.diagnosis, text + ("\n" + e.evidence if e.evidence else "")) from None


def _evidence(out, expected, name, rtol, atol):
    try:
        assert_tensor(out.detach(), expected, rtol=rtol, atol=atol, name=name, inputs=(), device=None)
    except CheckFailure as e:
        return "\n".join(p for p in (e.diagnosis, e.evidence) if p)
    return ""


def _forward_checked(student, device, state, x, what, tolerances=None, *, double=False):
    net = _build(student, device, state, double=double)
    out, mutated = _run(student, net, x, what)
    if double and out.dtype != torch.float64:
        fail("your LeNet's output is not float64 for a float64 model and input: don't convert"
             " dtypes inside forward",
             zh="模型和输入都是 float64 时，你的 LeNet 输出却不是 float64：不要在 forward 里转换数据类型",
             evidence=f"input: {what}; your output's dtype: {out.dtype}")
    _compare(out, state, x, device, what, tolerances, probe=(student, net))
    return net, mutated


# ----------------------------------------------------------------- LeNet

@points(1)
@target("LeNet")
@title(zh="LeNet 是 nn.Module，并且恰好有约定中的这些层：conv1、conv2、fc1、fc2、fc3")
@hint("Name the layers exactly conv1, conv2, fc1, fc2, fc3, and create them in __init__ (after "
      "super().__init__()).",
      zh="把各层准确命名为 conv1、conv2、fc1、fc2、fc3，并在 __init__ 中（super().__init__() 之后）创建它们。")
def check_lenet_layer_names_and_shapes(student, case, device):
    """LeNet is an nn.Module with exactly the contract's layers: conv1, conv2, fc1, fc2, fc3"""
    state = _state(case)
    x = torch.randn(2, 1, 32, 32, generator=case.generator)
    # Verified: the check's weights load by the contract's names, and they are what LeNet computes with.
    net, mutated = _forward_checked(student, device, state, x, "a batch of 2")
    # Claims: what the process says about its network can only cost the point.
    if student.build("probe.is_instance", net, "nn.Module").value is not True:
        claim_fail("your process reports that LeNet() is not an nn.Module: write"
                   " class LeNet(nn.Module)",
                   zh="你的进程报告 LeNet() 不是 nn.Module：请写成 class LeNet(nn.Module)",
                   evidence=f"it says it is a {_short(net.type_name, 80)}")
    report = _reported(student, net)
    problems, _ = _contract_problems(report) if report is not None else (["it gave no state_dict"], None)
    if problems:
        claim_fail("your process reports parameters that do not match the contract",
                   zh="你的进程报告的参数与约定不符",
                   evidence="\n".join(problems) + "\n" + CONTRACT)
    _unchanged_input(mutated, "a batch of 2")


@points(2)
@target("LeNet")
@title(zh="装入检查程序的权重后，LeNet 给出的 logits 与检查程序自己的前向计算相同")
@hint("forward: max_pool2d(relu(conv1(x)), 2), max_pool2d(relu(conv2(x)), 2), flatten from dim "
      "1, relu(fc1), relu(fc2), fc3 (no activation at the end).",
      zh="forward：max_pool2d(relu(conv1(x)), 2)，max_pool2d(relu(conv2(x)), 2)，从第 1 维开始展平，"
         "relu(fc1)，relu(fc2)，fc3（最后不要激活函数）。")
def check_lenet_forward_matches_reference(student, case, device):
    """LeNet with the check's weights gives the same logits as the check's own forward pass"""
    state = _state(case)
    x = torch.randn(4, 1, 32, 32, generator=case.generator)
    _, mutated = _forward_checked(student, device, state, x, "a batch of 4")
    _unchanged_input(mutated, "a batch of 4")


@points(1)
@target("LeNet")
@title(zh="LeNet 对大小为 1 和大小为 7 的批次都能工作")
@hint("Keep the batch dimension when flattening: torch.flatten(x, 1) or x.view(x.size(0), -1), "
      "never a fixed batch size.",
      zh="展平时保留批次维度：torch.flatten(x, 1) 或 x.view(x.size(0), -1)，不要写死批次大小。")
def check_lenet_batch_sizes(student, case, device):
    """LeNet works for a batch of 1 and a batch of 7"""
    state = _state(case)
    net = _build(student, device, state)
    x1 = torch.randn(1, 1, 32, 32, generator=case.generator)
    out1, mutated1 = _run(student, net, x1, "a batch of 1")
    _compare(out1, state, x1, device, "a batch of 1", probe=(student, net))
    x7 = torch.randn(7, 1, 32, 32, generator=case.generator)
    try:
        out7, mutated7 = _run(student, net, x7, "a batch of 7")
    except StudentError as e:
        if e.not_implemented:
            raise
        fail("your LeNet works for a batch of one image but not for a larger batch: keep the"
             " batch dimension when flattening (torch.flatten with start_dim, or x.view with the"
             " batch size first), never a fixed batch size",
             zh="你的 LeNet 在批次只有一张图片时能运行，批次更大时却不行：展平时要保留批次维度"
                "（torch.flatten 配合 start_dim，或者第一维用批次大小的 x.view），不要写死批次大小",
             evidence=f"a batch of 7: {e.type_name}: {_short(e.message)}")
    _compare(out7, state, x7, device, "a batch of 7", probe=(student, net))
    _unchanged_input(mutated1 or mutated7, "a batch of 1 or 7")


def _expected_gradients(state, x, weights):
    """The check's own gradients of (forward(x) * weights).sum() for x and every weight."""
    s = {k: v.detach().clone().requires_grad_(True) for k, v in state.items()}
    xs = x.detach().clone().requires_grad_(True)
    (_forward(s, xs) * weights).sum().backward()
    return xs.grad, {k: v.grad for k, v in s.items()}


_NO_GRAPH = ("no torch.no_grad(), .detach(), .data, .item() or tensors rebuilt inside forward",
             "forward 里不要用 torch.no_grad()、.detach()、.data、.item()，也不要重新构造张量")


@points(1)
@target("LeNet")
@title(zh="梯度能通过 LeNet 的输出反向传播到输入和每一个权重")
@hint("Don't wrap forward in torch.no_grad() and don't .detach() or .item() inside it: training "
      "needs the graph.",
      zh="不要用 torch.no_grad() 包住 forward，也不要在里面 .detach() 或 .item()：训练需要计算图。")
def check_lenet_output_is_differentiable(student, case, device):
    """Gradients flow back through LeNet's output to its input and to every weight"""
    state = _state(case)
    x = torch.randn(3, 1, 32, 32, generator=case.generator)
    net, mutated = _forward_checked(student, device, state, x, "a batch of 3")
    # Verified: backpropagate through the student's network and compare the
    # gradients that come back with the check's own.
    weights = torch.randn(3, 10, generator=case.generator)
    try:
        got = student.build("vision.backward", net, x, weights)
    except StudentError as e:
        if e.not_implemented:
            raise
        evidence = f"backward through your LeNet: {e.type_name}: {_short(e.message)}"
        if "does not require grad" in e.message or "does not have a grad_fn" in e.message:
            fail("your LeNet's output is not part of the autograd graph, so loss.backward()"
                 " cannot reach the weights: " + _NO_GRAPH[0],
                 zh="你的 LeNet 的输出不在计算图中，所以 loss.backward() 传不到权重：" + _NO_GRAPH[1],
                 evidence=evidence)
        if "in-place operation" in e.message:
            fail("backpropagating through your LeNet failed: forward() changes a tensor in place"
                 " that autograd needs (its input?); use out-of-place operations, for example"
                 " F.relu(x), not F.relu(x, inplace=True) or x.relu_() on the input",
                 zh="通过你的 LeNet 反向传播失败了：forward() 原地修改了 autograd 需要的张量"
                    "（是输入吗？）；请用非原地运算，比如对输入用 F.relu(x)，而不是"
                    " F.relu(x, inplace=True) 或 x.relu_()",
                 evidence=evidence)
        raise
    want_x, want = _expected_gradients(state, x, weights)
    rtol, atol = _tolerances(device)
    if not isinstance(got, dict) or not isinstance(got.get("parameters"), dict):
        fail("backpropagating through your LeNet did not give gradients",
             zh="通过你的 LeNet 反向传播没有得到梯度",
             evidence=f"got {type(got).__name__}")
    no_grad = [k for k in SHAPES if got["parameters"].get(k) is None]
    if got.get("input") is None or no_grad:
        fail("no gradient reached some of the weights (or the input) through your LeNet's output:"
             " " + _NO_GRAPH[0],
             zh="梯度没有通过你的 LeNet 的输出传到某些权重（或输入）：" + _NO_GRAPH[1],
             evidence="no gradient for: " + ", ".join(
                 (["the input"] if got.get("input") is None else []) + no_grad))
    assert_tensor(got["input"], want_x, rtol=rtol, atol=atol, device=None,
                  name=pick("gradient of the input (backpropagated through your LeNet)",
                            "输入的梯度（通过你的 LeNet 反向传播得到）"))
    for k in SHAPES:
        assert_tensor(got["parameters"][k], want[k], rtol=rtol, atol=atol, device=None,
                      name=pick(f"gradient of {k} (backpropagated through your LeNet)",
                                f"{k} 的梯度（通过你的 LeNet 反向传播得到）"))
    _unchanged_input(mutated, "a batch of 3")


@points(1)
@target("LeNet")
@title(zh="用 .double() 转换后的 LeNet 能处理 float64 图片")
@hint("Don't hard-code a dtype in forward (no x.float()): the layers decide the dtype.",
      zh="不要在 forward 里写死数据类型（不要 x.float()）：数据类型由各层决定。")
def check_lenet_float64(student, case, device):
    """LeNet converted with .double() works on float64 images"""
    state = _state(case, dtype=torch.float64)
    x = torch.randn(2, 1, 32, 32, generator=case.generator, dtype=torch.float64)
    _, mutated = _forward_checked(student, device, state, x, "a float64 batch of 2",
                                  tolerances=(1e-9, 1e-9) if device == "cpu" else (1e-6, 1e-6),
                                  double=True)
    _unchanged_input(mutated, "a float64 batch of 2")


# ----------------------------------------------------------------- conv_out_hw
# (the formula's known mistakes and how an answer is judged: support_lenet)

@points(1)
@target("conv_out_hw")
@title(zh="随机尺寸、卷积核、步长和填充下的 conv_out_hw()（与 torch 的 conv2d 一致）")
@hint("Every case here has height != width, and some sizes where (size + 2*padding - k) is not "
      "a multiple of the stride.",
      zh="这里每个用例的高和宽都不相等，而且有些尺寸下 (size + 2*padding - k) 不是 stride 的整数倍。")
def check_conv_out_hw_random(student, case):
    """conv_out_hw() for random sizes, kernels, strides and paddings (matches torch's conv2d)"""
    rng = case.rng
    answers = []
    for i in range(12):
        k = rng.choice([1, 2, 3, 5, 7])
        stride = rng.choice([1, 2, 3])
        padding = rng.choice([0, 1, 2])
        h = rng.randint(k + 3, 40)
        w = rng.randint(k + 3, 40)
        while w == h:
            w = rng.randint(k + 3, 40)
        if i < 4:   # make sure rounding and padding matter in a few cases
            stride = 2 if i < 3 else 3
            padding = 1 + i % 2
            if (h + 2 * padding - k) % stride == 0:
                h += 1
        answers.append(ask_hw(student, h, w, k, stride, padding,
                               style=("positional", "keywords", "all_keywords")[i % 3]))
    judge(answers)


@points(1)
@target("conv_out_hw")
@title(zh="conv_out_hw() 能推算 LeNet 的各层尺寸，使用默认值 stride=1、padding=0，并返回 int")
@hint("def conv_out_hw(h, w, k, stride=1, padding=0): return a tuple of two ints.",
      zh="def conv_out_hw(h, w, k, stride=1, padding=0)：返回由两个 int 组成的元组。")
def check_conv_out_hw_lenet_sizes_and_defaults(student):
    """conv_out_hw() traces LeNet's sizes, uses the defaults stride=1, padding=0 and returns ints"""
    answers = [
        ask_hw(student, 32, 32, 5, style="keywords"),                          # conv1: 32 -> 28
        ask_hw(student, 28, 28, 2, stride=2, style="keywords"),                # pool: 28 -> 14
        ask_hw(student, 14, 14, 5, style="keywords"),                          # conv2: 14 -> 10
        ask_hw(student, 10, 10, 2, 2, 0),                                      # pool: 10 -> 5
        ask_hw(student, 28, 28, 5, padding=2, style="all_keywords"),           # 'same' padding
        ask_hw(student, 9, 4, 3, stride=2, style="keywords"),
    ]
    judge(answers)
