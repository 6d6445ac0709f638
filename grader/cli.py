"""The `grade` command.

Exit codes: 0 full marks (or the command succeeded), 1 graded but not full
marks, 2 usage or configuration error (one line, never a traceback).
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import re
import shutil
import sys
from pathlib import Path

import click

from grader import i18n
from grader.course import CourseError, find_root, load_course
from grader.i18n import N_, _

EXIT_OK, EXIT_NOT_FULL, EXIT_USAGE = 0, 1, 2


class UsageError(click.ClickException):
    exit_code = EXIT_USAGE

    def show(self, file=None):
        click.echo(_("grade: {message}").format(message=self.format_message()), err=True)


EXIT_INTERRUPTED = 130


class Interrupted(click.ClickException):
    """Ctrl-C (or SIGTERM) during a command: one line, exit 130 like a shell."""
    exit_code = EXIT_INTERRUPTED

    def show(self, file=None):
        click.echo(f"\n{self.format_message()}", err=True)


class _CommandUsageError(UsageError):
    def show(self, file=None):
        click.echo(self.format_message(), err=True)


def _click_reason(error: click.UsageError) -> str:
    """Why click refused the command line, in the current language (click's own words in
    English; the grader's catalogue for the others)."""
    english = error.format_message().rstrip(".")
    english = english[:1].lower() + english[1:]
    if i18n.current() == "en":
        return english
    exc = click.exceptions
    ctx = error.ctx
    param = getattr(error, "param", None)
    hint = getattr(error, "param_hint", None) or (param.get_error_hint(ctx) if param else "")
    if isinstance(hint, (list, tuple)):
        hint = " / ".join(hint)
    if isinstance(error, exc.NoSuchOption):
        text = _("no such option: {option}").format(option=error.option_name)
        if error.possibilities:
            text += _(" (did you mean {options}?)").format(
                options=", ".join(sorted(error.possibilities)))
        return text
    if isinstance(error, exc.BadOptionUsage) and "requires an argument" in english:
        return _("the option {option} needs a value").format(option=error.option_name)
    if isinstance(error, exc.MissingParameter):
        if isinstance(param, click.Argument):
            return _("missing argument {name}").format(name=hint)
        return _("missing option {name}").format(name=hint)
    if isinstance(error, exc.BadParameter):
        if param is not None and isinstance(param.type, click.Choice):
            return _("invalid value for {param}: choose one of {choices}").format(
                param=hint, choices=", ".join(map(str, param.type.choices)))
        return _("invalid value for {param}: {reason}").format(param=hint, reason=error.message)
    if isinstance(error, getattr(exc, "NoSuchCommand", ())) or english.startswith("no such command"):
        name = english.split("'")[1] if english.count("'") >= 2 else english
        return _("no such command: {name}").format(name=name)
    if english.startswith("got unexpected extra argument"):
        return _("unexpected extra arguments: {args}").format(
            args=english.partition("(")[2].rstrip(")"))
    return english


def _one_line(error: click.UsageError) -> UsageError:
    """click's usage error (several lines) as ours: one line and where to look."""
    path = error.ctx.command_path if error.ctx is not None else "grade"
    return _CommandUsageError(_("{path}: {reason} (try '{path} --help')").format(
        path=path, reason=_click_reason(error)))


def _lang_in(args) -> str | None:
    """--lang's value on a command line, before click has parsed it (for its own errors)."""
    args = list(args or [])
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _set_lang(ctx, param, value):
    """--lang of a command: the language from here on (the course's default comes in
    _course, once the course is loaded)."""
    root = ctx.find_root()
    if root.obj is None:
        root.obj = {}
    if value:
        root.obj["lang"] = value
    elif "lang" not in root.obj:
        # Not given here: the language GradeGroup.make_context found on the whole command
        # line (`grade exercise --help --lang zh`: --help may run before this), or the
        # environment's, stays.
        return value
    i18n.use(i18n.resolve(root.obj.get("lang")))
    return value


def lang_option(f):
    """--lang en|zh: the language of everything the command prints or renders."""
    return click.option("--lang", type=click.Choice(i18n.LANGUAGES), default=None,
                        is_eager=True, callback=_set_lang, expose_value=True,
                        help="en or zh (default: GRADE_LANG, then the locale, then the"
                             " course's language, then en).")(f)


# ------------------------------------------------------------------ help in the learner's language
#
# The help texts (docstrings of commands, help= of options) are the msgids of the
# catalogue (grader/catalogue.py extracts them); they are translated when the help is
# rendered, in the language resolved for the command line (GradeGroup.make_context, before
# click parses anything: `grade exercise --help --lang zh` too). click's own words:
HEADINGS = {"Options": N_("Options:"), "Commands": N_("Commands:"),
            "Positional arguments": N_("Positional arguments:"), "Arguments": N_("Arguments:")}
CLICK_HELP = (N_("Show this message and exit."), N_("Show the version and exit."))


_WIDE = "\u1100-\u115f\u2e80-\u303f\u3040-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
# What a line never breaks inside: a note like [默认：cpu], a word, one Han character;
# with the opening marks before it and the closing ones after it.
_OPEN, _CLOSE = "（《「『【“‘", "，。、；：？！）》」』】”’"
_TOKENS = re.compile(f"\\[[^\\]\\n]*\\]|[{_OPEN}]*(?:[^\\s{_WIDE}]+|[{_WIDE}])[{_CLOSE}]*|\\s+")


def wrap_wide(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "") -> str:
    """`text` wrapped to `width` terminal columns, a Han character counting two: a line
    may break between two Han characters or at a space (never before a closing
    punctuation mark). Paragraphs (blank lines between) stay apart."""
    width_of = i18n.display_width
    out = []
    for para in re.split(r"\n\s*\n", text.strip()):
        lines, line = [], initial_indent
        used, filled, space = width_of(initial_indent), False, False
        for token in _TOKENS.findall(" ".join(part.strip() for part in para.splitlines())):
            if token.isspace():
                space = True
                continue
            gap = " " if space and filled else ""
            size = width_of(token)
            if filled and used + len(gap) + size > width:
                lines.append(line)
                line, used, gap = subsequent_indent, width_of(subsequent_indent), ""
            line += gap + token
            used += len(gap) + size
            filled, space = True, False
        lines.append(line)
        out.append("\n".join(lines))
    return "\n\n".join(out)


def _is_wide(text: str) -> bool:
    return bool(re.search(f"[{_WIDE}]", text or ""))


class HelpFormatter(click.HelpFormatter):
    """click's help page, its headings and usage line in the current language, and
    lines of Chinese wrapped by display width (a Han character takes two columns)."""

    def write_text(self, text: str) -> None:
        if not _is_wide(text):
            return super().write_text(text)
        indent = " " * self.current_indent
        self.write(wrap_wide(text, self.width, indent, indent))
        self.write("\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        if not any(_is_wide(second) for _, second in rows):
            return super().write_dl(rows, col_max, col_spacing)
        first_col = min(max((i18n.display_width(first) for first, _second in rows), default=0),
                        col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if i18n.display_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - i18n.display_width(first)))
            else:
                self.write("\n")
                self.write(" " * (first_col + self.current_indent))
            text_width = max(self.width - first_col - 2, 10)
            lines = wrap_wide(second, text_width).splitlines() or [""]
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:
            word = _("Usage:")
            prefix = word if word.endswith("：") else word + " "
        super().write_usage(prog, args, prefix)

    def write_heading(self, heading: str) -> None:
        text = _(HEADINGS[heading]) if heading in HEADINGS else f"{heading}:"
        self.write(f"{'':>{self.current_indent}}{text}\n")


class GradeContext(click.Context):
    formatter_class = HelpFormatter


@contextlib.contextmanager
def _translated(obj, *names):
    """obj's help attributes in the current language for the time of a `with`."""
    before = {name: getattr(obj, name, None) for name in names}
    try:
        for name, text in before.items():
            if isinstance(text, str) and text:
                setattr(obj, name, _(inspect.cleandoc(text).partition("\f")[0]))
        yield
    finally:
        for name, text in before.items():
            setattr(obj, name, text)


def option_help(param, ctx) -> tuple[str, str] | None:
    """An option's line of the help page, its help and click's notes ([default: cpu],
    [required]) in the current language."""
    if not isinstance(param, click.Option) or not hasattr(param, "get_help_extra") or \
            not hasattr(param, "get_help_spec"):
        with _translated(param, "help"):     # an argument, or an older click
            return param.get_help_record(ctx)
    if param.hidden:
        return None
    text = _(param.help) if param.help else ""
    extra = param.get_help_extra(ctx)
    notes = []
    if "envvars" in extra:
        notes.append(_("env var: {var}").format(var=", ".join(extra["envvars"])))
    if "default" in extra:
        notes.append(_("default: {default}").format(default=extra["default"]))
    if "range" in extra:
        notes.append(extra["range"])
    if "required" in extra:
        notes.append(_("required"))
    if notes:
        joined = _("; ").join(notes)
        text = f"{text}  [{joined}]" if text else f"[{joined}]"
    return param.get_help_spec(ctx), text


class TranslatedHelp:
    """A command whose help page speaks the current language (see HelpFormatter)."""

    context_class = GradeContext

    def format_help_text(self, ctx, formatter):
        with _translated(self, "help"):
            super().format_help_text(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with _translated(self, "help", "short_help"):
            return super().get_short_help_str(limit)

    def format_options(self, ctx, formatter):
        rows = [row for param in self.get_params(ctx) if not isinstance(param, click.Argument)
                for row in [option_help(param, ctx)] if row is not None]
        if rows:
            with formatter.section("Options"):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def format_arguments(self, ctx, formatter):
        if not hasattr(super(), "format_arguments"):   # click before 8.2: no such section
            return
        with contextlib.ExitStack() as stack:
            for param in self.get_params(ctx):
                if isinstance(param, click.Argument):
                    stack.enter_context(_translated(param, "help"))
            super().format_arguments(ctx, formatter)


class GradeCommand(TranslatedHelp, click.Command):
    """A `grade` command: its help in the learner's language."""


class GradeGroup(TranslatedHelp, click.Group):
    """The `grade` group: one-line usage errors, help lines never cut, Ctrl-C exits 130,
    help in the learner's language."""

    command_class = GradeCommand

    def make_context(self, info_name, args, parent=None, **extra):
        if parent is None:
            # One language for the whole command, click's own errors included: --lang
            # wherever it is, else GRADE_LANG, else the locale (the course's comes later).
            i18n.use(i18n.resolve(_lang_in(args)))
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
            raise Interrupted(_("interrupted")) from None

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


def warn_broken(course, lang: str = "") -> None:
    """A broken exercise.yaml is never silently left out."""
    for slug, why in course.broken.items():
        click.echo(_("warning: {slug} is left out: {why}").format(slug=slug, why=why), err=True)


def _course(ctx) -> "Course":  # noqa: F821
    """The course, and with it the language: --lang, GRADE_LANG, the locale, its own."""
    try:
        root = ctx.obj["course_path"] or find_root()
        course = load_course(Path(root).resolve())
    except CourseError as e:
        raise UsageError(str(e)) from None
    i18n.use(i18n.resolve(ctx.find_root().obj.get("lang"), getattr(course, "language", "")))
    return course


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
@lang_option
@click.pass_context
def main(ctx, course_path, lang):
    """torch-drills: PyTorch exercises, graded by checks your code cannot touch.

    Shell completion of commands and exercise names: see README (shell completion).
    """
    # --lang before the command (`grade --lang zh list`) is kept: its callback ran first.
    ctx.obj = {**(ctx.obj or {}), "course_path": course_path}
    if os.environ.get("NO_COLOR"):   # https://no-color.org: any non-empty value
        ctx.color = False


# ------------------------------------------------------------------ students

TITLE_COLUMNS = 40   # the widest a title column gets in a table (display columns)


def title_width(course, lang: str, most: int = TITLE_COLUMNS) -> int:
    """The title column's width: the widest title in display columns, at most `most`."""
    widths = [i18n.display_width(ex.text(ex.title, lang)) for ex in course.exercises]
    return min(max(widths, default=0), most)


@main.command("list")
@lang_option
@click.pass_context
def list_cmd(ctx, lang):
    """Exercises, topic, points, and your best score."""
    from grader import progress
    course = _course(ctx)
    lang = i18n.current()
    warn_broken(course, lang)
    best = progress.best_scores(course)
    # In a student bundle, out of what the public checks can give once graded here.
    most = progress.max_scores(course) if course.is_release() else {}
    # Columns by display width: a Han character takes two columns of a terminal.
    width = title_width(course, lang)
    topic_width = max([i18n.display_width(ex.topic) for ex in course.exercises] + [13])
    pad = i18n.pad
    for ex in course.exercises:
        mine = best.get(ex.slug)
        top = most.get(ex.slug, ex.points)
        score = f"{mine:g}/{top:g}" if mine is not None else f"-/{top:g}"
        click.echo(f"{ex.number}  {pad(ex.text(ex.title, lang), width)} "
                   f"{pad(ex.topic, topic_width)} {score:>9}")


@main.command()
@click.argument("exercise", shell_complete=complete_exercise)
@lang_option
@click.pass_context
def show(ctx, exercise, lang):
    """The instructions of an exercise, in the terminal."""
    course = _course(ctx)
    lang = i18n.current()
    ex = _exercise(course, exercise)
    click.echo(click.style(f"{ex.number} {ex.text(ex.title, lang)}", bold=True))
    click.echo(_("{topic} · {points} points · difficulty {difficulty}/3").format(
        topic=ex.topic, points=f"{ex.points:g}", difficulty=ex.difficulty))
    click.echo()
    click.echo(ex.text(ex.instructions, lang).rstrip())
    click.echo()
    click.echo(click.style(_("Functions"), bold=True))
    for fn in ex.functions:
        click.echo(f"  {fn.signature}  ({fn.points:g})")
    click.echo()
    click.echo(_("Start: {command}").format(command=f"grade start {ex.number}"))


@main.command()
@click.argument("exercise", shell_complete=complete_exercise)
@click.option("--dir", "workdir", type=click.Path(file_okay=False), default=None,
              help="Your workspace (default: work/ in the course folder, from any folder).")
@click.option("--notebook", is_flag=True,
              help="Write a Jupyter notebook (.ipynb): the instructions, then the starter in cells.")
@lang_option
@click.pass_context
def start(ctx, exercise, workdir, notebook, lang):
    """Copy the starter to your workspace (never overwrites)."""
    course = _course(ctx)
    lang = i18n.current()
    ex = _exercise(course, exercise)
    folder = Path(workdir) if workdir else work_dir(course)
    target = folder / f"{ex.slug}{'.ipynb' if notebook else '.py'}"
    shown = shown_path(target)
    if target.exists():
        click.echo(_("{path} already exists; it was left as it is.").format(path=shown))
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if notebook:
            from grader.notebook import write_starter
            write_starter(ex, target, lang)
        else:
            shutil.copyfile(ex.starter, target)
    except OSError as e:
        raise UsageError(_("cannot write {path}: {error}").format(path=shown,
                                                                 error=e.strerror)) from None
    again = f"grade exercise {ex.number}" + (f" --file {shown}" if workdir else "")
    click.echo(_("wrote {path}; when ready: {command}").format(path=shown, command=again))


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
        raise UsageError(_("--device cuda: CUDA is not available on this machine"))
    return "cuda"


@main.command()
@click.argument("exercise", shell_complete=complete_exercise)
@click.option("--file", "file", type=click.Path(dir_okay=True), default=None,
              help="The file to grade, .py or .ipynb (default: work/<exercise>.py, else"
                   " work/<exercise>.ipynb, in the course folder).")
@click.option("--device", type=click.Choice(["cpu", "cuda", "auto"]), default="cpu",
              show_default=True,
              help="Where your code runs: cpu, cuda (a GPU), or auto (cuda when there is one).")
@click.option("--json", "as_json", is_flag=True, help="Print exactly the result document.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the result as an HTML page.")
@click.option("--junit", "junit_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the result as JUnit XML (GitHub Classroom, GitLab, Jenkins).")
@click.option("--student", default="", help="A name to put in the result.")
@lang_option
@click.pass_context
def exercise(ctx, exercise, file, device, as_json, html_path, junit_path, student, lang):
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
            raise UsageError(_("cannot write {path}: {error}").format(
                path=junit_path, error=e.strerror)) from None
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
            click.echo(_("note: both {py} and {notebook} exist; grading {py} (use --file to"
                         " choose)").format(py=shown_path(path), notebook=shown_path(notebook)),
                       err=True)
    if not path.exists():
        if file:
            raise UsageError(_("{path}: no such file").format(path=path))
        raise UsageError(_("{path}: no such file (create it with: {command})").format(
            path=shown_path(path), command=f"grade start {ex.number}"))
    if path.is_dir():
        raise UsageError(_("{path} is a directory; {accepted}").format(
            path=path, accepted=accepted_line(i18n.current())))
    if not is_accepted(path):
        raise UsageError(f"{path}: {accepted_line(i18n.current())}")
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
                                          title=f"{ex.number} {ex.text(ex.title, i18n.current())}",
                                          hidden_pending=pending))
    if html_path:
        from grader import report_html
        try:
            report_html.write_exercise_page(result, ex, Path(html_path))
        except OSError as e:
            raise UsageError(_("cannot write {path}: {error}").format(
                path=html_path, error=e.strerror)) from None


@main.command()
@lang_option
@click.pass_context
def progress(ctx, lang):
    """All exercises, your best scores, and what is left."""
    from grader import progress as prog
    course = _course(ctx)
    lang = i18n.current()
    warn_broken(course, lang)
    width = title_width(course, lang)
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
        line = f" {mark} {ex.number} {i18n.pad(ex.text(ex.title, lang), width)} {score:>5}/{top:g}"
        if release and ex.hidden_count:
            line += "  " + _("+ {n} hidden check(s) at grading").format(n=ex.hidden_count)
        click.echo(line)
    if release:
        done_n = len(course.exercises) - len(left)
        click.echo(_("done: {done}/{total} exercise(s) pass every public check; hidden checks run"
                     " when your work is graded").format(done=done_n,
                                                         total=len(course.exercises)))
    else:
        click.echo(_("total: {score}/{top} ({percent}%)").format(
            score=f"{got:g}", top=f"{total:g}",
            percent=f"{100 * got / total if total else 0:.0f}"))
    if left:
        click.echo(_("next: {command}").format(command="grade start " + left[0]))


# ------------------------------------------------------------------ instructors

@main.command()
@lang_option
@click.pass_context
def validate(ctx, lang):
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
@lang_option
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
@lang_option
@click.pass_context
def check_solutions(ctx, only, json_path, workers, lang):
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
from grader import cli_class, cli_gradescope, cli_watch  # noqa: E402,F401
