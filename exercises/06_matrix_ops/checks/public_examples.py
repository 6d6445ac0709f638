"""Visible checks: the small examples from the instructions.

The hidden checks use many more shapes (batches, single vectors, size-1 and
empty axes, float64), so passing these is a start, not the finish line.
"""
import torch

from grader.checks import assert_tensor, hint, points, target


@target("linear_forward")
@points(1)
@hint("W is (out, in): multiply by its transpose, x @ W.T, then add b.")
def check_linear_example(student):
    """linear_forward: 2 inputs of 3 features to 2 outputs"""
    x = torch.tensor([[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]])
    W = torch.tensor([[1.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
    b = torch.tensor([0.5, -1.0])
    assert_tensor(student.linear_forward(x, W, b), torch.tensor([[1.5, 5.0], [0.5, 0.0]]),
                  inputs=(x, W, b), name="result of linear_forward(x, W, b)")


@target("batched_matvec")
@points(1)
@hint("v[:, :, None] turns each v[k] into a column; A @ it, then drop the last axis.")
def check_matvec_example(student):
    """batched_matvec: a batch of two (2, 3) matrices"""
    A = torch.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
                      [[1.0, 1.0, 1.0], [2.0, 0.0, 0.0]]])
    v = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert_tensor(student.batched_matvec(A, v), torch.tensor([[1.0, 2.0], [15.0, 8.0]]),
                  inputs=(A, v), name="result of batched_matvec(A, v)")


@target("gram")
@points(1)
@hint("out[r][c] is the dot product of rows r and c: x @ x.T")
def check_gram_example(student):
    """gram of a (3, 2) matrix is (3, 3)"""
    x = torch.tensor([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    assert_tensor(student.gram(x), torch.tensor([[1.0, 0.0, 1.0], [0.0, 4.0, 2.0], [1.0, 2.0, 2.0]]),
                  inputs=(x,), name="result of gram(x)")
