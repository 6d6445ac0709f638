"""Mutant: make_sequential_fake_relu (lies about itself).

The activation is a module whose class is named ReLU, so the layers the
process reports (Linear, ReLU, Linear, ...) and the parameter count are the
expected ones; but it computes abs(x), not max(x, 0).
"""
import torch
from torch import nn


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(6, 8),
            nn.ReLU(),
            nn.Linear(8, 5),
        )

    def forward(self, x):
        x = self.flatten(x)
        return self.linear_relu_stack(x)


class ReLU(nn.Module):
    def forward(self, x):
        return x.abs()


def make_sequential(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        if i > 0:
            layers.append(ReLU())
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
    return nn.Sequential(*layers)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
