"""Mutant of exercise 15: sigmoid derivative computed from the pre-activation z (z*(1-z))."""
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward_np(X, W1, b1, W2, b2):
    z1 = X @ W1 + b1
    h = sigmoid(z1)
    z2 = h @ W2 + b2
    out = sigmoid(z2)
    return out, (X, W2, z1, h, z2)


def backward_np(dout, cache):
    X, W2, z1, h, z2 = cache
    dz2 = dout * z2 * (1 - z2)
    dW2 = h.T @ dz2
    db2 = dz2.sum(axis=0)
    dh = dz2 @ W2.T
    dz1 = dh * z1 * (1 - z1)
    dW1 = X.T @ dz1
    db1 = dz1.sum(axis=0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def sgd_step_np(params, grads, lr):
    return {name: params[name] - lr * grads[name] for name in params}
