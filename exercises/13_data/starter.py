"""13 - Datasets and DataLoaders.

Read the instructions with `grade show 13` (or `grade show 13 --lang zh`),
then grade your work with `grade exercise 13`.
"""
import torch
from torch.utils.data import DataLoader, Dataset


class PairsDataset(Dataset):
    """A dataset of pairs: item i is the tuple (x[i], y[i]).

    >>> ds = PairsDataset(torch.arange(10.).reshape(5, 2), torch.tensor([0, 1, 0, 1, 1]))
    >>> len(ds)
    5
    >>> ds[1]
    (tensor([2., 3.]), tensor(1))
    """

    def __init__(self, x, y):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def __getitem__(self, i):
        raise NotImplementedError


def make_loader(x, y, batch_size, shuffle, seed):
    """A DataLoader over the pairs (x[i], y[i]), in batches of `batch_size`.

    The last batch may be smaller (keep it). With shuffle=True the order is
    random but the same every time for the same seed: pass
    generator=torch.Generator().manual_seed(seed) to the DataLoader.
    With shuffle=False the samples come in order.
    """
    raise NotImplementedError
