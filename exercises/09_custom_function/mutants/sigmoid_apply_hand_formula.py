"""Mutant: sigmoid_apply_hand_formula.

Overrides apply with the formula, so forward/backward never run and autograd
differentiates the built-in operations itself (values and gradients are right).
"""
import torch


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def apply(x):
        return 1 / (1 + torch.exp(-x))

    @staticmethod
    def forward(ctx, x):
        y = 1 / (1 + torch.exp(-x))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * y * (1 - y)


class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 2 * x
