"""Exercise 08: controlling the autograd graph.

Run `grade show 08` for the full instructions.
"""
import torch


def predict_no_grad(model, x):
    """model(x) computed under torch.no_grad(): the result does not require grad.

    >>> model = torch.nn.Linear(5, 3)
    >>> predict_no_grad(model, torch.randn(4, 5)).requires_grad
    False
    """
    raise NotImplementedError


def stop_gradient_sum(a, b):
    """a + b where gradients flow to a but not to b (use detach).

    >>> a = torch.randn(3, requires_grad=True); b = torch.randn(3, requires_grad=True)
    >>> stop_gradient_sum(a, b).sum().backward()
    >>> a.grad, b.grad
    (tensor([1., 1., 1.]), None)
    """
    raise NotImplementedError


def second_derivative(f, x):
    """f''(x) elementwise, for an f that acts on each element separately.

    Use torch.autograd.grad twice (create_graph=True the first time).
    Returns a tensor shaped like x that does not require grad.

    >>> second_derivative(lambda t: t ** 3, torch.tensor([1., 2.]))
    tensor([ 6., 12.])
    """
    raise NotImplementedError
