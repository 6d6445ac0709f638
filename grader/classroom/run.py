"""`grade class`: discover a class's submissions, grade what is missing, store each result.

The parent of the pool never imports torch; it alone writes the gradebook,
one transaction per finished grading, so a run killed at any moment resumes
where it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grader.classroom import flags, reports
from grader.classroom.gradebook import Gradebook
from grader.classroom.pool import Pool, Task
from grader.classroom.submissions import NotReadable, discover, read_regular
from grader.i18n import _
from grader.report_terminal import state_word


# ------------------------------------------------------------------ a class run

@dataclass
class RunSummary:
    students: int = 0
    gradings: int = 0          # graded in this run
    reused: int = 0            # already in the gradebook
    missing: int = 0
    errors: list = field(default_factory=list)    # (student, exercise, why)
    ignored: list = field(default_factory=list)
    notes: list = field(default_factory=list)     # (student, note): found, expected, broken zips


def course_info(course) -> dict:
    return {"title": course.title, "course_root": str(course.root),
            "order": [ex.slug for ex in course.exercises], "weights": course.weights}


def grade_class(course, submissions: Path, report: Path, *, exercises, workers: int,
                device: str, force: bool, progress, lang: str = "en",
                scheduler: str | None = None, allow_unconfined: bool = False) -> RunSummary:
    """Discover, record the roster, grade what is missing, store each result.

    `progress` gets start(total, already, students), graded(outcome) and
    student_done(student_id, cells); it is where the terminal output lives.
    """
    report = Path(report)
    report.mkdir(parents=True, exist_ok=True)
    # A worker over its grading's budget (plus a margin) is killed.
    limit_s = course.pool_limit_s(exercises)
    if scheduler:   # a Dask cluster: "local" (a LocalCluster) or an address (cluster.py)
        # It starts (its workers, their check processes) while the submissions
        # are found; a run with nothing left to grade closes it unused.
        from concurrent.futures import ThreadPoolExecutor
        from grader.classroom.cluster import ClusterPool
        starter = ThreadPoolExecutor(1)
        started = starter.submit(
            ClusterPool, course.root, workers, device, report / "logs", grading_limit_s=limit_s,
            scheduler=scheduler, allow_unconfined=allow_unconfined,
            allow_processes=any(ex.allow_processes for ex in exercises))
        try:
            return _grade_class(course, submissions, report, lambda tasks: started.result(),
                                exercises=exercises, device=device, force=force,
                                progress=progress, lang=lang)
        finally:
            starter.shutdown()
            if started.exception() is None:
                started.result().close()
    # The local pool's factory imports torch (seconds) while the submissions are
    # found, instead of after: a core would idle meanwhile.
    pool = Pool(course.root, workers, device, report / "logs", grading_limit_s=limit_s)
    pool.start_factory()
    try:
        return _grade_class(course, submissions, report, lambda tasks: pool, exercises=exercises,
                            device=device, force=force, progress=progress, lang=lang)
    finally:
        pool.close()


def _grade_class(course, submissions: Path, report: Path, start_pool, *, exercises,
                 device: str, force: bool, progress, lang: str) -> RunSummary:
    slugs = [ex.slug for ex in exercises]
    students, ignored = discover(Path(submissions), slugs, report / "extracted")
    summary = RunSummary(students=len(students), ignored=ignored,
                         notes=[(s.id, n) for s in students for n in s.notes])
    book = Gradebook(report / "gradebook.sqlite")
    try:
        ids = {s.id: s.file_id for s in students}   # unique in the class (submissions.file_ids)
        book.set_roster(course_info(course), exercises, students, ids, device)
        book.set_meta("ignored", ignored)
        tasks, left = [], {}
        for s in students:
            left[s.id] = 0
            for slug in slugs:
                sub = s.submissions[slug]
                if sub.missing:
                    summary.missing += 1
                elif not force and book.has_result(s.id, slug, sub.sha256, device, lang):
                    summary.reused += 1
                else:
                    tasks.append(Task(len(tasks), s.id, slug, str(sub.path.resolve()),
                                      sub.sha256, device, lang=lang))
                    left[s.id] += 1
        progress.start(len(tasks), summary.reused, len(students))
        for s in students:
            if left[s.id] == 0:
                progress.student_done(s.id, _cells(book, s.id))
        if tasks:
            # The reports come after the last grading, on this one process: what they
            # import and compile is done now, while the check processes start.
            reports.warm_up()
            pool = start_pool(tasks)
            try:
                for outcome in pool.run(tasks):
                    task = outcome.task
                    if outcome.result is not None:
                        book.save(task.student, task.exercise, task.sha256, task.device,
                                  outcome.result, _tamper(task.path))
                        summary.gradings += 1
                    else:
                        summary.errors.append((task.student, task.exercise, outcome.error))
                    progress.graded(outcome)
                    left[task.student] -= 1
                    if left[task.student] == 0:
                        progress.student_done(task.student, _cells(book, task.student))
            finally:
                pool.close()
        progress.finish()
    finally:
        book.close()
    return summary


def _tamper(path: str) -> list[str]:
    try:   # a regular file only, never blocking: it may have been swapped since discovery
        source = read_regular(path).decode("utf-8", errors="replace")
    except NotReadable:
        return []
    return flags.scan_source(source)


def _cells(book: Gradebook, student: str) -> list[tuple[str, str]]:
    """(exercise, "7/10" or "missing" ...) for a one-line summary of a student."""
    out = []
    for cur in book.current(student):
        if cur.sha256 is None:
            out.append((cur.exercise, _("missing")))
        elif cur.result is None:
            out.append((cur.exercise, _("not graded yet")))
        else:
            r = cur.result
            text = f"{r['score']:g}/{r['max_score']:g}"
            if r["status"] != "graded":
                text += f" ({state_word(r['status'])})"
            out.append((cur.exercise, text))
    return out
