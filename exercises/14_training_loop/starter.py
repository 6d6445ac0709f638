"""14 - The training loop.

Read the instructions with `grade show 14` (or `grade show 14 --lang zh`),
then grade your work with `grade exercise 14`.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def train_epoch(model, loader, loss_fn, optimizer):
    """Train `model` for one epoch (one pass over `loader`).

    For every batch (xb, yb) of the loader: zero the gradients, compute the
    loss of model(xb) against yb with loss_fn, backpropagate, and take one
    optimizer step. Return the mean of the batch losses as a Python float.
    """
    raise NotImplementedError


def fit_line(x, y, optimizer_name, lr, epochs):
    """Fit y ~ slope * x + intercept with a fresh nn.Linear(1, 1).

    x, y: float tensors of shape (N,). Start from weight = bias = 0, then run
    `epochs` full-batch steps (the whole data set at once) minimising the mean
    squared error with the named optimizer:
    'sgd' (SGD), 'momentum' (SGD with momentum=0.9), 'rmsprop' (RMSprop),
    'adam' (Adam), each with learning rate `lr` and otherwise default settings.
    Return (slope, intercept) as two Python floats.

    >>> x = torch.linspace(-1, 1, 8)
    >>> fit_line(x, 2 * x + 1, "sgd", 0.1, 300)     # about (2.0, 1.0)
    """
    raise NotImplementedError
