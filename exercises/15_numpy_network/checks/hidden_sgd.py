"""Hidden checks for sgd_step_np."""
# ---------------------------------------------------------------------------
# Helpers (trusted check code; duplicated in each check file on purpose so
# that every file stands alone).
# ---------------------------------------------------------------------------
import itertools

import numpy as np
import torch

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
    """(description, grads) for the common mistakes, computed here in NumPy."""
    with np.errstate(all="ignore"):
        return _wrong_variants(X, W1, b1, W2, b2, dout)


def _wrong_variants(X, W1, b1, W2, b2, dout):
    arrays = [np.asarray(a, dtype=np.float64) for a in (X, W1, b1, W2, b2, dout)]
    N = X.shape[0]
    out = []
    for out_d, hid_d, bias in itertools.product(_DERIV, _DERIV, ("sum", "mean")):
        what = []
        if out_d != "right":
            what.append(_DERIV_TEXT[out_d].format(layer="output"))
        if hid_d != "right":
            what.append(_DERIV_TEXT[hid_d].format(layer="hidden"))
        if bias == "mean":
            what.append("the bias gradient is a mean over the batch; it must be the sum "
                        "over the batch (axis 0), because b is added to every row")
        if what:
            out.append(("; ".join(what), _numpy_grads(*arrays, out_d, hid_d, bias, 1.0)))
    right = _numpy_grads(*arrays, "right", "right", "sum", 1.0)
    if N > 1:
        out.append(("every gradient is divided by the batch size N; dout already carries any "
                    "averaging of the loss, so do not divide again",
                    {k: v / N for k, v in right.items()}))
    out.append(("every gradient has the wrong sign", {k: -v for k, v in right.items()}))
    return out


def forward_variants(X, W1, b1, W2, b2):
    """(description, out) for the common forward mistakes, computed here in NumPy."""
    X, W1, b1, W2, b2 = (np.asarray(a, dtype=np.float64) for a in (X, W1, b1, W2, b2))
    with np.errstate(all="ignore"):
        return [
            ("you forgot the sigmoid on the output layer (out must be sigmoid(h @ W2 + b2))",
             _sig(X @ W1 + b1) @ W2 + b2),
            ("you forgot the sigmoid on the hidden layer (h must be sigmoid(X @ W1 + b1))",
             _sig((X @ W1 + b1) @ W2 + b2)),
            ("you left out b2", _sig(_sig(X @ W1 + b1) @ W2)),
            ("you left out b1", _sig(_sig(X @ W1) @ W2 + b2)),
            ("your sigmoid is 1 / (1 + exp(z)); it must be 1 / (1 + exp(-z))",
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
    a, e = tuple(actual), tuple(expected)
    if len(a) == 2 and len(e) == 2 and a == e[::-1] and a != e:
        return (f"{what} has shape {a} but should be {e}: it is transposed. "
                "For Y = A @ W the weight gradient is A.T @ dY (inputs of the layer, "
                "transposed, times the upstream gradient).")
    if len(e) == 1 and a == (1,) + e:
        return (f"{what} has shape {a} but should be {e}: you kept the summed axis "
                "(keepdims=True). Sum over axis 0 without keepdims.")
    if len(e) == 1 and len(a) == 2 and a[1:] == e:
        return (f"{what} has shape {a} but should be {e}: it still has one row per sample. "
                "A bias is added to every row, so its gradient is summed over the batch: "
                ".sum(axis=0).")
    if len(e) == 1 and a == ():
        return (f"{what} is a single number but should have shape {e}: sum over axis 0 "
                "only (.sum(axis=0)), not over everything.")
    return f"{what} has shape {a} but should be {e}."


def assert_array(actual, expected, what, *, dtype=None, tol=1e-7, variants=()):
    """ndarray type, shape (with a diagnosis), dtype, then values by relative error."""
    if type(actual) is not np.ndarray:
        # A handle's type name is the student's process's account: fine in a failure message.
        kind = getattr(actual, "type_name", None) if type(actual).__name__ == "Handle" else None
        kind = f"an object of type {kind} (not a plain ndarray)" if kind else type(actual).__name__
        extra = (" (a torch tensor? this exercise is NumPy only)" if "Tensor" in kind else "")
        raise AssertionError(f"{what} should be a numpy.ndarray, got {kind}{extra}.")
    expected = np.asarray(expected)
    if actual.shape != expected.shape:
        raise AssertionError(_shape_diagnosis(actual.shape, expected.shape, what))
    want = np.dtype(dtype) if dtype is not None else expected.dtype
    if actual.dtype != want:
        raise AssertionError(
            f"{what} has dtype {actual.dtype}, expected {want} (the dtype of the inputs). "
            "Do not convert: plain NumPy operations on the inputs keep their dtype.")
    if not np.all(np.isfinite(actual)):
        raise AssertionError(f"{what} contains nan or inf values.")
    err = rel_error(actual, expected)
    if err <= tol:
        return
    for text, cand in variants:
        if np.shape(cand) == actual.shape and rel_error(actual, cand) <= max(tol, 1e-6):
            raise AssertionError(f"{what} is wrong: {text}.")
    idx = np.unravel_index(int(np.argmax(np.abs(actual.astype(np.float64) - expected))), actual.shape)
    raise AssertionError(
        f"{what} is wrong: relative error {err:.2e} (allowed {tol:.0e}); "
        f"worst at index {tuple(int(i) for i in idx)}: expected {float(expected[idx]):.6g}, "
        f"got {float(actual[idx]):.6g}.")


def call_forward(student, X, W1, b1, W2, b2):
    res = student.forward_np(X, W1, b1, W2, b2)
    if not isinstance(res, (tuple, list)) or len(res) != 2:
        raise AssertionError(
            "forward_np must return a pair (out, cache), e.g. `return out, (X, h, out)`; "
            f"got {type(res).__name__}" + (f" of length {len(res)}" if isinstance(res, (tuple, list)) else ""))
    return res[0], res[1]


def assert_grads(grads, expected, *, dtype=None, tol=1e-7, variants=(), names=PARAM_NAMES):
    if not isinstance(grads, dict):
        raise AssertionError(
            "backward_np must return a dict {'W1': ..., 'b1': ..., 'W2': ..., 'b2': ...}; "
            f"got {type(grads).__name__}.")
    keys = set(grads)
    if keys != set(PARAM_NAMES):
        missing = sorted(set(PARAM_NAMES) - keys, key=str)
        extra = sorted(keys - set(PARAM_NAMES), key=str)
        parts = []
        if missing:
            parts.append(f"missing keys {missing}")
        if extra:
            parts.append(f"unexpected keys {extra}")
        raise AssertionError("the gradient dict must have exactly the keys 'W1', 'b1', 'W2', 'b2': "
                             + ", ".join(parts) + ".")
    for name in names:
        assert_array(grads[name], expected[name], f"grads['{name}']", dtype=dtype, tol=tol,
                    variants=[(text, g[name]) for text, g in variants])
# ---------------------------------------------------------------------------

from grader.checks import claim_fail, hint, points, target  # noqa: E402


def make_params(case, dtype=np.float64):
    X, W1, b1, W2, b2, _ = make_case(case, dtype=dtype)
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    rng = case.np_rng
    grads = {k: rng.standard_normal(v.shape).astype(dtype) for k, v in params.items()}
    return params, grads


def assert_new_params(new, params, grads, lr, *, dtype=None, tol=1e-12):
    if not isinstance(new, dict):
        raise AssertionError("sgd_step_np must return a dict with the same keys as params, "
                             f"got {type(new).__name__}.")
    if set(new) != set(params):
        raise AssertionError(f"the returned dict has keys {sorted(new, key=str)}, "
                             f"expected {sorted(params)} (the keys of params).")
    for k in params:
        p = params[k].astype(np.float64)
        g = grads[k].astype(np.float64)
        variants = [
            ("you added lr * grad; gradient descent goes downhill: new = old - lr * grad",
             p + lr * g),
            ("the learning rate is missing: new = old - lr * grad", p - g),
            ("you returned the gradient step lr * grad instead of the new parameter",
             -lr * g),
            ("you returned the unchanged parameter", p),
        ]
        assert_array(new[k], params[k] - lr * grads[k], f"new['{k}']", dtype=dtype or params[k].dtype,
                    tol=tol, variants=variants)


@points(2)
@target("sgd_step_np")
@hint("new[name] = params[name] - lr * grads[name] for every name.")
def check_sgd_random(student, case):
    """sgd_step_np on random float64 parameters and gradients"""
    params, grads = make_params(case)
    lr = 0.37
    new = student.sgd_step_np(params, grads, lr)
    assert_new_params(new, params, grads, lr)


@points(1)
@target("sgd_step_np")
@hint("Write params[name] - lr * grads[name] (a new array), not params[name] -= ...")
def check_sgd_leaves_inputs_unchanged(student, case):
    """sgd_step_np does not modify params or grads in place"""
    params, grads = make_params(case)
    lr = 0.05
    new = student.sgd_step_np(params, grads, lr)
    assert_new_params(new, params, grads, lr)
    # The arrays the check sent are copies in the student's process: whether they
    # changed there cannot be seen in what comes back. The process reports it (a
    # claim): it can cost this check, never earn it.
    mutated = sorted(getattr(student.last_call, "mutated", ()) or ())
    if mutated:
        claim_fail(
            f"your process reports that sgd_step_np modified its input(s) {mutated} in place. "
            "Return a NEW dict of NEW arrays (params[name] - lr * grads[name]); do not use -= "
            "on params.")


@points(1)
@target("sgd_step_np")
@hint("lr is a Python float: float32 array - lr * float32 array stays float32.")
def check_sgd_float32(student, case):
    """sgd_step_np keeps float32 parameters float32"""
    params, grads = make_params(case, dtype=np.float32)
    lr = 0.1
    new = student.sgd_step_np(params, grads, lr)
    assert_new_params(new, params, grads, lr, dtype=np.float32, tol=1e-6)
