"""Hidden checks for pick_device() and zeros_like_device(x, n)."""
import torch
from grader.checks import points, hint, target, assert_tensor, claim_fail


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


def _judge(got, available):
    want = "cuda" if available else "cpu"
    if isinstance(got, str):
        raise AssertionError(f"pick_device() returned the string {got!r}; return a torch.device, "
                             f"here torch.device({want!r}).")
    if not isinstance(got, torch.device):
        raise AssertionError(f"pick_device() should return a torch.device, got "
                             f"{type(got).__name__} {got!r}")
    if got.type != want:
        if available:
            raise AssertionError(
                f"pick_device() returned {got} while torch.cuda.is_available() returned True (the "
                f"check pretended a GPU is present): expected a cuda device. Ask "
                f"torch.cuda.is_available() inside pick_device(), each time it is called.")
        raise AssertionError(
            f"pick_device() returned {got} while torch.cuda.is_available() returned False: "
            f"expected cpu. Did you write `if torch.cuda.is_available:` without the parentheses? "
            f"A function object is always true; call it: torch.cuda.is_available().")


@points(1)
@target("pick_device")
@hint("Call torch.cuda.is_available() inside pick_device() and return torch.device('cuda') when it is True.")
def check_pick_device_gpu_present(student):
    """pick_device() returns cuda when torch.cuda.is_available() is True"""
    _judge(_pick_with(student, True), True)


@points(1)
@target("pick_device")
@hint("torch.cuda.is_available is a function: call it, with parentheses.")
def check_pick_device_gpu_absent(student):
    """pick_device() returns cpu when torch.cuda.is_available() is False"""
    _judge(_pick_with(student, False), False)


def _check_zeros(student, x, n):
    expected = torch.zeros(n, dtype=x.dtype)
    got = student.zeros_like_device(x, n)
    if isinstance(got, torch.Tensor):
        if tuple(got.shape) == tuple(x.shape) and tuple(x.shape) != (n,):
            raise AssertionError(
                f"zeros_like_device(x, {n}) for x of shape {tuple(x.shape)} returned shape "
                f"{tuple(got.shape)}: torch.zeros_like(x) copies x's shape. You need {n} zeros: "
                f"torch.zeros(n, dtype=x.dtype, device=x.device).")
        if got.shape == expected.shape and got.dtype != x.dtype:
            raise AssertionError(
                f"zeros_like_device(x, {n}) for a {x.dtype} x returned dtype {got.dtype}: "
                f"torch.zeros(n) uses the default dtype (float32). Pass dtype=x.dtype.")
    assert_tensor(got, expected, inputs=(x,))


@points(1)
@target("zeros_like_device")
@hint("torch.zeros(n) is float32 whatever x is: pass dtype=x.dtype.")
def check_zeros_like_device_dtypes(student, case):
    """zeros_like_device keeps x's dtype: float64, int32, float16, bool"""
    _check_zeros(student, case.randn("n", dtype=torch.float64), case.size("m"))
    _check_zeros(student, case.randint(0, 5, "m", dtype=torch.int32), case.size("n"))
    _check_zeros(student, case.randn("n", "m", dtype=torch.float16), case.size("k"))
    _check_zeros(student, case.rand("k") > 0.5, 3)


@points(1)
@target("zeros_like_device")
@hint("The result has n elements whatever x's shape: x gives only the dtype and device.")
def check_zeros_like_device_shapes(student, case):
    """zeros_like_device for a 2-D x, a 0-d x, and n = 0"""
    _check_zeros(student, case.randn("n", "m"), case.size("k"))
    _check_zeros(student, torch.tensor(1.5, dtype=torch.float64), case.size("n"))
    _check_zeros(student, case.randn("m"), 0)


@points(1)
@target("zeros_like_device")
@hint("Create the zeros where x lives: torch.zeros(n, dtype=x.dtype, device=x.device).")
def check_zeros_like_device_other_device(student, case):
    """zeros_like_device puts the zeros on x's device (a non-CPU device)"""
    n = case.size("n")
    x = torch.ones(2, 3, dtype=torch.float64)
    _check_zeros(student, x, n)   # the values, verified
    # Where a tensor lives is the student's process's account (a claim): it can
    # cost this check, never earn it. 'meta' is a real torch device without
    # data: it stands in for a GPU on any machine.
    report = student.build("devices.placed", student.zeros_like_device, "meta", x, n).value
    if not isinstance(report, dict) or "device" not in report:
        claim_fail(f"for an x on another device (here 'meta', a device without data that stands "
                   f"in for a GPU) zeros_like_device did not return a tensor: your process "
                   f"reports {report!r}.")
    device, dtype, shape = report.get("device"), report.get("dtype"), report.get("shape")
    if not str(device).startswith("meta"):
        claim_fail(
            f"for an x on another device (here 'meta', a device without data that stands in for "
            f"a GPU) your process reports your zeros were on {device}: new tensors go on the CPU "
            f"unless you say otherwise. Pass device=x.device.")
    if not (dtype == "torch.float64" and shape == [n]):
        claim_fail(f"for an x on the 'meta' device, expected {n} float64 zeros; your process "
                   f"reports shape {tuple(shape or ())} and dtype {dtype}")
