"""Helpers of exercise 01's checks: each names the mistakes it can prove.

A diagnosis says what kind of mistake it is and never quotes the inputs; the call
and the values go to the evidence (withheld for a hidden check)."""
import torch
from grader.checks import assert_tensor, fail, CheckFailure


def compare_with_call(got, expected, call):
    """assert_tensor, with the call in the evidence (never in the diagnosis)."""
    try:
        assert_tensor(got, expected)
    except CheckFailure as e:
        raise type(e)(e.diagnosis, f"call: {call}" + ("\n" + e.evidence if e.evidence else "")
                      ) from None


def expect_filled(student, shape, value, dtype=None):
    """Call make_filled (without dtype when dtype is None) and compare."""
    want_dtype = torch.float32 if dtype is None else dtype
    expected = torch.full(tuple(shape), value, dtype=want_dtype)
    got = (student.make_filled(shape, value) if dtype is None
           else student.make_filled(shape, value, dtype))
    call = (f"make_filled({shape!r}, {value!r})" if dtype is None
            else f"make_filled({shape!r}, {value!r}, {dtype})")
    if isinstance(got, torch.Tensor) and tuple(got.shape) == tuple(expected.shape) \
            and got.dtype != want_dtype:
        evidence = f"call: {call}\ndtype {got.dtype}, expected {want_dtype}"
        if dtype is None and got.dtype == torch.full((), value).dtype:
            fail(f"your result has dtype {got.dtype}, which is what torch.full guesses from the "
                 f"value when no dtype= is given; expected {want_dtype}. Pass dtype=dtype on (its "
                 f"default is torch.float32).",
                 zh=f"你的结果的 dtype 是 {got.dtype}，这正是不传 dtype= 时 torch.full 根据填充值"
                    f"推断出的类型，而要求的是 {want_dtype}。请把 dtype=dtype 传给 torch.full"
                    f"（它的默认值是 torch.float32）。",
                 evidence=evidence)
        fail(f"your result has dtype {got.dtype}, not the dtype asked for ({want_dtype}): pass the "
             f"dtype argument on, for example torch.full(shape, value, dtype=dtype).",
             zh=f"你的结果的 dtype 是 {got.dtype}，不是要求的 {want_dtype}：请把 dtype 参数传进去，"
                f"例如 torch.full(shape, value, dtype=dtype)。",
             evidence=evidence)
    if isinstance(got, torch.Tensor) and tuple(got.shape) != tuple(expected.shape) \
            and tuple(got.shape) == (len(shape),):
        fail("your result holds one element per entry of `shape`, as if the shape were read as "
             "data: torch.Tensor(shape) and torch.tensor(shape) read a tuple as values; "
             "torch.full(shape, value) reads it as a shape.",
             zh="你的结果里每个元素对应 `shape` 中的一个尺寸，就像把形状当成了数据："
                "torch.Tensor(shape) 和 torch.tensor(shape) 会把元组当作张量的值，"
                "torch.full(shape, value) 才会把它当作形状。",
             evidence=f"call: {call}\nshape {tuple(got.shape)}, expected {tuple(expected.shape)}")
    compare_with_call(got, expected, call)


def expect_long(student, values):
    expected = torch.tensor(values, dtype=torch.int64).reshape(len(values))
    got = student.as_long(values)
    call = f"as_long({values!r})"
    if isinstance(got, torch.Tensor) and got.dtype != torch.int64:
        evidence = f"call: {call}\ndtype {got.dtype}, expected torch.int64"
        if len(values) == 0 and got.dtype == torch.float32:
            fail("for an empty list your result is float32, expected int64: torch.tensor([]) has "
                 "no numbers to guess a dtype from, so it is float32. Pass dtype=torch.long.",
                 zh="对空列表，你的结果是 float32，应为 int64：torch.tensor([]) 里没有数可以用来"
                    "推断 dtype，所以得到 float32。请传入 dtype=torch.long。",
                 evidence=evidence)
        fail(f"your result has dtype {got.dtype}, expected torch.int64 (torch.long): pass "
             f"dtype=torch.long.",
             zh=f"你的结果的 dtype 是 {got.dtype}，应为 torch.int64（torch.long）：请传入 "
                f"dtype=torch.long。",
             evidence=evidence)
    if isinstance(got, torch.Tensor) and got.shape == expected.shape and \
            not torch.equal(got, expected):
        bad = [(v, g) for v, g in zip(values, got.tolist()) if v != g]
        evidence = f"call: {call}\n" + "\n".join(f"{v} came out as {g}" for v, g in bad[:3])
        for via in (torch.float32, torch.float64):
            if torch.equal(got, torch.tensor(values, dtype=via).long()):
                fail(f"your large integers lost their last digits, exactly as they do through a "
                     f"{str(via).removeprefix('torch.')} tensor (torch.Tensor(values) is float32, "
                     f"and float64 cannot hold every large integer either). Build the tensor as "
                     f"int64 directly: torch.tensor(values, dtype=torch.long).",
                     zh=f"你的大整数丢掉了末尾的几位，和经过 {str(via).removeprefix('torch.')} "
                        f"张量时的结果一模一样（torch.Tensor(values) 是 float32，float64 也不能"
                        f"精确表示所有大整数）。请直接构造 int64 张量："
                        f"torch.tensor(values, dtype=torch.long)。",
                     evidence=evidence)
        if torch.allclose(got.double(), torch.tensor(values, dtype=torch.float64), rtol=1e-6,
                          atol=0):
            fail("your values are close to the right ones but not exact: large integers lost "
                 "their last digits. Build the tensor as int64 directly, without a float step: "
                 "torch.tensor(values, dtype=torch.long).",
                 zh="你的值接近正确值但不精确：大整数丢掉了末尾的几位。请直接构造 int64 张量，"
                    "不要经过浮点数：torch.tensor(values, dtype=torch.long)。",
                 evidence=evidence)
    compare_with_call(got, expected, call)
