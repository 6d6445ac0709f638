"""Mutant: square_fakes_its_grad_fn (lies about itself).

Square overrides apply: it returns x * x.detach() (so autograd's gradient is
grad_output * x, the factor 2 missing), dressed as a Tensor subclass named
Tensor whose grad_fn says SquareBackward and holds one saved tensor. Every
claim about the result (type, grad_fn, saved tensors) is the expected one;
only the gradient's values tell.
"""
import torch


class SquareBackward:
    def __init__(self, node, x):
        self._node = node
        self.saved_tensors = (x,)

    def __getattr__(self, name):
        return getattr(self._node, name)


class Tensor(torch.Tensor):
    @property
    def grad_fn(self):
        node = torch.Tensor.grad_fn.__get__(self)
        return SquareBackward(node, self) if node is not None else None


class Sigmoid(torch.autograd.Function):
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
    def apply(x):
        return (x * x.detach()).as_subclass(Tensor)

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 2 * x
