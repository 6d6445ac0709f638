"""Mutant of exercise 15: forward converts everything to float64 (float32 inputs come back float64)."""
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward_np(X, W1, b1, W2, b2):
    X, W1, b1, W2, b2 = (np.asarray(a, dtype=np.float64) for a in (X, W1, b1, W2, b2))
    h = sigmoid(X @ W1 + b1)
    out = sigmoid(h @ W2 + b2)
    return out, (X, W2, h, out)


def backward_np(dout, cache):
    X, W2, h, out = cache
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
