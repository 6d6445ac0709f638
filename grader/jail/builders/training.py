"""Builders for the training exercises (see grader/jail/builders/core.py).

A check about a training loop builds the loop's ingredients in the student's
process with the general builders ("nn.Linear", "nn.Sequential", "optim.SGD",
"nn.MSELoss", "data.DataLoader", "model.loaded", "probe.counting"), runs the
student's function, and then reads the trained model by what it computes
("model.outputs" on inputs the check chose), never by what it says about its
parameters. The builders here fill the gaps:

    model = student.build("training.model_on", student.build_classifier(), "cpu", mode="eval")
    losses = student.build("training.fit", model, X, y, epochs=30, lr=0.3, seed=1)
    student.build("training.manual_seed", 123)
    draws = student.build("training.global_rand", 8)

Nothing here is trusted: the check judges only the outputs it reads back.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from grader.jail.builders.core import Claimed, builder  # noqa: F401

_LOSSES = {"cross_entropy": F.cross_entropy, "mse": F.mse_loss, "l1": F.l1_loss}


@builder("training.model_on")
def model_on(model, device: str = "cpu", mode: str | None = None):
    """A module made by the student's code, moved to `device`, in train/eval mode if asked."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"expected an nn.Module, got {type(model).__name__}")
    model = model.to(device)
    if mode == "eval":
        model.eval()
    elif mode == "train":
        model.train()
    return model


@builder("training.fit")
def fit(model, X, y, epochs: int, lr: float, seed: int, batch_size: int = 32,
        loss: str = "cross_entropy"):
    """The grader's own loop: mini-batch SGD, reshuffled every epoch with one seeded generator.

    For each epoch: perm = torch.randperm(len(X), generator=g); batches
    perm[i:i + batch_size]; zero_grad, loss, backward, step. Returns the mean
    batch loss of every epoch (what the grader's loop saw; not evidence).
    """
    loss_fn = _LOSSES[loss]
    g = torch.Generator().manual_seed(int(seed))
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    model.train()
    epoch_losses = []
    for _ in range(int(epochs)):
        perm = torch.randperm(len(X), generator=g).to(X.device)
        values = []
        for start in range(0, len(X), batch_size):
            idx = perm[start:start + batch_size]
            value = loss_fn(model(X[idx]), y[idx])
            optimizer.zero_grad()
            value.backward()
            optimizer.step()
            values.append(value.item())
        epoch_losses.append(sum(values) / max(len(values), 1))
    return epoch_losses


@builder("training.manual_seed")
def manual_seed(seed: int):
    """Seed torch's global random generator (as torch.manual_seed does)."""
    torch.manual_seed(int(seed))
    return None


@builder("training.global_rand")
def global_rand(n: int):
    """n numbers drawn from torch's global CPU generator: the check compares them with its own."""
    return torch.rand(int(n))
