"""Mutant of 13_data: __getitem__ returns a dict instead of a tuple."""
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
        return {"x": self.x[i], "y": self.y[i]}


def make_loader(x, y, batch_size, shuffle, seed):
    """A DataLoader over (x, y) whose order is reproducible from `seed`."""
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(PairsDataset(x, y), batch_size=batch_size, shuffle=shuffle,
                      generator=generator)
