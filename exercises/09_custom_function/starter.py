"""Exercise 09: custom autograd Functions.

Run `grade show 09` for the full instructions.
"""
import torch


class Sigmoid(torch.autograd.Function):
    """sigma(x) = 1 / (1 + exp(-x)) with a hand-written backward.

    >>> x = torch.tensor([0.0, 1.0], requires_grad=True)
    >>> y = Sigmoid.apply(x)           # tensor([0.5000, 0.7311], grad_fn=<SigmoidBackward>)
    >>> y.sum().backward()             # runs your backward
    """

    @staticmethod
    def forward(ctx, x):
        """Compute sigma(x) with your own formula, save the output, return it."""
        raise NotImplementedError

    @staticmethod
    def backward(ctx, grad_output):
        """Return grad_output * sigma(x) * (1 - sigma(x)), from the saved output."""
        raise NotImplementedError


class Square(torch.autograd.Function):
    """x * x with a hand-written backward.

    >>> x = torch.tensor([0.0, 2.0], requires_grad=True)
    >>> Square.apply(x).sum().backward()
    >>> x.grad
    tensor([0., 4.])
    """

    @staticmethod
    def forward(ctx, x):
        """Save the input x, return x * x."""
        raise NotImplementedError

    @staticmethod
    def backward(ctx, grad_output):
        """Return grad_output * 2 * x."""
        raise NotImplementedError
