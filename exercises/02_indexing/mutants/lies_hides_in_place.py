"""Mutant (lies): with_diagonal writes into x itself (no clone) and hides it by rewriting the
jail's reports in its own process (inputs never modified, nothing shared); last_column also
keeps the column dimension (x[:, -1:]).

The lie can only escape the claimed "x was modified / is not a copy" failures;
last_column's shape is verified."""
import gc

import torch

for _obj in gc.get_objects():
    if type(_obj).__name__ == "Server" and hasattr(_obj, "_shares_with"):
        _obj._shares_with = lambda obj: []
        _obj._mutated = lambda inputs, snaps: []


def last_column(x):
    return x[:, -1:]


def select_rows(x, mask):
    return x[mask]


def with_diagonal(x, v):
    x.diagonal()[:] = v
    return x
