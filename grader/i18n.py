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
