"""The API check authors import. See docs/authoring.md.

    from grader.checks import points, hint, target, assert_tensor, meta
"""

from __future__ import annotations

import contextlib

from grader.compare import CheckFailure, assert_equal, assert_number, assert_tensor, describe
from grader.proxy import Handle, StudentError, TensorMeta, meta

__all__ = [
    "points", "hint", "target", "title", "assert_tensor", "assert_number", "assert_equal",
    "describe", "meta", "raises_student", "fail", "CheckFailure", "StudentError", "Handle",
    "TensorMeta",
]


def _tag(key: str, value):
    def decorate(fn):
        setattr(fn, key, value)
        return fn
    return decorate


def points(n: float):
    """How many points the check is worth (default 1)."""
    return _tag("_drill_points", float(n))


def hint(text: str):
    """Shown under a failure: a nudge, not the answer."""
    return _tag("_drill_hint", text)


def target(function: str):
    """The student function the check is about (otherwise: the first one it calls)."""
    return _tag("_drill_target", function)


def title(text: str):
    """The check's title (otherwise: the docstring's first line)."""
    return _tag("_drill_title", text)


def fail(message: str):
    """Fail the check with a message written for the student."""
    raise CheckFailure(message)


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
            raise CheckFailure(f"{e.where} raised {e.type_name}, expected {name}") from None
        return
    raise CheckFailure(f"expected your code to raise {name}, but it returned normally")
