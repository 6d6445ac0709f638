"""Mutant of 12_lenet: forward flattens the batch dimension too (torch.flatten(x))."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet(nn.Module):
    """LeNet for 1x32x32 images and 10 classes (the PyTorch 60-minute blitz network)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)          # 1x32x32 -> 6x28x28
        self.conv2 = nn.Conv2d(6, 16, 5)         # 6x14x14 -> 16x10x10
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)   # -> 6x14x14
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)   # -> 16x5x5
        x = torch.flatten(x)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)                           # raw scores (logits), no softmax


def conv_out_hw(h, w, k, stride=1, padding=0):
    """Output (height, width) of a k x k convolution or pooling window."""
    h_out = (h + 2 * padding - k) // stride + 1
    w_out = (w + 2 * padding - k) // stride + 1
    return (h_out, w_out)
