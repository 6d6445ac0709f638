"""Mutant of 13_data: PairsDataset is not a Dataset, and lies that it is.

Its `__class__` says torch.utils.data.Dataset, so isinstance(ds, Dataset)
in the student's process answers True; but it does not subclass Dataset, so
it lacks what a Dataset can do (ds + ds, a ConcatDataset, raises TypeError).
"""
import torch
from torch.utils.data import DataLoader, Dataset


class PairsDataset:
    """A map-style dataset of (x[i], y[i]) pairs that only claims to be a Dataset."""

    def __init__(self, x, y):
        self.x = x
        self.y = y

    @property
    def __class__(self):
        return Dataset

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


def make_loader(x, y, batch_size, shuffle, seed):
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(PairsDataset(x, y), batch_size=batch_size, shuffle=shuffle,
                      generator=generator)
