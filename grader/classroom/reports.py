"""Every file of a class report, rendered again from its gradebook.

    grades.csv, results.json, index.html         the class (exports.py, report_html.py)
    students/<file id>.html                      a student's page (report_html.py)
    junit/<file id>.xml                          a student's JUnit file (report_junit.py)
    gradescope/<file id>/results.json            a student's Gradescope file (exports.py)

A student's three files depend only on that student and the course: they are
written by `processes` processes (fanout.py), the class's files afterwards by
this one. The files of a student no longer in the class go, so no file holds
the grade of someone who left or whose file id changed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from grader.classroom import exports, fanout
from grader.classroom import view as classview
from grader.classroom.exports import write_atomic
from grader.classroom.gradebook import Gradebook


def warm_up() -> None:
    """Import and compile what the reports need, ahead of time: `grade class` does it
    while its check processes start, when a core would idle."""
    from grader import report_html, report_junit  # noqa: F401
    report_html.warm_up()


def write_reports(report: Path, reveal_hidden: bool, processes: int = 1):
    """Write them all; returns the class view they were rendered from.

    Raises GradebookError (no readable gradebook) and OSError (a file that
    cannot be written), never after leaving a file half written.
    """
    from grader import report_html, report_junit
    from grader.redact import shared_student_view
    report = Path(report)
    book = Gradebook(report / "gradebook.sqlite", create=False)
    try:
        view = classview.build(book)
        ignored = book.meta("ignored", []) or []
    finally:
        book.close()
    # The page, the JUnit file and the Gradescope file all show the student's view
    # of every result: built once per process, shared by the three.
    view_of = shared_student_view(reveal_hidden)

    def student_files(s) -> None:
        write_atomic(report / "gradescope" / s.file_id / "results.json",
                     json.dumps(exports.gradescope_results(s, view.exercises, reveal_hidden,
                                                           view_of),
                                ensure_ascii=False) + "\n")
        write_atomic(report / "junit" / f"{s.file_id}.xml",
                     report_junit.student_document(s, view.exercises, reveal_hidden, view_of))
        write_atomic(report / "students" / f"{s.file_id}.html",
                     report_html.render_student(view, s, reveal_hidden, view_of))

    # The instructor's files first: if the disk fills up later, they are whole.
    write_atomic(report / "grades.csv", exports.grades_csv(view))
    write_atomic(report / "results.json", exports.results_json(view))
    warm_up()   # before the fork: compiled once for every process
    fanout.each(view.students, student_files, processes)
    current = {s.file_id for s in view.students}
    _remove_others(report / "gradescope", "*/results.json", current, per_folder=True)
    _remove_others(report / "junit", "*.xml", current)
    _remove_others(report / "students", "*.html", current)
    write_atomic(report / "index.html", report_html.render_index(view, ignored))
    return view


def _remove_others(folder: Path, pattern: str, current: set[str], *,
                   per_folder: bool = False) -> None:
    """Our files (pattern) in `folder` whose file id is not in `current`. per_folder:
    the file id names the file's folder (gradescope/<id>/), which goes too once empty."""
    for old in folder.glob(pattern):
        file_id = old.parent.name if per_folder else old.stem
        if file_id in current:
            continue
        try:
            os.unlink(old)
            if per_folder:
                os.rmdir(old.parent)
        except OSError:
            pass
