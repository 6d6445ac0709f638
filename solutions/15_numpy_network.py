"""Reference solution: a two-layer sigmoid network in plain NumPy."""
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward_np(X, W1, b1, W2, b2):
    h = sigmoid(X @ W1 + b1)
    out = sigmoid(h @ W2 + b2)
    cache = (X, W1, W2, h, out)
    return out, cache


def backward_np(dout, cache):
    X, W1, W2, h, out = cache
    dz2 = dout * out * (1 - out)          # through the output sigmoid
    dW2 = h.T @ dz2
    db2 = dz2.sum(axis=0)
    dh = dz2 @ W2.T
    dz1 = dh * h * (1 - h)                # through the hidden sigmoid
    dW1 = X.T @ dz1
    db1 = dz1.sum(axis=0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def sgd_step_np(params, grads, lr):
    return {name: params[name] - lr * grads[name] for name in params}
