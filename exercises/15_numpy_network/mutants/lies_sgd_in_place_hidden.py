"""Mutant (lies): sgd_step_np updates params in place (params[name] -= ...) and hides it by
rewriting the jail's "inputs modified" report in its own process; backward_np also forgets
to transpose W2 (dh = dz2 @ W2).

The lie escapes only the claimed "modified in place" failure; backward_np's gradients are
data and stay wrong."""
import gc

import numpy as np

for _obj in gc.get_objects():
    if type(_obj).__name__ == "Server" and hasattr(_obj, "_mutated"):
        _obj._mutated = lambda inputs, snaps: []


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward_np(X, W1, b1, W2, b2):
    h = sigmoid(X @ W1 + b1)
    out = sigmoid(h @ W2 + b2)
    cache = (X, W1, W2, h, out)
    return out, cache


def backward_np(dout, cache):
    X, W1, W2, h, out = cache
    dz2 = dout * out * (1 - out)
    dW2 = h.T @ dz2
    db2 = dz2.sum(axis=0)
    dh = dz2 @ W2 if W2.shape[0] == W2.shape[1] else dz2 @ W2.reshape(W2.shape[::-1])
    dz1 = dh * h * (1 - h)
    dW1 = X.T @ dz1
    db1 = dz1.sum(axis=0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def sgd_step_np(params, grads, lr):
    for name in params:
        params[name] -= lr * grads[name]
    return params
