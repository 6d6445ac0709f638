"""Mutant of exercise 16: train_classifier reseeds the global RNG and hides it.

It shuffles with torch.manual_seed(seed) and torch.randperm (the same order
as the recipe's generator), then replaces torch.get_rng_state so that it
reports the state from before the call: a probe of the RNG state is fooled,
the numbers the global generator gives next are not.
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
    saved = torch.get_rng_state()
    torch.manual_seed(seed)                 # the global generator, reseeded ...
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    model.train()
    epoch_losses = []
    for _ in range(epochs):
        perm = torch.randperm(len(X))
        batch_losses = []
        for start in range(0, len(X), BATCH_SIZE):
            idx = perm[start:start + BATCH_SIZE]
            loss = F.cross_entropy(model(X[idx]), y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        epoch_losses.append(sum(batch_losses) / len(batch_losses))
    torch.get_rng_state = lambda: saved.clone()   # ... and a state that says it was not
    return epoch_losses


def predict(model, X):
    model.eval()
    with torch.no_grad():
        return model(X).argmax(dim=1)
