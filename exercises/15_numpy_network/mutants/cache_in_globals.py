"""Mutant of exercise 15: forward keeps its values in globals, backward ignores the cache."""
import numpy as np

_saved = {}


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward_np(X, W1, b1, W2, b2):
    h = sigmoid(X @ W1 + b1)
    out = sigmoid(h @ W2 + b2)
    _saved.update(X=X, W2=W2, h=h, out=out)
    return out, None


def backward_np(dout, cache):
    X, W2, h, out = _saved["X"], _saved["W2"], _saved["h"], _saved["out"]
    dz2 = dout * out * (1 - out)
    dW2 = h.T @ dz2
    db2 = dz2.sum(axis=0)
    dh = dz2 @ W2.T
    dz1 = dh * h * (1 - h)
    dW1 = X.T @ dz1
    db1 = dz1.sum(axis=0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def sgd_step_np(params, grads, lr):
    return {name: params[name] - lr * grads[name] for name in params}
