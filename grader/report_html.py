"""HTML views of results: the class report, a page per student, a page per grading.

Rendered with the jinja2 templates in grader/templates/. Every page is one
self-contained file: inline CSS, inline SVG plots drawn from the data, no
script, no font, nothing fetched, so it opens from a file:// URL, offline,
on a phone. A student page (and `grade exercise --html`) is rendered from
grader.redact.student_view: a hidden check shows its title, outcome, points
and a diagnosis, never its evidence or what the student's code printed while
it ran, unless `reveal_hidden` (after the due date). Every interpolated
string goes through grader.safe_text (finalize), then autoescape.
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

from grader import i18n, safe_text
from grader.classroom.exports import number, write_atomic
from grader.i18n import _
from grader.redact import shared_student_view, student_view
from grader.report_terminal import STATUS_WORDS, outcome_word, state_word, status_word

TEMPLATES = Path(__file__).with_name("templates")
MARKS = {"passed": "✓", "failed": "✗", "error": "✗", "timeout": "⏱", "crashed": "✗",
         "skipped": "–", "constraint": "⛔"}


def score_colour(fraction) -> str:
    """Red (0) through amber to green (1); grey for nothing to show."""
    if fraction is None:
        return "#e5e7eb"
    fraction = min(max(float(fraction), 0.0), 1.0)
    return f"hsl({fraction * 120:.0f}, 70%, 80%)"


def _short(x) -> str:
    """A statistic: at most two decimals."""
    return "–" if x is None else (f"{x:.2f}".rstrip("0").rstrip(".") or "0")


def _percent(x) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """One environment per process: its templates are compiled once, not once per page."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=jinja2.select_autoescape(["html"]),
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, finalize=safe_text.html_value,
                             extensions=["jinja2.ext.i18n"])
    # The grader's words on a page through the same catalogue as the terminal's, in the
    # language current when the page is rendered ({% trans %} and _() in the templates).
    env.install_gettext_callables(gettext=i18n._, ngettext=i18n.ngettext, newstyle=True)
    env.filters["number"] = number
    env.filters["colour"] = score_colour
    env.filters["percent"] = _percent
    env.filters["short"] = _short
    env.globals.update(marks=MARKS, status_words=STATUS_WORDS, status_word=status_word,
                       outcome_word=outcome_word, state_word=state_word, flag_word=flag_word,
                       text_of=i18n.text_of, html_lang=html_lang)
    return env


def warm_up() -> None:
    """Compile the class report's templates now (in a process about to fork)."""
    for name in ("student.html", "index.html"):
        _environment().get_template(name)


def html_lang() -> str:
    """The page's lang attribute: zh-CN for Chinese (fonts and line breaking follow it)."""
    return "zh-CN" if i18n.current() == "zh" else "en"


FLAG_WORDS = {"timeout": i18n.N_("timeout"), "crash": i18n.N_("crash"),
              "constraint": i18n.N_("constraint"), "tamper": i18n.N_("tamper"),
              "pending": i18n.N_("pending")}


def flag_word(kind: str) -> str:
    return _(FLAG_WORDS[kind]) if kind in FLAG_WORDS else str(kind)


def _title(mapping, fallback: str) -> str:
    return i18n.text_of(mapping or {}) or fallback


def exercise_section(result: dict | None, *, slug: str, title: str, points: float,
                     state: str = "", note: str = "") -> dict:
    """What the result macro needs for one exercise of one student."""
    return {"slug": slug, "number": slug.split("_", 1)[0], "title": title, "points": points,
            "result": result, "state": state or (result["status"] if result else "missing"),
            "note": note}


def write_exercise_page(result: dict, exercise, path: Path, reveal_hidden: bool = False) -> None:
    """`grade exercise NN --html PATH`: the same section a student page shows."""
    result = student_view(result, reveal_hidden)
    section = exercise_section(result, slug=exercise.slug,
                               title=exercise.text(exercise.title, i18n.current()),
                               points=float(result.get("max_score") or exercise.points))
    html = _environment().get_template("exercise.html").render(
        section=section, reveal_hidden=reveal_hidden,
        page_title=f"{exercise.number} {exercise.text(exercise.title, i18n.current())}",
        hidden_pending=int(getattr(exercise, "hidden_count", 0) or 0))
    write_atomic(Path(path), html)


def render_index(view, ignored: list[str]) -> str:
    return _environment().get_template("index.html").render(
        view=view, ignored=ignored,
        page_title=_("{course}: class report").format(course=view.title))


def render_student(view, student, reveal_hidden: bool, view_of=None) -> str:
    """A student's page (`view_of`: a grader.redact.shared_student_view of the same
    reveal_hidden)."""
    view_of = view_of or shared_student_view(reveal_hidden)
    sections = []
    for ex in view.exercises:
        cell = student.cells[ex["slug"]]
        sections.append(exercise_section(view_of(cell.result), slug=ex["slug"],
                                         title=_title(ex["title"], ex["slug"]),
                                         points=ex["points"], state=cell.state, note=cell.note))
    return _environment().get_template("student.html").render(
        view=view, student=student, sections=sections, reveal_hidden=reveal_hidden,
        page_title=f"{student.id}: {view.title}")
