"""Mutant of 12_lenet: forward computes under torch.no_grad() and then dresses the result up.

It lies about its output: `out.requires_grad_() * 1` is a tensor that
requires grad and has a grad_fn (MulBackward0), so the process reports a
differentiable output, but the graph starts at the output itself: no
gradient reaches the input or the weights, and nothing could be trained.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        with torch.no_grad():
            x = F.max_pool2d(F.relu(self.conv1(x)), 2)
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = torch.flatten(x, 1)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            out = self.fc3(x)
        return out.requires_grad_() * 1


def conv_out_hw(h, w, k, stride=1, padding=0):
    h_out = (h + 2 * padding - k) // stride + 1
    w_out = (w + 2 * padding - k) // stride + 1
    return (h_out, w_out)
