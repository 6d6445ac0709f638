"""What leaves the gradebook for other tools: grades.csv, results.json, Gradescope.

- grades.csv: one row per student (id, one column per exercise, total,
  percentage), for a spreadsheet or an LMS grade column. A missing exercise
  scores 0. Nothing in it depends on timing, so the same gradebook always
  gives the same bytes. The id goes through safe_text.csv_cell: never a
  formula, one line, and two different ids never give the same cell.
- results.json: everything, every result document included (the
  instructor's file: hidden checks' evidence too).
- gradescope/<file id>/results.json: Gradescope's autograder format
  (score, tests[] with name, score, max_score, output, visibility, ...), so
  the same checks can feed a Gradescope assignment. A student sees it: it
  is built from grader.redact.student_view (hidden checks' evidence and
  output withheld unless reveal_hidden).

Every file is written to a temporary name and renamed, so a crash leaves
the previous version whole.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
from pathlib import Path

from grader import __version__, i18n
from grader.i18n import _
from grader.redact import shared_student_view
from grader.safe_text import csv_cell, terminal


def write_atomic(path: Path, text: str) -> None:
    path = Path(path)
    data = text.encode("utf-8")
    # A temporary name of our own (pid and a counter) rather than tempfile.mkstemp:
    # hundreds of files per report, and mkstemp's random names cost more here than
    # writing them. O_EXCL still never follows or reuses what is there; created with
    # mode 0o666 the file gets the umask's permissions, as a report should.
    fd, tmp = _create_temporary(path)
    try:
        with open(fd, "wb", closefd=True) as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


_TEMPORARY_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) \
    | getattr(os, "O_CLOEXEC", 0)
_temporaries = itertools.count()


def _create_temporary(path: Path) -> tuple[int, str]:
    # A killed process leaves at most one temporary per file: a hundred numbers are plenty.
    for _attempt in range(100):
        tmp = str(path.parent / f".{path.name}.{os.getpid()}.{next(_temporaries)}.tmp")
        try:
            return os.open(tmp, _TEMPORARY_FLAGS, 0o666), tmp
        except FileExistsError:
            continue    # left by a killed process that had our pid: the next number
        except FileNotFoundError:
            # The folder is made on demand: most writes go to one that exists.
            path.parent.mkdir(parents=True, exist_ok=True)
    raise FileExistsError(f"{path.parent}: no free temporary name for {path.name}")


def number(x: float) -> str:
    """A score as a spreadsheet reads it: 7, 7.5, 7.3333."""
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def grades_csv(view) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", *[ex["slug"] for ex in view.exercises], "total", "percentage",
                     "notes"])
    for s in view.students:
        # notes: what was found where a file was expected, two candidates, a broken zip.
        writer.writerow([csv_cell(s.id),
                         *[number(s.cells[ex["slug"]].score) for ex in view.exercises],
                         number(s.total), f"{s.percentage:.2f}",
                         csv_cell(" | ".join(s.notes)) if s.notes else ""])
    return out.getvalue()


def _stats_dict(st) -> dict:
    return {"exercise": st.slug, "points": st.points, "submitted": st.submitted,
            "missing": st.missing, "not_graded_yet": st.pending, "mean": st.mean,
            "median": st.median, "full_marks": st.full_marks,
            "histogram": [{"from": b.low, "to": b.high, "count": b.count} for b in st.bins]}


def results_json(view) -> str:
    students = []
    for s in view.students:
        cells = {}
        for slug, c in s.cells.items():
            cells[slug] = {"state": c.state, "score": c.score, "max_score": c.max_score,
                           "sha256": c.sha256, "note": c.note,
                           "flags": [{"kind": k, "detail": d} for k, d in c.flags],
                           "result": c.result}
        students.append({"id": s.id, "file_id": s.file_id, "source": s.source, "notes": s.notes,
                         "total": s.total, "max_total": s.max_total,
                         "percentage": round(s.percentage, 4), "exercises": cells})
    doc = {
        "schema": "grade-class/1", "grader": __version__, "course": view.title,
        "exercises": view.exercises, "weights": view.weights,
        "statistics": [_stats_dict(st) for st in view.stats],
        "checks": [{"exercise": c.exercise, "id": c.id, "title": c.title,
                    "visibility": c.visibility, "attempts": c.attempts, "failures": c.failures,
                    "failure_rate": round(c.rate, 4), "outcomes": c.outcomes,
                    "common_messages": [{"message": m, "count": n} for m, n in c.messages]}
                   for c in view.checks],
        "flags": [{"student": sid, "exercise": ex, "kind": kind, "detail": detail}
                  for sid, _fid, ex, kind, detail in view.flags],
        "students": students,
    }
    # No indent: the C encoder is ten times faster, and this file is for programs.
    return json.dumps(doc, ensure_ascii=False) + "\n"


def gradescope_results(student, exercises, reveal_hidden: bool = False, view_of=None) -> dict:
    """One student in Gradescope's results.json format (all exercises, one test per check),
    from the student's view of each result (grader.redact; `view_of`: a
    shared_student_view of the same reveal_hidden, to build each view once)."""
    view_of = view_of or shared_student_view(reveal_hidden)
    tests = []
    output = []
    seconds = 0.0
    for ex in exercises:
        cell = student.cells[ex["slug"]]
        name = i18n.text_of(ex["title"]) or ex["slug"]
        if cell.result is None:
            why = _("no file was submitted") if cell.state == "missing" else _("not graded yet")
            output.append(f"{ex['slug']}: {why}" + (f" ({terminal(cell.note)})" if cell.note else ""))
            tests.append({"name": f"{ex['slug']}: {name}", "score": 0.0,
                          "max_score": ex["points"], "status": "failed", "output": why,
                          "visibility": "visible", "execution_time": 0.0})
            continue
        result = view_of(cell.result)
        seconds += float(result.get("duration_s", 0.0))
        if result.get("message"):
            output.append(f"{ex['slug']}: {terminal(result['message'])}")
        for number_in_ex, c in enumerate(result["checks"], 1):
            text = "\n".join(t for t in (c["message"], c.get("evidence")) if t)
            if c.get("hint") and c["outcome"] != "passed":
                text += ("\n" if text else "") + _("hint: {text}").format(text=c["hint"])
            tests.append({
                "name": f"{ex['slug']}: {c['title']}",
                "number": f"{ex['slug'].split('_', 1)[0]}.{number_in_ex}",
                "score": float(c["score"]), "max_score": float(c["points"]),
                "status": "passed" if c["outcome"] == "passed" else "failed",
                "output": terminal(text),
                # Gradescope's own word for "shown once the due date has passed".
                "visibility": "after_due_date" if c["visibility"] == "hidden" else "visible",
                "execution_time": round(float(c.get("duration_s", 0.0)), 4),
                "tags": [ex["slug"], c["outcome"]],
            })
    return {"score": round(student.total, 4), "max_score": student.max_total,
            "execution_time": int(round(seconds)), "output": "\n".join(output),
            "visibility": "visible", "stdout_visibility": "hidden", "tests": tests}
