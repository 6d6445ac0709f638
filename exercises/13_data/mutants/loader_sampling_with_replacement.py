"""Mutant of 13_data: make_loader samples with replacement (RandomSampler(replacement=True))."""
import torch
from torch.utils.data import DataLoader, Dataset


class PairsDataset(Dataset):
    """A map-style dataset of (x[i], y[i]) pairs."""

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


def make_loader(x, y, batch_size, shuffle, seed):
    """A DataLoader over (x, y) whose order is reproducible from `seed`."""
    ds = PairsDataset(x, y)
    generator = torch.Generator().manual_seed(seed)
    if shuffle:
        sampler = torch.utils.data.RandomSampler(ds, replacement=True, generator=generator)
        return DataLoader(ds, batch_size=batch_size, sampler=sampler)
    return DataLoader(ds, batch_size=batch_size, generator=generator)
