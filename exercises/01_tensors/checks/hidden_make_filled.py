"""Hidden checks for make_filled(shape, value, dtype=torch.float32)."""
import torch
from grader.checks import points, hint, target, title
from support_tensors import expect_filled as _check


@points(1)
@target("make_filled")
@title(zh="不传 dtype 参数时 make_filled 返回 float32，填充值是整数时也一样")
@hint("The default dtype is float32 even when the value is an int: pass dtype=dtype to torch.full.",
      zh="即使填充值是整数，默认 dtype 也是 float32：把 dtype=dtype 传给 torch.full。")
def check_make_filled_default_dtype(student, case):
    """make_filled without a dtype argument is float32, also for an int value"""
    _check(student, (2, 3), 5)
    _check(student, (case.size("n"), case.size("m")), -1.5)
    _check(student, (case.size("m"),), 0)


@points(1)
@target("make_filled")
@title(zh="make_filled 使用 float64、int64、int32 和 bool")
@hint("Use the dtype you are given: torch.full(shape, value, dtype=dtype).",
      zh="使用传进来的 dtype：torch.full(shape, value, dtype=dtype)。")
def check_make_filled_dtypes(student, case):
    """make_filled with float64, int64, int32 and bool"""
    _check(student, (case.size("n"),), 2.5, torch.float64)
    _check(student, (case.size("n"), case.size("m")), 7, torch.int64)
    _check(student, [case.size("m"), case.size("n")], -3, torch.int32)
    _check(student, (case.size("m"),), True, torch.bool)
    _check(student, (case.size("n"), 1), 0.1, torch.float64)


@points(1)
@target("make_filled")
@title(zh="make_filled 的形状为 ()、含大小为 0 的维度，以及三维形状")
@hint("The shape () is a 0-d tensor (a single number); a 0 in the shape gives an empty tensor.",
      zh="形状 () 是 0 维张量（单个数）；形状里有 0 时得到空张量。")
def check_make_filled_shapes(student, case):
    """make_filled with shape (), with a size-0 dimension, and in 3-D"""
    _check(student, (), 2.5)
    _check(student, (0, case.size("m")), 1.0)
    _check(student, (case.size("a"), case.size("b"), case.size("c")), 4, torch.int64)
    _check(student, [case.size("b")], -0.25)
