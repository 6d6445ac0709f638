"""Hidden checks for to_numpy(x)."""
import torch
from grader.checks import points, hint, target, title
from support_numpy import expect_numpy, expect_numpy_on_gpu


@points(1)
@target("to_numpy")
@title(zh="对需要梯度的张量调用 to_numpy")
@hint("x.numpy() refuses a tensor that requires grad: x.detach() first.",
      zh="x.numpy() 不接受需要梯度的张量：先 x.detach()。")
def check_to_numpy_requires_grad(student, case, device):
    """to_numpy of tensors that require grad"""
    expect_numpy(student, case.randn("n", "m").requires_grad_(True), device)
    expect_numpy(student, case.randn("m", dtype=torch.float64).requires_grad_(True), device)


@points(1)
@target("to_numpy")
@title(zh="对 int64、bool、float64、0 维和空张量调用 to_numpy")
@hint("The array keeps the tensor's dtype and shape, a 0-d tensor included.",
      zh="数组保持张量的 dtype 和形状，0 维张量也一样。")
def check_to_numpy_dtypes(student, case, device):
    """to_numpy of int64, bool, float64, 0-d and empty tensors"""
    expect_numpy(student, case.randint(-9, 10, "n", "k"), device)
    expect_numpy(student, case.rand("k") > 0.5, device)
    expect_numpy(student, case.randn("n", "m", dtype=torch.float64), device)
    expect_numpy(student, torch.tensor(3.25), device)
    expect_numpy(student, torch.zeros(0, case.size("m")), device)


@points(1)
@target("to_numpy")
@title(zh="对 GPU 上的张量调用 to_numpy（没有 GPU 时用模拟的）")
@hint("A GPU tensor must be copied to the CPU before .numpy(): x.detach().cpu().numpy().",
      zh="GPU 上的张量要先复制到 CPU 才能 .numpy()：x.detach().cpu().numpy()。")
def check_to_numpy_gpu_tensor(student, case):
    """to_numpy of a tensor on a GPU (simulated when there is none)"""
    expect_numpy_on_gpu(student, case.randn("n", "m"))
