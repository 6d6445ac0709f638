"""Exercise 10: a first neural network with nn.Module and nn.Sequential.

Run `grade show 10` for the full instructions.
"""
import torch
from torch import nn


class NeuralNetwork(nn.Module):
    """Flatten, then Linear(6, 8) -> ReLU -> Linear(8, 5) in self.linear_relu_stack.

    >>> NeuralNetwork()(torch.zeros(4, 2, 3)).shape
    torch.Size([4, 5])
    """

    def __init__(self):
        super().__init__()
        raise NotImplementedError

    def forward(self, x):
        raise NotImplementedError


def make_sequential(sizes):
    """nn.Sequential of Linear layers joined by ReLU (no ReLU after the last Linear).

    >>> make_sequential([4, 16, 8, 3])
    Sequential(
      (0): Linear(in_features=4, out_features=16, bias=True)
      (1): ReLU()
      (2): Linear(in_features=16, out_features=8, bias=True)
      (3): ReLU()
      (4): Linear(in_features=8, out_features=3, bias=True)
    )
    """
    raise NotImplementedError


def count_parameters(model):
    """The number of trainable parameter elements (requires_grad only), as an int.

    >>> count_parameters(nn.Linear(3, 2))
    8
    """
    raise NotImplementedError
