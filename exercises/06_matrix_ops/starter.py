"""Matrix products with batch dimensions.

Write each function with @ (torch.matmul), transposes and indexing with None;
no Python loops, no torch.einsum, no torch.nn.functional.linear.
`grade show 06` prints the full instructions.
"""
import torch


def linear_forward(x, W, b):
    """What nn.Linear computes: x @ Wᵀ + b.

    x: (..., in)   any number of leading dimensions, including none
    W: (out, in)   one row of weights per output
    b: (out,)
    returns (..., out)
    """
    raise NotImplementedError


def batched_matvec(A, v):
    """A batch of matrix-vector products: out[k] = A[k] @ v[k].

    A: (B, n, m), v: (B, m)  ->  (B, n)
    """
    raise NotImplementedError


def gram(x):
    """The Gram matrix x xᵀ: out[r][c] = dot product of rows r and c of x.

    x: (n, d)  ->  (n, n)
    """
    raise NotImplementedError
