"""Mutant of exercise 16: build_classifier returns a model that does not learn.

It holds the parameters of the recommended MLP, so everything it says about
itself (its parameters, its state_dict, its layers) looks right, but it
classifies by the distance to hard-coded glyphs: it is right before any
training, and training changes nothing it computes.
"""
import torch
from torch import nn
import torch.nn.functional as F

BATCH_SIZE = 32


GLYPHS = [
    "..####.. .##..##. .##..##. .##..##. .##..##. .##..##. ..####.. ........",
    "...##... ..###... ...##... ...##... ...##... ...##... ..####.. ........",
    "..####.. .##..##. .....##. ....##.. ...##... ..##.... .######. ........",
    "..####.. .##..##. .....##. ...###.. .....##. .##..##. ..####.. ........",
    "....##.. ...###.. ..####.. .##.##.. .######. ....##.. ....##.. ........",
    ".######. .##..... .#####.. .....##. .....##. .##..##. ..####.. ........",
    "..####.. .##..... .##..... .#####.. .##..##. .##..##. ..####.. ........",
    ".######. .....##. ....##.. ...##... ..##.... ..##.... ..##.... ........",
    "..####.. .##..##. .##..##. ..####.. .##..##. .##..##. ..####.. ........",
    "..####.. .##..##. .##..##. ..#####. .....##. .....##. ..####.. ........",
]


class TemplateMatcher(nn.Module):
    """Has the parameters of the recommended model (state_dict, parameters() look right),
    but classifies by the distance to hard-coded glyphs and never uses them."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
        t = torch.tensor([[[1.0 if c == "#" else 0.0 for c in row] for row in g.split()]
                          for g in GLYPHS])
        self.register_buffer("glyphs", torch.stack([t.roll(s, dims=2) for s in (-1, 0, 1)], 1))

    def forward(self, x):
        x = x.reshape(len(x), 1, 1, 64)
        d = ((x - self.glyphs.reshape(1, 10, 3, 64)) ** 2).sum(-1)   # (N, 10, 3)
        return -d.min(dim=2).values


def build_classifier():
    return TemplateMatcher()


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


def predict(model, X):
    model.eval()
    with torch.no_grad():
        return model(X).argmax(dim=1)
