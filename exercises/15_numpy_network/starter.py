"""Exercise 15: a two-layer network in plain NumPy (no torch allowed).

    out = sigmoid( sigmoid(X @ W1 + b1) @ W2 + b2 )

Shapes: X (N, D), W1 (D, H), b1 (H,), W2 (H, K), b2 (K,), out (N, K).
Every argument and every result is a NumPy array (or a dict of them).
"""
import numpy as np


def forward_np(X, W1, b1, W2, b2):
    """Forward pass.

    Returns a pair ``(out, cache)``:
      * ``out``: array of shape (N, K), same dtype as X;
      * ``cache``: whatever your backward_np needs later (for instance a
        tuple of arrays). The grader hands it back to backward_np untouched.
    """
    raise NotImplementedError


def backward_np(dout, cache):
    """Backward pass.

    ``dout`` is dL/dout, an array of shape (N, K); ``cache`` is the second
    thing your forward_np returned. Returns a dict with exactly the keys
    'W1', 'b1', 'W2', 'b2', each the gradient of L with respect to that
    parameter, with the same shape as the parameter.
    Must not modify ``dout`` or the arrays in ``cache``.
    """
    raise NotImplementedError


def sgd_step_np(params, grads, lr):
    """One step of plain gradient descent: new = old - lr * grad.

    ``params`` and ``grads`` are dicts with the same keys ('W1', 'b1', 'W2',
    'b2'). Returns a NEW dict of NEW arrays; ``params`` and ``grads`` must
    be left unchanged (no in-place updates such as ``-=``).
    """
    raise NotImplementedError
