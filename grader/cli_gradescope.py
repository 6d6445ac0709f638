"""`grade gradescope`: a Gradescope autograder zip (grader/gradescope.py)."""

from __future__ import annotations

from pathlib import Path

import click

from grader.cli import UsageError, _course, _exercise, complete_exercise, lang_option, main
from grader.gradescope import VISIBILITIES


@main.command()
@click.argument("out", type=click.Path())
@click.option("--exercise", "only", multiple=True, shell_complete=complete_exercise,
              help="The assignment's exercises (repeatable; default: all of them).")
@click.option("--each", is_flag=True,
              help="One assignment per exercise: OUT is a folder, one zip per exercise in it.")
@click.option("--hidden-visibility", type=click.Choice(VISIBILITIES), default="visible",
              show_default=True,
              help="Gradescope visibility of hidden checks' tests (their evidence is always"
                   " withheld; anything but visible may hold back the student's total).")
@click.option("--results-visibility", type=click.Choice(VISIBILITIES), default="visible",
              show_default=True, help="Gradescope visibility of the whole result.")
@click.option("--reveal-hidden", is_flag=True,
              help="Show hidden checks' evidence too (for after the due date).")
@click.option("--torch", "torch_version", default="",
              help="The torch version setup.sh installs (default: the one installed here).")
@lang_option
@click.pass_context
def gradescope(ctx, out, only, each, hidden_visibility, results_visibility, reveal_hidden,
               torch_version, lang):
    """A Gradescope autograder zip: setup.sh, run_autograder, the checks."""
    from grader.gradescope import GradescopeError, Settings, build_autograder
    course = _course(ctx)
    exercises = [_exercise(course, o) for o in only] or list(course.exercises)
    if not exercises:
        raise UsageError("the course has no exercise that can be graded (run grade validate)")
    for slug, why in ({} if only else course.broken).items():
        click.echo(f"skipped {slug}: {why}", err=True)
    out = Path(out)
    groups = [[ex] for ex in exercises] if each else [exercises]
    if each and out.suffix.lower() == ".zip":
        raise UsageError(f"{out}: with --each, OUT is a folder (one zip per exercise goes in it)")
    try:
        for group in groups:
            target = out / f"{group[0].slug}.zip" if each else out
            settings = Settings(hidden_visibility=hidden_visibility,
                                results_visibility=results_visibility,
                                reveal_hidden=reveal_hidden, torch=torch_version)
            build_autograder(course, target, group, settings)
            click.echo(f"wrote {target}: {', '.join(ex.slug for ex in group)}"
                       f" ({sum(ex.points for ex in group):g} points)")
    except GradescopeError as e:
        raise UsageError(str(e)) from None
