"""Exercise 01: first tensors.

Fill in each function, then run `grade exercise 01`.
Read the instructions with `grade show 01` (or `grade show 01 --lang zh`).
"""
import torch


def make_filled(shape, value, dtype=torch.float32):
    """A new tensor of the given shape, every element equal to `value`.

    `shape` is a tuple (or list) of ints, `value` a Python number, and the
    result has exactly the dtype `dtype` (float32 unless you are told otherwise).

    >>> make_filled((2, 3), 7)
    tensor([[7., 7., 7.],
            [7., 7., 7.]])
    """
    raise NotImplementedError


def as_long(values):
    """A list of Python ints as a 1-D int64 tensor (`[]` gives shape (0,)).

    >>> as_long([3, -1, 4])
    tensor([ 3, -1,  4])
    """
    raise NotImplementedError


def to_double(x):
    """A float64 copy of the tensor x that does not share memory with x.

    >>> to_double(torch.tensor([1, 2]))
    tensor([1., 2.], dtype=torch.float64)
    """
    raise NotImplementedError
