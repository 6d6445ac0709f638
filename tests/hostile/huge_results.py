"""Hostile: every function returns far more than a reply may hold (limits.result_mb).

A list of 10**7 ints, a string of 2,000,000 characters, a 300 MB tensor (one
element expanded: refused before it is ever made contiguous), a real 100 MB
tensor, 80 MB in 20 tensors that are 4 MB each. The jail refuses each before
sending a byte; the check process would refuse them anyway
(huge_results_unchecked.py).
"""
import torch


def broadcast_shape(a, b):
    return [0] * 10**7


def can_broadcast(a, b):
    return "x" * 2_000_000


def outer(x, y):
    return torch.zeros(1).expand(75_000_000)


def center_rows(x):
    return torch.empty(25_000_000)


def pairwise_sq_dists(x, y):
    return torch.zeros(20, 1_000_000).unbind(0)
