"""The student's terminal view of a grade-result/1 document."""

from __future__ import annotations

import os
import sys

import click

from grader import safe_text
from grader.redact import student_view

MARKS = {"passed": ("✓", "green"), "failed": ("✗", "red"), "error": ("✗", "red"),
         "timeout": ("⏱", "yellow"), "crashed": ("✗", "magenta"), "skipped": ("-", "bright_black"),
         "constraint": ("⛔", "yellow")}
STATUS_WORDS = {
    "not_attempted": "not attempted yet",
    "syntax_error": "your file has a syntax error",
    "import_error": "your file failed while being loaded",
    "timeout": "your file did not finish loading in time",
    "crashed": "your file crashed while being loaded",
}


def use_colour(stream=None) -> bool:
    stream = stream or sys.stdout
    # https://no-color.org: NO_COLOR set to any non-empty value turns colour off.
    return not os.environ.get("NO_COLOR") and hasattr(stream, "isatty") and stream.isatty()


def _visible(text: str) -> str:
    """Control characters and bidi overrides (the student's code chose this text) made visible."""
    return safe_text.terminal(text)


def _indent(text: str, prefix: str = "      ") -> str:
    return "\n".join(prefix + _visible(line) for line in text.splitlines())


def render(result: dict, *, colour: bool, title: str = "", hidden_pending: int = 0) -> str:
    def style(text, **kw):
        return click.style(text, **kw) if colour else text

    # What a student sees: hidden checks' evidence and output withheld.
    result = student_view(result)
    out = []
    head = title or result["exercise"]
    out.append(style(head, bold=True)
               + (f"  ({safe_text.line(result['student'])})" if result.get("student") else ""))
    if result["status"] in STATUS_WORDS:
        out.append(style(STATUS_WORDS[result["status"]], fg="red", bold=True)
                   + (f": {_visible(result['message'])}" if result.get("message") else ""))
    elif result.get("message"):
        out.append(style(_visible(result["message"]), fg="bright_black"))
    shown_import_message = result["status"] in ("syntax_error", "import_error", "timeout", "crashed")
    for check in result["checks"]:
        mark, fg = MARKS.get(check["outcome"], ("?", None))
        points = f"{check['score']:g}/{check['points']:g}"
        hidden = check["visibility"] == "hidden"
        label = safe_text.line(check["title"]) + (style("  [hidden]", fg="bright_black") if hidden else "")
        out.append(f"  {style(mark, fg=fg)} {label}  {style(points, fg='bright_black')}")
        if check["outcome"] == "passed":
            continue
        if shown_import_message and check["outcome"] == "error":
            continue
        if check["message"]:
            out.append(_indent(check["message"]))
        if check.get("evidence") and not hidden:
            out.append(style(_indent(check["evidence"]), fg="bright_black"))
            if check.get("evidence"):
                out.append(_indent(check["evidence"]))
        if check.get("hint"):
            out.append(style(_indent("hint: " + check["hint"]), fg="cyan"))
    if result.get("stdout", "").strip():
        out.append(style("your code printed:", fg="bright_black"))
        out.append(_indent(result["stdout"].rstrip()[-2000:], "  | "))
    if result.get("stderr", "").strip():
        out.append(style("your code wrote to stderr:", fg="bright_black"))
        out.append(_indent(result["stderr"].rstrip()[-2000:], "  | "))
    if (result.get("sandbox") or {}).get("missing"):
        out.append(style("note: your code ran only partly confined here (missing: "
                         + ", ".join(result["sandbox"]["missing"]) + "; see docs/security.md)",
                         fg="yellow"))
    score, top = result["score"], result["max_score"]
    full = result["status"] == "graded" and top > 0 and score >= top
    line = f"score: {score:g}/{top:g}"
    if top:
        line += f" ({100 * score / top:.0f}%)"
    out.append(style(line, bold=True, fg="green" if full else None))
    if hidden_pending:
        out.append(style(f"{hidden_pending} hidden check(s) will also run when your work is graded",
                         fg="bright_black"))
    return "\n".join(out)
