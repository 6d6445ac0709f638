"""JUnit XML views of results, for CI systems (GitHub Classroom, GitLab, Jenkins).

    grade exercise 04 --junit junit.xml        # one <testsuite> for the grading
    grade class SUBMISSIONS/ --out REPORT/     # also REPORT/junit/<file id>.xml per student

The format is the one test reporters read (the Ant/Surefire schema GitLab and
the common GitHub Actions reporters accept): <testsuites> holding one
<testsuite> per exercise, one <testcase> per check (classname
`<exercise>.<check file>`, name: the check's title), with <failure> for a
wrong answer or a broken rule, <error> for an error, timeout or crash, and
<skipped/>. Points travel as <properties> (score, max_score, points).

A JUnit file is student-visible (it lands in the student's repository or CI
log), so it is built from grader.redact.student_view: hidden checks keep their
title, outcome and diagnosis, never their evidence. An exercise with no file
is one failing testcase that says what was found and what was expected.
Text a student's code chose goes through safe_text and loses every character
XML 1.0 cannot hold.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from grader import i18n
from grader.i18n import _
from grader.redact import shared_student_view, student_view

FAILURES = {"failed", "constraint"}
ERRORS = {"error", "timeout", "crashed"}
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MAX_TEXT = 16_000


def _text(value) -> str:
    text = "" if value is None else str(value)
    text = _NOT_XML.sub("\ufffd", text)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


def _num(x) -> str:
    text = f"{float(x or 0):.4f}".rstrip("0").rstrip(".")
    return text or "0"


def _properties(parent, **values) -> None:
    props = ET.SubElement(parent, "properties")
    for key, value in values.items():
        ET.SubElement(props, "property", name=key, value=_text(value))


def _suite(parent, result: dict, title: str = "") -> dict:
    """One <testsuite> for a (student-view) result; returns its counts."""
    slug = result.get("exercise", "")
    checks = result.get("checks") or []
    counts = {"tests": len(checks), "failures": 0, "errors": 0, "skipped": 0,
              "time": float(result.get("duration_s") or 0.0)}
    suite = ET.SubElement(parent, "testsuite", name=_text(f"{slug}" + (f" {title}" if title else "")))
    _properties(suite, exercise=slug, student=result.get("student", ""),
                status=result.get("status", ""), score=_num(result.get("score")),
                max_score=_num(result.get("max_score")), device=result.get("device", ""))
    for check in checks:
        file = str(check.get("id", "")).split("::", 1)[0].removesuffix(".py")
        case = ET.SubElement(suite, "testcase", classname=_text(f"{slug}.{file}" if file else slug),
                             name=_text(check.get("title") or check.get("id", "")),
                             time=_num(check.get("duration_s")))
        _properties(case, points=_num(check.get("points")), score=_num(check.get("score")),
                    visibility=check.get("visibility", "visible"),
                    outcome=check.get("outcome", ""))
        outcome = check.get("outcome")
        message = check.get("message") or ""
        if check.get("hint") and outcome != "passed":
            message += ("\n" if message else "") + _("hint: {text}").format(text=check["hint"])
        if outcome in FAILURES or outcome in ERRORS:
            kind = "failure" if outcome in FAILURES else "error"
            counts["failures" if kind == "failure" else "errors"] += 1
            first = (message.splitlines() or [outcome])[0]
            node = ET.SubElement(case, kind, message=_text(first[:500]), type=outcome)
            node.text = _text(message or outcome)
        elif outcome == "skipped":
            counts["skipped"] += 1
            ET.SubElement(case, "skipped", message=_text(message[:500]))
    if result.get("message"):
        ET.SubElement(suite, "system-err").text = _text(result["message"])
    if result.get("stdout"):
        ET.SubElement(suite, "system-out").text = _text(result["stdout"])
    for key, value in counts.items():
        suite.set(key, _num(value) if key == "time" else str(value))
    return counts


def _missing_suite(parent, slug: str, title: str, points: float, why: str) -> dict:
    suite = ET.SubElement(parent, "testsuite", name=_text(f"{slug} {title}".strip()), tests="1",
                          failures="1", errors="0", skipped="0", time="0")
    _properties(suite, exercise=slug, status="missing", score="0", max_score=_num(points))
    case = ET.SubElement(suite, "testcase", classname=_text(slug),
                         name=_text(_("a file was handed in")), time="0")
    ET.SubElement(case, "failure", message=_text(why.splitlines()[0] if why else _("missing")),
                  type="missing").text = _text(why or _("no file was submitted"))
    return {"tests": 1, "failures": 1, "errors": 0, "skipped": 0, "time": 0.0}


def _document(build, name: str) -> str:
    root = ET.Element("testsuites", name=_text(name))
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "time": 0.0}
    for counts in build(root):
        for key in totals:
            totals[key] += counts[key]
    for key, value in totals.items():
        root.set(key, _num(value) if key == "time" else str(value))
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    _serialize(root, "\n", out)
    out.append("\n")
    return "".join(out)


def _serialize(elem, indent: str, out: list) -> None:
    """What ET.indent(root) then ET.tostring(root, encoding="unicode") write, in one pass
    and without changing the tree (ElementTree's serializer is a third of the time of
    a class's reports). For the trees of this module: plain tag names, string values,
    no tails. tests/test_report_speed_equivalence.py compares the two."""
    tag = elem.tag
    out.append("<" + tag)
    for key, value in elem.items():
        out.append(f' {key}="{_escape_attribute(value)}"')
    text = elem.text
    if len(elem):
        inner = indent + "  "
        # ET.indent replaces a text of blanks only by the children's indentation.
        out.append(">" + (inner if not text or not text.strip() else _escape_text(text)))
        last = len(elem) - 1
        for i, child in enumerate(elem):
            _serialize(child, inner, out)
            out.append(inner if i < last else indent)
        out.append(f"</{tag}>")
    elif text:
        out.append(f">{_escape_text(text)}</{tag}>")
    else:
        out.append(" />")


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(text: str) -> str:
    # ElementTree's escapes, in its order (& first).
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\r", "&#13;").replace("\n", "&#10;")
            .replace("\t", "&#09;"))


def results_document(results: list[dict], *, titles: dict | None = None, name: str = "torch-drills",
                     reveal_hidden: bool = False) -> str:
    """JUnit XML for grade-result/1 documents (one testsuite each)."""
    titles = titles or {}

    def build(root):
        for result in results:
            yield _suite(root, student_view(result, reveal_hidden), titles.get(result["exercise"], ""))
    return _document(build, name)


def write(path: Path, results: list[dict], *, course=None, reveal_hidden: bool = False) -> None:
    from grader.classroom.exports import write_atomic
    titles = {}
    if course is not None:
        titles = {ex.slug: ex.text(ex.title, i18n.current()) for ex in course.exercises}
    write_atomic(Path(path), results_document(results, titles=titles, reveal_hidden=reveal_hidden))


def student_document(student, exercises, reveal_hidden: bool = False, view_of=None) -> str:
    """One student of a class view: every exercise, graded or not (`view_of`: a
    grader.redact.shared_student_view of the same reveal_hidden)."""
    view_of = view_of or shared_student_view(reveal_hidden)

    def build(root):
        for ex in exercises:
            cell = student.cells[ex["slug"]]
            title = i18n.text_of(ex.get("title") or {})
            if cell.result is None:
                why = _("no file was submitted") if cell.state == "missing" else _("not graded yet")
                if cell.note:
                    why += f": {cell.note}"
                yield _missing_suite(root, ex["slug"], title, ex.get("points", 0), why)
            else:
                yield _suite(root, view_of(cell.result), title)
    return _document(build, f"torch-drills: {student.id}")


def write_missing(path: Path, exercise, why: str) -> None:
    """`grade exercise --junit` when there is no file to grade: one failing testcase."""
    from grader.classroom.exports import write_atomic

    def build(root):
        yield _missing_suite(root, exercise.slug, exercise.text(exercise.title, "en"),
                             exercise.points, why)
    write_atomic(Path(path), _document(build, "torch-drills"))
