"""Seeded random inputs for checks: the `case` fixture.

The seed comes from the course salt, the exercise and the check, so every
student gets the same inputs and a new salt gives new ones. Letters name
dimensions; every letter of a case gets its own size, all distinct, so a
transposed or mis-broadcast result cannot pass by accident.
"""

from __future__ import annotations

import functools
import hashlib
import random

import numpy as np
import torch


def seed_for(salt: str, exercise: str, check_id: str) -> int:
    digest = hashlib.sha256(f"{salt}\0{exercise}\0{check_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") & (2**63 - 1)


class Case:
    def __init__(self, seed: int, device: str = "cpu"):
        self.seed = seed
        self.device = device
        self._sizes: dict[str, int] = {}

    # Made when first used (most checks use one or two of them): the same
    # streams as if made here, since each depends on the seed alone.
    @functools.cached_property
    def generator(self) -> torch.Generator:
        return torch.Generator().manual_seed(self.seed)

    @functools.cached_property
    def rng(self) -> random.Random:
        rng = random.Random(self.seed)
        rng.sample(range(2, 10), 8)   # its first draw gives the sizes (_free)
        return rng

    @functools.cached_property
    def np_rng(self) -> np.random.Generator:
        return np.random.default_rng(self.seed)

    @functools.cached_property
    def _free(self) -> list[int]:
        return random.Random(self.seed).sample(range(2, 10), 8)   # rng's first draw

    def size(self, letter: str) -> int:
        """The size bound to a dimension letter (distinct from every other letter's)."""
        if letter not in self._sizes:
            self._sizes[letter] = self._free.pop(0) if self._free else 10 + len(self._sizes)
        return self._sizes[letter]

    def shape(self, *dims) -> tuple[int, ...]:
        return tuple(self.size(d) if isinstance(d, str) else int(d) for d in dims)

    def randn(self, *dims, dtype=torch.float32) -> torch.Tensor:
        return torch.randn(self.shape(*dims), generator=self.generator, dtype=dtype)

    def rand(self, *dims, dtype=torch.float32) -> torch.Tensor:
        return torch.rand(self.shape(*dims), generator=self.generator, dtype=dtype)

    def randint(self, low: int, high: int, *dims, dtype=torch.int64) -> torch.Tensor:
        return torch.randint(low, high, self.shape(*dims), generator=self.generator, dtype=dtype)

    def randperm(self, n: int) -> torch.Tensor:
        return torch.randperm(n, generator=self.generator)

    def __repr__(self) -> str:
        return f"Case(seed={self.seed}, sizes={self._sizes})"
