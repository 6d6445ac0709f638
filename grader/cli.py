"""The `grade` command.

Exit codes: 0 full marks (or the command succeeded), 1 graded but not full
marks, 2 usage or configuration error (one line, never a traceback).
"""

from __future__ import annotations

import json
import os
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


EXIT_INTERRUPTED = 130


class Interrupted(click.ClickException):
    """Ctrl-C (or SIGTERM) during a command: one line, exit 130 like a shell."""
    exit_code = EXIT_INTERRUPTED

    def show(self, file=None):
        click.echo(f"\n{self.format_message()}", err=True)


class _CommandUsageError(UsageError):
    def show(self, file=None):
        click.echo(self.format_message(), err=True)


def _one_line(error: click.UsageError) -> UsageError:
    """click's usage error (several lines) as ours: one line and where to look."""
    path = error.ctx.command_path if error.ctx is not None else "grade"
    message = error.format_message().rstrip(".")
    message = message[:1].lower() + message[1:]
    return _CommandUsageError(f"{path}: {message} (try '{path} --help')")


class GradeGroup(click.Group):
    """The `grade` group: one-line usage errors, help lines never cut, Ctrl-C exits 130."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as e:
            raise _one_line(e) from None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as e:
            raise _one_line(e) from None
        except KeyboardInterrupt:
            raise Interrupted("interrupted") from None

    def format_commands(self, ctx, formatter):
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def complete_exercise(ctx, param, incomplete: str):
    """Shell completion of an exercise's name (see README: shell completion)."""
    from click.shell_completion import CompletionItem
    try:
        root = ctx.find_root().params.get("course_path") or find_root()
        course = load_course(Path(root).resolve())
    except Exception:   # completion must never print a traceback into the shell
        return []
    items = []
    for ex in course.exercises:
        title = ex.text(ex.title, "en")
        if ex.slug.startswith(incomplete):
            items.append(CompletionItem(ex.slug, help=title))
        elif ex.name.startswith(incomplete):
            items.append(CompletionItem(ex.name, help=title))
    return items


def work_dir(course) -> Path:
    """The student's workspace: work/ in the course folder, wherever the command runs."""
    return Path(course.root) / "work"


def shown_path(path: Path) -> str:
    """A path as the user can type it from here: relative when it is below the current folder."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def say(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def warn_broken(course, lang: str = "en") -> None:
    """A broken exercise.yaml is never silently left out."""
    for slug, why in course.broken.items():
        click.echo(say(lang, f"warning: {slug} is left out: {why}",
                       f"警告：{slug} 无法载入，未列出：{why}"), err=True)


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


@click.group(cls=GradeGroup, context_settings={"help_option_names": ["-h", "--help"],
                                              "max_content_width": 100})
@click.option("--course", "course_path", type=click.Path(file_okay=False), default=None,
              help="The course folder (default: the nearest folder with course.yaml).")
@click.version_option(package_name="torch-drills")
@click.pass_context
def main(ctx, course_path):
    """torch-drills: PyTorch exercises, graded by checks your code cannot touch.

    Shell completion of commands and exercise names: see README (shell completion).
    """
    ctx.obj = {"course_path": course_path}
    if os.environ.get("NO_COLOR"):   # https://no-color.org: any non-empty value
        ctx.color = False


# ------------------------------------------------------------------ students

@main.command("list")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en")
@click.pass_context
def list_cmd(ctx, lang):
    """Exercises, topic, points, and your best score."""
    from grader import progress
    course = _course(ctx)
    warn_broken(course, lang)
    best = progress.best_scores(course)
    # In a student bundle, out of what the public checks can give once graded here.
    most = progress.max_scores(course) if course.is_release() else {}
    for ex in course.exercises:
        mine = best.get(ex.slug)
        top = most.get(ex.slug, ex.points)
        score = f"{mine:g}/{top:g}" if mine is not None else f"-/{top:g}"
        click.echo(f"{ex.number}  {ex.text(ex.title, lang):<34} {ex.topic:<13} {score:>9}")


@main.command()
@click.argument("exercise", shell_complete=complete_exercise)
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
@click.argument("exercise", shell_complete=complete_exercise)
@click.option("--dir", "workdir", type=click.Path(file_okay=False), default=None,
              help="Your workspace (default: work/ in the course folder, from any folder).")
@click.option("--notebook", is_flag=True,
              help="Write a Jupyter notebook (.ipynb): the instructions, then the starter in cells.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en",
              help="The language of the notebook's instructions and of these messages.")
@click.pass_context
def start(ctx, exercise, workdir, notebook, lang):
    """Copy the starter to your workspace (never overwrites)."""
    course = _course(ctx)
    ex = _exercise(course, exercise)
    folder = Path(workdir) if workdir else work_dir(course)
    target = folder / f"{ex.slug}{'.ipynb' if notebook else '.py'}"
    shown = shown_path(target)
    if target.exists():
        click.echo(say(lang, f"{shown} already exists; it was left as it is.",
                       f"{shown} 已存在，未作改动。"))
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if notebook:
            from grader.notebook import write_starter
            write_starter(ex, target, lang)
        else:
            shutil.copyfile(ex.starter, target)
    except OSError as e:
        raise UsageError(say(lang, f"cannot write {shown}: {e.strerror}",
                             f"无法写入 {shown}：{e.strerror}")) from None
    again = f"grade exercise {ex.number}" + (f" --file {shown}" if workdir else "")
    click.echo(say(lang, f"wrote {shown}; when ready: {again}",
                   f"已写入 {shown}；完成后运行：{again}"))


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
@click.argument("exercise", shell_complete=complete_exercise)
@click.option("--file", "file", type=click.Path(dir_okay=True), default=None,
              help="The file to grade, .py or .ipynb (default: work/<exercise>.py, else"
                   " work/<exercise>.ipynb, in the course folder).")
@click.option("--device", type=click.Choice(["cpu", "cuda", "auto"]), default="cpu",
              show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print exactly the result document.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the result as an HTML page.")
@click.option("--junit", "junit_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the result as JUnit XML (GitHub Classroom, GitLab, Jenkins).")
@click.option("--student", default="", help="A name to put in the result.")
@click.pass_context
def exercise(ctx, exercise, file, device, as_json, html_path, junit_path, student):
    """Grade an exercise: per-check results, feedback, hints, score."""
    course = _course(ctx)
    ex = _exercise(course, exercise)
    try:
        path = submission_path(ex, file, course)
    except UsageError as e:
        if junit_path:   # CI still gets a report: this exercise, with nothing to grade
            from grader import report_junit
            try:
                report_junit.write_missing(Path(junit_path), ex, e.format_message())
            except OSError:
                pass
        raise
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
    if junit_path:
        from grader import report_junit
        try:
            report_junit.write(Path(junit_path), [result], course=course)
        except OSError as e:
            raise UsageError(f"cannot write {junit_path}: {e.strerror}") from None
    from grader.result import is_full_marks
    ctx.exit(EXIT_OK if is_full_marks(result) else EXIT_NOT_FULL)


def submission_path(ex, file: str | None, course=None) -> Path:
    """The file to grade: --file, else the workspace copy (work/ in the course folder,
    the .py file, else the notebook); it must be a .py file or a notebook."""
    from grader.notebook import accepted_line, is_accepted
    if file:
        path = Path(file)
    else:
        work = work_dir(course) if course is not None else Path("work")
        path, notebook = work / f"{ex.slug}.py", work / f"{ex.slug}.ipynb"
        if not path.exists() and notebook.exists():
            path = notebook
        elif path.exists() and notebook.exists():
            click.echo(f"note: both {shown_path(path)} and {shown_path(notebook)} exist; grading"
                       f" {shown_path(path)} (use --file to choose)", err=True)
    if not path.exists():
        hint = "" if file else f" (create it with: grade start {ex.number})"
        raise UsageError(f"{shown_path(path) if not file else path}: no such file{hint}")
    if path.is_dir():
        raise UsageError(f"{path} is a directory; {accepted_line()}")
    if not is_accepted(path):
        raise UsageError(f"{path}: {accepted_line()}")
    return path


def record_progress(course, path: Path, result: dict) -> None:
    """Only the student's own workspace (work/ in the course folder) counts towards
    `grade progress` (and unlocks further hints); the result gets the hints it unlocked."""
    from grader import hints, progress
    counts = {}
    if work_dir(course).resolve() in path.resolve().parents:
        progress.record(course, result)
        counts = progress.failures(course).get(result.get("exercise"), {})
    try:
        ex = course.find(result.get("exercise", ""))
    except Exception:   # noqa: BLE001  (a result of an exercise no longer in the course)
        return
    result["hints"] = hints.unlocked(ex, result, counts)


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
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en")
@click.pass_context
def progress(ctx, lang):
    """All exercises, your best scores, and what is left."""
    from grader import progress as prog
    course = _course(ctx)
    warn_broken(course, lang)
    best = prog.best_scores(course)
    # In a student bundle only the public checks run: an exercise is done when it
    # scored everything they can give; the hidden ones run at grading time.
    release = course.is_release()
    most = prog.max_scores(course) if release else {}
    total = sum(ex.points for ex in course.exercises)
    got = 0.0
    left = []
    for ex in course.exercises:
        mine = best.get(ex.slug)
        got += mine or 0.0
        top = most.get(ex.slug, ex.points) if release else ex.points
        done = mine is not None and top > 0 and mine >= top
        if not done:
            left.append(ex.number)
        mark = "✓" if done else ("…" if mine else " ")
        score = f"{mine:g}" if mine is not None else "-"
        line = f" {mark} {ex.number} {ex.text(ex.title, lang):<34} {score:>5}/{top:g}"
        if release and ex.hidden_count:
            line += say(lang, f"  + {ex.hidden_count} hidden check(s) at grading",
                        f"  + 评分时另有 {ex.hidden_count} 项隐藏检查")
        click.echo(line)
    if release:
        done_n = len(course.exercises) - len(left)
        click.echo(say(lang, f"done: {done_n}/{len(course.exercises)} exercise(s) pass every public"
                             " check; hidden checks run when your work is graded",
                       f"完成：{done_n}/{len(course.exercises)} 个练习通过全部公开检查；"
                       "隐藏检查在正式评分时运行"))
    else:
        click.echo(say(lang, "total: ", "总分：")
                   + f"{got:g}/{total:g} ({100 * got / total if total else 0:.0f}%)")
    if left:
        click.echo(say(lang, "next: grade start ", "下一个：grade start ") + left[0])


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


@main.command()
@click.argument("exercise", shell_complete=complete_exercise)
@click.argument("function", required=False)
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None,
              help="The language of the hints (default: GRADE_LANG, the locale, the course).")
@click.pass_context
def hint(ctx, exercise, function, lang):
    """Every hint of an exercise (or of one FUNCTION), gentle first."""
    from grader import hints, i18n, progress
    from grader.i18n import _
    course = _course(ctx)
    ex = _exercise(course, exercise)
    i18n.use(i18n.resolve(lang, getattr(course, "language", "")))
    if function and ex.function(function) is None:
        raise UsageError(_("{exercise} has no function {name} (its functions: {names})").format(
            exercise=ex.slug, name=repr(function), names=", ".join(f.name for f in ex.functions)))
    tiers = hints.tiers(ex, function or "")
    if not tiers:
        click.echo(_("{exercise}: no hints").format(exercise=ex.slug))
        return
    for n, h in enumerate(tiers, 1):
        about = f" ({h['function']}())" if h.get("function") else ""
        click.echo(click.style(f"{n}/{len(tiers)}{about}", bold=True) + "  " + i18n.text_of(h))
    failed = progress.failures(course).get(ex.slug, {}).get(function or "", 0)
    if failed:
        click.echo(_("failed gradings of {function}(): {count}").format(function=function,
                                                                         count=failed))


@main.command("check-solutions")
@click.option("--exercise", "only", multiple=True, help="Only these exercises.",
              shell_complete=complete_exercise)
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
    if course.is_release():
        raise UsageError(f"{course.root} is a student bundle: it has no solutions to check"
                         " (run check-solutions in the course repository)")
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
