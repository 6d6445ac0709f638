"""Data, not code, across the boundary; and what the jail says is a claim.

Every frame the check process sends to the jail while the reference solutions
are graded is recorded: none may ask the jail to evaluate anything, every
build names one of the grader's own builders, and no string sent is code.
"""

from __future__ import annotations

import ast

import pytest
import torch

from conftest import ROOT
from grader import fn, wire
from grader.jail.builders import BUILDERS
from grader.proxy import Claim, ClaimLog, Session

CODE_NODES = (ast.Lambda, ast.Call, ast.BinOp, ast.Subscript, ast.ListComp,
              ast.GeneratorExp, ast.IfExp)


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(k)
            yield from _strings(v)


def _is_code(text: str) -> bool:
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError):
        return False
    return any(isinstance(n, CODE_NODES) for n in ast.walk(tree))


@pytest.fixture(scope="module")
def course_grader(make_grader):
    return make_grader(ROOT)


def test_no_code_reaches_the_jail(course_grader, monkeypatch):
    sent = []
    original = wire.send_frame

    def recording(sock, header, buffers=()):
        sent.append(header)
        return original(sock, header, buffers)

    monkeypatch.setattr(wire, "send_frame", recording)
    course = course_grader.course
    for ex in course.exercises:
        result = course_grader.grade(ex, course.solution(ex))
        assert result["score"] == result["max_score"], (ex.slug, result["message"])
    ops = {h.get("op") for h in sent}
    assert "evaluate" not in ops and "call" in ops and "build" in ops
    for header in sent:
        if header.get("op") == "build":
            assert header["name"] in BUILDERS, header["name"]
        for text in _strings({k: v for k, v in header.items() if k != "seq"}):
            assert not _is_code(text), f"code sent to the jail: {text[:200]!r}"


def test_functions_travel_as_trees_and_evaluate_the_same_on_both_sides():
    f = fn.sin(fn.x) * fn.x ** 2 + fn.const(torch.tensor([1.0, 2.0]))
    x = torch.tensor([0.5, -1.5], requires_grad=True)
    from grader.jail.builders.core import JailFn
    jailed = JailFn(f.tree)
    torch.testing.assert_close(jailed(x), torch.sin(x) * x ** 2 + torch.tensor([1.0, 2.0]))
    torch.testing.assert_close(f(x), jailed(x))
    assert "sin(x)" in repr(f)


def test_a_claim_has_no_truth_value():
    with pytest.raises(TypeError, match="cannot decide a check"):
        bool(Claim(True))


def test_forging_replays_the_reference_claims_check_by_check():
    log = ClaimLog()
    recorder = Session.__new__(Session)
    recorder.claim_mode, recorder.claim_log = "record", log
    recorder.begin_check("a.py::check_one")
    recorder.claim("answer", 3)
    recorder.claim("answer", 4)
    forger = Session.__new__(Session)
    forger.claim_mode, forger.claim_log = "forge", log
    forger.begin_check("a.py::check_one")
    assert [forger.claim("answer", 99), forger.claim("answer", 98), forger.claim("answer", 97)] \
        == [3, 4, 97]
    forger.begin_check("a.py::check_two")
    assert forger.claim("answer", 5) == 5
