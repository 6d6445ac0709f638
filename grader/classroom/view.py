"""The class as data, read from the gradebook: what every export and report shows.

One place computes totals, percentages, per-exercise statistics, the checks
ranked by failure rate and the flags, so grades.csv, results.json and the
HTML pages can never disagree.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

from grader import i18n
from grader.classroom.flags import result_flags
from grader.i18n import _

MESSAGE_CHARS = 160


@dataclass
class Cell:
    """A student's current standing on one exercise."""
    exercise: str
    state: str                    # "missing", "pending" (not graded yet) or the result's status
    score: float
    max_score: float
    result: dict | None = None
    sha256: str | None = None
    note: str = ""
    flags: list = field(default_factory=list)     # (kind, detail)

    @property
    def fraction(self) -> float | None:
        if self.state in ("missing", "pending") or not self.max_score:
            return None
        return self.score / self.max_score


@dataclass
class StudentRow:
    id: str
    file_id: str
    source: str
    notes: list
    cells: dict                   # slug -> Cell
    total: float = 0.0
    max_total: float = 0.0
    percentage: float = 0.0


@dataclass
class Bin:
    label: str
    low: float
    high: float
    count: int


@dataclass
class ExerciseStats:
    slug: str
    title: str
    points: float
    submitted: int
    missing: int
    pending: int
    mean: float | None
    median: float | None
    full_marks: int
    bins: list


@dataclass
class CheckStats:
    exercise: str
    id: str
    title: str
    function: str
    visibility: str
    points: float
    attempts: int
    failures: int
    outcomes: dict
    messages: list                # (first line of a failure message, how many)

    @property
    def rate(self) -> float:
        return self.failures / self.attempts if self.attempts else 0.0


@dataclass
class ClassView:
    title: str
    exercises: list               # {"slug", "title", "points"}
    students: list                # StudentRow, sorted by id
    stats: list                   # ExerciseStats, in exercise order
    checks: list                  # CheckStats, hardest first
    flags: list                   # (student, file_id, exercise, kind, detail)
    weights: dict

    @property
    def max_total(self) -> float:
        return sum(ex["points"] for ex in self.exercises)


def percentage(cells: dict, exercises: list, weights: dict) -> float:
    """Points earned over points possible; with course weights, the weighted
    mean of each exercise's fraction (an exercise the weights omit counts 1)."""
    if weights:
        num = den = 0.0
        for ex in exercises:
            w = float(weights.get(ex["slug"], 1.0))
            cell = cells[ex["slug"]]
            num += w * (cell.score / ex["points"] if ex["points"] else 0.0)
            den += w
        return 100.0 * num / den if den else 0.0
    top = sum(ex["points"] for ex in exercises)
    return 100.0 * sum(cells[ex["slug"]].score for ex in exercises) / top if top else 0.0


def _histogram(scores: list[float], points: float) -> list[Bin]:
    """One bin per point for small exercises, ten equal bins otherwise."""
    if points <= 0:
        return []
    if points <= 25 and float(points).is_integer():
        edges = [(float(p), float(p) + 1) for p in range(int(points) + 1)]
        bins = [Bin(f"{low:g}", low, high, 0) for low, high in edges]
        for s in scores:
            bins[min(int(s), int(points))].count += 1
        return bins
    width = points / 10
    bins = [Bin(f"{i * width:g}–{(i + 1) * width:g}", i * width, (i + 1) * width, 0)
            for i in range(10)]
    for s in scores:
        bins[min(int(s / width), 9)].count += 1
    return bins


def _first_line(message: str) -> str:
    line = next((ln.strip() for ln in (message or "").splitlines() if ln.strip()), "")
    return line if len(line) <= MESSAGE_CHARS else line[:MESSAGE_CHARS - 1] + "…"


def build(book) -> ClassView:
    exercises = book.exercises()
    points = {ex["slug"]: ex["points"] for ex in exercises}
    weights = book.meta("weights", {}) or {}
    title = i18n.text_of(book.meta("title", {}) or {}) or "torch-drills"
    current = {(c.student, c.exercise): c for c in book.current()}
    students = []
    flags = []
    for s in book.students():
        cells = {}
        for ex in exercises:
            slug = ex["slug"]
            cur = current.get((s["id"], slug))
            if cur is None or cur.sha256 is None:
                cell = Cell(slug, "missing", 0.0, points[slug], note=cur.note if cur else "")
            elif cur.result is None:
                cell = Cell(slug, "pending", 0.0, points[slug], sha256=cur.sha256, note=cur.note)
            else:
                cell = Cell(slug, cur.result["status"], float(cur.result["score"]), points[slug],
                            result=cur.result, sha256=cur.sha256, note=cur.note,
                            flags=result_flags(cur.result, cur.flags))
            for kind, detail in cell.flags:
                flags.append((s["id"], s["file_id"], slug, kind, detail))
            if cell.state == "pending":
                flags.append((s["id"], s["file_id"], slug, "pending", _("not graded yet")))
            cells[slug] = cell
        row = StudentRow(s["id"], s["file_id"], s["source"], s["notes"], cells)
        row.total = sum(c.score for c in cells.values())
        row.max_total = sum(points.values())
        row.percentage = percentage(cells, exercises, weights)
        students.append(row)
    stats = [_exercise_stats(ex, students) for ex in exercises]
    checks = _check_stats(exercises, students)
    return ClassView(title, exercises, students, stats, checks, flags, weights)


def _exercise_stats(ex: dict, students: list[StudentRow]) -> ExerciseStats:
    cells = [s.cells[ex["slug"]] for s in students]
    graded = [c for c in cells if c.state not in ("missing", "pending")]
    scores = [c.score for c in graded]
    return ExerciseStats(
        slug=ex["slug"], title=i18n.text_of(ex["title"]) or ex["slug"], points=ex["points"],
        submitted=len(graded), missing=sum(c.state == "missing" for c in cells),
        pending=sum(c.state == "pending" for c in cells),
        mean=statistics.fmean(scores) if scores else None,
        median=statistics.median(scores) if scores else None,
        full_marks=sum(c.score >= ex["points"] > 0 for c in graded),
        bins=_histogram(scores, ex["points"]))


def _check_stats(exercises: list, students: list[StudentRow]) -> list[CheckStats]:
    """Every check, over the gradings whose file loaded (status graded), hardest first."""
    found: dict[tuple, CheckStats] = {}
    messages: dict[tuple, Counter] = {}
    for position, ex in enumerate(exercises):
        for s in students:
            cell = s.cells[ex["slug"]]
            if cell.result is None or cell.state != "graded":
                continue
            for c in cell.result.get("checks", []):
                key = (position, c["id"])
                st = found.get(key)
                if st is None:
                    st = found[key] = CheckStats(ex["slug"], c["id"], c["title"], c.get("function", ""),
                                                 c["visibility"], c["points"], 0, 0, {}, [])
                    messages[key] = Counter()
                st.attempts += 1
                st.outcomes[c["outcome"]] = st.outcomes.get(c["outcome"], 0) + 1
                if c["outcome"] != "passed":
                    st.failures += 1
                    messages[key][_first_line(c["message"]) or f"({c['outcome']})"] += 1
    for key, st in found.items():
        st.messages = sorted(messages[key].items(), key=lambda m: (-m[1], m[0]))[:3]
    return sorted(found.values(), key=lambda st: (-st.rate, -st.failures,
                                                  [e["slug"] for e in exercises].index(st.exercise),
                                                  st.id))
