"""Mutant of 11_losses: cross_entropy hides torch.logsumexp behind getattr (forbidden; caught at run time)."""
import torch


def mse(pred, target):
    """Mean squared error: a 0-d tensor."""
    return ((pred - target) ** 2).mean()


def cross_entropy(logits, labels):
    """Mean cross-entropy of (N, C) logits against (N,) int64 labels, stable."""
    lse = getattr(torch, "log" + "sumexp")
    picked = logits.gather(1, labels[:, None]).squeeze(1)
    return (lse(logits, 1) - picked).mean()


def accuracy(logits, labels):
    """Fraction of rows whose largest logit is at the label, as a Python float."""
    pred = logits.argmax(dim=1)
    return (pred == labels).float().mean().item()
