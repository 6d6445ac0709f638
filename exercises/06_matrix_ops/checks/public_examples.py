"""Visible checks: the small examples from the instructions.

The hidden checks use many more shapes (batches, single vectors, size-1 and
empty axes, float64), so passing these is a start, not the finish line.
"""
import torch

from grader.checks import assert_tensor, fail, hint, points, target, title


@target("linear_forward")
@points(1)
@title(zh="linear_forward：2 个输入，每个 3 个特征，映射到 2 个输出")
@hint("W is (out, in): multiply by its transpose, x @ W.T, then add b.",
      zh="W 的形状是 (out, in)：乘以它的转置 x @ W.T，再加上 b。")
def check_linear_example(student):
    """linear_forward: 2 inputs of 3 features to 2 outputs"""
    x = torch.tensor([[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]])
    W = torch.tensor([[1.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
    b = torch.tensor([0.5, -1.0])
    assert_tensor(student.linear_forward(x, W, b), torch.tensor([[1.5, 5.0], [0.5, 0.0]]),
                  inputs=(x, W, b), name="linear_forward(x, W, b)")


@target("batched_matvec")
@points(1)
@title(zh="batched_matvec：两个 (2, 3) 矩阵组成的批次")
@hint("v[:, :, None] turns each v[k] into a column; A @ it, then drop the last axis.",
      zh="v[:, :, None] 把每个 v[k] 变成一列；A @ 它，再去掉最后一个轴。")
def check_matvec_example(student):
    """batched_matvec: a batch of two (2, 3) matrices"""
    A = torch.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
                      [[1.0, 1.0, 1.0], [2.0, 0.0, 0.0]]])
    v = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert_tensor(student.batched_matvec(A, v), torch.tensor([[1.0, 2.0], [15.0, 8.0]]),
                  inputs=(A, v), name="batched_matvec(A, v)")


@target("gram")
@points(1)
@title(zh="(3, 2) 矩阵的 gram 是 (3, 3)")
@hint("out[r][c] is the dot product of rows r and c: x @ x.T",
      zh="out[r][c] 是第 r 行和第 c 行的点积：x @ x.T")
def check_gram_example(student):
    """gram of a (3, 2) matrix is (3, 3)"""
    x = torch.tensor([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    out = student.gram(x)
    if (isinstance(out, torch.Tensor) and out.shape == (2, 2)
            and torch.allclose(out.double(), (x.T @ x).double())):
        fail("your gram(x) computed x.T @ x, shape (d, d). The Gram matrix compares the ROWS of "
             "x with each other: x @ x.T, shape (n, n)",
             zh="你的 gram(x) 算的是 x.T @ x，形状为 (d, d)。Gram 矩阵是 x 的各行两两作点积："
                "x @ x.T，形状为 (n, n)",
             evidence=f"x.T @ x = {(x.T @ x).tolist()}, yours {out.tolist()}")
    assert_tensor(out, torch.tensor([[1.0, 0.0, 1.0], [0.0, 4.0, 2.0], [1.0, 2.0, 2.0]]),
                  inputs=(x,), name="gram(x)")
