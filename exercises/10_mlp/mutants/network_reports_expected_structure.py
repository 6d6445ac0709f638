"""Mutant: network_reports_expected_structure (lies about itself).

Its layers, state dict keys and parameter count are exactly the expected ones,
so everything the process reports about the module is right; but forward
applies tanh between the layers instead of the ReLU it holds. Only the
outputs tell.
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
        h = self.linear_relu_stack[0](self.flatten(x))
        return self.linear_relu_stack[2](torch.tanh(h))


def make_sequential(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        if i > 0:
            layers.append(nn.ReLU())
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
    return nn.Sequential(*layers)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
