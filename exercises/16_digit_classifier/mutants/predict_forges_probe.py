"""Mutant of exercise 16: predict forges the eval/no_grad probes.

It calls the model's forward pre-hooks itself with a fake module in eval mode
under no_grad, then runs model.forward directly, in whatever mode the model is
in and with gradients enabled. Every probe says "eval, no grad"; the outputs say
otherwise.
"""
import torch
from torch import nn
import torch.nn.functional as F

BATCH_SIZE = 32


def build_classifier():
    return nn.Sequential(
        nn.Flatten(),            # (N, 1, 8, 8) -> (N, 64)
        nn.Linear(64, 64),
        nn.ReLU(),
        nn.Linear(64, 10),       # 10 logits, no softmax
    )


def train_classifier(model, X, y, epochs, lr, seed):
    g = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    model.train()
    epoch_losses = []
    for _ in range(epochs):
        perm = torch.randperm(len(X), generator=g)
        batch_losses = []
        for start in range(0, len(X), BATCH_SIZE):
            idx = perm[start:start + BATCH_SIZE]
            loss = F.cross_entropy(model(X[idx]), y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        epoch_losses.append(sum(batch_losses) / len(batch_losses))
    return epoch_losses


class _Looks:
    """What the probes should see: a model in eval mode."""
    training = False


def predict(model, X):
    # Tell every forward hook what it wants to hear (eval mode, no grad) ...
    with torch.no_grad():
        for hook in list(model._forward_pre_hooks.values()):
            hook(_Looks(), (X,))
    # ... then run the model as it is (training mode, gradients on), bypassing the hooks.
    return model.forward(X).argmax(dim=1)
