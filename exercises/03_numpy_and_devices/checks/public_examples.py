"""Visible examples for exercise 03."""
import numpy as np
import torch
from grader.checks import points, hint, target, assert_tensor, claims, claim_fail, fail


@points(1)
@target("np_view")
@hint("torch.from_numpy(a) shares a's memory.")
def check_np_view_example(student):
    """np_view(array([1., 2., 3.])) shares memory with the array"""
    a = np.array([1.0, 2.0, 3.0])
    got = student.np_view(a)
    assert_tensor(got, torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64))
    if not claims(got).shares_memory_with:   # the student's process's account: a claim
        claim_fail("your process reports that your tensor does not share memory with the array:"
                   " it is a copy. Use torch.from_numpy(a).")


@points(1)
@target("np_copy")
@hint("torch.tensor(a) copies and keeps the dtype.")
def check_np_copy_example(student):
    """np_copy(array([1., 2., 3.])) is a float64 copy"""
    a = np.array([1.0, 2.0, 3.0])
    got = student.np_copy(a)
    assert_tensor(got, torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64))
    if claims(got).shares_memory_with:   # the student's process's account: a claim
        claim_fail("your process reports that your tensor shares memory with the array: it must"
                   " be a copy. Use torch.tensor(a).")


@points(1)
@target("to_numpy")
@hint("x.detach().cpu().numpy()")
def check_to_numpy_example(student):
    """to_numpy of a tensor that requires grad"""
    x = torch.tensor([1.5, 2.0], requires_grad=True)
    got = student.to_numpy(x)
    if not isinstance(got, np.ndarray):
        fail(f"to_numpy should return a NumPy array, got {type(got).__name__}")
    if not (got.dtype == np.float32 and got.shape == (2,) and np.array_equal(got, [1.5, 2.0])):
        fail(f"to_numpy(tensor([1.5, 2.0])) should be array([1.5, 2.], dtype=float32), "
             f"got {got!r}")


@points(1)
@target("pick_device")
@hint("torch.device('cuda' if torch.cuda.is_available() else 'cpu')")
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
    want = "cuda" if available else "cpu"
    if isinstance(got, str):
        fail(f"pick_device() returned the string {got!r}; return a torch.device: "
             f"torch.device({want!r}).")
    if not isinstance(got, torch.device):
        fail(f"pick_device() should return a torch.device, got {type(got).__name__}")
    if got.type != want:
        fail(f"pick_device() returned {got}, but in this grading torch.cuda.is_available() is "
             f"{available}: expected {want}")


@points(1)
@target("zeros_like_device")
@hint("torch.zeros(n, dtype=x.dtype, device=x.device)")
def check_zeros_like_device_example(student):
    """zeros_like_device(ones(2, 3, float64), 4) is four float64 zeros"""
    x = torch.ones(2, 3, dtype=torch.float64)
    assert_tensor(student.zeros_like_device(x, 4), torch.zeros(4, dtype=torch.float64), inputs=(x,))
