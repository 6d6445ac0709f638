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

from grader.proxy import Handle

SMALL_VIEW = 36  # show whole tensors up to this many elements


class CheckFailure(AssertionError):
    """A check's verdict: the message is written for the student."""


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
        return f"a {value.type_name} object"
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {_fmt_shape(value.shape)} and dtype {value.dtype}"
    if value is None:
        return "None (did you forget a return statement?)" if returned else "None"
    text = repr(value)
    return f"a {type(value).__name__} ({text[:60] + '...' if len(text) > 60 else text})"


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
        return "it looks transposed (rows and columns swapped)"
    if len(a) == len(e) and sorted(a) == sorted(e):
        return "the right sizes in the wrong order: a transpose or permute is off"
    if _drop_ones(a) == _drop_ones(e) and len(a) < len(e):
        return "a size-1 axis is missing (keepdim=True, or an unsqueeze/None index?)"
    if _drop_ones(a) == _drop_ones(e) and len(a) > len(e):
        return "there is an extra size-1 axis (squeeze it, or drop keepdim=True)"
    if math.prod(a) > math.prod(e) and _broadcast_shape(e, a) == a:
        return ("it is bigger than expected: an accidental broadcast, for example"
                " (n,) combined with (n, 1) gives (n, n)")
    if math.prod(a) == math.prod(e):
        return "the same number of elements arranged differently (a reshape or view is off)"
    if len(a) != len(e):
        return f"it has {len(a)} dimension(s), expected {len(e)}"
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
    if actual.numel() == 0 or not (actual.is_floating_point() or actual.is_complex()):
        return ""
    a, e = actual.double(), expected.double()
    if a.dim() == 2 and a.shape[0] == a.shape[1] and a.shape[0] > 1 and _close(a, e.T, rtol, atol):
        return "your result is the transpose of the expected one"
    if _close(a, -e, rtol, atol):
        return "your result has the wrong sign"
    nonzero = e.abs() > 1e-6
    if nonzero.sum() >= 2:
        ratios = a[nonzero] / e[nonzero]
        r = ratios.median().item()
        if math.isfinite(r) and abs(r - 1) > 1e-3 and abs(r) > 1e-6 and _close(a, e * r, rtol, atol):
            return f"your result is {r:.4g} times the expected one (a constant factor is off)"
    diff = (a - e).flatten()
    if diff.numel() >= 2:
        c = diff.median().item()
        if abs(c) > 1e-6 and _close(a, e + c, rtol, atol):
            return f"your result is off by a constant {c:+.4g} everywhere"
    return ""


def _default_tolerances(dtype):
    # torch.testing's defaults for the dtype.
    from torch.testing._comparison import default_tolerances
    return default_tolerances(dtype)


def assert_tensor(actual, expected: torch.Tensor, *, rtol=None, atol=None, inputs=(),
                  device="auto", check_dtype=True, name="result"):
    """Fail with a learner-grade message unless `actual` matches `expected`."""
    expected = expected.detach()
    if not isinstance(actual, torch.Tensor):
        raise CheckFailure(f"your {name} should be a torch.Tensor of shape"
                           f" {_fmt_shape(expected.shape)}, but it is {describe(actual)}")
    if tuple(actual.shape) != tuple(expected.shape):
        why = diagnose_shape(actual.shape, expected.shape)
        raise CheckFailure(f"your {name} has shape {_fmt_shape(actual.shape)}, expected"
                           f" {_fmt_shape(expected.shape)}" + (f": {why}" if why else "")
                           + _inputs_view(inputs))
    if check_dtype and actual.dtype != expected.dtype:
        raise CheckFailure(f"your {name} has dtype {actual.dtype}, expected {expected.dtype}"
                           + _inputs_view(inputs))
    if expected.dtype != actual.dtype:
        expected = expected.to(actual.dtype)
    try:
        _assert_close(actual.detach(), expected, rtol=rtol, atol=atol,
                      equal_nan=False, check_device=False)
    except AssertionError:
        raise CheckFailure(_value_message(actual.detach(), expected, rtol, atol, name,
                                          inputs)) from None
    # The values are right (verified); what the jail says about the tensor can
    # still cost the check (a claim), never earn it.
    meta = getattr(actual, "_drill_meta", None)
    if meta is not None and meta.type_name != "Tensor":
        extra = (" (return a plain tensor, for example the computed value or .detach())"
                 if meta.type_name == "Parameter" else "")
        raise ClaimFailure(f"your {name} must be a plain torch.Tensor, not a {meta.type_name}{extra}")
    if meta is not None and device is not None:
        want = (meta.input_device or "cpu") if device == "auto" else str(device)
        if torch.device(meta.device).type != torch.device(want).type:
            raise ClaimFailure(f"your {name} is on {meta.device}, but it should be on {want}"
                               + (" like the input" if device == "auto" and meta.input_device else "")
                               + " (create new tensors with device=x.device)")


def _value_message(actual, expected, rtol, atol, name, inputs) -> str:
    if rtol is None or atol is None:
        rtol, atol = _default_tolerances(actual.dtype if actual.is_floating_point() else expected.dtype)
    a, e = actual, expected
    if a.dtype == torch.bool or e.dtype == torch.bool:
        a, e = a.to(torch.int64), e.to(torch.int64)
    if not (a.is_floating_point() or a.is_complex()):
        a, e = a.double(), e.double()
    lines = []
    bad_nan = torch.isnan(a) & ~torch.isnan(e)
    if bad_nan.any():
        lines.append(f"your {name} has NaN at {int(bad_nan.sum())} position(s) where a number was"
                     " expected (an overflow, 0/0, or log of a negative number?)")
    bad_inf = torch.isinf(a) & ~torch.isinf(e)
    if bad_inf.any():
        lines.append(f"your {name} has inf at {int(bad_inf.sum())} position(s)"
                     " (an overflow: is the computation numerically stable?)")
    err = (a - e).abs()
    tol = atol + rtol * e.abs()
    wrong = ~(err <= tol) & ~(torch.isnan(a) & torch.isnan(e))
    count = int(wrong.sum())
    total = a.numel()
    lines.insert(0, f"your {name} has the right shape {_fmt_shape(a.shape)} but {count} of"
                    f" {total} values are wrong ({100.0 * count / max(total, 1):.0f}%)")
    finite = torch.where(torch.isfinite(err), err, torch.full_like(err, -1.0))
    where = divmod_index(int(finite.flatten().argmax()), tuple(a.shape))
    idx = where if where else ()
    worst = finite[idx].item() if total else 0.0
    if worst >= 0 and total:
        scale = abs(e[idx].item())
        rel = f", relative {worst / scale:.3g}" if scale > 1e-12 else ""
        lines.append(f"largest error {worst:.4g}{rel} at index {list(idx)}:"
                     f" expected {e[idx].item():.6g}, yours {a[idx].item():.6g}")
    guess = diagnose_values(actual, expected, rtol, atol)
    if guess:
        lines.append(f"hint from the grader: {guess}")
    if total <= SMALL_VIEW:
        lines.append(f"expected:\n    {_view(expected)}\nyours:\n    {_view(actual)}")
    return "\n".join(lines) + _inputs_view(inputs)


def divmod_index(flat: int, shape: tuple) -> tuple:
    out = []
    for size in reversed(shape):
        flat, rem = divmod(flat, size) if size else (flat, 0)
        out.append(rem)
    return tuple(reversed(out))


def _inputs_view(inputs) -> str:
    shown = []
    for i, t in enumerate(inputs):
        if isinstance(t, torch.Tensor) and t.numel() <= SMALL_VIEW:
            shown.append(f"input {i + 1}:\n    {_view(t)}")
        elif isinstance(t, torch.Tensor):
            shown.append(f"input {i + 1}: shape {_fmt_shape(t.shape)}, dtype {t.dtype}")
        else:
            shown.append(f"input {i + 1}: {t!r}"[:200])
    return ("\n" + "\n".join(shown)) if shown else ""


def assert_number(actual, expected, *, rel=1e-6, abs=1e-9, type=float, name="result"):
    """`actual` must be a Python number of `type` (not a tensor), close to `expected`."""
    if isinstance(actual, torch.Tensor):
        raise CheckFailure(f"your {name} is a tensor; return a Python {type.__name__}"
                           " (use .item())")
    if isinstance(actual, bool) or not isinstance(actual, (int, float)) or (
            type is int and not isinstance(actual, int)):
        raise CheckFailure(f"your {name} should be a Python {type.__name__}, but it is"
                           f" {describe(actual)}")
    if type is int:
        if actual != expected:
            raise CheckFailure(f"your {name} is {actual}, expected {expected}")
        return
    if not math.isclose(actual, expected, rel_tol=rel, abs_tol=abs) and not (
            math.isnan(actual) and math.isnan(expected)):
        raise CheckFailure(f"your {name} is {actual:.8g}, expected {expected:.8g}")


def assert_equal(actual, expected, what="result"):
    """Plain-data equality (numbers, strings, tuples, lists, dicts, None)."""
    if type(actual) is not type(expected) and not (
            isinstance(actual, (int, float)) and isinstance(expected, (int, float))
            and not isinstance(actual, bool)):
        raise CheckFailure(f"your {what} should be {describe(expected, returned=False)}, but it is"
                           f" {describe(actual)}")
    if actual != expected:
        raise CheckFailure(f"your {what} is {actual!r}, expected {expected!r}"[:2000])
