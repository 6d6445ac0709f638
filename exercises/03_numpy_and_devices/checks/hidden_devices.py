"""Hidden checks for pick_device() and zeros_like_device(x, n)."""
import torch
from grader.checks import points, hint, target, assert_tensor, fail

# Pretend, inside the student's process, that a GPU is (or is not) available, the way
# torch reports it; the originals are saved once and put back after each check.
_PRETEND = (
    "(None if hasattr(torch.cuda, '_drills_saved') else setattr(torch.cuda, '_drills_saved', "
    "(torch.cuda.is_available, torch.cuda.device_count, "
    " getattr(getattr(torch, 'accelerator', None), 'is_available', None), "
    " getattr(getattr(torch, 'accelerator', None), 'current_accelerator', None))), "
    " setattr(torch.cuda, 'is_available', (lambda v: (lambda: v))(avail)), "
    " setattr(torch.cuda, 'device_count', (lambda v: (lambda: int(v)))(avail)), "
    " hasattr(torch, 'accelerator') and setattr(torch.accelerator, 'is_available', "
    "   (lambda v: (lambda *a, **k: v))(avail)), "
    " hasattr(torch, 'accelerator') and setattr(torch.accelerator, 'current_accelerator', "
    "   (lambda v: (lambda *a, **k: torch.device('cuda') if v else None))(avail)))")
_RESTORE = (
    "hasattr(torch.cuda, '_drills_saved') and ("
    " setattr(torch.cuda, 'is_available', torch.cuda._drills_saved[0]), "
    " setattr(torch.cuda, 'device_count', torch.cuda._drills_saved[1]), "
    " torch.cuda._drills_saved[2] and setattr(torch.accelerator, 'is_available', "
    "   torch.cuda._drills_saved[2]), "
    " torch.cuda._drills_saved[3] and setattr(torch.accelerator, 'current_accelerator', "
    "   torch.cuda._drills_saved[3]), "
    " delattr(torch.cuda, '_drills_saved'))")


def _pick_with(student, available):
    student.evaluate(_PRETEND, avail=available)
    try:
        return student.pick_device()
    finally:
        student.evaluate(_RESTORE)


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
    # 'meta' is a real torch device without data: it stands in for a GPU on any machine.
    device, dtype, shape = student.evaluate(
        "(lambda r: (str(r.device), str(r.dtype), tuple(r.shape)))"
        "(f(torch.ones(2, 3, dtype=torch.float64, device='meta'), n))",
        f=student.zeros_like_device, n=n)
    if not device.startswith("meta"):
        raise AssertionError(
            f"for an x on another device (here 'meta', a device without data that stands in for "
            f"a GPU) your zeros were on {device}: new tensors go on the CPU unless you say "
            f"otherwise. Pass device=x.device.")
    if not (dtype == "torch.float64" and shape == (n,)):
        fail(f"expected {n} float64 zeros, got shape {shape} and dtype {dtype}")
