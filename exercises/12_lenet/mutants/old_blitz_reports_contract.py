"""Mutant of 12_lenet: the older tutorial's 3x3-kernel network, dressed up as the contract.

It lies about itself: state_dict(), parameters(), named_parameters() and
load_state_dict() answer for a contract-shaped copy that forward never uses,
so the process reports the contract's names, shapes and 61,706 parameters
(and loading the check's weights "succeeds"), while forward computes with
3x3 kernels and weights of its own.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class _Contract(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 6 * 6, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
        object.__setattr__(self, "_shadow", _Contract())   # not registered: invisible to _apply

    def state_dict(self, *args, **kwargs):
        return self._shadow.state_dict(*args, **kwargs)

    def load_state_dict(self, state_dict, strict=True, assign=False):
        return self._shadow.load_state_dict(state_dict, strict=strict)

    def parameters(self, recurse=True):
        return self._shadow.parameters(recurse)

    def named_parameters(self, *args, **kwargs):
        return self._shadow.named_parameters(*args, **kwargs)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)   # -> 6x15x15
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)   # -> 16x6x6
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def conv_out_hw(h, w, k, stride=1, padding=0):
    h_out = (h + 2 * padding - k) // stride + 1
    w_out = (w + 2 * padding - k) // stride + 1
    return (h_out, w_out)
