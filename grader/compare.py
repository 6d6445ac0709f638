"""Comparisons that explain themselves to a learner.

The pass/fail decision is torch.testing's; the words around a failure are
ours: what kind of value came back, a shape diagnosis, where the values are
furthest apart, and a guess at the mistake when one fits (transposed, a
factor off, a constant off, a sign flipped).
"""

from __future__ import annotations

import itertools
import math

import torch

from grader.i18n import _, current
from grader.proxy import Handle

SMALL_VIEW = 36  # show whole tensors up to this many elements


class CheckFailure(AssertionError):
    """A check's verdict for the student, in two parts.

    `diagnosis`: what kind of mistake it is ("your result looks transposed"),
    shown even for a hidden check, so it must not quote the check's inputs or
    anything the student's code chose to say. `evidence`: the concrete inputs,
    expected and actual values, the seed; withheld for a hidden check.
    """

    def __init__(self, diagnosis: str, evidence: str = ""):
        self.diagnosis = diagnosis
        self.evidence = evidence
        super().__init__(diagnosis + (("\n" + evidence) if evidence else ""))


class ClaimFailure(CheckFailure):
    """A failure decided on a claim of the student's process (see grader.proxy.Claim).

    It costs the check its points, like any failure; the claim-forging test
    knows that a lying process escapes it, and allows that, but no other
    failure may turn into a pass when claims are forged.
    """


def _fmt_shape(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def describe(value, returned: bool = True) -> str:
    """A short, safe description of any value (`returned`: it came from the student)."""
    if isinstance(value, Handle):
        return _("a {type} object").format(type=value.type_name)
    if isinstance(value, torch.Tensor):
        return _("a tensor of dtype {dtype}").format(dtype=value.dtype)
    if value is None:
        if returned and CONTEXT.get("function") in CONTEXT.get("without_return", ()):
            return _("None: your function has no return statement")
        return "None"
    return _("a {type}").format(type=type(value).__name__)


# Set by the plugin for each check: the function under test, and the student's
# functions that have no `return <value>` in their source (so that "you forgot
# a return statement" is said only when it is true).
CONTEXT: dict = {}


def _view(t: torch.Tensor) -> str:
    if t.numel() > SMALL_VIEW:
        return f"<{t.numel()} values>"
    with torch._tensor_str.printoptions(precision=4, sci_mode=False):
        return str(t.detach()).replace("\n", "\n    ")


def _drop_ones(shape) -> tuple:
    return tuple(s for s in shape if s != 1)


def _broadcast_shape(a: tuple, b: tuple) -> tuple | None:
    """What a and b broadcast to, or None; torch.broadcast_shapes would import sympy."""
    out = []
    for x, y in itertools.zip_longest(reversed(a), reversed(b), fillvalue=1):
        if x != y and 1 not in (x, y):
            return None
        out.append(y if x == 1 else x)
    return tuple(reversed(out))


def diagnose_shape(actual: tuple, expected: tuple) -> str:
    a, e = tuple(actual), tuple(expected)
    if len(a) == len(e) == 2 and a == e[::-1]:
        return _("it looks transposed (rows and columns swapped)")
    if len(a) == len(e) and sorted(a) == sorted(e):
        return _("the right sizes in the wrong order: a transpose or permute is off")
    if _drop_ones(a) == _drop_ones(e) and len(a) < len(e):
        return _("a size-1 axis is missing (keepdim=True, or an unsqueeze/None index?)")
    if _drop_ones(a) == _drop_ones(e) and len(a) > len(e):
        return _("there is an extra size-1 axis (squeeze it, or drop keepdim=True)")
    if math.prod(a) > math.prod(e) and _broadcast_shape(e, a) == a:
        return _("it is bigger than expected: an accidental broadcast, for example"
                 " (n,) combined with (n, 1) gives (n, n)")
    if math.prod(a) == math.prod(e):
        return _("the same number of elements arranged differently (a reshape or view is off)")
    if len(a) != len(e):
        return _("it has {got} dimension(s), expected {want}").format(got=len(a), want=len(e))
    return ""


def _assert_close(actual, expected, **options) -> None:
    """torch.testing.assert_close, minus its DTensor check.

    assert_close first asks whether either side is a DTensor, and that import
    pulls in torch.distributed.tensor and sympy: about 520 modules and 0.8 s
    on the first comparison of every check process. Our tensors are rebuilt
    from bytes by the wire or made by a check, never DTensors, so we call the
    comparison assert_close delegates to, with its pair types: torch.testing
    still makes every decision.
    """
    try:
        from torch.testing._comparison import (BooleanPair, NonePair, NumberPair,
                                               TensorLikePair, not_close_error_metas)
    except ImportError:  # a torch whose internals moved: same verdict, slower first call
        torch.testing.assert_close(actual, expected, **options)
        return
    errors = not_close_error_metas(actual, expected,
                                   pair_types=(NonePair, BooleanPair, NumberPair, TensorLikePair),
                                   **options)
    if errors:
        raise errors[0].to_error()


def _close(a: torch.Tensor, b: torch.Tensor, rtol, atol) -> bool:
    try:
        _assert_close(a, b, rtol=rtol, atol=atol, equal_nan=True,
                                   check_device=False, check_dtype=False)
        return True
    except AssertionError:
        return False


def diagnose_values(actual: torch.Tensor, expected: torch.Tensor, rtol, atol) -> str:
    """A guess at the mistake behind wrong values, when a simple one fits."""
    if actual.numel() and actual.dtype == torch.int64 and expected.dtype == torch.int64 and \
            expected.abs().max().item() > 2 ** 24:
        for via in (torch.float32, torch.float64):
            if torch.equal(actual, expected.to(via).to(torch.int64)):
                return _("large integers went through {dtype} on the way and lost their last"
                         " digits: keep them int64").format(dtype=str(via).removeprefix("torch."))
    if actual.numel() == 0 or not (actual.is_floating_point() or actual.is_complex()):
        return ""
    if actual.dtype == torch.float64 and expected.dtype == torch.float64 and \
            torch.allclose(actual, expected, rtol=1e-5, atol=1e-6) and \
            torch.equal(actual.float().double(), actual):
        return _("your float64 result has only float32 precision: something on the way was"
                 " float32 (a torch.tensor(...), torch.ones(...) or a .float() without"
                 " dtype=x.dtype?)")
    a, e = actual.double(), expected.double()
    if a.dim() == 2 and a.shape[0] == a.shape[1] and a.shape[0] > 1 and _close(a, e.T, rtol, atol):
        return _("your result is the transpose of the expected one")
    if _close(a, -e, rtol, atol):
        return _("your result has the wrong sign")
    nonzero = e.abs() > 1e-6
    if nonzero.sum() >= 2:
        ratios = a[nonzero] / e[nonzero]
        r = ratios.median().item()
        if math.isfinite(r) and abs(r - 1) > 1e-3 and abs(r) > 1e-6 and _close(a, e * r, rtol, atol):
            return _("your result is {factor} times the expected one (a constant factor is off)"
                     ).format(factor=f"{r:.4g}")
    diff = (a - e).flatten()
    if diff.numel() >= 2:
        c = diff.median().item()
        if abs(c) > 1e-6 and _close(a, e + c, rtol, atol):
            return _("your result is off by a constant {c} everywhere").format(c=f"{c:+.4g}")
    return ""


def _default_tolerances(dtype):
    # torch.testing's defaults for the dtype.
    from torch.testing._comparison import default_tolerances
    return default_tolerances(dtype)


def _name(name: str) -> str:
    if name == "result":
        return _("result")
    # Chinese sets code apart from Han characters with a space: "你的 outer(a, b) 形状不对";
    # a name that is Chinese at an end needs none there: pick("mse", "mse 的结果").
    if current() != "zh":
        return name
    return ("" if _han(name[:1]) else " ") + name + ("" if _han(name[-1:]) else " ")


def _han(ch: str) -> bool:
    return bool(ch) and ("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")


def assert_tensor(actual, expected: torch.Tensor, *, rtol=None, atol=None, inputs=(),
                  device="auto", check_dtype=True, name="result"):
    """Fail with a learner-grade diagnosis and evidence unless `actual` matches `expected`."""
    expected = expected.detach()
    shown = _name(name)
    if not isinstance(actual, torch.Tensor):
        raise CheckFailure(
            _("your {name} should be a torch.Tensor, but it is {what}").format(
                name=shown, what=describe(actual)),
            _("expected shape {shape}").format(shape=_fmt_shape(expected.shape))
            + _inputs_view(inputs))
    if tuple(actual.shape) != tuple(expected.shape):
        why = diagnose_shape(actual.shape, expected.shape)
        raise CheckFailure(
            _("your {name} has the wrong shape").format(name=shown) + (_(": ") + why if why else ""),
            _("shape {got}, expected {want}").format(got=_fmt_shape(actual.shape),
                                                      want=_fmt_shape(expected.shape))
            + _inputs_view(inputs))
    if check_dtype and actual.dtype != expected.dtype:
        raise CheckFailure(
            _("your {name} has dtype {got}, expected {want}").format(
                name=shown, got=actual.dtype, want=expected.dtype) + _dtype_why(actual, expected),
            _inputs_view(inputs).lstrip("\n"))
    if expected.dtype != actual.dtype:
        expected = expected.to(actual.dtype)
    try:
        _assert_close(actual.detach(), expected, rtol=rtol, atol=atol,
                      equal_nan=False, check_device=False)
    except AssertionError:
        diagnosis, evidence = _value_message(actual.detach(), expected, rtol, atol, shown, inputs)
        raise CheckFailure(diagnosis, evidence) from None
    # The values are right (verified); what the jail says about the tensor can
    # still cost the check (a claim), never earn it.
    meta = getattr(actual, "_drill_meta", None)
    if meta is not None and meta.type_name != "Tensor":
        extra = (_(" (return a plain tensor, for example the computed value or .detach())")
                 if meta.type_name == "Parameter" else "")
        raise ClaimFailure(_("your {name} must be a plain torch.Tensor, not a {type}").format(
            name=shown, type=meta.type_name) + extra)
    if meta is not None and device is not None:
        want = (meta.input_device or "cpu") if device == "auto" else str(device)
        if torch.device(meta.device).type != torch.device(want).type:
            raise ClaimFailure(
                _("device mistake: your {name} is on {got}, but the input was on {want}; create"
                  " new tensors with device=x.device (or torch.zeros_like(x)), and never call"
                  " .cpu() on a result").format(name=shown, got=meta.device, want=want))


def _dtype_why(actual, expected) -> str:
    if expected.dtype == torch.float64 and actual.dtype == torch.float32:
        return _(": the float64 input went through float32 somewhere (a torch.tensor(...) or"
                 " torch.zeros(...) without dtype=x.dtype?)")
    if expected.dtype == torch.int64 and actual.is_floating_point():
        return _(": integers went through floating point (large int64 values lose digits there)")
    return ""


def _value_message(actual, expected, rtol, atol, name, inputs) -> tuple[str, str]:
    if rtol is None or atol is None:
        rtol, atol = _default_tolerances(actual.dtype if actual.is_floating_point() else expected.dtype)
    a, e = actual, expected
    if a.dtype == torch.bool or e.dtype == torch.bool:
        a, e = a.to(torch.int64), e.to(torch.int64)
    if not (a.is_floating_point() or a.is_complex()):
        a, e = a.double(), e.double()
    notes, evidence = [], []
    bad_nan = torch.isnan(a) & ~torch.isnan(e)
    if bad_nan.any():
        notes.append(_("NaN where a number was expected (an overflow, 0/0, or log of a negative"
                       " number?)"))
    bad_inf = torch.isinf(a) & ~torch.isinf(e)
    if bad_inf.any():
        notes.append(_("inf where a number was expected (an overflow: is the computation"
                       " numerically stable?)"))
    err = (a - e).abs()
    tol = atol + rtol * e.abs()
    wrong = ~(err <= tol) & ~(torch.isnan(a) & torch.isnan(e))
    count = int(wrong.sum())
    total = a.numel()
    percent = f"{100.0 * count / max(total, 1):.0f}%"
    diagnosis = _("your {name} has the right shape but {percent} of its values are wrong").format(
        name=name, percent=percent)
    evidence.append(_("{count} of {total} values are wrong").format(count=count, total=total))
    finite = torch.where(torch.isfinite(err), err, torch.full_like(err, -1.0))
    where = divmod_index(int(finite.flatten().argmax()), tuple(a.shape))
    idx = where if where else ()
    worst = finite[idx].item() if total else 0.0
    if worst >= 0 and total:
        scale = abs(e[idx].item())
        rel = f", relative {worst / scale:.3g}" if scale > 1e-12 else ""
        evidence.append(_("largest error {worst}{rel} at index {index}: expected {want}, yours"
                          " {got}").format(worst=f"{worst:.4g}", rel=rel, index=list(idx),
                                           want=f"{e[idx].item():.6g}", got=f"{a[idx].item():.6g}"))
    guess = diagnose_values(actual, expected, rtol, atol)
    if guess:
        notes.append(guess)
    if total <= SMALL_VIEW:
        evidence.append(_("expected:") + f"\n    {_view(expected)}\n" + _("yours:")
                        + f"\n    {_view(actual)}")
    if notes:
        diagnosis += _(": ") + _("; ").join(notes)
    return diagnosis, "\n".join(evidence) + _inputs_view(inputs)


def divmod_index(flat: int, shape: tuple) -> tuple:
    out = []
    for size in reversed(shape):
        flat, rem = divmod(flat, size) if size else (flat, 0)
        out.append(rem)
    return tuple(reversed(out))


def _inputs_view(inputs) -> str:
    shown = []
    for i, t in enumerate(inputs):
        label = _("input {n}:").format(n=i + 1)
        if isinstance(t, torch.Tensor) and t.numel() <= SMALL_VIEW:
            shown.append(f"{label}\n    {_view(t)}")
        elif isinstance(t, torch.Tensor):
            shown.append(f"{label} " + _("shape {shape}, dtype {dtype}").format(
                shape=_fmt_shape(t.shape), dtype=t.dtype))
        else:
            shown.append(f"{label} {t!r}"[:200])
    return ("\n" + "\n".join(shown)) if shown else ""


def assert_number(actual, expected, *, rel=1e-6, abs=1e-9, type=float, name="result"):
    """`actual` must be a Python number of `type` (not a tensor), close to `expected`."""
    shown = _name(name)
    if isinstance(actual, torch.Tensor):
        raise CheckFailure(_("your {name} is a tensor; return a Python {type} (use .item())"
                             ).format(name=shown, type=type.__name__))
    if isinstance(actual, bool) or not isinstance(actual, (int, float)) or (
            type is int and not isinstance(actual, int)):
        raise CheckFailure(_("your {name} should be a Python {type}, but it is {what}").format(
            name=shown, type=type.__name__, what=describe(actual)))
    if type is int:
        if actual != expected:
            raise CheckFailure(_("your {name} is not the expected number").format(name=shown),
                               _("yours {got}, expected {want}").format(got=actual, want=expected))
        return
    if not math.isclose(actual, expected, rel_tol=rel, abs_tol=abs) and not (
            math.isnan(actual) and math.isnan(expected)):
        raise CheckFailure(_("your {name} is not the expected number").format(name=shown),
                           _("yours {got}, expected {want}").format(got=f"{actual:.8g}",
                                                                    want=f"{expected:.8g}"))


def assert_equal(actual, expected, what="result"):
    """Plain-data equality (numbers, strings, tuples, lists, dicts, None)."""
    if type(actual) is not type(expected) and not (
            isinstance(actual, (int, float)) and isinstance(expected, (int, float))
            and not isinstance(actual, bool)):
        raise CheckFailure(_("your {name} should be {want}, but it is {got}").format(
            name=_name(what), want=describe(expected, returned=False), got=describe(actual)))
    if actual != expected:
        raise CheckFailure(_("your {name} is not what was expected").format(name=_name(what)),
                           _("yours {got}, expected {want}").format(got=repr(actual)[:1000],
                                                                    want=repr(expected)[:1000]))
