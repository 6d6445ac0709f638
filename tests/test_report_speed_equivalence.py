"""The cheaper ways the class reports are written give the same bytes as the plain ones.

- report_junit._serialize against ElementTree's indent + tostring;
- redact.student_view (copies only what it changes) against a deep copy;
- exports.write_atomic: a whole file or the old one, the umask's permissions,
  no temporary left behind.
"""

from __future__ import annotations

import copy
import json
import os
import xml.etree.ElementTree as ET

import pytest

from grader import report_junit
from grader.classroom import exports
from grader.redact import _diagnosis, _visible_output, shared_student_view, student_view

ODD = 'a&b <c> "d" \'e\'\r\nf\tg ]]> \u00e9 \u4e2d'


def _tree():
    root = ET.Element("testsuites", name=ODD, tests="3")
    suite = ET.SubElement(root, "testsuite", name="01_x", time="0.5")
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="score", value="1.5")
    ET.SubElement(props, "property", name="odd", value=ODD)
    case = ET.SubElement(suite, "testcase", classname="01_x.checks", name=ODD, time="0")
    ET.SubElement(case, "failure", message=ODD, type="failed").text = ODD + "\n  more\n"
    ET.SubElement(suite, "testcase", name="empty text").text = ""
    ET.SubElement(suite, "skipped", message="")
    ET.SubElement(suite, "system-out").text = "   \n  "     # blanks only, no children: kept
    mixed = ET.SubElement(root, "testsuite", name="mixed")
    mixed.text = "words before children"                   # text that is not blanks: kept
    ET.SubElement(mixed, "testcase", name="a")
    blank = ET.SubElement(root, "testsuite", name="blank")
    blank.text = "  \n"                                    # blanks: the indentation instead
    deep = ET.SubElement(ET.SubElement(ET.SubElement(blank, "a"), "b"), "c")
    deep.text = "<deep>"
    ET.SubElement(root, "testsuite")
    return root


@pytest.mark.parametrize("build", [_tree, lambda: ET.Element("testsuites", name="alone")])
def test_junit_serializer_writes_what_elementtree_writes(build):
    ours = []
    report_junit._serialize(build(), "\n", ours)
    theirs = build()
    ET.indent(theirs)
    assert "".join(ours) == ET.tostring(theirs, encoding="unicode")


def test_junit_documents_parse_back():
    result = {"exercise": "01_x", "student": ODD, "status": "graded", "score": 1, "max_score": 2,
              "duration_s": 0.25, "message": ODD, "stdout": ODD,
              "checks": [{"id": "checks/test_a.py::a", "title": ODD, "visibility": "visible",
                          "outcome": "failed", "message": ODD, "hint": ODD, "points": 1,
                          "score": 0, "duration_s": 0.1}]}
    text = report_junit.results_document([result], titles={"01_x": ODD})
    root = ET.fromstring(text.encode("utf-8"))
    assert root.find("testsuite").get("name") == f"01_x {ODD}"     # attributes round-trip
    failure = root.find("testsuite/testcase/failure")
    assert failure.get("message") == ODD.splitlines()[0]
    assert root.find("testsuite/testcase").get("name") == ODD


def _deep_copy_view(result, reveal_hidden=False):
    """student_view as it was written first: a deep copy, then the changes."""
    if result is None or reveal_hidden or result.get("hidden_feedback") == "all":
        return result
    checks = result.get("checks") or []
    hidden_ids = {c.get("id") for c in checks if c.get("visibility") == "hidden"}
    if not hidden_ids:
        return result
    view = copy.deepcopy(result)
    visible_messages = {c.get("message") for c in checks
                        if c.get("visibility") != "hidden" and c.get("message")}
    for c in view["checks"]:
        if c.get("visibility") != "hidden":
            continue
        c["message"] = _diagnosis(c, visible_messages, result.get("hidden_feedback") or "diagnosis")
        c["hint"] = ""
        c["duration_s"] = 0.0
        c["withheld"] = True
        for key in ("seed", "stdout", "stderr", "evidence"):
            c.pop(key, None)
    view["duration_s"] = round(sum(float(c.get("duration_s") or 0.0) for c in view["checks"]), 3)
    owners = result.get("output_owners") or {}
    for stream in ("stdout", "stderr"):
        view[stream] = _visible_output(result.get(stream) or "", owners.get(stream), hidden_ids)
    view.pop("output_owners", None)
    return view


def _results():
    hidden = {"id": "h", "title": "hidden", "visibility": "hidden", "outcome": "failed",
              "message": "off by 2.5\nexpected 7", "evidence": {"inputs": [1, 2]}, "seed": 9,
              "hint": "secret", "duration_s": 2.0, "score": 0, "points": 1,
              "extra": {"nested": [1, {"x": 2}]}}
    visible = {"id": "v", "title": "visible", "visibility": "visible", "outcome": "passed",
               "message": "", "hint": "", "duration_s": 0.5, "score": 1, "points": 1}
    base = {"exercise": "01_x", "status": "graded", "score": 1, "max_score": 2,
            "duration_s": 2.5, "checks": [visible, hidden], "stdout": "abcdef", "stderr": "",
            "output_owners": {"stdout": [["v", 3], ["h", 3]], "stderr": []}}
    no_duration = {k: v for k, v in base.items() if k not in ("duration_s", "stderr")}
    return [base, no_duration, {**base, "hidden_feedback": "outcome"},
            {**base, "hidden_feedback": "all"}, {**base, "checks": [visible]},
            {**base, "output_owners": None}, {**base, "checks": [{k: v for k, v in hidden.items()
                                                                  if k != "hint"}]}]


@pytest.mark.parametrize("index", range(7))
@pytest.mark.parametrize("reveal_hidden", [False, True])
def test_student_view_is_the_deep_copy_view(index, reveal_hidden):
    result = _results()[index]
    before = json.dumps(result)
    ours = student_view(result, reveal_hidden)
    assert json.dumps(ours) == json.dumps(_deep_copy_view(copy.deepcopy(result), reveal_hidden))
    assert json.dumps(result) == before          # the result itself is never changed


def test_shared_student_view_builds_each_view_once():
    view_of = shared_student_view(False)
    result = _results()[0]
    assert view_of(result) is view_of(result)
    assert view_of(None) is None
    assert json.dumps(view_of(result)) == json.dumps(student_view(result))


def test_write_atomic_replaces_whole_with_the_umask_permissions(tmp_path):
    target = tmp_path / "new" / "folder" / "page.html"
    exports.write_atomic(target, "first\r\n\u4e2d")
    assert target.read_bytes() == "first\r\n\u4e2d".encode("utf-8")
    old = os.umask(0o027)
    try:
        exports.write_atomic(target, "second")
    finally:
        os.umask(old)
    assert target.read_text(encoding="utf-8") == "second"
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in target.parent.iterdir()) == ["page.html"]


def test_write_atomic_steps_over_a_killed_run_s_temporary(tmp_path, monkeypatch):
    target = tmp_path / "grades.csv"
    monkeypatch.setattr(exports, "_temporaries", iter(range(100)))
    stale = tmp_path / f".grades.csv.{os.getpid()}.0.tmp"
    stale.write_text("left by a process that had our pid")
    exports.write_atomic(target, "a,b\n")
    assert target.read_text() == "a,b\n"
    assert stale.read_text() == "left by a process that had our pid"      # not ours to touch
    assert sorted(p.name for p in tmp_path.iterdir()) == [stale.name, "grades.csv"]


def test_write_atomic_leaves_nothing_when_it_fails(tmp_path):
    target = tmp_path / "page.html"
    target.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        exports.write_atomic(target, "bad \udc80 surrogate")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]
