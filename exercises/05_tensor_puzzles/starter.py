"""Tensor puzzles (after Sasha Rush's "Tensor Puzzles").

Rules for every puzzle below (the grader checks them on your source):
  * the body is ONE line: `return <expression>` (delete the `raise` line);
  * calls: only the helpers arange and where, the builtins max / min / len,
    and the puzzles ABOVE the one you are writing (never itself or a later
    one); no torch.* functions, no torch.tensor, no tensor methods
    (.sum(), .view(), .cumsum(), .float(), ...);
  * attributes: only .shape (no .T, .dtype, ...);
  * no loops, no comprehensions;
  * anything else in an expression is fine: operators (@ + - * / // % **,
    comparisons, & | ~), any indexing (a[:, None], a[idx], a[:j]), numbers.
Tensors are int64 (whole numbers) unless a puzzle says otherwise, and sizes
can be 0 (ones(0), eye(0), empty vectors...).
`grade show 05` prints the full instructions with an example for each puzzle.
"""
import torch


def arange(i):
    """Use this function to replace a for-loop: arange(4) -> tensor([0, 1, 2, 3])."""
    return torch.arange(i)


def where(q, a, b):
    """Use this function to replace an if-statement: where(q, a, b)[k] is a[k] if q[k] else b[k]."""
    return torch.where(q, a, b)


def ones(i):
    """1. Vector of i ones (int64): ones(3) -> [1, 1, 1]."""
    raise NotImplementedError


def sum(a):
    """2. Sum of a, as a tensor of shape (1,): sum([1, 2, 3]) -> [6]."""
    raise NotImplementedError


def outer(a, b):
    """3. out[r][c] = a[r] * b[c], shape (len(a), len(b))."""
    raise NotImplementedError


def diag(a):
    """4. Diagonal of a square matrix: out[k] = a[k][k]."""
    raise NotImplementedError


def eye(j):
    """5. The j x j identity matrix (int64)."""
    raise NotImplementedError


def triu(j):
    """6. j x j matrix with out[r][c] = 1 if r <= c else 0 (int64)."""
    raise NotImplementedError


def cumsum(a):
    """7. Running total: out[k] = a[0] + ... + a[k]."""
    raise NotImplementedError


def diff(a, i):
    """8. out[0] = a[0], out[k] = a[k] - a[k-1]; i == len(a)."""
    raise NotImplementedError


def vstack(a, b):
    """9. Shape (2, i): row 0 is a, row 1 is b."""
    raise NotImplementedError


def roll(a, i):
    """10. Shift left by one, the first element goes to the end: out[k] = a[(k+1) % i]."""
    raise NotImplementedError


def flip(a, i):
    """11. Reverse a: out[k] = a[i-1-k]; i == len(a)."""
    raise NotImplementedError


def compress(g, v, i):
    """12. The entries of v where g is True, moved to the front in order, then zeros."""
    raise NotImplementedError


def pad_to(a, i, j):
    """13. Length j: the first min(i, j) entries of a, then zeros; i == len(a)."""
    raise NotImplementedError


def sequence_mask(values, length):
    """14. out[r][c] = values[r][c] if c < length[r] else 0."""
    raise NotImplementedError


def bincount(a, j):
    """15. out[k] = how many times k appears in a (entries of a are in 0..j-1)."""
    raise NotImplementedError


def scatter_add(values, link, j):
    """16. out[k] = sum of the values[r] with link[r] == k, length j."""
    raise NotImplementedError


def flatten(a, i, j):
    """17. The (i, j) matrix a read row by row into a vector of length i * j."""
    raise NotImplementedError


def linspace(i, j, n):
    """18. n evenly spaced floats from i to j (i, j: float tensors of shape (1,))."""
    raise NotImplementedError


def heaviside(a, b):
    """19. out[k] = b[k] if a[k] == 0, else 1 if a[k] > 0, else 0."""
    raise NotImplementedError


def repeat(a, d):
    """20. Shape (d, len(a)): every row is a copy of a; d is an int."""
    raise NotImplementedError


def bucketize(v, boundaries):
    """21. out[k] = how many of the (sorted) boundaries are <= v[k]."""
    raise NotImplementedError
