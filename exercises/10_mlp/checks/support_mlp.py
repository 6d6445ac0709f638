"""Helpers shared by exercise 10's checks (trusted check code).

It ships with the public checks in a release: nothing here may give away a
hidden check. A module is judged by what it computes: the check chooses the
weights, loads them through the student's module (load_state_dict, by the
grader's builder model.loaded), sends inputs and compares the outputs with its
own computation from the same weights. What the student's process says about
the module (its state dict keys, its layers, its parameter count: the builder
models.describe) is a claim: it explains a failure, or costs points after the
outputs were right, never earns them.

Every failure is a diagnosis (the kind of mistake, in English and Chinese,
one line, with no inputs, sizes or values, and nothing the student's process
wrote: a hidden check shows it, with its digits masked) and evidence (the
values, the reports, the student's error; withheld for a hidden check).
"""
import contextlib
import re

import torch

from grader.checks import CheckFailure, Handle, StudentError, assert_tensor, describe, fail
from grader.i18n import pick


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


def short(value, limit=300) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[:limit] + "..."


@contextlib.contextmanager
def more_evidence(text: str):
    """Put `text` (the sizes, say) at the head of the evidence of any failure inside."""
    try:
        yield
    except CheckFailure as e:
        raise type(e)(e.diagnosis, text + ("\n" + e.evidence if e.evidence else "")) from None


def evidence_of(actual, expected, inputs=(), name="result"):
    """assert_tensor's account of how `actual` differs from `expected`: evidence only."""
    try:
        assert_tensor(actual, expected, inputs=inputs, name=name, device=None)
    except CheckFailure as e:
        return "\n".join(part for part in (e.diagnosis, e.evidence) if part)
    return ""


def name_mistake(out, expected, named, inputs, name):
    """Fail with the diagnosis of the first known mistake whose outputs `out` matches.

    named: (what the mistake computes, English, Chinese), each computed by the
    check from the same weights and inputs.
    """
    if not isinstance(out, torch.Tensor) or close(out, expected):
        return
    matches = {(en, zh) for value, en, zh in named
               if close(out, value) and not close(value, expected)}
    if len(matches) == 1:   # two mistakes that give the same outputs prove neither
        (en, zh), = matches
        fail(en, zh=zh, evidence=evidence_of(out, expected, inputs, name))


def expect_module(value, what: str):
    """`value` must be an object living in the student's process (a module), not plain data."""
    if isinstance(value, list):
        fail(f"{what} returned a Python list: wrap the layers in nn.Sequential(*layers)",
             zh=f"{what} 返回的是 Python 列表：请用 nn.Sequential(*layers) 把这些层包起来",
             evidence=f"{what} returned a list of {len(value)} item(s)")
    if not isinstance(value, Handle):
        fail(f"{what} should return an nn.Module, but it returned {describe(value)}",
             zh=f"{what} 应该返回一个 nn.Module，但返回的是 {describe(value)}",
             evidence=f"returned: {short(repr(value), 200)}")


def load_weights(student, module, state: dict, device, what: str, explain=None):
    """`module` with the check's `state` loaded through its own load_state_dict (strict).

    If loading raises, the check fails on that error (the student's code
    raised it); `explain(report)` may name the mistake from what the process
    says about the module's keys and layers: (English, Chinese) or None.
    """
    try:
        return student.build("model.loaded", module, state, device)
    except StudentError as e:
        if e.not_implemented:
            raise
        report = reported(student, module)
        why = None
        if report.get("is_module") is False:
            why = (f"your process reports that {what} is not an nn.Module: subclass nn.Module",
                   f"你的进程报告 {what} 不是 nn.Module：请继承 nn.Module")
        elif explain is not None:
            why = explain(report)
        en, zh = why or ("compare your layers, their order and their attribute names with the"
                         " instructions",
                         "请对照题目说明检查各层、它们的顺序以及属性名")
        evidence = [f"the grader's weights: {', '.join(f'{k} {tuple(v.shape)}' for k, v in state.items())}"]
        if report:
            evidence.append(f"your process reports the keys: {short(reported_keys(report))}")
            evidence.append(f"and the layers: {short(reported_layers(report))}")
        evidence.append(f"load_state_dict raised {e.type_name}: {short(e.message, 600)}")
        fail(f"{what} does not accept the grader's weights (load_state_dict, strict): {en}",
             zh=f"{what} 无法加载评分程序的权重（load_state_dict，strict 模式）：{zh}",
             evidence="\n".join(evidence))


_MATMUL = re.compile(r"\((\d+)x(\d+) and (\d+)x(\d+)\)")


def run(module, x, what: str):
    """module(x), explaining the classic errors: a wrong flatten, a module without forward."""
    try:
        return module(x)
    except StudentError as e:
        if e.not_implemented:
            raise
        evidence = (f"input shape {tuple(x.shape)}, {x.dtype}\n{e.type_name}: {short(e.message, 600)}")
        if "cannot be multiplied" in e.message:
            m = _MATMUL.search(e.message)
            rows, cols = (int(m.group(1)), int(m.group(2))) if m else (None, None)
            if rows == 1 and cols == x.numel() and x.shape[0] > 1:
                fail("your forward flattened the batch dimension too: use nn.Flatten(), which keeps"
                     " the batch dimension and flattens each sample",
                     zh="你的 forward 把批次维度也展平了：请用 nn.Flatten()，它保留批次维度，只展平每个样本",
                     evidence=evidence)
            if x.dim() > 2 and cols == x.shape[-1]:
                fail("your forward does not flatten its input: the first Linear gets each sample"
                     " as a grid, not as one row of features; flatten with nn.Flatten() first",
                     zh="你的 forward 没有把输入展平：第一个 Linear 收到的每个样本还是网格形状，"
                        "而不是一行特征；请先用 nn.Flatten() 展平",
                     evidence=evidence)
            fail("your forward failed with a shape mismatch in a Linear layer: the first Linear"
                 " needs each sample flattened to its features; nn.Flatten() keeps the batch"
                 " dimension and flattens the rest",
                 zh="你的 forward 在 Linear 层里出现了形状不匹配：第一个 Linear 需要把每个样本展平成"
                    "一行特征；nn.Flatten() 会保留批次维度并展平其余维度",
                 evidence=evidence)
        if 'missing the required "forward" function' in e.message:
            kind = getattr(module, "type_name", "")
            if kind == "ModuleList":
                fail(f"{what} cannot be called: an nn.ModuleList has no forward; use"
                     " nn.Sequential(*layers), which runs its layers in order",
                     zh=f"{what} 无法调用：nn.ModuleList 没有 forward；请用 nn.Sequential(*layers)，"
                        "它会按顺序执行各层",
                     evidence=evidence)
            fail(f"{what} cannot be called: your module has no forward method",
                 zh=f"{what} 无法调用：你的模块没有 forward 方法",
                 evidence=evidence)
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


def reference_sequential(x, state, sizes, act=torch.relu, last=None):
    """What Linear, act, Linear, act, ..., Linear computes with `state` (then `last`, if any)."""
    h = x
    for k in range(len(sizes) - 1):
        h = h @ state[f"{2 * k}.weight"].T + state[f"{2 * k}.bias"]
        if k < len(sizes) - 2 and act is not None:
            h = act(h)
    return last(h) if last is not None else h


def sequential_mistakes(x, state, sizes):
    """The outputs of the common wrong Sequentials with the same weights: (value, en, zh)."""
    named = [
        (reference_sequential(x, state, sizes, last=torch.relu),
         "your outputs have no negative values: there is a ReLU after the last Linear; the"
         " network must end with a Linear layer (its outputs are logits)",
         "你的输出里没有负数：最后一个 Linear 后面多了一个 ReLU；网络必须以 Linear 层结尾"
         "（它的输出是 logits）"),
    ]
    if len(sizes) > 2:
        named += [
            (reference_sequential(x, state, sizes, act=None),
             "your outputs match Linear layers with no ReLU between them: put nn.ReLU() between"
             " every two Linear layers",
             "你的输出与“各个 Linear 之间没有 ReLU”的网络一致：请在每两个 Linear 层之间加上 nn.ReLU()"),
            (reference_sequential(x, state, sizes, act=torch.abs),
             "your activation computes abs(x), not ReLU: use nn.ReLU(), which zeroes the negative"
             " values",
             "你的激活函数算的是 abs(x)，而不是 ReLU：请用 nn.ReLU()，它把负值变成零"),
            (reference_sequential(x, state, sizes, act=torch.tanh),
             "your activation between the Linear layers is tanh, not ReLU",
             "你在 Linear 层之间用的激活函数是 tanh，而不是 ReLU"),
            (reference_sequential(x, state, sizes, act=torch.sigmoid),
             "your activation between the Linear layers is sigmoid, not ReLU",
             "你在 Linear 层之间用的激活函数是 sigmoid，而不是 ReLU"),
        ]
    return named


def explain_sequential(sizes):
    """Why loading failed, from the layers the process reports (a claim): (en, zh) or None."""
    def explain(report):
        layers = reported_layers(report)
        expected = expected_layers(sizes)
        if layers == expected + [["ReLU", None, None]]:
            return ("your process reports a ReLU after the last Linear; the network must end"
                    " with a Linear layer (its outputs are logits)",
                    "你的进程报告最后一个 Linear 之后还有一个 ReLU；网络必须以 Linear 层结尾"
                    "（它的输出是 logits）")
        if layers == [["ReLU", None, None]] + expected:
            return ("your process reports a Sequential that starts with a ReLU; ReLUs go only"
                    " between Linear layers",
                    "你的进程报告 Sequential 以 ReLU 开头；ReLU 只应放在两个 Linear 层之间")
        if len(layers) < len(expected) and layers == expected[:len(layers)]:
            return ("your process reports a Sequential that stops early: it needs one Linear"
                    " layer per consecutive pair of sizes; check the range of your loop",
                    "你的进程报告 Sequential 提前结束了：每一对相邻的尺寸都需要一个 Linear 层；"
                    "请检查循环的 range")
        if len(layers) > len(expected) and layers[:len(expected)] == expected:
            return ("your process reports extra layers after the last Linear",
                    "你的进程报告最后一个 Linear 之后还有多余的层")
        if len(layers) == len(expected) and any(
                t == "Linear" and [i, o] == [b, a] and a != b
                for (t, i, o), (_, a, b) in zip(layers, expected)):
            return ("your process reports a Linear layer with in and out features swapped:"
                    " nn.Linear(in_features, out_features)",
                    "你的进程报告有一个 Linear 层的输入和输出特征数颠倒了："
                    "nn.Linear(in_features, out_features)")
        linears = [entry for entry in layers if entry and entry[0] == "Linear"]
        if layers and linears == [e for e in expected if e[0] == "Linear"] and layers != expected:
            return ("your process reports the right Linear layers but not a ReLU between every"
                    " two of them (the grader loads the weights at positions of Linear, ReLU,"
                    " Linear, ...)",
                    "你的进程报告 Linear 层都对，但不是每两个 Linear 之间都有一个 ReLU"
                    "（评分程序按 Linear、ReLU、Linear……的位置加载权重）")
        if layers and layers != expected:
            return ("your process reports layers that differ from Linear, ReLU, Linear, ...,"
                    " Linear with the given sizes",
                    "你的进程报告的层与按给定尺寸排列的 Linear、ReLU、Linear……Linear 不一致")
        return None
    return explain


def sequential_name():
    return pick("output of make_sequential(sizes)", "make_sequential(sizes) 的输出")


def expect_layers(student, case, sizes, device, state=None):
    """make_sequential(sizes), judged by its outputs with the grader's weights loaded."""
    what = "make_sequential(sizes)"
    with more_evidence(f"sizes = {sizes}"):
        seq = student.make_sequential(sizes)
        expect_module(seq, what)
        state = state or sequential_state(case, sizes)
        seq = load_weights(student, seq, state, device, what, explain_sequential(sizes))
        x = case.randn("n", sizes[0])
        out = run(seq, x, what)
        expected = reference_sequential(x, state, sizes)
        name_mistake(out, expected, sequential_mistakes(x, state, sizes), (x,), sequential_name())
        assert_tensor(out, expected, inputs=(x,), name=sequential_name())
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
