"""Text a student controls, made safe for where it is shown: one place for every output.

Student names and file names (from the submissions folder), messages of the
student's exceptions, what the student's code printed: any of it may carry
terminal escape sequences (move the cursor, clear the screen, paint a fake
score), bidirectional overrides (show `evil.py` as `yp.live`), line breaks
that forge a line of a log, a leading `=` a spreadsheet runs as a formula, or
megabytes. Every output goes through one of these:

    terminal(text)      multi-line text for a terminal or a <pre>: controls and
                        bidi overrides become visible escapes (\\x1b, \\u202e);
                        newlines and tabs stay
    line(text)          one line (a log line, a progress line, a name): the same,
                        and newlines, tabs and line separators are escaped too
    csv_cell(text)      a spreadsheet cell: one line, and a leading = + - @ (after
                        any spaces; or ') defused with a ' (injective: two
                        different names never become the same cell)
    cap(text, limit)    at most `limit` characters, with a note of what was cut
    html_value(value)   jinja2's finalize for every {{ }} of a page (autoescape
                        then escapes <, >, &, quotes)

JSON files keep the text as it is (the encoder escapes what JSON needs).
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls.
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Bidirectional embeddings, overrides, isolates and marks; the line and
# paragraph separators (a new line to some terminals, editors and logs);
# the byte-order mark and zero-width characters that hide text.
_INVISIBLE = "\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff"
_UNSAFE = re.compile(f"[{_CONTROL}{_INVISIBLE}]")
_UNSAFE_LINE = re.compile(f"[{_CONTROL}{_INVISIBLE}\t\n]")

# A cell starting with one of these is a formula to a spreadsheet (OWASP's
# list); a leading quote is escaped too, so the defusing stays injective.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def _escape(match: re.Match) -> str:
    ch = match.group()
    code = ord(ch)
    if ch == "\n":
        return "\\n"
    if ch == "\t":
        return "\\t"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _str(text) -> str:
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    # Lone surrogates (undecodable bytes of a file name) cannot be written as UTF-8.
    return text.encode("utf-8", "replace").decode("utf-8")


def terminal(text) -> str:
    """Multi-line text, every character visible: controls and bidi marks escaped."""
    return _UNSAFE.sub(_escape, _str(text))


def line(text, limit: int | None = 500) -> str:
    """One line: like terminal(), and line breaks and tabs escaped; at most `limit` characters."""
    out = _UNSAFE_LINE.sub(_escape, _str(text))
    return cap(out, limit) if limit else out


def csv_cell(text) -> str:
    """A spreadsheet cell that is data, never a formula, on one line.

    Backslashes are doubled before controls are escaped, so the escaping is
    reversible and two different names never give the same cell.
    """
    out = line(_str(text).replace("\\", "\\\\"), limit=None)
    # Some spreadsheets trim leading spaces before they look for a formula.
    return "'" + out if out.lstrip(" ").startswith(FORMULA_STARTS) else out


def cap(text, limit: int) -> str:
    """At most about `limit` characters: the start, then a note of how much was cut."""
    text = _str(text)
    if len(text) <= limit:
        return text
    keep = max(0, limit - 40)
    return text[:keep] + f" […{len(text) - keep:,} more characters cut]"


def html_value(value):
    """jinja2's finalize: every interpolated string made visible (autoescape does the rest).

    Markup (a macro's output, already rendered through this) is left as it is."""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return terminal(value)
    return value
