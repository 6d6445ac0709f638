"""The student's terminal view of a grade-result/1 document."""

from __future__ import annotations

import os
import sys

import click

from grader import safe_text
from grader.i18n import N_, _
from grader.redact import student_view

MARKS = {"passed": ("✓", "green"), "failed": ("✗", "red"), "error": ("✗", "red"),
         "timeout": ("⏱", "yellow"), "crashed": ("✗", "magenta"), "skipped": ("-", "bright_black"),
         "constraint": ("⛔", "yellow")}
# The grader's words for a status and an outcome (msgids: translate with _() where shown).
STATUS_WORDS = {
    "not_attempted": N_("not attempted yet"),
    "syntax_error": N_("your file has a syntax error"),
    "import_error": N_("your file failed while being loaded"),
    "timeout": N_("your file did not finish loading in time"),
    "crashed": N_("your file crashed while being loaded"),
}
OUTCOME_WORDS = {
    "passed": N_("passed"), "failed": N_("failed"), "error": N_("error"),
    "timeout": N_("timed out"), "crashed": N_("crashed"), "skipped": N_("skipped"),
    "constraint": N_("rule broken"),
}
STATE_WORDS = {   # a cell of a class: a status, or no result
    "graded": N_("graded"), "missing": N_("missing"), "pending": N_("not graded yet"),
    "not_attempted": N_("not attempted"), "syntax_error": N_("syntax error"),
    "import_error": N_("import error"), "timeout": N_("timed out"), "crashed": N_("crashed"),
}


def status_word(status: str) -> str:
    """The sentence for a status that is not `graded` ("" for graded), in the current language."""
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else ""


def outcome_word(outcome: str) -> str:
    return _(OUTCOME_WORDS[outcome]) if outcome in OUTCOME_WORDS else str(outcome)


def state_word(state: str) -> str:
    return _(STATE_WORDS[state]) if state in STATE_WORDS else str(state).replace("_", " ")


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
        out.append(style(status_word(result["status"]), fg="red", bold=True)
                   + (f": {_visible(result['message'])}" if result.get("message") else ""))
    elif result.get("message"):
        out.append(style(_visible(result["message"]), fg="bright_black"))
    shown_import_message = result["status"] in ("syntax_error", "import_error", "timeout", "crashed")
    for check in result["checks"]:
        mark, fg = MARKS.get(check["outcome"], ("?", None))
        points = f"{check['score']:g}/{check['points']:g}"
        hidden = check["visibility"] == "hidden"
        label = safe_text.line(check["title"]) + (style("  " + _("[hidden]"), fg="bright_black")
                                                  if hidden else "")
        out.append(f"  {style(mark, fg=fg)} {label}  {style(points, fg='bright_black')}")
        if check["outcome"] == "passed":
            continue
        if shown_import_message and check["outcome"] == "error":
            continue
        if check["message"]:
            out.append(_indent(check["message"]))
        if check.get("evidence") and not hidden:
            out.append(style(_indent(check["evidence"]), fg="bright_black"))
        if check.get("hint"):
            out.append(style(_indent(_("hint: {text}").format(text=check["hint"])), fg="cyan"))
    for h in result.get("hints") or []:
        out.append(style(_indent(_("hint {tier}/{of} for {function}(): {text}").format(
            tier=h["tier"], of=h["of"], function=h["function"], text=h["text"]), "  "),
            fg="cyan"))
    if result.get("stdout", "").strip():
        out.append(style(_("your code printed:"), fg="bright_black"))
        out.append(_indent(result["stdout"].rstrip()[-2000:], "  | "))
    if result.get("stderr", "").strip():
        out.append(style(_("your code wrote to stderr:"), fg="bright_black"))
        out.append(_indent(result["stderr"].rstrip()[-2000:], "  | "))
    if (result.get("sandbox") or {}).get("missing"):
        out.append(style(_("note: your code ran only partly confined here (missing: {missing};"
                           " see docs/security.md)").format(
                               missing=", ".join(result["sandbox"]["missing"])), fg="yellow"))
    score, top = result["score"], result["max_score"]
    full = result["status"] == "graded" and top > 0 and score >= top
    line = _("score: {score}/{top}").format(score=f"{score:g}", top=f"{top:g}")
    if top:
        line += f" ({100 * score / top:.0f}%)"
    out.append(style(line, bold=True, fg="green" if full else None))
    if hidden_pending:
        out.append(style(_("{n} hidden check(s) will also run when your work is graded").format(
            n=hidden_pending), fg="bright_black"))
    return "\n".join(out)
