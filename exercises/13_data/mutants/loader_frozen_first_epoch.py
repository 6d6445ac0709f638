"""Mutant of 13_data: make_loader returns the first epoch's batches dressed up as a DataLoader.

It lies about what it returns: `__class__` says DataLoader (isinstance
answers True) and len() is the right number of batches, and the first epoch
is exactly the right one; but the batches were drawn once, so every epoch
repeats the same order instead of reshuffling.
"""
import torch
from torch.utils.data import DataLoader, Dataset


class PairsDataset(Dataset):
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


class _FrozenLoader:
    def __init__(self, loader):
        self._batches = list(loader)
        self.batch_size = loader.batch_size
        self.dataset = loader.dataset

    @property
    def __class__(self):
        return DataLoader

    def __len__(self):
        return len(self._batches)

    def __iter__(self):
        return iter(self._batches)


def make_loader(x, y, batch_size, shuffle, seed):
    generator = torch.Generator().manual_seed(seed)
    return _FrozenLoader(DataLoader(PairsDataset(x, y), batch_size=batch_size, shuffle=shuffle,
                                    generator=generator))
