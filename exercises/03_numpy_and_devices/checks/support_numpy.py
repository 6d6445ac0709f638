"""Helpers of exercise 03's checks: each names the mistakes it can prove.

A diagnosis says what kind of mistake it is and never quotes the inputs (the
same words whatever the inputs); the inputs and values go to the evidence,
which a hidden check withholds. Whether a tensor shares memory, or where it
lives, is the student's process's account (a claim): it can cost a check,
never earn it, and comes after the values are verified.
"""
import numpy as np
import torch
from grader.checks import assert_tensor, claims, claim_fail, describe, fail, StudentError


def _array(a) -> str:
    return f"array: dtype {a.dtype}, shape {a.shape}"


def _float32_from(a, got, use) -> None:
    """A float32 tensor from a non-float32 array: the dtype was converted on the way."""
    if isinstance(got, torch.Tensor) and got.dtype == torch.float32 and a.dtype != np.float32:
        fail(f"your tensor is float32 but the array is not: torch.Tensor(a) (capital T) and "
             f".float() convert to float32. Keep the array's dtype: {use} does.",
             zh=f"你的张量是 float32，但数组不是：torch.Tensor(a)（大写 T）和 .float() 都会转换成 "
                f"float32。请保持数组的 dtype：{use} 会保持它。",
             evidence=_array(a) + f"\nyour tensor: dtype {got.dtype}")


def expect_view(student, a):
    """np_view(a): values, dtype and shape verified; returns (a, result) for expect_shared."""
    got = student.np_view(a)
    _float32_from(a, got, "torch.from_numpy(a), which also shares memory,")
    assert_tensor(got, torch.from_numpy(a.copy()))
    return a, got


def expect_shared(pairs):
    """After every value is verified: each view shares the array's memory (a claim)."""
    for a, got in pairs:
        if a.size and not claims(got).shares_memory_with:
            claim_fail("your process reports that your tensor is a copy, that it does not share "
                       "memory with the array: torch.tensor(a) always copies; torch.from_numpy(a) "
                       "shares.",
                       zh="你的进程报告说你的张量是副本，不与数组共享内存：torch.tensor(a) 总会复制，"
                          "torch.from_numpy(a) 才会共享。",
                       evidence=_array(a))


def expect_copy(student, a):
    """np_copy(a): values, dtype and shape verified; returns (a, result) for expect_not_shared."""
    got = student.np_copy(a)
    _float32_from(a, got, "torch.tensor(a), which also copies,")
    assert_tensor(got, torch.from_numpy(a.copy()))
    return a, got


def expect_not_shared(pairs):
    """After every value is verified: no copy shares the array's memory (a claim)."""
    for a, got in pairs:
        if claims(got).shares_memory_with:
            claim_fail("your process reports that your tensor shares memory with the array, so "
                       "changing one changes the other: torch.from_numpy(a) and torch.as_tensor(a) "
                       "share; torch.tensor(a) copies.",
                       zh="你的进程报告说你的张量与数组共享内存，改动其中一个另一个也会变："
                          "torch.from_numpy(a) 和 torch.as_tensor(a) 会共享，torch.tensor(a) 会复制。",
                       evidence=_array(a))


def compare_array(got, x, what):
    """What to_numpy returned, against x's own values as an array."""
    want = x.detach().numpy()
    evidence = f"{what}: dtype {x.dtype}, shape {tuple(x.shape)}"
    if isinstance(got, torch.Tensor):
        fail("to_numpy returned a tensor; return a NumPy array: .numpy() at the end.",
             zh="to_numpy 返回的是张量；请返回 NumPy 数组：最后调用 .numpy()。",
             evidence=evidence)
    if isinstance(got, (list, float, int, bool)):
        fail(f"to_numpy returned a Python {type(got).__name__}, not a NumPy array: .tolist() and "
             f".item() give Python values; x.detach().cpu().numpy() gives an array of the same "
             f"shape and dtype.",
             zh=f"to_numpy 返回的是 Python 的 {type(got).__name__}，而不是 NumPy 数组：.tolist() 和 "
                f".item() 得到的是 Python 值；x.detach().cpu().numpy() 才会得到形状和 dtype 都相同的"
                f"数组。",
             evidence=evidence)
    if not isinstance(got, np.ndarray):
        fail(f"to_numpy should return a NumPy array, but it returned {describe(got)}",
             zh=f"to_numpy 应该返回 NumPy 数组，但它返回的是 {describe(got)}",
             evidence=evidence)
    if got.shape != want.shape:
        fail("your array has the wrong shape: .numpy() keeps the tensor's shape.",
             zh="你的数组形状不对：.numpy() 会保持张量的形状。",
             evidence=evidence + f"\nyour array: shape {got.shape}, expected {want.shape}")
    if got.dtype != want.dtype:
        via_list = np.array(x.detach().tolist())
        if via_list.dtype == got.dtype and np.array_equal(got, via_list, equal_nan=True):
            fail(f"your array has dtype {got.dtype}, expected {want.dtype}: it is what "
                 f"np.array(x.tolist()) gives (Python numbers lose the tensor's dtype). "
                 f"x.detach().cpu().numpy() keeps it.",
                 zh=f"你的数组 dtype 是 {got.dtype}，应为 {want.dtype}：这正是 np.array(x.tolist()) "
                    f"的结果（转成 Python 数之后就丢掉了张量的 dtype）。x.detach().cpu().numpy() "
                    f"会保持它。",
                 evidence=evidence + f"\nyour array: dtype {got.dtype}")
        fail(f"your array has dtype {got.dtype}, expected {want.dtype} (the tensor's dtype): "
             f".numpy() keeps it.",
             zh=f"你的数组 dtype 是 {got.dtype}，应为 {want.dtype}（张量的 dtype）：.numpy() 会保持它。",
             evidence=evidence + f"\nyour array: dtype {got.dtype}")
    if not np.array_equal(got, want, equal_nan=want.dtype.kind == "f"):
        fail("your array has the right shape and dtype but different values.",
             zh="你的数组形状和 dtype 都对，但值不对。",
             evidence=evidence + f"\nexpected {want!r}\nyours {got!r}")


def _numpy_error(e, evidence):
    text = str(e)
    if "requires grad" in text:
        fail("to_numpy raised an error on a tensor that requires grad: .numpy() refuses it. "
             "Detach it first: x.detach().cpu().numpy().",
             zh="对需要梯度的张量，to_numpy 报错了：.numpy() 不接受这样的张量。请先 detach："
                "x.detach().cpu().numpy()。",
             evidence=evidence + "\n" + e.evidence())
    if "numpy" in text and ("cuda" in text or "cpu()" in text):
        fail("to_numpy raised an error on a GPU tensor: .numpy() works only for tensors on the "
             "CPU. Copy it first: x.detach().cpu().numpy(). (Without a GPU the check uses a "
             "tensor that behaves like a GPU tensor.)",
             zh="对 GPU 上的张量，to_numpy 报错了：.numpy() 只适用于 CPU 上的张量。请先复制到 CPU："
                "x.detach().cpu().numpy()。（没有 GPU 时，检查会使用一个表现得像 GPU 张量的张量。）",
             evidence=evidence + "\n" + e.evidence())


def expect_numpy(student, x, device="cpu"):
    what = ("a tensor" + (" that requires grad" if x.requires_grad else "")
            + (" on the GPU" if device == "cuda" else ""))
    try:
        got = student.to_numpy(x)
    except StudentError as e:
        _numpy_error(e, what)
        raise
    compare_array(got, x, what)


def expect_numpy_on_gpu(student, x):
    """to_numpy of x on a GPU (simulated without one), x requiring grad."""
    what = "a tensor on a GPU that requires grad"
    try:
        # A tensor that behaves like one on a GPU (grader/jail/builders/devices.py):
        # .numpy() refuses it, .cpu() gives a plain tensor. The array that comes
        # back is data, compared here.
        got = student.build("devices.on_gpu", student.to_numpy, x, requires_grad=True)
    except StudentError as e:
        _numpy_error(e, what)
        raise
    compare_array(got, x, what)


def judge_device(got, available, context):
    """What pick_device() returned while torch said a GPU is (not) available."""
    want = "cuda" if available else "cpu"
    evidence = f"{context}\nyou returned {got!r}, expected torch.device({want!r})"
    if isinstance(got, str):
        fail("pick_device() returned a string, not a torch.device: wrap the name, "
             "torch.device(name).",
             zh="pick_device() 返回的是字符串，而不是 torch.device：请用 torch.device(name) 包装一下。",
             evidence=evidence)
    if not isinstance(got, torch.device):
        fail(f"pick_device() should return a torch.device, but it returned {describe(got)}",
             zh=f"pick_device() 应该返回 torch.device，但它返回的是 {describe(got)}",
             evidence=evidence)
    if got.type != want:
        if available:
            fail("pick_device() returned a non-GPU device while torch.cuda.is_available() returned "
                 "True: ask torch.cuda.is_available() inside pick_device(), each time it is called "
                 "(not once, when the file is loaded).",
                 zh="torch.cuda.is_available() 返回 True 时，pick_device() 返回的却不是 GPU 设备："
                    "请在 pick_device() 内部、每次调用时都询问 torch.cuda.is_available()"
                    "（而不是在加载文件时只问一次）。",
                 evidence=evidence)
        fail("pick_device() returned a GPU device while torch.cuda.is_available() returned False. "
             "torch.cuda.is_available without parentheses is a function object, and a function is "
             "always true: call it, torch.cuda.is_available().",
             zh="torch.cuda.is_available() 返回 False 时，pick_device() 返回的却是 GPU 设备。"
                "不带括号的 torch.cuda.is_available 是一个函数对象，而函数对象总是为真："
                "请调用它：torch.cuda.is_available()。",
             evidence=evidence)


def expect_zeros(student, x, n):
    expected = torch.zeros(n, dtype=x.dtype)
    got = student.zeros_like_device(x, n)
    evidence = f"x: dtype {x.dtype}, shape {tuple(x.shape)}; n = {n}"
    if isinstance(got, torch.Tensor):
        if tuple(got.shape) == tuple(x.shape) and tuple(x.shape) != (n,):
            fail("your result has x's shape, not n elements: torch.zeros_like(x) copies x's shape. "
                 "You need torch.zeros(n, dtype=x.dtype, device=x.device).",
                 zh="你的结果形状和 x 一样，而不是 n 个元素：torch.zeros_like(x) 会照搬 x 的形状。"
                    "你需要的是 torch.zeros(n, dtype=x.dtype, device=x.device)。",
                 evidence=evidence + f"\nyour shape {tuple(got.shape)}")
        if got.shape == expected.shape and got.dtype != x.dtype:
            if got.dtype == torch.float32:
                fail(f"your zeros are float32 while x is {x.dtype}: torch.zeros(n) uses the default "
                     f"dtype (float32). Pass dtype=x.dtype.",
                     zh=f"x 是 {x.dtype}，你的零却是 float32：torch.zeros(n) 使用默认 dtype"
                        f"（float32）。请传入 dtype=x.dtype。",
                     evidence=evidence + f"\nyour dtype {got.dtype}")
            fail(f"your zeros have dtype {got.dtype}, not x's dtype ({x.dtype}): pass dtype=x.dtype.",
                 zh=f"你的零的 dtype 是 {got.dtype}，不是 x 的 dtype（{x.dtype}）：请传入 dtype=x.dtype。",
                 evidence=evidence + f"\nyour dtype {got.dtype}")
    assert_tensor(got, expected, inputs=(x,))


def expect_zeros_placed(student, x, n):
    """Where zeros_like_device puts its zeros for an x on 'meta': the process's account."""
    expect_zeros(student, x, n)   # the values, verified
    # Where a tensor lives is the student's process's account (a claim): it can
    # cost this check, never earn it. 'meta' is a real torch device without
    # data: it stands in for a GPU on any machine.
    report = student.build("devices.placed", student.zeros_like_device, "meta", x, n).value
    if not isinstance(report, dict) or "device" not in report:
        claim_fail("for an x on another device ('meta', a device without data that stands in for "
                   "a GPU) zeros_like_device did not return a tensor.",
                   zh="当 x 在另一个设备上时（'meta'，一种没有数据、用来代替 GPU 的设备），"
                      "zeros_like_device 没有返回张量。",
                   evidence=f"your process reports {report!r}"[:500])
    device, dtype, shape = report.get("device"), report.get("dtype"), report.get("shape")
    if not str(device).startswith("meta"):
        claim_fail("for an x on another device ('meta', a device without data that stands in for "
                   "a GPU) your process reports your zeros were somewhere else: new tensors go on "
                   "the CPU unless you say otherwise. Pass device=x.device.",
                   zh="当 x 在另一个设备上时（'meta'，一种没有数据、用来代替 GPU 的设备），你的进程"
                      "报告说你的零放在了别的设备上：新建张量时不指定设备就会放在 CPU 上。"
                      "请传入 device=x.device。",
                   evidence=f"your process reports device {device!r}"[:500])
    if not (dtype == str(x.dtype) and shape == [n]):
        claim_fail("for an x on the 'meta' device your process reports zeros of another shape or "
                   "dtype than n zeros of x's dtype.",
                   zh="当 x 在 'meta' 设备上时，你的进程报告的结果不是 n 个与 x 同 dtype 的零"
                      "（形状或 dtype 不对）。",
                   evidence=f"expected {n} zeros of {x.dtype}; your process reports shape "
                            f"{shape!r} and dtype {dtype!r}"[:500])
