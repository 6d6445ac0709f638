"""Instructor commands for a whole class: `grade class`, `grade report`, `grade release`."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from grader.cli import EXIT_NOT_FULL, EXIT_OK, UsageError, _course, _exercise, main
from grader.cli import complete_exercise
from grader.safe_text import line

EXIT_INTERRUPTED = 130


class Progress:
    """A progress bar on a terminal (done/total, rate, ETA); one line per student otherwise.

    Student names and notes come from the submissions folder: each is printed
    through safe_text.line, so none can move the cursor or forge a line.
    """

    def __init__(self, workers: int):
        self.tty = sys.stdout.isatty()
        self.workers = workers
        self.bar = None
        self.done = 0
        self.started = time.monotonic()

    def start(self, total: int, reused: int, students: int) -> None:
        self.started = time.monotonic()
        already = f" ({reused} already graded)" if reused else ""
        if total:
            click.echo(f"grading {total} submission(s) of {students} student(s) with"
                       f" {min(self.workers, total)} worker(s){already}")
        else:
            click.echo(f"nothing to grade: {students} student(s){already}")
        if self.tty and total:
            self.bar = click.progressbar(length=total, label="grading", show_eta=True,
                                         show_pos=True, item_show_func=self._rate, width=24)
            self.bar.__enter__()

    def _rate(self, _item) -> str:
        elapsed = time.monotonic() - self.started
        return f"{self.done / elapsed:.1f}/s" if self.done and elapsed > 0 else ""

    def graded(self, outcome) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(1, outcome)

    def student_done(self, student: str, cells) -> None:
        if self.bar is None:
            click.echo(f"{line(student)}  " + "  ".join(f"{ex} {line(text)}" for ex, text in cells))

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _write_reports(report: Path, reveal_hidden: bool) -> "ClassView":  # noqa: F821
    from grader import report_html
    from grader.classroom import exports, view as classview
    from grader.classroom.gradebook import Gradebook, GradebookError
    try:
        book = Gradebook(report / "gradebook.sqlite", create=False)
    except GradebookError as e:
        raise UsageError(str(e)) from None
    try:
        view = classview.build(book)
        ignored = book.meta("ignored", []) or []
    finally:
        book.close()
    try:
        exports.write_all(view, report, reveal_hidden=reveal_hidden)
        from grader import report_junit
        report_junit.write_class(view, report, reveal_hidden=reveal_hidden)
        report_html.write_class_pages(view, report, reveal_hidden=reveal_hidden, ignored=ignored)
    except OSError as e:
        raise UsageError(f"cannot write the reports in {report}: {e.strerror or e}") from None
    return view


@main.command("class")
@click.argument("submissions", type=click.Path())
@click.option("--out", "report", required=True, type=click.Path(),
              help="The report folder (gradebook, grades.csv, results.json, pages).")
@click.option("--workers", type=click.IntRange(1, 512), default=None,
              help="Check processes (default: one per core).")
@click.option("--exercise", "only", multiple=True, help="Only these exercises (repeatable).",
              shell_complete=complete_exercise)
@click.option("--device", type=click.Choice(["cpu", "cuda"]), default="cpu", show_default=True)
@click.option("--force", is_flag=True, help="Grade again even unchanged submissions.")
@click.option("--reveal-hidden", is_flag=True,
              help="Show hidden checks' details on student pages (after the due date).")
@click.option("--allow-unconfined", is_flag=True,
              help="Grade even where this machine cannot fully confine student code.")
@click.option("--skip-broken", is_flag=True,
              help="Grade the other exercises when an exercise.yaml is broken (else exit 2).")
@click.pass_context
def class_cmd(ctx, submissions, report, workers, only, device, force, reveal_hidden,
              allow_unconfined, skip_broken):
    """Grade a whole class, in parallel, resumable.

    SUBMISSIONS holds <student>/<NN_slug>.py files or <student>.zip archives.
    Resumable: results go into REPORT/gradebook.sqlite as they finish, and the
    same command run again grades only what is missing or changed.
    """
    from grader.classroom.gradebook import GradebookError
    from grader.classroom.pool import PoolError
    from grader.classroom.run import grade_class
    from grader.classroom.submissions import SubmissionsError

    course = _course(ctx)
    exercises = [_exercise(course, o) for o in only] or list(course.exercises)
    if not only and course.broken and not skip_broken:
        # A broken exercise is never silently left out of a class's grades.
        slug, why = next(iter(course.broken.items()))
        more = f" (and {len(course.broken) - 1} more)" if len(course.broken) > 1 else ""
        raise UsageError(f"exercise {slug} cannot be loaded{more}: {why}; fix it (grade"
                         " validate) or pass --skip-broken to grade the others")
    if not only:
        for slug, why in course.broken.items():
            click.echo(f"skipped {slug}: {why}", err=True)
    if not exercises:
        raise UsageError("the course has no exercise that can be graded (run grade validate)")
    if not Path(submissions).is_dir():
        raise UsageError(f"{submissions}: not a folder of submissions")
    from grader.jail.sandbox import missing_protections
    missing = missing_protections(any(ex.allow_processes for ex in exercises))
    if missing and not allow_unconfined:
        raise UsageError(f"this machine cannot confine student code ({', '.join(missing)}"
                         " missing): grade on Linux 5.13+, or pass --allow-unconfined")
    report = Path(report)
    if report.exists() and not report.is_dir():
        raise UsageError(f"{report}: exists and is not a folder")
    inside = Path(submissions).resolve()
    if report.resolve() == inside or inside in report.resolve().parents:
        raise UsageError(f"{report}: the report folder cannot be inside the submissions folder")
    if workers is None:
        workers = (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                   else os.cpu_count() or 1)
    progress = Progress(workers)
    try:
        summary = grade_class(course, Path(submissions), report, exercises=exercises,
                              workers=workers, device=device, force=force, progress=progress)
    except KeyboardInterrupt:
        progress.finish()
        click.echo(f"\ninterrupted: every finished grading is saved in {report / 'gradebook.sqlite'};"
                   " run the same command to go on", err=True)
        ctx.exit(EXIT_INTERRUPTED)
    except (PoolError, GradebookError, SubmissionsError) as e:
        progress.finish()
        raise UsageError(str(e)) from None
    except OSError as e:
        progress.finish()
        raise UsageError(f"{getattr(e, 'filename', '') or report}: {e.strerror or e}") from None
    for note in summary.ignored:
        click.echo(f"note: {line(note)}", err=True)
    view = _write_reports(report, reveal_hidden)
    click.echo(f"{summary.students} student(s): graded {summary.gradings}, already graded"
               f" {summary.reused}, missing {summary.missing}"
               + (f", failed {len(summary.errors)}" if summary.errors else ""))
    click.echo(f"wrote {report / 'grades.csv'}, {report / 'results.json'},"
               f" {report / 'index.html'} and {len(view.students)} student page(s)")
    for student, exercise, why in summary.errors[:10]:
        click.echo(f"could not grade {line(student)}/{exercise}: {line(why)}", err=True)
    if summary.errors:
        click.echo(f"{len(summary.errors)} grading(s) failed; run the same command to retry them",
                   err=True)
    ctx.exit(EXIT_NOT_FULL if summary.errors else EXIT_OK)


@main.command()
@click.argument("report", type=click.Path())
@click.option("--reveal-hidden", is_flag=True,
              help="Show hidden checks' details on student pages (after the due date).")
def report(report, reveal_hidden):
    """Render the reports again from the gradebook, without grading."""
    report = Path(report)
    view = _write_reports(report, reveal_hidden)
    click.echo(f"wrote {report / 'grades.csv'}, {report / 'results.json'},"
               f" {report / 'index.html'} and {len(view.students)} student page(s)")


@main.command()
@click.argument("out", type=click.Path())
@click.option("--exercise", "only", multiple=True, help="Only these exercises (repeatable).",
              shell_complete=complete_exercise)
@click.pass_context
def release(ctx, out, only):
    """The student bundle: no solutions, no hidden checks, no mutants."""
    from grader.release import ReleaseError, build_release
    course = _course(ctx)
    if course.is_release():
        raise UsageError(f"{course.root} is already a student bundle (it has no solutions/)")
    exercises = [_exercise(course, o) for o in only] or None
    try:
        hidden = build_release(course, Path(out), exercises,
                               echo=lambda line: click.echo(line, err=True))
    except ReleaseError as e:
        raise UsageError(str(e)) from None
    click.echo(f"wrote {out}: {len(hidden)} exercise(s); {sum(hidden.values())} hidden check(s)"
               " stay with you")
