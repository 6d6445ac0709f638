"""Hidden checks for to_double(x)."""
import torch
from grader.checks import points, hint, target, title, assert_tensor, claims, claim_fail


def _check(student, x):
    got = student.to_double(x)
    assert_tensor(got, x.to(torch.float64), inputs=(x,))
    return got


def _check_copies(pairs):
    """After every value is verified: whether each result is a copy.

    That cannot be seen in the values: the student's process reports it (a
    claim), so it can cost the check, never earn it.
    """
    for x, got in pairs:
        if claims(got).shares_memory_with:
            claim_fail(
                "your process reports that the result shares memory with x: it is x itself (or a "
                "view of it), not a copy, so changing it would change x. When x is already "
                "float64, x.double() and x.to(torch.float64) return x unchanged; add .clone(), "
                "or use x.to(torch.float64, copy=True).",
                zh="你的进程报告说结果与 x 共享内存：它就是 x 本身（或 x 的视图），而不是副本，"
                   "修改它就会改变 x。x 已经是 float64 时，x.double() 和 x.to(torch.float64) "
                   "会原样返回 x；请加上 .clone()，或者用 x.to(torch.float64, copy=True)。",
                evidence=f"input: dtype {x.dtype}, shape {tuple(x.shape)}")


@points(1)
@target("to_double")
@title(zh="对 float32、float16、int64 和 bool 张量调用 to_double")
@hint("x.to(torch.float64) converts any dtype: float32, float16, int64, bool.",
      zh="x.to(torch.float64) 可以转换任何 dtype：float32、float16、int64、bool。")
def check_to_double_converts(student, case):
    """to_double of float32, float16, int64 and bool tensors"""
    xs = [case.randn("n", "m"), case.randn("m", dtype=torch.float16),
          case.randint(-50, 50, "n", "k"), case.rand("k") > 0.5]
    _check_copies([(x, _check(student, x)) for x in xs])


@points(1)
@target("to_double")
@title(zh="对 float64 张量调用 to_double 得到副本，而不是 x 本身")
@hint("When x is already float64, .double() gives back x itself: make a real copy (.clone()).",
      zh="x 已经是 float64 时，.double() 返回的就是 x 本身：请真正复制一份（.clone()）。")
def check_to_double_copies_float64(student, case):
    """to_double of a float64 tensor is a copy, not x itself"""
    xs = [case.randn("n", "m", dtype=torch.float64), torch.tensor(3.5, dtype=torch.float64)]
    pairs = [(x, _check(student, x)) for x in xs]
    _check(student, torch.zeros(0, case.size("m"), dtype=torch.float64))  # nothing to share
    _check_copies(pairs)
