"""Mutant (lies): as_long goes through float64, so ints above 2**53 lose digits, and it hides
that inside its own process: it returns a Tensor subclass named Tensor whose comparisons
always say "equal", and patches torch.equal, torch.allclose and Tensor.tolist to agree.

The values travel as bytes and are compared in the check process, so none of it helps."""
import torch

_real_tolist = torch.Tensor.tolist


class Tensor(torch.Tensor):
    def __eq__(self, other):
        return torch.ones(self.shape, dtype=torch.bool)

    __hash__ = torch.Tensor.__hash__

    def tolist(self):
        return _real_tolist(self.as_subclass(torch.Tensor))


torch.equal = lambda *args, **kwargs: True
torch.allclose = lambda *args, **kwargs: True


def make_filled(shape, value, dtype=torch.float32):
    return torch.full(tuple(shape), value, dtype=dtype)


def as_long(values):
    exact = torch.tensor(values, dtype=torch.float64).long()
    return exact.as_subclass(Tensor)


def to_double(x):
    return x.to(torch.float64, copy=True)
