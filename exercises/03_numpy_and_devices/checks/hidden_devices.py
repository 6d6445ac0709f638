"""Hidden checks for pick_device() and zeros_like_device(x, n)."""
import torch
from grader.checks import points, hint, target, title
from support_numpy import expect_zeros, judge_device


def _pick_with(student, available):
    """pick_device() while torch, in the student's process, says a GPU is (not) there.

    The grader's own builder patches torch.cuda.is_available (and its friends);
    what pick_device returns is data, judged here.
    """
    student.build("devices.pretend_cuda", available)
    try:
        return student.pick_device()
    finally:
        student.build("devices.restore_cuda")


@points(1)
@target("pick_device")
@title(zh="torch.cuda.is_available() 为 True 时，pick_device() 返回 cuda")
@hint("Call torch.cuda.is_available() inside pick_device() and return torch.device('cuda') when it is True.",
      zh="在 pick_device() 内部调用 torch.cuda.is_available()，为 True 时返回 torch.device('cuda')。")
def check_pick_device_gpu_present(student):
    """pick_device() returns cuda when torch.cuda.is_available() is True"""
    judge_device(_pick_with(student, True), True,
                 "the check made torch.cuda.is_available() return True")


@points(1)
@target("pick_device")
@title(zh="torch.cuda.is_available() 为 False 时，pick_device() 返回 cpu")
@hint("torch.cuda.is_available is a function: call it, with parentheses.",
      zh="torch.cuda.is_available 是一个函数：要加括号调用它。")
def check_pick_device_gpu_absent(student):
    """pick_device() returns cpu when torch.cuda.is_available() is False"""
    judge_device(_pick_with(student, False), False,
                 "the check made torch.cuda.is_available() return False")


@points(1)
@target("zeros_like_device")
@title(zh="zeros_like_device 保持 x 的 dtype：float64、int32、float16、bool")
@hint("torch.zeros(n) is float32 whatever x is: pass dtype=x.dtype.",
      zh="不管 x 是什么，torch.zeros(n) 都是 float32：请传入 dtype=x.dtype。")
def check_zeros_like_device_dtypes(student, case):
    """zeros_like_device keeps x's dtype: float64, int32, float16, bool"""
    expect_zeros(student, case.randn("n", dtype=torch.float64), case.size("m"))
    expect_zeros(student, case.randint(0, 5, "m", dtype=torch.int32), case.size("n"))
    expect_zeros(student, case.randn("n", "m", dtype=torch.float16), case.size("k"))
    expect_zeros(student, case.rand("k") > 0.5, 3)


@points(1)
@target("zeros_like_device")
@title(zh="zeros_like_device：二维的 x、0 维的 x，以及 n = 0")
@hint("The result has n elements whatever x's shape: x gives only the dtype and device.",
      zh="不管 x 是什么形状，结果都有 n 个元素：x 只决定 dtype 和设备。")
def check_zeros_like_device_shapes(student, case):
    """zeros_like_device for a 2-D x, a 0-d x, and n = 0"""
    expect_zeros(student, case.randn("n", "m"), case.size("k"))
    expect_zeros(student, torch.tensor(1.5, dtype=torch.float64), case.size("n"))
    expect_zeros(student, case.randn("m"), 0)
