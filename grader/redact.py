"""What a student may see of a result: every student-visible file is built from this view.

A hidden check keeps its title, function, outcome, points and score, and a
diagnosis. It loses its evidence (the `evidence` field: inputs, expected and
actual values, the seed), its hint, the time it took, and whatever the
student's code printed while it ran (grader.proxy.Capture attributes output
to the check that was running; a result's `output_owners` says which part of
stdout and stderr is whose). Every visible check runs before any hidden one,
so nothing a hidden check handed the student's code can come back through a
visible one.

The diagnosis is the check's own words (`message`, first line) only when the
check failed on values it verified: the kind of mistake ("it looks
transposed"), which the checks API keeps free of inputs, with every number
in it masked (the student's result chooses those). Wherever the
student's code chooses the words (its exception, a claim about itself, a
call trace, the name of a type), the diagnosis is a fixed sentence of the
grader's for the outcome. A message that a visible check of the same result
shows word for word (a rule broken in the source, say) is no secret and is kept.

None of this carries the salt: results never hold it (seeds are derived from
it, and a seed appears only in a failure's evidence).

`reveal_hidden` (after the due date: `grade report --reveal-hidden`) shows
everything.
"""

from __future__ import annotations

import re

from grader.i18n import N_, _
from grader.safe_text import cap

MAX_DIAGNOSIS_CHARS = 300
# A number not glued to a word (float64 keeps its 64).
_NUMBER = re.compile(r"(?<![A-Za-z_\d])[-+]?\d[\d_]*(?:[.,]\d+)*(?:[eE][-+]?\d+)?")

# The grader's own words for a hidden check that did not pass.
# (Translated when shown: a student view is built in the language of the page.)
DIAGNOSIS = {
    "failed": N_("this hidden check failed"),
    "error": N_("your code raised an exception in this hidden check"),
    "timeout": N_("your code did not finish in time in this hidden check"),
    "crashed": N_("the student process crashed in this hidden check"),
    "constraint": N_("your code broke a rule of the exercise in this hidden check"),
    "skipped": N_("this hidden check was skipped"),
}
NOT_PASSED = N_("this hidden check did not pass")
WITHHELD_OUTPUT = N_("[what your code printed while hidden checks ran is shown after the"
                     " due date]")


def student_view(result: dict | None, reveal_hidden: bool = False) -> dict | None:
    """A copy of `result` with hidden checks' evidence withheld (unless reveal_hidden).

    Only what changes is copied (the result's top level, its list of checks and
    each hidden check): the rest is shared with `result`, so neither may be
    changed in place afterwards. (A deep copy cost more than building the pages.)
    """
    if result is None or reveal_hidden or result.get("hidden_feedback") == "all":
        return result
    checks = result.get("checks") or []
    hidden_ids = {c.get("id") for c in checks if c.get("visibility") == "hidden"}
    if not hidden_ids:
        return result
    view = dict(result)
    visible_messages = {c.get("message") for c in checks
                        if c.get("visibility") != "hidden" and c.get("message")}
    level = result.get("hidden_feedback") or "diagnosis"
    view["checks"] = []
    for c in result["checks"]:
        if c.get("visibility") == "hidden":
            c = dict(c)    # same keys in the same order as the original
            c["message"] = _diagnosis(c, visible_messages, level)
            c["hint"] = ""
            c["duration_s"] = 0.0
            c["withheld"] = True
            for key in ("seed", "stdout", "stderr", "evidence"):
                c.pop(key, None)
        view["checks"].append(c)
    # Time is a channel too: only what the visible checks took.
    view["duration_s"] = round(sum(float(c.get("duration_s") or 0.0) for c in view["checks"]), 3)
    owners = result.get("output_owners") or {}
    for stream in ("stdout", "stderr"):
        view[stream] = _visible_output(result.get(stream) or "", owners.get(stream), hidden_ids)
    view.pop("output_owners", None)
    return view


def shared_student_view(reveal_hidden: bool = False):
    """student_view, remembered: the writers of one class report (pages, JUnit,
    Gradescope) each show every result, and each result's view is built once.

    The memory is keyed by the result's id() and holds the result itself, so an
    id cannot be reused by another result while it lives: make one per report run.
    """
    memory: dict[int, tuple] = {}

    def view_of(result: dict | None) -> dict | None:
        if result is None:
            return None
        entry = memory.get(id(result))
        if entry is None:
            entry = memory[id(result)] = (result, student_view(result, reveal_hidden))
        return entry[1]
    return view_of


def _diagnosis(check: dict, visible_messages: set, level: str = "diagnosis") -> str:
    message = check.get("message") or ""
    outcome = check.get("outcome")
    if outcome == "passed":
        return ""
    if outcome == "constraint" and message and check.get("basis") != "claim":
        return message          # a rule broken in the source is never secret
    if message and message in visible_messages:
        return message
    if level == "outcome":
        return _(DIAGNOSIS.get(outcome, NOT_PASSED))
    if outcome == "failed" and check.get("basis") != "claim" and message.strip():
        # A number in a diagnosis is the student's to choose ("off by a constant
        # +0.8234" can be a hidden input): every one becomes #.
        first = _NUMBER.sub("#", message.strip().splitlines()[0])
        return cap(first, MAX_DIAGNOSIS_CHARS)
    return _(DIAGNOSIS.get(outcome, NOT_PASSED))


def _visible_output(text: str, owners, hidden_ids: set) -> str:
    """The parts of `text` printed outside hidden checks, and a note (no count) when
    something printed during a hidden check was left out."""
    if not isinstance(owners, list):
        # No attribution (a result from an older grader): none of it can be shown.
        return _(WITHHELD_OUTPUT) + "\n" if text.strip() else ""
    out, position, withheld = [], 0, False
    for entry in owners:
        try:
            owner, length = entry[0], int(entry[1])
        except (TypeError, ValueError, IndexError):
            return _(WITHHELD_OUTPUT) + "\n"
        piece = text[position:position + max(length, 0)]
        position += max(length, 0)
        if owner not in hidden_ids:
            out.append(piece)
        elif piece.strip():
            withheld = True
    shown = "".join(out)
    if position < len(text) and owners and owners[-1][0] not in hidden_ids:
        # Cut while a visible check printed: say so, but not the count (which
        # would include what hidden checks printed after).
        shown += "\n" + _("[output cut]")
    if position < len(text) and owners and owners[-1][0] in hidden_ids:
        withheld = True
    if not withheld:
        return shown
    return shown + ("\n" if shown and not shown.endswith("\n") else "") + _(WITHHELD_OUTPUT) + "\n"
