"""Mutant of exercise 15: uses torch autograd instead of writing the backward pass in NumPy."""
import numpy as np
import torch


def forward_np(X, W1, b1, W2, b2):
    t = [torch.tensor(a, requires_grad=True) for a in (W1, b1, W2, b2)]
    out = torch.sigmoid(torch.sigmoid(torch.tensor(X) @ t[0] + t[1]) @ t[2] + t[3])
    return out.detach().numpy(), (out, t)


def backward_np(dout, cache):
    out, t = cache
    out.backward(torch.tensor(dout))
    return {k: p.grad.numpy() for k, p in zip(("W1", "b1", "W2", "b2"), t)}


def sgd_step_np(params, grads, lr):
    return {name: params[name] - lr * grads[name] for name in params}
