"""Hidden checks for forward_np (NumPy only; expected values by float64 torch here)."""
# ---------------------------------------------------------------------------
# Helpers (trusted check code; duplicated in each check file on purpose so
# that every file stands alone).
# ---------------------------------------------------------------------------
import itertools

import numpy as np
import torch

from grader.checks import CheckFailure, fail  # noqa: E402

PARAM_NAMES = ("W1", "b1", "W2", "b2")
PARAM_SHAPES = {"W1": "(D, H)", "b1": "(H,)", "W2": "(H, K)", "b2": "(K,)"}


def make_case(case, dtype=np.float64, n=None):
    """Seeded inputs with distinct sizes N, D, H, K (so a transpose shows)."""
    N = case.size("n") if n is None else n
    D, H, K = case.size("d"), case.size("h"), case.size("k")
    rng = case.np_rng
    X = rng.standard_normal((N, D))
    W1 = rng.standard_normal((D, H)) / np.sqrt(D)
    b1 = 0.5 * rng.standard_normal(H)
    W2 = rng.standard_normal((H, K)) / np.sqrt(H)
    b2 = 0.5 * rng.standard_normal(K)
    dout = rng.standard_normal((N, K))
    arrays = [np.ascontiguousarray(a, dtype=dtype) for a in (X, W1, b1, W2, b2, dout)]
    return arrays


def torch_reference(X, W1, b1, W2, b2, dout):
    """out and the four gradients, by float64 autograd in this (trusted) process."""
    t = {name: torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)
         for name, a in zip(PARAM_NAMES, (W1, b1, W2, b2))}
    x = torch.tensor(np.asarray(X, dtype=np.float64))
    with torch.enable_grad():
        out = torch.sigmoid(torch.sigmoid(x @ t["W1"] + t["b1"]) @ t["W2"] + t["b2"])
        out.backward(torch.tensor(np.asarray(dout, dtype=np.float64)))
    return out.detach().numpy(), {k: t[k].grad.numpy() for k in PARAM_NAMES}


def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


_DERIV = {
    "right": lambda z, a: a * (1 - a),
    "missing": lambda z, a: np.ones_like(a),
    "pre": lambda z, a: z * (1 - z),
    "double": lambda z, a: _sig(a) * (1 - _sig(a)),
}
_DERIV_TEXT = {
    "missing": "the sigmoid derivative a*(1-a) is missing at the {layer} layer",
    "pre": "at the {layer} layer you used z*(1-z) with the pre-activation z; "
           "the sigmoid derivative is a*(1-a) where a = sigmoid(z) is the layer's output",
    "double": "at the {layer} layer you applied sigmoid once more inside the derivative "
              "(sigmoid(a)*(1-sigmoid(a))); a is already sigmoid(z), so use a*(1-a)",
}
_DERIV_TEXT_ZH = {
    "missing": "{layer}缺少 sigmoid 的导数 a*(1-a)",
    "pre": "{layer}用了激活前的 z 来算 z*(1-z)；sigmoid 的导数是 a*(1-a)，其中 a = sigmoid(z) 是该层的输出",
    "double": "{layer}在导数里又多套了一次 sigmoid（sigmoid(a)*(1-sigmoid(a))）；a 已经是 sigmoid(z) 了，应使用 a*(1-a)",
}
_LAYER_ZH = {"output": "输出层", "hidden": "隐藏层"}


def _numpy_grads(X, W1, b1, W2, b2, dout, out_d, hid_d, bias, scale):
    z1 = X @ W1 + b1
    h = _sig(z1)
    z2 = h @ W2 + b2
    out = _sig(z2)
    dz2 = dout * _DERIV[out_d](z2, out)
    dh = dz2 @ W2.T
    dz1 = dh * _DERIV[hid_d](z1, h)
    red = (lambda a: a.sum(axis=0)) if bias == "sum" else (lambda a: a.mean(axis=0))
    g = {"W1": X.T @ dz1, "b1": red(dz1), "W2": h.T @ dz2, "b2": red(dz2)}
    return {k: v * scale for k, v in g.items()}


def wrong_variants(X, W1, b1, W2, b2, dout):
    """(description, description in Chinese, grads) for the common mistakes, computed here in NumPy."""
    with np.errstate(all="ignore"):
        return _wrong_variants(X, W1, b1, W2, b2, dout)


def _wrong_variants(X, W1, b1, W2, b2, dout):
    arrays = [np.asarray(a, dtype=np.float64) for a in (X, W1, b1, W2, b2, dout)]
    N = X.shape[0]
    out = []
    for out_d, hid_d, bias in itertools.product(_DERIV, _DERIV, ("sum", "mean")):
        what, what_zh = [], []
        for d, layer in ((out_d, "output"), (hid_d, "hidden")):
            if d != "right":
                what.append(_DERIV_TEXT[d].format(layer=layer))
                what_zh.append(_DERIV_TEXT_ZH[d].format(layer=_LAYER_ZH[layer]))
        if bias == "mean":
            what.append("the bias gradient is a mean over the batch; it must be the sum "
                        "over the batch (axis 0), because b is added to every row")
            what_zh.append("偏置的梯度是在批次上求的平均；它必须是在批次维度（axis 0）上的求和，"
                           "因为 b 加到了每一行上")
        if what:
            out.append(("; ".join(what), "；".join(what_zh),
                        _numpy_grads(*arrays, out_d, hid_d, bias, 1.0)))
    right = _numpy_grads(*arrays, "right", "right", "sum", 1.0)
    if N > 1:
        out.append(("every gradient is divided by the batch size N; dout already carries any "
                    "averaging of the loss, so do not divide again",
                    "每个梯度都除以了批次大小 N；损失里的平均已经包含在 dout 中了，不要再除一次",
                    {k: v / N for k, v in right.items()}))
    out.append(("every gradient has the wrong sign", "每个梯度的符号都反了",
                {k: -v for k, v in right.items()}))
    return out


def forward_variants(X, W1, b1, W2, b2):
    """(description, description in Chinese, out) for the common forward mistakes, computed here in NumPy."""
    X, W1, b1, W2, b2 = (np.asarray(a, dtype=np.float64) for a in (X, W1, b1, W2, b2))
    with np.errstate(all="ignore"):
        return [
            ("you forgot the sigmoid on the output layer (out must be sigmoid(h @ W2 + b2))",
             "输出层忘了 sigmoid（out 必须是 sigmoid(h @ W2 + b2)）",
             _sig(X @ W1 + b1) @ W2 + b2),
            ("you forgot the sigmoid on the hidden layer (h must be sigmoid(X @ W1 + b1))",
             "隐藏层忘了 sigmoid（h 必须是 sigmoid(X @ W1 + b1)）",
             _sig((X @ W1 + b1) @ W2 + b2)),
            ("you left out b2", "漏掉了 b2", _sig(_sig(X @ W1 + b1) @ W2)),
            ("you left out b1", "漏掉了 b1", _sig(_sig(X @ W1) @ W2 + b2)),
            ("your sigmoid is 1 / (1 + exp(z)); it must be 1 / (1 + exp(-z))",
             "你的 sigmoid 写成了 1 / (1 + exp(z))；它必须是 1 / (1 + exp(-z))",
             _sig(-(_sig(-(X @ W1 + b1)) @ W2 + b2))),
        ]


def rel_error(actual, expected):
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if actual.size == 0:
        return 0.0
    scale = max(float(np.max(np.abs(expected))), 1e-12)
    return float(np.max(np.abs(actual - expected))) / scale


def _shape_diagnosis(actual, expected, what):
    """(diagnosis, Chinese diagnosis) of a shape mismatch; the shapes go to evidence."""
    a, e = tuple(actual), tuple(expected)
    if len(a) == 2 and len(e) == 2 and a == e[::-1] and a != e:
        return (f"{what} has the wrong shape: it is transposed. "
                "For Y = A @ W the weight gradient is A.T @ dY (inputs of the layer, "
                "transposed, times the upstream gradient).",
                f"{what} 的形状不对：它是转置的。对 Y = A @ W，权重的梯度是 A.T @ dY"
                "（该层输入的转置乘以上游梯度）。")
    if len(e) == 1 and a == (1,) + e:
        return (f"{what} has the wrong shape: you kept the summed axis "
                "(keepdims=True). Sum over axis 0 without keepdims.",
                f"{what} 的形状不对：你保留了求和的那个维度（keepdims=True）。"
                "在 axis 0 上求和，不要 keepdims。")
    if len(e) == 1 and len(a) == 2 and a[1:] == e:
        return (f"{what} has the wrong shape: it still has one row per sample. "
                "A bias is added to every row, so its gradient is summed over the batch: "
                ".sum(axis=0).",
                f"{what} 的形状不对：它仍然每个样本一行。偏置加到了每一行上，"
                "所以它的梯度要在批次上求和：.sum(axis=0)。")
    if len(e) == 1 and a == ():
        return (f"{what} is a single number but should be a vector: sum over axis 0 "
                "only (.sum(axis=0)), not over everything.",
                f"{what} 是一个数，但应当是一个向量：只在 axis 0 上求和（.sum(axis=0)），"
                "不要对所有元素求和。")
    return (f"{what} has the wrong shape.", f"{what} 的形状不对。")


def assert_array(actual, expected, what, *, dtype=None, tol=1e-7, variants=()):
    """ndarray type, shape (with a diagnosis), dtype, then values by relative error.

    variants: (description, description in Chinese, candidate) for the usual mistakes."""
    if type(actual) is not np.ndarray:
        # A handle's type name is the student's process's account: fine in evidence.
        kind = getattr(actual, "type_name", None) if type(actual).__name__ == "Handle" else None
        kind = f"an object of type {kind} (not a plain ndarray)" if kind else type(actual).__name__
        if "Tensor" in kind:
            fail(f"{what} should be a numpy.ndarray, not a torch tensor: this exercise is NumPy only.",
                 zh=f"{what} 应当是 numpy.ndarray，而不是 torch 张量：本练习只能用 NumPy。",
                 evidence=f"got {kind}")
        fail(f"{what} should be a numpy.ndarray.", zh=f"{what} 应当是 numpy.ndarray。",
             evidence=f"got {kind}")
    expected = np.asarray(expected)
    if actual.shape != expected.shape:
        en, zh = _shape_diagnosis(actual.shape, expected.shape, what)
        fail(en, zh=zh, evidence=f"{what}: shape {tuple(actual.shape)}, expected {tuple(expected.shape)}")
    want = np.dtype(dtype) if dtype is not None else expected.dtype
    if actual.dtype != want:
        fail(f"{what} does not have the dtype of the inputs. "
             "Do not convert: plain NumPy operations on the inputs keep their dtype.",
             zh=f"{what} 的数据类型与输入不同。不要转换：直接对输入做 NumPy 运算会保持它们的数据类型。",
             evidence=f"{what}: dtype {actual.dtype}, expected {want}")
    if not np.all(np.isfinite(actual)):
        fail(f"{what} contains nan or inf values.", zh=f"{what} 中含有 nan 或 inf。")
    err = rel_error(actual, expected)
    if err <= tol:
        return
    for text, text_zh, cand in variants:
        if np.shape(cand) == actual.shape and rel_error(actual, cand) <= max(tol, 1e-6):
            fail(f"{what} is wrong: {text}.", zh=f"{what} 不对：{text_zh}。")
    idx = np.unravel_index(int(np.argmax(np.abs(actual.astype(np.float64) - expected))), actual.shape)
    fail(f"{what} is wrong: its relative error is above the allowed tolerance.",
         zh=f"{what} 不对：相对误差超出了允许的范围。",
         evidence=f"relative error {err:.2e} (allowed {tol:.0e}); "
                  f"worst at index {tuple(int(i) for i in idx)}: expected {float(expected[idx]):.6g}, "
                  f"got {float(actual[idx]):.6g}")


def call_forward(student, X, W1, b1, W2, b2):
    res = student.forward_np(X, W1, b1, W2, b2)
    if not isinstance(res, (tuple, list)) or len(res) != 2:
        fail("forward_np must return a pair (out, cache), e.g. `return out, (X, h, out)`.",
             zh="forward_np 必须返回二元组 (out, cache)，例如 `return out, (X, h, out)`。",
             evidence=f"got {type(res).__name__}"
             + (f" of length {len(res)}" if isinstance(res, (tuple, list)) else ""))
    return res[0], res[1]


def assert_grads(grads, expected, *, dtype=None, tol=1e-7, variants=(), names=PARAM_NAMES):
    if not isinstance(grads, dict):
        fail("backward_np must return a dict {'W1': ..., 'b1': ..., 'W2': ..., 'b2': ...}.",
             zh="backward_np 必须返回字典 {'W1': ..., 'b1': ..., 'W2': ..., 'b2': ...}。",
             evidence=f"got {type(grads).__name__}")
    keys = set(grads)
    if keys != set(PARAM_NAMES):
        missing = sorted(set(PARAM_NAMES) - keys, key=str)
        extra = sorted(keys - set(PARAM_NAMES), key=str)
        parts = []
        if missing:
            parts.append(f"missing keys {missing}")
        if extra:
            parts.append(f"unexpected keys {extra}")
        fail("the gradient dict must have exactly the keys 'W1', 'b1', 'W2', 'b2'.",
             zh="梯度字典必须恰好包含 'W1'、'b1'、'W2'、'b2' 这四个键。",
             evidence=", ".join(parts))
    for name in names:
        assert_array(grads[name], expected[name], f"grads['{name}']", dtype=dtype, tol=tol,
                    variants=[(text, text_zh, g[name]) for text, text_zh, g in variants])
from grader.checks import hint, points, target, title  # noqa: E402


@points(2)
@target("forward_np")
@hint("out = sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2), with sigmoid(z) = 1 / (1 + np.exp(-z)).",
      zh="out = sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2)，其中 sigmoid(z) = 1 / (1 + np.exp(-z))。")
@title(zh="对随机 float64 输入调用 forward_np（N、D、H、K 各不相同）")
def check_forward_random_float64(student, case):
    """forward_np on random float64 inputs with distinct N, D, H, K"""
    X, W1, b1, W2, b2, _ = make_case(case)
    out, _cache = call_forward(student, X, W1, b1, W2, b2)
    expected, _ = torch_reference(X, W1, b1, W2, b2, np.zeros((X.shape[0], W2.shape[1])))
    variants = forward_variants(X, W1, b1, W2, b2)
    assert_array(out, expected, "out", tol=1e-7, variants=variants)


@points(1)
@target("forward_np")
@hint("Do not convert to float64: NumPy operations on float32 arrays stay float32.",
      zh="不要转换成 float64：对 float32 数组做 NumPy 运算，结果仍然是 float32。")
@title(zh="forward_np 对 float32 输入保持 float32")
def check_forward_float32(student, case):
    """forward_np keeps float32 inputs float32"""
    X, W1, b1, W2, b2, _ = make_case(case, dtype=np.float32)
    out, _cache = call_forward(student, X, W1, b1, W2, b2)
    expected, _ = torch_reference(X, W1, b1, W2, b2, np.zeros((X.shape[0], W2.shape[1])))
    assert_array(out, expected, "out", dtype=np.float32, tol=1e-5,
                 variants=forward_variants(X, W1, b1, W2, b2))


@points(1)
@target("forward_np")
@hint("With N = 0 rows, X @ W1 has shape (0, H): plain matrix code needs no special case.",
      zh="N = 0 行时，X @ W1 的形状是 (0, H)：普通的矩阵代码不需要特殊处理。")
@title(zh="对空批次（N = 0）调用 forward_np，得到空的 (0, K) 结果")
def check_forward_empty_batch(student, case):
    """forward_np on an empty batch (N = 0) gives an empty (0, K) result"""
    X, W1, b1, W2, b2, _ = make_case(case, n=0)
    out, _cache = call_forward(student, X, W1, b1, W2, b2)
    assert_array(out, np.zeros((0, W2.shape[1])), "out")
