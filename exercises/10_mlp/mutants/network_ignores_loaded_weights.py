"""Mutant: network_ignores_loaded_weights (lies about itself).

load_state_dict accepts any state dict and keeps the module's own random
weights; the keys, layers and parameter count it reports are the expected
ones. Only the outputs, with the grader's weights, tell.
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

    def load_state_dict(self, state_dict, strict=True, assign=False):
        return nn.modules.module._IncompatibleKeys([], [])

    def forward(self, x):
        x = self.flatten(x)
        return self.linear_relu_stack(x)


def make_sequential(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        if i > 0:
            layers.append(nn.ReLU())
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
    return nn.Sequential(*layers)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
