"""The learner's language: one setting, and the grader's own words through gettext.

    from grader.i18n import _
    click.echo(_("score: {score}/{top}").format(score=..., top=...))

The language is chosen once per command (`resolve`): --lang, else GRADE_LANG,
else the locale (LANG=zh_CN.UTF-8 means zh), else course.yaml's `language`,
else English; `use(lang)` makes it current. The grader's sentences are msgids
of the standard gettext catalogue grader/locale/zh/LC_MESSAGES/grader.po
(compiled to grader.mo next to it: `msgfmt -o grader.mo grader.po`); an
exercise author's words come in both languages through the checks API and
exercise.yaml, and `pick(en, zh)` chooses.
"""

from __future__ import annotations

import contextlib
import gettext
import os
from pathlib import Path

LANGUAGES = ("en", "zh")
LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "grader"

_current = "en"
_translations: dict[str, gettext.NullTranslations] = {}


def _catalogue(lang: str) -> gettext.NullTranslations:
    if lang not in _translations:
        _translations[lang] = gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang],
                                                  fallback=True)
    return _translations[lang]


def from_locale(environ=None) -> str | None:
    """zh or en from the locale variables (LC_ALL, LC_MESSAGES, LANG), or None."""
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = (environ.get(name) or "").strip()
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return "zh" if value.lower().startswith("zh") else "en"
    return None


def resolve(explicit: str | None = None, course_default: str | None = None, environ=None) -> str:
    """The language a command speaks: --lang, GRADE_LANG, the locale, course.yaml, English."""
    environ = os.environ if environ is None else environ
    for candidate in (explicit, environ.get("GRADE_LANG"), from_locale(environ), course_default):
        if candidate:
            candidate = candidate.strip().lower()[:2]
            if candidate in LANGUAGES:
                return candidate
    return "en"


def use(lang: str) -> None:
    """Make `lang` the language of everything the grader says from now on."""
    global _current
    _current = lang if lang in LANGUAGES else "en"


def current() -> str:
    return _current


@contextlib.contextmanager
def speaking(lang: str):
    before = _current
    use(lang)
    try:
        yield
    finally:
        use(before)


def _(msgid: str) -> str:
    """The grader's own sentence `msgid` in the current language."""
    if _current == "en":
        return msgid
    return _catalogue(_current).gettext(msgid)


def ngettext(singular: str, plural: str, n: int) -> str:
    if _current == "en":
        return singular if n == 1 else plural
    return _catalogue(_current).ngettext(singular, plural, n)


def N_(msgid: str) -> str:
    """Mark a sentence for the catalogue where it is defined (a table of messages);
    translate it with _() where it is shown."""
    return msgid


def pick(en: str, zh: str | None = None) -> str:
    """An author's text in the current language (English when no Chinese is given)."""
    if _current == "zh" and zh:
        return zh
    return en


def text_of(value, lang: str | None = None) -> str:
    """A {"en": ..., "zh": ...} mapping (or a plain string) in `lang` or the current language."""
    lang = lang or _current
    if isinstance(value, dict):
        return value.get(lang) or value.get("en") or ""
    return value or ""


# ------------------------------------------------------------------ display width

def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: a Han character takes two, a combining mark none."""
    text = str(text)
    try:
        from wcwidth import wcswidth
        width = wcswidth(text)
        if width >= 0:
            return width
    except ImportError:   # pragma: no cover  (wcwidth is a dependency)
        pass
    import unicodedata
    total = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def pad(text: str, width: int, align: str = "<") -> str:
    """`text` padded with spaces to `width` terminal columns ("<" left, ">" right, "^" centre).

    A text wider than `width` is cut to fit, with an ellipsis, so the columns after it
    stay where they are.
    """
    text = str(text)
    have = display_width(text)
    if have > width:
        out, used = "", 0
        for ch in text:
            w = display_width(ch)
            if used + w > width - 1:
                break
            out += ch
            used += w
        text, have = out + "…", used + 1
    gap = max(width - have, 0)
    if align == ">":
        return " " * gap + text
    if align == "^":
        return " " * (gap // 2) + text + " " * (gap - gap // 2)
    return text + " " * gap
