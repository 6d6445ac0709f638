"""The `grade` command.

Exit codes: 0 full marks (or the command succeeded), 1 graded but not full
marks, 2 usage or configuration error (one line, never a traceback).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import click

from grader.course import CourseError, find_root, load_course

EXIT_OK, EXIT_NOT_FULL, EXIT_USAGE = 0, 1, 2


class UsageError(click.ClickException):
    exit_code = EXIT_USAGE

    def show(self, file=None):
        click.echo(f"grade: {self.format_message()}", err=True)


def _course(ctx) -> "Course":  # noqa: F821
    try:
        root = ctx.obj["course_path"] or find_root()
        return load_course(Path(root).resolve())
    except CourseError as e:
        raise UsageError(str(e)) from None


def _exercise(course, ident):
    try:
        return course.find(ident)
    except CourseError as e:
        raise UsageError(str(e)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--course", "course_path", type=click.Path(file_okay=False), default=None,
              help="The course folder (default: the nearest folder with course.yaml).")
@click.version_option(package_name="torch-drills")
@click.pass_context
def main(ctx, course_path):
    """torch-drills: PyTorch exercises, graded by checks your code cannot touch."""
    ctx.obj = {"course_path": course_path}


# ------------------------------------------------------------------ students

@main.command("list")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en")
@click.pass_context
def list_cmd(ctx, lang):
    """Exercises, topic, points, and your best score."""
    from grader import progress
    course = _course(ctx)
    best = progress.best_scores(course)
    for ex in course.exercises:
        mine = best.get(ex.slug)
        score = f"{mine:g}/{ex.points:g}" if mine is not None else f"-/{ex.points:g}"
        click.echo(f"{ex.number}  {ex.text(ex.title, lang):<34} {ex.topic:<13} {score:>9}")


@main.command()
@click.argument("exercise")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en")
@click.pass_context
def show(ctx, exercise, lang):
    """The instructions of an exercise, in the terminal."""
    course = _course(ctx)
    ex = _exercise(course, exercise)
    click.echo(click.style(f"{ex.number} {ex.text(ex.title, lang)}", bold=True))
    click.echo(f"{ex.topic} · {ex.points:g} points · " + ("难度" if lang == "zh" else "difficulty")
               + f" {ex.difficulty}/3")
    click.echo()
    click.echo(ex.text(ex.instructions, lang).rstrip())
    click.echo()
    click.echo(click.style("函数" if lang == "zh" else "Functions", bold=True))
    for fn in ex.functions:
        click.echo(f"  {fn.signature}  ({fn.points:g})")
    click.echo()
    click.echo(("开始：" if lang == "zh" else "Start: ") + f"grade start {ex.number}")


@main.command()
@click.argument("exercise")
@click.option("--dir", "workdir", type=click.Path(file_okay=False), default="work",
              show_default=True, help="Your workspace.")
@click.pass_context
def start(ctx, exercise, workdir):
    """Copy the starter to your workspace (never overwrites)."""
    course = _course(ctx)
    ex = _exercise(course, exercise)
    target = Path(workdir) / f"{ex.slug}.py"
    if target.exists():
        click.echo(f"{target} already exists; it was left as it is.")
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ex.starter, target)
    except OSError as e:
        raise UsageError(f"cannot write {target}: {e.strerror}") from None
    click.echo(f"wrote {target}; when ready: grade exercise {ex.number}")


def _resolve_device(device: str) -> str:
    """cpu or cuda. Call it only after the jail's parent has been forked."""
    if device == "cpu":
        return "cpu"
    # The check process never runs CUDA itself; ask NVML rather than the CUDA
    # runtime, so that even asking leaves no CUDA context behind.
    import os
    os.environ.setdefault("PYTORCH_NVML_BASED_CUDA_CHECK", "1")
    import torch
    available = torch.cuda.is_available()
    if device == "auto":
        return "cuda" if available else "cpu"
    if not available:
        raise UsageError("--device cuda: CUDA is not available on this machine")
    return "cuda"


@main.command()
@click.argument("exercise")
@click.option("--file", "file", type=click.Path(dir_okay=True), default=None,
              help="The file to grade (default: work/<exercise>.py).")
@click.option("--device", type=click.Choice(["cpu", "cuda", "auto"]), default="cpu",
              show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print exactly the result document.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the result as an HTML page.")
@click.option("--student", default="", help="A name to put in the result.")
@click.pass_context
def exercise(ctx, exercise, file, device, as_json, html_path, student):
    """Grade an exercise: per-check results, feedback, hints, score."""
    course = _course(ctx)
    ex = _exercise(course, exercise)
    path = submission_path(ex, file)
    from grader.jail.zygote import start_zygote
    zygote = start_zygote()   # a fresh interpreter: it imports torch while we do
    from grader.runner import Grader, SubmissionError
    grader = Grader.start(course, zygote)
    try:
        device = _resolve_device(device)
        result = grader.grade(ex, path, device=device, student=student)
    except SubmissionError as e:
        raise UsageError(str(e)) from None
    finally:
        grader.close()
    record_progress(course, path, result)
    _emit(course, ex, result, as_json, html_path)
    from grader.result import is_full_marks
    ctx.exit(EXIT_OK if is_full_marks(result) else EXIT_NOT_FULL)


def submission_path(ex, file: str | None) -> Path:
    """The file to grade: --file, else the workspace copy; it must be a file."""
    path = Path(file) if file else Path("work") / f"{ex.slug}.py"
    if not path.exists():
        hint = "" if file else f" (create it with: grade start {ex.number})"
        raise UsageError(f"{path}: no such file{hint}")
    if path.is_dir():
        raise UsageError(f"{path} is a directory, not a Python file")
    return path


def record_progress(course, path: Path, result: dict) -> None:
    """Only the student's own workspace (work/) counts towards `grade progress`."""
    if Path("work").resolve() in path.resolve().parents:
        from grader import progress
        progress.record(course, result)


def _emit(course, ex, result, as_json, html_path=None):
    from grader import report_terminal
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        pending = 0
        if course.is_release():
            pending = int(getattr(ex, "hidden_count", 0) or 0)
        click.echo(report_terminal.render(result, colour=report_terminal.use_colour(),
                                          title=f"{ex.number} {ex.text(ex.title, 'en')}",
                                          hidden_pending=pending))
    if html_path:
        from grader import report_html
        try:
            report_html.write_exercise_page(result, ex, Path(html_path))
        except OSError as e:
            raise UsageError(f"cannot write {html_path}: {e.strerror}") from None


@main.command()
@click.pass_context
def progress(ctx):
    """All exercises, your best scores, and what is left."""
    from grader import progress as prog
    course = _course(ctx)
    best = prog.best_scores(course)
    total = sum(ex.points for ex in course.exercises)
    got = 0.0
    for ex in course.exercises:
        mine = best.get(ex.slug)
        got += mine or 0.0
        done = mine is not None and mine >= ex.points
        mark = "✓" if done else ("…" if mine else " ")
        score = f"{mine:g}" if mine is not None else "-"
        click.echo(f" {mark} {ex.number} {ex.text(ex.title, 'en'):<34} {score:>5}/{ex.points:g}")
    click.echo(f"total: {got:g}/{total:g} ({100 * got / total if total else 0:.0f}%)")
    left = [ex.number for ex in course.exercises if (best.get(ex.slug) or 0) < ex.points]
    if left:
        click.echo("next: grade start " + left[0])


# ------------------------------------------------------------------ instructors

@main.command()
@click.pass_context
def validate(ctx):
    """Check course.yaml and every exercise.yaml; list every problem."""
    from grader import validate as val
    root = Path(ctx.obj["course_path"] or _root_or_fail())
    problems = val.validate_course(root)
    for p in problems:
        click.echo(str(p), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s)", err=True)
        ctx.exit(EXIT_USAGE)
    click.echo("course is valid")


def _root_or_fail() -> Path:
    try:
        return find_root()
    except CourseError as e:
        raise UsageError(str(e)) from None


@main.command("check-solutions")
@click.option("--exercise", "only", multiple=True, help="Only these exercises.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None,
              help="Also write every result to this file.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Check processes in parallel (default: one per core).")
@click.pass_context
def check_solutions(ctx, only, json_path, workers):
    """CI: solutions score 100%, starters are not_attempted, mutants lose points."""
    from grader import validate as val
    from grader.classroom import audit
    root = Path(ctx.obj["course_path"] or _root_or_fail())
    course = _course(ctx)
    exercises = [_exercise(course, o) for o in only] or course.exercises
    problems = val.validate_course(root)
    if only:
        # Problems of exercises that were not asked for do not block these.
        others = {ex.slug for ex in course.exercises} | set(course.broken)
        others -= {ex.slug for ex in exercises}
        problems = [p for p in problems if not any(slug in str(p) for slug in others)]
    for p in problems:
        click.echo(str(p), err=True)
    if problems:
        raise UsageError(f"{len(problems)} validation problem(s); fix them first")
    from grader.classroom.pool import PoolError
    try:
        ok = audit.check_solutions(course, exercises, json_path=json_path, echo=click.echo,
                                   workers=workers)
    except PoolError as e:
        raise UsageError(str(e)) from None
    ctx.exit(EXIT_OK if ok else EXIT_NOT_FULL)


# Commands that live in their own modules register themselves on `main`.
from grader import cli_class, cli_watch  # noqa: E402,F401
