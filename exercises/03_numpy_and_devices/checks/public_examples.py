"""Visible examples for exercise 03."""
import numpy as np
import torch
from grader.checks import points, hint, target, title
from support_numpy import (expect_copy, expect_not_shared, expect_numpy, expect_shared,
                           expect_view, expect_zeros, expect_zeros_placed, judge_device)


@points(1)
@target("np_view")
@title(zh="np_view(array([1., 2., 3.])) 与数组共享内存")
@hint("torch.from_numpy(a) shares a's memory.", zh="torch.from_numpy(a) 与 a 共享内存。")
def check_np_view_example(student):
    """np_view(array([1., 2., 3.])) shares memory with the array"""
    expect_shared([expect_view(student, np.array([1.0, 2.0, 3.0]))])


@points(1)
@target("np_copy")
@title(zh="np_copy(array([1., 2., 3.])) 是 float64 副本")
@hint("torch.tensor(a) copies and keeps the dtype.", zh="torch.tensor(a) 会复制并保持 dtype。")
def check_np_copy_example(student):
    """np_copy(array([1., 2., 3.])) is a float64 copy"""
    expect_not_shared([expect_copy(student, np.array([1.0, 2.0, 3.0]))])


@points(1)
@target("to_numpy")
@title(zh="对需要梯度的张量调用 to_numpy")
@hint("x.detach().cpu().numpy()", zh="x.detach().cpu().numpy()")
def check_to_numpy_example(student):
    """to_numpy of a tensor that requires grad"""
    expect_numpy(student, torch.tensor([1.5, 2.0], requires_grad=True))


@points(1)
@target("pick_device")
@title(zh="pick_device() 返回本次评分所用的设备：cpu，或者（--device cuda 时）cuda")
@hint("torch.device('cuda' if torch.cuda.is_available() else 'cpu')",
      zh="torch.device('cuda' if torch.cuda.is_available() else 'cpu')")
def check_pick_device_here(student, device):
    """pick_device() returns the device of this grading: cpu, or cuda with --device cuda"""
    # The grader knows whether this grading has a GPU (--device cuda); asking the
    # student's process would be taking its word for it. Without one, torch is
    # told to say so (grader/jail/builders/devices.py), on any machine.
    available = torch.device(device).type == "cuda"
    if not available:
        student.build("devices.pretend_cuda", False)
    try:
        got = student.pick_device()
    finally:
        if not available:
            student.build("devices.restore_cuda")
    judge_device(got, available, f"this grading runs on {torch.device(device).type}: "
                                 f"torch.cuda.is_available() is {available}")


@points(1)
@target("zeros_like_device")
@title(zh="zeros_like_device(ones(2, 3, float64), 4) 是四个 float64 的零")
@hint("torch.zeros(n, dtype=x.dtype, device=x.device)",
      zh="torch.zeros(n, dtype=x.dtype, device=x.device)")
def check_zeros_like_device_example(student):
    """zeros_like_device(ones(2, 3, float64), 4) is four float64 zeros"""
    expect_zeros(student, torch.ones(2, 3, dtype=torch.float64), 4)


@points(1)
@target("zeros_like_device")
@title(zh="zeros_like_device 把零放在 x 所在的设备上（一个非 CPU 设备）")
@hint("Create the zeros where x lives: torch.zeros(n, dtype=x.dtype, device=x.device).",
      zh="在 x 所在的设备上创建零：torch.zeros(n, dtype=x.dtype, device=x.device)。")
def check_zeros_like_device_other_device(student):
    """zeros_like_device puts the zeros on x's device (a non-CPU device)"""
    expect_zeros_placed(student, torch.ones(2, 3, dtype=torch.float64), 5)
