"""Mutant (lies): select_rows zeroes the unselected rows instead of removing them, and
returns a Tensor subclass named Tensor whose .shape, .size() and len() claim the shape of
x[mask].

The check process rebuilds the tensor from its bytes with its real shape, so the lie
changes nothing."""
import torch


class Tensor(torch.Tensor):
    claimed = None

    @property
    def shape(self):
        return self.claimed if self.claimed is not None else super().shape

    def size(self, dim=None):
        shape = self.shape
        return shape if dim is None else shape[dim]

    def __len__(self):
        return self.shape[0]


def last_column(x):
    return x[:, -1]


def select_rows(x, mask):
    out = (x * mask[:, None].to(x.dtype)).as_subclass(Tensor)
    out.claimed = torch.Size([int(mask.sum()), x.shape[1]])
    return out


def with_diagonal(x, v):
    y = x.clone()
    y.diagonal()[:] = v
    return y
