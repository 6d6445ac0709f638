"""Mutant (lies): backward_np averages the bias gradients over the batch (they must be
summed), and returns its gradients as an ndarray subclass whose comparisons always say
"equal" and whose allclose/array_equal agree (numpy patched in its own process).

Only plain arrays travel as data; the check compares them in its own process, so the
subclass comes back as an object, not as an array that passes."""
import numpy as np


class AlwaysEqual(np.ndarray):
    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)

    def __ne__(self, other):
        return np.zeros(self.shape, dtype=bool)

    __hash__ = None


np.allclose = lambda *args, **kwargs: True
np.array_equal = lambda *args, **kwargs: True


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
    db2 = dz2.mean(axis=0)
    dh = dz2 @ W2.T
    dz1 = dh * h * (1 - h)
    dW1 = X.T @ dz1
    db1 = dz1.mean(axis=0)
    grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    return {k: v.view(AlwaysEqual) for k, v in grads.items()}


def sgd_step_np(params, grads, lr):
    return {name: params[name] - lr * grads[name] for name in params}
