"""Which handed-in file is which exercise, matched the way an instructor would.

For an exercise `04_broadcasting` these names all match, in any case, as a
`.py` file or a Jupyter notebook (`.ipynb`):

    04_broadcasting.py   04.py   4.py   broadcasting.py   04-broadcasting.py
    04 broadcasting.py   ex04.py   exercise_4.py   Exercise04_Broadcasting.py
    04_broadcasting (1).py   04_broadcasting_copy.py   04_broadcasting-final.py

A name that starts with an exercise's number and then says something else
(`04_outer_product.py`) is not taken for it silently: it is reported among the
files found. When several files match one exercise, the best one is graded
(the exact name, then the closest to the top, a .py before a notebook) and the
others are named in a note: never a silent pick.

Everything here works on relative paths and is pure (no file is opened), so
a class folder, a zip's entries and a Gradescope submission share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

SUFFIXES = (".py", ".ipynb")
_COPY = re.compile(r"(\s*\(\d+\)|[ _-]+(copy|final|v\d+|submission|solution|done|mine))+$")
_PREFIX = re.compile(r"^(ex|exercise|task|problem|drill|q)[ _-]*(?=\d)")
_NUMBERED = re.compile(r"^0*(\d+)(?:[ _.-]+(.*))?$")


def normalise(stem: str) -> str:
    """A file name's stem as names are compared: lower case, `_` for spaces and dashes."""
    s = stem.strip().lower()
    s = _COPY.sub("", s)
    s = re.sub(r"[\s\-]+", "_", s)
    return s


@dataclass
class Candidate:
    rel: PurePosixPath        # relative to the student's folder (or the archive's top)
    key: object = None        # what the caller needs to read it (a Path, a ZipInfo)
    exact: bool = False       # named exactly <slug>.py / <slug>.ipynb


@dataclass
class Match:
    exercise: str
    chosen: Candidate | None = None
    others: list = field(default_factory=list)     # other candidates for the same exercise
    note: str = ""


def exercise_for(stem: str, slugs: list[str]) -> tuple[str | None, bool]:
    """(slug, exact) for a file stem, or (None, False)."""
    s = normalise(stem)
    by_slug = {slug.lower(): slug for slug in slugs}
    if stem.lower() in by_slug:
        return by_slug[stem.lower()], True
    if s in by_slug:
        return by_slug[s], False
    numbers, names = {}, {}
    for slug in slugs:
        number, _, name = slug.partition("_")
        if number.isdigit():
            numbers.setdefault(int(number), slug)
        if name:
            names.setdefault(name.lower(), slug)
    if s in names:
        return names[s], False
    m = _NUMBERED.match(_PREFIX.sub("", s))
    if m and int(m.group(1)) in numbers:
        slug = numbers[int(m.group(1))]
        rest = (m.group(2) or "").strip("_")
        name = slug.partition("_")[2].lower()
        if not rest or rest == name or rest.startswith(name):
            return slug, False
    return None, False


def expected_names(slug: str) -> str:
    number, _, name = slug.partition("_")
    short = str(int(number)) if number.isdigit() else number
    names = [f"{slug}.py", f"{number}.py"] + ([f"{short}.py"] if short != number else []) \
        + ([f"{name}.py"] if name else [])
    return ", ".join(names) + f" or {slug}.ipynb"


def _rank(c: Candidate):
    return (not c.exact, len(c.rel.parts), c.rel.suffix.lower() != ".py", str(c.rel))


def match(candidates: list[Candidate], slugs: list[str]) -> tuple[dict[str, Match], list[Candidate]]:
    """Each exercise's match, and the files that matched none."""
    found: dict[str, list[Candidate]] = {slug: [] for slug in slugs}
    unmatched = []
    for c in candidates:
        if c.rel.suffix.lower() not in SUFFIXES:
            unmatched.append(c)
            continue
        slug, exact = exercise_for(c.rel.stem, slugs)
        if slug is None:
            unmatched.append(c)
            continue
        c.exact = exact
        found[slug].append(c)
    out = {}
    for slug in slugs:
        ranked = sorted(found[slug], key=_rank)
        m = Match(slug, ranked[0] if ranked else None, ranked[1:])
        if m.others:
            also = ", ".join(str(c.rel) for c in m.others[:3])
            more = f" and {len(m.others) - 3} more" if len(m.others) > 3 else ""
            m.note = f"{len(ranked)} files could be {slug}: graded {m.chosen.rel} (also: {also}{more})"
        out[slug] = m
    return out, unmatched


def missing_note(slug: str, present: list, most: int = 5) -> str:
    """What a student with files but none for `slug` is told: what was expected, what was found."""
    present = sorted(present, key=lambda p: (str(p).count("/"), str(p).lower()))
    shown = ", ".join(str(p) for p in present[:most])
    more = f" and {len(present) - most} more" if len(present) > most else ""
    return f"no file for {slug} (expected {expected_names(slug)}); found: {shown}{more}"


def rel_path(name: str) -> PurePosixPath:
    return PurePosixPath(name.replace("\\", "/"))
