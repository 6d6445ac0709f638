"""Mutant of exercise 15: derivative written as sigmoid(a)*(1-sigmoid(a)) on the activation a."""
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward_np(X, W1, b1, W2, b2):
    h = sigmoid(X @ W1 + b1)
    out = sigmoid(h @ W2 + b2)
    return out, (X, W2, h, out)


def backward_np(dout, cache):
    X, W2, h, out = cache
    dz2 = dout * sigmoid(out) * (1 - sigmoid(out))
    dW2 = h.T @ dz2
    db2 = dz2.sum(axis=0)
    dh = dz2 @ W2.T
    dz1 = dh * sigmoid(h) * (1 - sigmoid(h))
    dW1 = X.T @ dz1
    db1 = dz1.sum(axis=0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def sgd_step_np(params, grads, lr):
    return {name: params[name] - lr * grads[name] for name in params}
