"""Mutant: sigmoid_forges_gradcheck (lies about itself).

The backward is wrong (grad_output * y: the factor 1 - y is missing), and the
file patches torch.autograd.gradcheck to always say True, so a grader that
trusted a gradcheck run in the student's process would be fooled. The class
is a real Function that saves its output: every claim looks right.
"""
import torch


def _always_passes(*args, **kwargs):
    return True


torch.autograd.gradcheck = _always_passes


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = 1 / (1 + torch.exp(-x))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * y


class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 2 * x
