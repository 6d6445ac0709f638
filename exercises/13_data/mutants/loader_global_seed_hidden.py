"""Mutant of 13_data: make_loader reseeds the global RNG, and hides it.

torch.manual_seed(seed) and no generator, as loader_global_manual_seed; and
torch.get_rng_state is replaced by a function that always answers the state
from before, so the process reports the global RNG as untouched. The orders
still come from the global RNG: not the generator's, and not reproducible
once two loaders exist.
"""
import torch
from torch.utils.data import DataLoader, Dataset

_STATE = torch.get_rng_state()
torch.get_rng_state = lambda: _STATE.clone()


class PairsDataset(Dataset):
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


def make_loader(x, y, batch_size, shuffle, seed):
    torch.manual_seed(seed)
    return DataLoader(PairsDataset(x, y), batch_size=batch_size, shuffle=shuffle)
