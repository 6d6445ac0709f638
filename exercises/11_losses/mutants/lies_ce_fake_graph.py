"""Mutant (lies): cross_entropy computes the loss detached from the logits and glues it to a
graph that carries no gradient (0 * logits.sum()): the loss then requires grad and has a
grad_fn, exactly as a correct one reports, but backward() gives zeros.

The gradient is data, compared with (softmax(logits) - one_hot(labels)) / N."""
import torch


def mse(pred, target):
    return ((pred - target) ** 2).mean()


def cross_entropy(logits, labels):
    z = logits.detach()
    m = z.max(dim=1, keepdim=True).values
    shifted = z - m
    loss = (shifted.exp().sum(dim=1).log() - shifted.gather(1, labels[:, None]).squeeze(1)).mean()
    return loss + 0 * logits.sum()


def accuracy(logits, labels):
    pred = logits.argmax(dim=1)
    return (pred == labels).float().mean().item()
