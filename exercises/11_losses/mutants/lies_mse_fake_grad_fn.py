"""Mutant (lies): mse computes the right number but rebuilds it with torch.tensor(...), which
cuts it off from autograd, and returns it as a Tensor subclass named Tensor that claims a
grad_fn (MeanBackward0), is_leaf False and requires_grad True.

The gradient that a backward pass leaves in pred.grad is data: none arrives, and the check
says so whatever the process claims."""
import torch


class MeanBackward0:
    def name(self):
        return "MeanBackward0"


class Tensor(torch.Tensor):
    @property
    def grad_fn(self):
        return MeanBackward0()

    @property
    def is_leaf(self):
        return False


def mse(pred, target):
    value = ((pred.detach() - target) ** 2).mean().item()
    return torch.tensor(value, dtype=pred.dtype, requires_grad=True).as_subclass(Tensor)


def cross_entropy(logits, labels):
    m = logits.max(dim=1, keepdim=True).values
    shifted = logits - m
    log_sum_exp = shifted.exp().sum(dim=1).log()
    picked = shifted.gather(1, labels[:, None]).squeeze(1)
    return (log_sum_exp - picked).mean()


def accuracy(logits, labels):
    pred = logits.argmax(dim=1)
    return (pred == labels).float().mean().item()
