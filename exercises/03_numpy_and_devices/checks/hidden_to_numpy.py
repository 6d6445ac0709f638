"""Hidden checks for to_numpy(x)."""
import numpy as np
import torch
from grader.checks import points, hint, target, StudentError

def _compare(got, x, call):
    want = x.detach().numpy()
    if isinstance(got, torch.Tensor):
        raise AssertionError(f"{call} returned a tensor; return a NumPy array: .numpy() at the end.")
    if isinstance(got, (list, float, int, bool)):
        raise AssertionError(f"{call} returned a {type(got).__name__}; return a NumPy array of the "
                             f"same shape and dtype (x.detach().cpu().numpy()), not .tolist() or "
                             f".item().")
    if not isinstance(got, np.ndarray):
        raise AssertionError(f"{call} should return a NumPy array, got {type(got).__name__}")
    if got.shape != want.shape:
        raise AssertionError(f"{call} returned an array of shape {got.shape}, expected {want.shape}")
    if got.dtype != want.dtype:
        raise AssertionError(f"{call} returned an array of dtype {got.dtype}, expected {want.dtype} "
                             f"(the tensor's dtype {x.dtype}): .numpy() keeps it.")
    if not np.array_equal(got, want, equal_nan=want.dtype.kind == "f"):
        raise AssertionError(f"{call} returned different values:\nexpected {want!r}\ngot {got!r}")


def _check(student, x, device):
    call = (f"to_numpy of a {x.dtype} tensor of shape {tuple(x.shape)}"
            + (" that requires grad" if x.requires_grad else "")
            + (" on the GPU" if device == "cuda" else ""))
    try:
        got = student.to_numpy(x)
    except StudentError as e:
        text = str(e)
        if "requires grad" in text:
            raise AssertionError(f"{call} raised: {e.message} A tensor that requires grad must be "
                                 f"detached before .numpy(): x.detach().cpu().numpy().") from None
        if "cuda" in text and "numpy" in text:
            raise AssertionError(f"{call} raised: {e.message} Copy it to the CPU first: "
                                 f"x.detach().cpu().numpy().") from None
        raise
    _compare(got, x, call)


@points(1)
@target("to_numpy")
@hint("x.numpy() refuses a tensor that requires grad: x.detach() first.")
def check_to_numpy_requires_grad(student, case, device):
    """to_numpy of tensors that require grad"""
    _check(student, case.randn("n", "m").requires_grad_(True), device)
    _check(student, case.randn("m", dtype=torch.float64).requires_grad_(True), device)


@points(1)
@target("to_numpy")
@hint("The array keeps the tensor's dtype and shape, a 0-d tensor included.")
def check_to_numpy_dtypes(student, case, device):
    """to_numpy of int64, bool, float64, 0-d and empty tensors"""
    _check(student, case.randint(-9, 10, "n", "k"), device)
    _check(student, case.rand("k") > 0.5, device)
    _check(student, case.randn("n", "m", dtype=torch.float64), device)
    _check(student, torch.tensor(3.25), device)
    _check(student, torch.zeros(0, case.size("m")), device)


@points(1)
@target("to_numpy")
@hint("A GPU tensor must be copied to the CPU before .numpy(): x.detach().cpu().numpy().")
def check_to_numpy_gpu_tensor(student, case):
    """to_numpy of a tensor on a GPU (simulated when there is none)"""
    x = case.randn("n", "m")
    try:
        # A tensor that behaves like one on a GPU (grader/jail/builders/devices.py):
        # .numpy() refuses it, .cpu() gives a plain tensor. The array that comes
        # back is data, compared here.
        got = student.build("devices.on_gpu", student.to_numpy, x, requires_grad=True)
    except StudentError as e:
        text = str(e)
        if "cuda" in text and "numpy" in text:
            raise AssertionError(
                "to_numpy of a tensor on a GPU failed: .numpy() only works for tensors on the "
                "CPU (error: can't convert cuda:0 device type tensor to numpy). Copy it first: "
                "x.detach().cpu().numpy(). (This machine may have no GPU: the check used a "
                "tensor that behaves like a GPU tensor.)") from None
        if "requires grad" in text:
            raise AssertionError(
                "to_numpy of a GPU tensor that requires grad failed: it must be detached before "
                ".numpy(): x.detach().cpu().numpy().") from None
        raise
    _compare(got, x, "to_numpy of a tensor on a GPU")
