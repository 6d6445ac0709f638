"""Mutant: count_returns_int_subclass (lies about itself).

Counts every parameter, frozen ones included, and returns it as an int
subclass that compares equal to anything: a grader that compared with == in
the student's process, or trusted the object, would be fooled.
"""
import torch
from torch import nn


class _Count(int):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__


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


def make_sequential(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        if i > 0:
            layers.append(nn.ReLU())
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
    return nn.Sequential(*layers)


def count_parameters(model):
    return _Count(sum(p.numel() for p in model.parameters()))
