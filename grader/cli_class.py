"""Instructor commands for a whole class: `grade class`, `grade report`, `grade release`."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from grader import i18n
from grader.cli import EXIT_NOT_FULL, EXIT_OK, UsageError, _course, _exercise, lang_option, main
from grader.cli import complete_exercise
from grader.i18n import _
from grader.safe_text import line

EXIT_INTERRUPTED = 130
NOTES_SHOWN = 20   # student notes printed by grade class; the rest are in the reports


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
        already = _(" ({n} already graded)").format(n=reused) if reused else ""
        if total:
            click.echo(_("grading {total} submission(s) of {students} student(s) with {workers}"
                         " worker(s){already}").format(total=total, students=students,
                                                       workers=min(self.workers, total),
                                                       already=already))
        else:
            click.echo(_("nothing to grade: {students} student(s){already}").format(
                students=students, already=already))
        if self.tty and total:
            self.bar = click.progressbar(length=total, label=_("grading"), show_eta=True,
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
    from grader.classroom.gradebook import GradebookError
    from grader.classroom.reports import write_reports
    try:
        # A student's files are written by one process per core (classroom/fanout.py).
        return write_reports(report, reveal_hidden, processes=_cores())
    except GradebookError as e:
        raise UsageError(str(e)) from None
    except OSError as e:
        raise UsageError(_("cannot write the reports in {folder}: {error}").format(
            folder=report, error=e.strerror or e)) from None


def _cores() -> int:
    return (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
            else os.cpu_count() or 1)


@main.command("class")
@click.argument("submissions", type=click.Path())
@click.option("--out", "report", required=True, type=click.Path(),
              help="The report folder (gradebook, grades.csv, results.json, pages).")
@click.option("--workers", type=click.IntRange(1, 512), default=None,
              help="Check processes (default: one per core).")
@click.option("--exercise", "only", multiple=True, help="Only these exercises (repeatable).",
              shell_complete=complete_exercise)
@click.option("--device", type=click.Choice(["cpu", "cuda"]), default="cpu", show_default=True,
              help="Where the students' code runs: cpu, or cuda (a GPU).")
@click.option("--force", is_flag=True, help="Grade again even unchanged submissions.")
@click.option("--reveal-hidden", is_flag=True,
              help="Show hidden checks' details on student pages (after the due date).")
@click.option("--allow-unconfined", is_flag=True,
              help="Grade even where this machine cannot fully confine student code.")
@click.option("--skip-broken", is_flag=True,
              help="Grade the other exercises when an exercise.yaml is broken (else exit 2).")
@click.option("--cluster", type=click.Choice(["local"]), default=None,
              help="Grade on a Dask LocalCluster of --workers workers (torch-drills[cluster]).")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Grade on an existing Dask cluster, e.g. tcp://host:8786 (torch-drills[cluster]).")
@lang_option
@click.pass_context
def class_cmd(ctx, submissions, report, workers, only, device, force, reveal_hidden,
              allow_unconfined, skip_broken, cluster, scheduler, lang):
    """Grade a whole class, in parallel, resumable.

    SUBMISSIONS holds <student>/<NN_slug>.py files or <student>.zip archives.
    Resumable: results go into REPORT/gradebook.sqlite as they finish, and the
    same command run again grades only what is missing or changed.
    """
    from grader.classroom.gradebook import GradebookError
    from grader.classroom.pool import PoolError
    from grader.classroom.run import grade_class
    from grader.classroom.submissions import SubmissionsError

    if cluster and scheduler:
        raise UsageError(_("--cluster and --scheduler: choose one"))
    scheduler = scheduler or cluster   # "local" or an address (grader/classroom/cluster.py)
    if scheduler:
        from grader.classroom.cluster import ClusterError, require_distributed
        try:
            require_distributed()
        except ClusterError as e:
            raise UsageError(str(e)) from None
    course = _course(ctx)
    exercises = [_exercise(course, o) for o in only] or list(course.exercises)
    if not only and course.broken and not skip_broken:
        # A broken exercise is never silently left out of a class's grades.
        slug, why = next(iter(course.broken.items()))
        more = _(" (and {n} more)").format(n=len(course.broken) - 1) \
            if len(course.broken) > 1 else ""
        raise UsageError(_("exercise {slug} cannot be loaded{more}: {why}; fix it (grade"
                           " validate) or pass --skip-broken to grade the others").format(
            slug=slug, more=more, why=why))
    if not only:
        for slug, why in course.broken.items():
            click.echo(_("skipped {slug}: {why}").format(slug=slug, why=why), err=True)
    if not exercises:
        raise UsageError(_("the course has no exercise that can be graded (run grade validate)"))
    if not Path(submissions).is_dir():
        raise UsageError(_("{path}: not a folder of submissions").format(path=submissions))
    from grader.jail.sandbox import missing_protections
    missing = missing_protections(any(ex.allow_processes for ex in exercises))
    # On a cluster the workers' confinement is what counts: each is asked (cluster.py).
    if missing and not allow_unconfined and scheduler in (None, "local"):
        raise UsageError(_("this machine cannot confine student code ({missing} missing):"
                           " grade on Linux 5.13+, or pass --allow-unconfined").format(
            missing=", ".join(missing)))
    report = Path(report)
    if report.exists() and not report.is_dir():
        raise UsageError(_("{path}: exists and is not a folder").format(path=report))
    inside = Path(submissions).resolve()
    if report.resolve() == inside or inside in report.resolve().parents:
        raise UsageError(_("{path}: the report folder cannot be inside the submissions folder"
                           ).format(path=report))
    if workers is None:
        workers = _cores()
    progress = Progress(workers)
    try:
        summary = grade_class(course, Path(submissions), report, exercises=exercises,
                              workers=workers, device=device, force=force, progress=progress,
                              lang=i18n.current(), scheduler=scheduler,
                              allow_unconfined=allow_unconfined)
    except KeyboardInterrupt:
        progress.finish()
        click.echo("\n" + _("interrupted: every finished grading is saved in {path}; run the"
                            " same command to go on").format(path=report / "gradebook.sqlite"),
                   err=True)
        ctx.exit(EXIT_INTERRUPTED)
    except (PoolError, GradebookError, SubmissionsError) as e:
        progress.finish()
        raise UsageError(str(e)) from None
    except OSError as e:
        progress.finish()
        raise UsageError(f"{getattr(e, 'filename', '') or report}: {e.strerror or e}") from None
    except Exception as e:
        if type(e).__name__ != "ClusterError":   # grader.classroom.cluster, imported lazily
            raise
        progress.finish()
        raise UsageError(str(e)) from None
    for note in summary.ignored:
        click.echo(_("note: {note}").format(note=line(note)), err=True)
    # What each student's files said: a broken zip, two candidates, what was found
    # where a file was expected. All of it is in grades.csv (notes) and the pages.
    for student, note in summary.notes[:NOTES_SHOWN]:
        click.echo(_("note: {student}: {note}").format(student=line(student), note=line(note)),
                   err=True)
    if len(summary.notes) > NOTES_SHOWN:
        click.echo(_("note: and {n} more notes (grades.csv, notes column; index.html)").format(
            n=len(summary.notes) - NOTES_SHOWN), err=True)
    view = _write_reports(report, reveal_hidden)
    click.echo(_("{students} student(s): graded {graded}, already graded {reused}, missing"
                 " {missing}").format(students=summary.students, graded=summary.gradings,
                                      reused=summary.reused, missing=summary.missing)
               + (_(", failed {n}").format(n=len(summary.errors)) if summary.errors else ""))
    click.echo(_wrote(report, view))
    for student, exercise, why in summary.errors[:10]:
        click.echo(_("could not grade {student}/{exercise}: {why}").format(
            student=line(student), exercise=exercise, why=line(why)), err=True)
    if summary.errors:
        click.echo(_("{n} grading(s) failed; run the same command to retry them").format(
            n=len(summary.errors)), err=True)
    ctx.exit(EXIT_NOT_FULL if summary.errors else EXIT_OK)


def _wrote(report: Path, view) -> str:
    return _("wrote {csv}, {json}, {index} and {n} student page(s)").format(
        csv=report / "grades.csv", json=report / "results.json", index=report / "index.html",
        n=len(view.students))


@main.command()
@click.argument("report", type=click.Path())
@click.option("--reveal-hidden", is_flag=True,
              help="Show hidden checks' details on student pages (after the due date).")
@lang_option
def report(report, reveal_hidden, lang):
    """Render the reports again from the gradebook, without grading."""
    report = Path(report)
    view = _write_reports(report, reveal_hidden)
    click.echo(_wrote(report, view))


@main.command()
@click.argument("out", type=click.Path())
@click.option("--exercise", "only", multiple=True, help="Only these exercises (repeatable).",
              shell_complete=complete_exercise)
@lang_option
@click.pass_context
def release(ctx, out, only, lang):
    """The student bundle: no solutions, no hidden checks, no mutants."""
    from grader.release import ReleaseError, build_release
    course = _course(ctx)
    if course.is_release():
        raise UsageError(_("{path} is already a student bundle (it has no solutions/)").format(
            path=course.root))
    exercises = [_exercise(course, o) for o in only] or None
    try:
        hidden = build_release(course, Path(out), exercises,
                               echo=lambda line: click.echo(line, err=True))
    except ReleaseError as e:
        raise UsageError(str(e)) from None
    click.echo(_("wrote {path}: {n} exercise(s); {hidden} hidden check(s) stay with you").format(
        path=out, n=len(hidden), hidden=sum(hidden.values())))
