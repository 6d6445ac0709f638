"""Mutant of 14_training_loop: train_epoch lies about the model.

It runs the correct loop on a shadow copy and makes the model report the
shadow's parameters (state_dict(), parameters()) and losses, while the model
itself is trained without zero_grad(): it says the right thing and computes
the wrong one. Only reading the model by its outputs catches it.
"""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F


def train_epoch(model, loader, loss_fn, optimizer):
    shadow = copy.deepcopy(model)
    shadow_opt = type(optimizer)(shadow.parameters())
    shadow_opt.load_state_dict(optimizer.state_dict())
    shadow_loss = copy.deepcopy(loss_fn)
    shadow_loss._forward_hooks.clear()
    model.train()
    losses = []
    for xb, yb in loader:
        shadow_opt.zero_grad()
        loss = shadow_loss(shadow(xb), yb)
        loss.backward()
        shadow_opt.step()
        losses.append(loss.item())
        loss_fn(model(xb), yb).backward()      # gradients pile up: no zero_grad()
        optimizer.step()
    model.state_dict = shadow.state_dict
    model.parameters = shadow.parameters
    model.named_parameters = shadow.named_parameters
    return sum(losses) / len(losses)


def _make_optimizer(name, params, lr):
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=0.9)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr)
    raise ValueError(f"unknown optimizer {name!r}")


def fit_line(x, y, optimizer_name, lr, epochs):
    """Fit y ~ slope * x + intercept by full-batch gradient descent from zero."""
    model = nn.Linear(1, 1).to(x.device)
    with torch.no_grad():
        model.weight.zero_()
        model.bias.zero_()
    optimizer = _make_optimizer(optimizer_name, model.parameters(), lr)
    inputs, targets = x.reshape(-1, 1), y.reshape(-1, 1)
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = F.mse_loss(model(inputs), targets)
        loss.backward()
        optimizer.step()
    return model.weight.item(), model.bias.item()
