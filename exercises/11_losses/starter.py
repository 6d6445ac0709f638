"""11 - Loss functions and accuracy, by hand.

Write the three functions below. Read the instructions with `grade show 11`
(or `grade show 11 --lang zh`), then grade your work with `grade exercise 11`.
"""
import torch


def mse(pred, target):
    """Mean squared error between two tensors of the same shape.

    Returns a 0-d tensor (shape ``()``) with the same dtype as ``pred``, that
    gradients can flow through: the mean over ALL elements of (pred - target)**2.

    >>> mse(torch.tensor([1., 2., 3.]), torch.tensor([1., 2., 5.]))
    tensor(1.3333)
    """
    raise NotImplementedError


def cross_entropy(logits, labels):
    """Mean cross-entropy loss.

    logits: float tensor of shape (N, C), one row of raw scores per sample.
    labels: int64 tensor of shape (N,), the correct class of each row (0..C-1).
    Returns a 0-d tensor: the mean over rows of  logsumexp(row) - row[label].

    Must stay finite for huge logits (around +1000 or -1000): subtract each
    row's max before exp(). Not allowed: F.cross_entropy, F.log_softmax,
    torch.log_softmax, torch.logsumexp, nn.CrossEntropyLoss.

    >>> cross_entropy(torch.tensor([[2., 0.], [0., 2.]]), torch.tensor([0, 0]))
    tensor(1.1269)
    """
    raise NotImplementedError


def accuracy(logits, labels):
    """Fraction of rows of (N, C) ``logits`` whose largest entry is at ``labels``.

    Returns a plain Python float between 0.0 and 1.0 (not a tensor).

    >>> accuracy(torch.tensor([[2., 0.], [0., 2.], [1., 3.]]), torch.tensor([0, 0, 1]))
    0.6666666865348816
    """
    raise NotImplementedError
