"""Hidden checks for np_view(a) and np_copy(a)."""
import numpy as np
from grader.checks import points, hint, target, title
from support_numpy import expect_copy, expect_not_shared, expect_shared, expect_view


def _arrays(case):
    n, m = case.size("n"), case.size("m")
    rng = case.np_rng
    return [rng.standard_normal((n, m)),                         # float64
            rng.standard_normal(m).astype(np.float32),
            rng.integers(-100, 100, size=(m, n)).astype(np.int64),
            rng.integers(-100, 100, size=n).astype(np.int32)]


@points(1)
@target("np_view")
@title(zh="对 float64、float32、int64 和 int32 数组调用 np_view：共享内存并保持 dtype")
@hint("torch.from_numpy(a): same memory, same dtype.",
      zh="torch.from_numpy(a)：同一块内存，同样的 dtype。")
def check_np_view_dtypes(student, case):
    """np_view of float64, float32, int64 and int32 arrays shares memory and keeps the dtype"""
    expect_shared([expect_view(student, a) for a in _arrays(case)])


@points(1)
@target("np_view")
@title(zh="对 0 维数组、布尔数组、三维数组和空数组调用 np_view")
@hint("from_numpy works for any shape and dtype, a 0-d array included.",
      zh="from_numpy 适用于任意形状和 dtype，包括 0 维数组。")
def check_np_view_shapes(student, case):
    """np_view of a 0-d array, a bool array, a 3-D array and an empty array"""
    expect_shared([
        expect_view(student, np.array(2.5)),
        expect_view(student, case.np_rng.random(case.size("n")) > 0.5),
        expect_view(student, case.np_rng.standard_normal((2, case.size("m"), case.size("n")))),
        expect_view(student, np.zeros((0, case.size("m")), dtype=np.float32))])


@points(1)
@target("np_copy")
@title(zh="对 float64、float32、int64 和 int32 数组调用 np_copy：复制并保持 dtype")
@hint("torch.tensor(a) copies and keeps the dtype; torch.Tensor(a) would make float32.",
      zh="torch.tensor(a) 会复制并保持 dtype；torch.Tensor(a) 则会变成 float32。")
def check_np_copy_dtypes(student, case):
    """np_copy of float64, float32, int64 and int32 arrays copies and keeps the dtype"""
    expect_not_shared([expect_copy(student, a) for a in _arrays(case)])


@points(1)
@target("np_copy")
@title(zh="对 0 维数组、布尔数组、uint8 数组和空数组调用 np_copy")
@hint("A copy of any shape and dtype: a 0-d array gives a 0-d tensor.",
      zh="任意形状和 dtype 都要能复制：0 维数组得到 0 维张量。")
def check_np_copy_shapes(student, case):
    """np_copy of a 0-d array, a bool array, a uint8 array and an empty array"""
    expect_not_shared([
        expect_copy(student, np.array(-1.25)),
        expect_copy(student, case.np_rng.random(case.size("m")) > 0.5),
        expect_copy(student, case.np_rng.integers(0, 255, size=(case.size("n"), 3))
                    .astype(np.uint8)),
        expect_copy(student, np.zeros((case.size("n"), 0)))])
