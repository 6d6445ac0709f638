"""The API check authors import. See docs/authoring.md.

    from grader.checks import points, hint, target, assert_tensor, claims, fn

What comes back from the student's process is either verified (values the
check compares with its own) or a claim (claims(t), student.last_call, a
Claim from a probe, a handle's attributes and len()). A claim may explain a
failure (claim_fail) but never make a check pass; see docs/authoring.md.
"""

from __future__ import annotations

import contextlib

from grader import fn
from grader.i18n import _, pick
from grader.compare import (CheckFailure, ClaimFailure, assert_equal, assert_number, assert_tensor,
                            describe)
from grader.proxy import Claim, Handle, StudentError, TensorClaims, claims

__all__ = [
    "points", "hint", "target", "title", "assert_tensor", "assert_number", "assert_equal",
    "describe", "claims", "raises_student", "fail", "claim_fail", "CheckFailure", "ClaimFailure",
    "StudentError", "Handle", "TensorClaims", "Claim", "fn", "pick",
]


def _tag(key: str, value):
    def decorate(fn):
        setattr(fn, key, value)
        return fn
    return decorate


def _both(en, zh):
    """An author's text in both languages; the language is picked when the check runs."""
    return {"en": en, "zh": zh} if zh else en


def points(n: float):
    """How many points the check is worth (default 1)."""
    return _tag("_drill_points", float(n))


def hint(text: str, zh: str | None = None):
    """Shown under a failure: a nudge, not the answer (zh: the same in Simplified Chinese)."""
    return _tag("_drill_hint", _both(text, zh))


def target(function: str):
    """The student function the check is about (otherwise: the first one it calls)."""
    return _tag("_drill_target", function)


def title(text: str | None = None, zh: str | None = None):
    """The check's title (otherwise: the docstring's first line); zh: its Chinese form."""
    def decorate(fn):
        fn._drill_title = _both(text, zh) if text else None
        if zh:
            fn._drill_title_zh = zh
        return fn
    return decorate


def fail(diagnosis: str, *, zh: str | None = None, evidence: str = ""):
    """Fail the check: `diagnosis` names the mistake (shown even for a hidden check, so
    it must not quote the inputs); `evidence` holds the concrete values (withheld for a
    hidden check); `zh`: the diagnosis in Simplified Chinese."""
    raise CheckFailure(pick(diagnosis, zh), evidence)


def claim_fail(message: str, *, zh: str | None = None, evidence: str = ""):
    """Fail the check on what the student's process says about itself (a claim).

    Use it whenever the reason is a claim (claims(t), student.last_call, a
    Claim's value, a handle's attribute): it costs the points, and the
    claim-forging test knows a lying process would escape it.
    """
    raise ClaimFailure(pick(message, zh), evidence)


@contextlib.contextmanager
def raises_student(expected: type | str = Exception):
    """Expect the student's code to raise `expected` (a class or its name)."""
    name = expected if isinstance(expected, str) else expected.__name__
    try:
        yield
    except StudentError as e:
        if e.not_implemented:
            raise
        if isinstance(expected, type) and expected is Exception:
            return
        if e.type_name != name:
            raise CheckFailure(_("{where} raised {got}, expected {want}").format(
                where=e.where, got=e.type_name, want=name), e.message[:2000]) from None
        return
    raise CheckFailure(_("expected your code to raise {name}, but it returned normally").format(
        name=name))
