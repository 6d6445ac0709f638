"""Hidden checks for 12_lenet.

The checks build weights themselves (keyed and shaped like the check's own
LeNet, built here from torch.nn), load them into the student's LeNet through
its own load_state_dict, and compare its outputs and gradients on the checks'
inputs with their own functional computation (F.conv2d, F.max_pool2d,
F.linear): expected values never come from the reference solution. What the
student's process says about its network (its state_dict's shapes, its
parameter count, whether it is an nn.Module, whether forward changed its input)
is a claim: it explains a failure or costs a point, never passes a check.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

from grader.checks import StudentError, assert_tensor, claim_fail, fail, hint, points, target


def _contract_layers() -> nn.Module:
    """The contract's layers, built with torch.nn (on the meta device: shapes only)."""
    return nn.ModuleDict({
        "conv1": nn.Conv2d(1, 6, 5, device="meta"), "conv2": nn.Conv2d(6, 16, 5, device="meta"),
        "fc1": nn.Linear(16 * 5 * 5, 120, device="meta"), "fc2": nn.Linear(120, 84, device="meta"),
        "fc3": nn.Linear(84, 10, device="meta")})


SHAPES = {k: tuple(v.shape) for k, v in _contract_layers().state_dict().items()}
N_PARAMETERS = sum(math.prod(s) for s in SHAPES.values())   # 61,706
CONTRACT = ("the attribute names are part of the contract: self.conv1 = nn.Conv2d(1, 6, 5), "
            "self.conv2 = nn.Conv2d(6, 16, 5), self.fc1 = nn.Linear(16 * 5 * 5, 120), "
            "self.fc2 = nn.Linear(120, 84), self.fc3 = nn.Linear(84, 10), and no other "
            "layers with parameters")


# ----------------------------------------------------------------- helpers

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


VARIANTS = [
    (dict(fc_act=(False, True)), "there is no relu after fc1"),
    (dict(fc_act=(True, False)), "there is no relu after fc2"),
    (dict(fc_act=(False, False)), "there is no relu after fc1 and fc2"),
    (dict(conv_act=(False, True)), "there is no relu after conv1"),
    (dict(conv_act=(True, False)), "there is no relu after conv2"),
    (dict(out=F.relu), "there is a relu after fc3: the last layer returns raw scores (logits), "
                       "which may be negative"),
    (dict(out=lambda h: F.softmax(h, dim=1)), "you applied softmax at the end: return the raw "
                                              "scores (logits); the loss function does the softmax"),
    (dict(out=lambda h: F.log_softmax(h, dim=1)), "you applied log_softmax at the end: return the "
                                                  "raw scores (logits)"),
    (dict(pool=F.avg_pool2d), "that is average pooling: use F.max_pool2d(x, 2)"),
    (dict(act=torch.tanh), "that is tanh as the activation: use relu"),
    (dict(act=torch.sigmoid), "that is sigmoid as the activation: use relu"),
]


def _tolerances(device):
    # GPUs may run convolutions in TF32: allow for it there.
    return (1e-4, 1e-4) if device == "cpu" else (1e-2, 1e-2)


def _reported(student, net):
    """What the student's process says about its network (a claim), or None if it cannot say."""
    try:
        report = student.build("vision.state_shapes", net).value
    except StudentError:
        return None
    if not isinstance(report, dict) or not isinstance(report.get("state"), dict):
        return None
    return report


def _contract_problems(report) -> list[str]:
    """How the state_dict the student's process reports differs from the contract."""
    if report is None:
        return []
    shapes = {k: tuple(v) if isinstance(v, list) else v for k, v in report["state"].items()}
    problems = []
    missing = [k for k in SHAPES if k not in shapes]
    extra = [k for k in shapes if k not in SHAPES]
    wrong = [f"{k} is {shapes[k]}, expected {SHAPES[k]}" for k in SHAPES
             if k in shapes and shapes[k] != SHAPES[k]]
    if missing:
        problems.append("missing: " + ", ".join(missing))
    if extra:
        problems.append("not expected: " + ", ".join(extra))
    if wrong:
        problems.append("wrong shape: " + "; ".join(wrong))
    if problems and shapes.get("conv1.weight") == (6, 1, 3, 3):
        problems.append("(3x3 kernels and fc1 = Linear(16*6*6, 120) are from an older version of "
                        "the tutorial: this exercise uses 5x5 kernels and fc1 = Linear(16*5*5, 120))")
    return problems


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
        first = e.message.strip().splitlines()
        problems = _contract_problems(_reported(student, net))
        reported = ("\nyour LeNet reports these differences from the contract:\n    "
                    + "\n    ".join(problems)) if problems else ""
        fail("loading the check's weights into your LeNet (load_state_dict, strict) failed:\n    "
             + "\n    ".join(first[:8]) + reported + f"\n{CONTRACT}")


def _run(student, net, x, what):
    """The student's LeNet on x; returns (output, the inputs the process says forward modified)."""
    try:
        out = net(x)
    except StudentError as e:
        if e.not_implemented:
            raise
        b = x.shape[0]
        if "cannot be multiplied" in e.message and (f"1x{b * 400} " in e.message or f"1x{b * 400})" in e.message) and b > 1:
            fail(f"your LeNet failed for {what}: {e.type_name}: {e.message}\nThe batch dimension "
                 f"was flattened into the features ({b} x 400 = {b * 400}): flatten from dim 1, "
                 "torch.flatten(x, 1) or x.view(x.size(0), -1), not torch.flatten(x) or x.view(1, -1)")
        if "Input type" in e.message and "should be the same" in e.message:
            fail(f"your LeNet failed for {what}: {e.type_name}: {e.message}\nDon't convert the "
                 "input's dtype (or device) inside forward: the layers' weights decide it")
        raise
    mutated = list(student.last_call.mutated)   # a claim: judged after the outputs
    if not isinstance(out, torch.Tensor):
        fail(f"forward() should return a tensor of logits, but it returned {out!r} ({what})")
    return out, mutated


def _unchanged_input(mutated, what):
    """Claim: the student's process says forward modified its input."""
    if mutated:
        claim_fail(f"your process reports that forward() modified its input in place ({what}): "
                   "don't change x itself, for example use F.relu(x), not F.relu(x, inplace=True) "
                   "on the input")


def _compare(out, state, x, device, what, tolerances=None):
    rtol, atol = tolerances or _tolerances(device)
    expected = _forward(state, x)
    if out.shape == expected.shape and out.dtype == expected.dtype and not torch.allclose(
            out.double(), expected.double(), rtol=rtol, atol=atol):
        for kwargs, message in VARIANTS:
            wrong = _forward(state, x, **kwargs)
            if torch.allclose(out.double(), wrong.double(), rtol=rtol, atol=atol):
                fail(f"your LeNet's output is wrong for {what}: {message}")
    if x.shape[0] == 1 and tuple(out.shape) == (10,):
        fail("for a batch of 1 your output has shape (10,), expected (1, 10): torch.flatten(x) "
             "without start_dim=1 also flattens the batch dimension; use torch.flatten(x, 1) "
             "or x.view(x.size(0), -1)")
    assert_tensor(out.detach(), expected, rtol=rtol, atol=atol, name=f"output for {what}", inputs=())


def _forward_checked(student, device, state, x, what, tolerances=None, *, double=False):
    net = _build(student, device, state, double=double)
    out, mutated = _run(student, net, x, what)
    if double and out.dtype != torch.float64:
        fail(f"your LeNet returned {out.dtype} for a float64 model and input: don't convert "
             "dtypes inside forward")
    _compare(out, state, x, device, what, tolerances)
    return net, mutated


# ----------------------------------------------------------------- LeNet

@points(1)
@target("LeNet")
@hint("Name the layers exactly conv1, conv2, fc1, fc2, fc3, and create them in __init__ (after super().__init__()).")
def check_lenet_layer_names_and_shapes(student, case, device):
    """LeNet is an nn.Module with exactly the contract's layers: conv1, conv2, fc1, fc2, fc3"""
    state = _state(case)
    x = torch.randn(2, 1, 32, 32, generator=case.generator)
    # Verified: the check's weights load by the contract's names, and they are what LeNet computes with.
    net, mutated = _forward_checked(student, device, state, x, "a batch of 2")
    # Claims: what the process says about its network can only cost the point.
    if student.build("probe.is_instance", net, "nn.Module").value is not True:
        claim_fail(f"your process reports that LeNet() is not an nn.Module (class LeNet(nn.Module)): "
                   f"it says it is a {net.type_name}")
    report = _reported(student, net)
    problems = _contract_problems(report) if report is not None else ["it gave no state_dict"]
    if problems:
        claim_fail("your process reports parameters that do not match the contract:\n    "
                   + "\n    ".join(problems) + f"\n{CONTRACT}")
    _unchanged_input(mutated, "a batch of 2")


@points(2)
@target("LeNet")
@hint("forward: max_pool2d(relu(conv1(x)), 2), max_pool2d(relu(conv2(x)), 2), flatten from dim 1, relu(fc1), relu(fc2), fc3 (no activation at the end).")
def check_lenet_forward_matches_reference(student, case, device):
    """LeNet with the check's weights gives the same logits as the check's own forward pass"""
    state = _state(case)
    x = torch.randn(4, 1, 32, 32, generator=case.generator)
    _, mutated = _forward_checked(student, device, state, x, "a batch of 4")
    _unchanged_input(mutated, "a batch of 4")


@points(1)
@target("LeNet")
@hint("Keep the batch dimension when flattening: torch.flatten(x, 1) or x.view(x.size(0), -1), never a fixed batch size.")
def check_lenet_batch_sizes(student, case, device):
    """LeNet works for a batch of 1 and a batch of 7"""
    state = _state(case)
    net = _build(student, device, state)
    x1 = torch.randn(1, 1, 32, 32, generator=case.generator)
    out1, mutated1 = _run(student, net, x1, "a batch of 1")
    _compare(out1, state, x1, device, "a batch of 1")
    x7 = torch.randn(7, 1, 32, 32, generator=case.generator)
    try:
        out7, mutated7 = _run(student, net, x7, "a batch of 7")
    except StudentError as e:
        if e.not_implemented:
            raise
        fail(f"your LeNet works for a batch of 1 but not for a batch of 7: {e.type_name}: "
             f"{e.message}\nKeep the batch dimension when flattening: torch.flatten(x, 1) or "
             "x.view(x.size(0), -1) (not x.view(1, -1) or x.view(-1))")
    _compare(out7, state, x7, device, "a batch of 7")
    _unchanged_input(mutated1 or mutated7, "a batch of 1 or 7")


def _expected_gradients(state, x, weights):
    """The check's own gradients of (forward(x) * weights).sum() for x and every weight."""
    s = {k: v.detach().clone().requires_grad_(True) for k, v in state.items()}
    xs = x.detach().clone().requires_grad_(True)
    (_forward(s, xs) * weights).sum().backward()
    return xs.grad, {k: v.grad for k, v in s.items()}


@points(1)
@target("LeNet")
@hint("Don't wrap forward in torch.no_grad() and don't .detach() or .item() inside it: training needs the graph.")
def check_lenet_output_is_differentiable(student, case, device):
    """Gradients flow back through LeNet's output to its input and to every weight"""
    state = _state(case)
    x = torch.randn(3, 1, 32, 32, generator=case.generator)
    net, mutated = _forward_checked(student, device, state, x, "a batch of 3")
    # Verified: backpropagate through the student's network and compare the
    # gradients that come back with the check's own.
    weights = torch.randn(3, 10, generator=case.generator)
    graph = ("loss.backward() could not reach the weights: no torch.no_grad(), .detach(), .data, "
             ".item() or rebuilding tensors inside forward")
    try:
        got = student.build("vision.backward", net, x, weights)
    except StudentError as e:
        if e.not_implemented:
            raise
        if "does not require grad" in e.message or "does not have a grad_fn" in e.message:
            fail(f"your LeNet's output is not part of the autograd graph, so {graph}")
        if "in-place operation" in e.message:
            fail(f"backpropagating through your LeNet failed: {e.type_name}: {e.message}\n"
                 "forward() changes a tensor in place that autograd needs (its input?): use "
                 "out-of-place operations, for example F.relu(x), not F.relu(x, inplace=True) "
                 "or x.relu_() on the input")
        raise
    want_x, want = _expected_gradients(state, x, weights)
    rtol, atol = _tolerances(device)
    if not isinstance(got, dict) or not isinstance(got.get("parameters"), dict):
        fail(f"backpropagating through your LeNet gave {type(got).__name__}, not gradients")
    no_grad = [k for k in SHAPES if got["parameters"].get(k) is None]
    if got.get("input") is None or no_grad:
        fail("no gradient reached " + (", ".join(no_grad) if no_grad else "the input")
             + f" through your LeNet's output: {graph}")
    assert_tensor(got["input"], want_x, rtol=rtol, atol=atol, device=None,
                  name="gradient of the input (backpropagated through your LeNet)")
    for k in SHAPES:
        assert_tensor(got["parameters"][k], want[k], rtol=rtol, atol=atol, device=None,
                      name=f"gradient of {k} (backpropagated through your LeNet)")
    _unchanged_input(mutated, "a batch of 3")


@points(1)
@target("LeNet")
@hint("Don't hard-code a dtype in forward (no x.float()): the layers decide the dtype.")
def check_lenet_float64(student, case, device):
    """LeNet converted with .double() works on float64 images"""
    state = _state(case, dtype=torch.float64)
    x = torch.randn(2, 1, 32, 32, generator=case.generator, dtype=torch.float64)
    _, mutated = _forward_checked(student, device, state, x, "a float64 batch of 2",
                                  tolerances=(1e-9, 1e-9) if device == "cpu" else (1e-6, 1e-6),
                                  double=True)
    _unchanged_input(mutated, "a float64 batch of 2")


# ----------------------------------------------------------------- conv_out_hw

def _side(n, k, s, p):
    return (n + 2 * p - k) // s + 1


# Wrong formulas, each as (h, w, k, s, p) -> (h_out, w_out), with what it means.
HW_VARIANTS = [
    (lambda h, w, k, s, p: tuple(-(-(n + 2 * p - k) // s) + 1 for n in (h, w)),
     "that rounds up; the formula rounds DOWN: use //"),
    (lambda h, w, k, s, p: tuple((n + 2 * p - k) // s for n in (h, w)),
     "the + 1 is missing: out = (size + 2*padding - k) // stride + 1"),
    (lambda h, w, k, s, p: tuple((n + p - k) // s + 1 for n in (h, w)),
     "the padding is added once; it goes on both sides: + 2*padding"),
    (lambda h, w, k, s, p: tuple((n - 2 * p - k) // s + 1 for n in (h, w)),
     "the padding is subtracted; padding makes the input bigger: + 2*padding"),
    (lambda h, w, k, s, p: tuple((n + 2 * p - k + 1) // s for n in (h, w)),
     "the + 1 belongs outside the division: (size + 2*padding - k) // stride + 1"),
    (lambda h, w, k, s, p: tuple((n + 2 * p - k) * s + 1 for n in (h, w)),
     "you multiplied by the stride; divide by it"),
    (lambda h, w, k, s, p: tuple(n + 2 * p - k + 1 for n in (h, w)),
     "the stride is ignored: divide by it"),
    (lambda h, w, k, s, p: (_side(w, k, s, p), _side(h, k, s, p)),
     "height and width are swapped: return (h_out, w_out)"),
    (lambda h, w, k, s, p: (_side(h, k, s, p), _side(h, k, s, p)),
     "both sizes are computed from h: w_out must use w"),
    (lambda h, w, k, s, p: (_side(w, k, s, p), _side(w, k, s, p)),
     "both sizes are computed from w: h_out must use h"),
]


def _ask_hw(student, h, w, k, stride=None, padding=None, *, style="positional"):
    """Call the student's conv_out_hw in one of several styles; check the result's type."""
    if style == "keywords":
        kw = {}
        if stride is not None:
            kw["stride"] = stride
        if padding is not None:
            kw["padding"] = padding
        result = student.conv_out_hw(h, w, k, **kw)
        call = f"conv_out_hw({h}, {w}, {k}" + "".join(f", {a}={b}" for a, b in kw.items()) + ")"
    elif style == "all_keywords":
        kw = {"h": h, "w": w, "k": k}
        if stride is not None:
            kw["stride"] = stride
        if padding is not None:
            kw["padding"] = padding
        result = student.conv_out_hw(**kw)
        call = "conv_out_hw(" + ", ".join(f"{a}={b}" for a, b in kw.items()) + ")"
    else:
        result = student.conv_out_hw(h, w, k, stride, padding)
        call = f"conv_out_hw({h}, {w}, {k}, {stride}, {padding})"
    s = 1 if stride is None else stride
    p = 0 if padding is None else padding
    expected = (_side(h, k, s, p), _side(w, k, s, p))
    # The formula must agree with what torch actually does.
    real = F.conv2d(torch.zeros(1, 1, h, w), torch.zeros(1, 1, k, k), stride=s, padding=p).shape[-2:]
    if tuple(real) != expected:
        raise RuntimeError(f"check bug: formula {expected} disagrees with torch {tuple(real)}")
    if isinstance(result, list) and len(result) == 2:
        fail(f"{call} returned a list {result!r}; return a tuple: (h_out, w_out)")
    if not isinstance(result, tuple) or len(result) != 2:
        fail(f"{call} should return a tuple of two ints, but it returned {result!r}")
    for name, value in zip(("h_out", "w_out"), result):
        if isinstance(value, float):
            fail(f"{call} returned {result!r}: {name} is a float; use // (integer division) "
                 "so that the sizes are ints")
        if isinstance(value, bool) or not isinstance(value, int):
            fail(f"{call} returned {result!r}: {name} should be a Python int, not "
                 f"{type(value).__name__}")
    return dict(args=(h, w, k, s, p), call=call, result=tuple(int(v) for v in result),
                expected=expected)


def _judge(answers):
    """Fail on the first wrong answer, naming a mistake that explains ALL the answers."""
    wrong = [a for a in answers if a["result"] != a["expected"]]
    if not wrong:
        return
    first = wrong[0]
    for formula, message in HW_VARIANTS:
        if all(formula(*a["args"]) == a["result"] for a in answers):
            fail(f"{first['call']} returned {first['result']}, expected {first['expected']}: {message}")
    fail(f"{first['call']} returned {first['result']}, expected {first['expected']}"
         + (f" ({len(wrong)} of {len(answers)} cases were wrong)" if len(answers) > 1 else ""))


@points(1)
@target("conv_out_hw")
@hint("Every case here has height != width, and some sizes where (size + 2*padding - k) is not a multiple of the stride.")
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
        answers.append(_ask_hw(student, h, w, k, stride, padding,
                               style=("positional", "keywords", "all_keywords")[i % 3]))
    _judge(answers)


@points(1)
@target("conv_out_hw")
@hint("def conv_out_hw(h, w, k, stride=1, padding=0): return a tuple of two ints.")
def check_conv_out_hw_lenet_sizes_and_defaults(student):
    """conv_out_hw() traces LeNet's sizes, uses the defaults stride=1, padding=0 and returns ints"""
    answers = [
        _ask_hw(student, 32, 32, 5, style="keywords"),                          # conv1: 32 -> 28
        _ask_hw(student, 28, 28, 2, stride=2, style="keywords"),                # pool: 28 -> 14
        _ask_hw(student, 14, 14, 5, style="keywords"),                          # conv2: 14 -> 10
        _ask_hw(student, 10, 10, 2, 2, 0),                                      # pool: 10 -> 5
        _ask_hw(student, 28, 28, 5, padding=2, style="all_keywords"),           # 'same' padding
        _ask_hw(student, 9, 4, 3, stride=2, style="keywords"),
    ]
    _judge(answers)
