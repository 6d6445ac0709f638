"""Exercise 02: indexing.

Fill in each function, then run `grade exercise 02`.
Read the instructions with `grade show 02` (or `grade show 02 --lang zh`).
"""
import torch


def last_column(x):
    """The last column of the 2-D tensor x, as a 1-D tensor of length x.shape[0].

    >>> last_column(torch.tensor([[1, 2, 3], [4, 5, 6]]))
    tensor([3, 6])
    """
    raise NotImplementedError


def select_rows(x, mask):
    """The rows of the 2-D tensor x where the 1-D bool tensor `mask` is True.

    >>> x = torch.tensor([[1, 2], [3, 4], [5, 6]])
    >>> select_rows(x, torch.tensor([True, False, True]))
    tensor([[1, 2],
            [5, 6]])
    """
    raise NotImplementedError


def with_diagonal(x, v):
    """A copy of the square matrix x with its diagonal set to v; x itself is unchanged.

    `v` is a Python number (every diagonal element becomes v) or a 1-D tensor
    of length n (diagonal element i becomes v[i]).

    >>> with_diagonal(torch.zeros(2, 2), 5.0)
    tensor([[5., 0.],
            [0., 5.]])
    """
    raise NotImplementedError
