"""What the puzzle checks share: compare a result, and name a known mistake.

A diagnosis names the kind of mistake and the function (`outer(a, b)`),
never the check's inputs: those, with the expected and the actual values, go
to the evidence, which a hidden check withholds. A mistake is named only
when the check computed that wrong answer itself and the result equals it.
"""
import torch

from grader.checks import CheckFailure, assert_tensor, fail

MAX_SHOWN = 400


def same(actual, candidate) -> bool:
    """True when `actual` is a tensor with the shape and values of `candidate` (dtype aside)."""
    if not isinstance(actual, torch.Tensor) or tuple(actual.shape) != tuple(candidate.shape):
        return False
    try:
        return bool(torch.equal(actual.to(torch.float64), candidate.to(torch.float64)))
    except Exception:
        return False


def show(t) -> str:
    """A tensor's values as a list, cut when long (for evidence only)."""
    text = str(t.tolist()) if isinstance(t, torch.Tensor) else repr(t)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + " ..."


def evidence(call: str, expected, actual=None) -> str:
    lines = [f"the call: {call}", f"expected: {show(expected)}"]
    if isinstance(actual, torch.Tensor):
        lines.append(f"yours:    {show(actual)} (shape {tuple(actual.shape)}, {actual.dtype})")
    return "\n".join(lines)


def expect(actual, expected, *, call: str, name: str, inputs=(), mistakes=()):
    """Fail unless `actual` equals `expected`.

    call: the concrete call, with its arguments (evidence only).
    name: how the diagnosis names the result, without values: "outer(a, b)".
    mistakes: (candidate, english, chinese): a wrong answer this check computed
    itself, and what it means; said only when the result equals the candidate.
    """
    if (isinstance(actual, torch.Tensor) and actual.dtype == torch.bool
            and expected.dtype != torch.bool):
        fail(f"your {name} is a bool tensor (True/False), but this puzzle returns "
             f"{expected.dtype} numbers: a comparison gives booleans, turn them into "
             "numbers with where(q, 1, 0) or 1 * q",
             zh=f"你的 {name} 是 bool 张量（True/False），但这道题要返回 {expected.dtype} 数值："
                "比较运算得到的是布尔值，用 where(q, 1, 0) 或 1 * q 把它变成数字",
             evidence=evidence(call, expected, actual))
    if not same(actual, expected):
        for candidate, en, zh in mistakes:
            if same(actual, candidate):
                fail(f"your {name}: {en}", zh=f"你的 {name}：{zh}",
                     evidence=evidence(call, expected, actual))
    try:
        assert_tensor(actual, expected, inputs=inputs, name=name)
    except CheckFailure as e:
        # The same verdict, with the call that produced it in the evidence.
        raise type(e)(e.diagnosis, f"the call: {call}\n{e.evidence}".rstrip()) from None
