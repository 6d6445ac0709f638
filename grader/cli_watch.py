"""`grade watch`: re-grade on every save, in warm processes."""

from __future__ import annotations

import signal

import click

from grader.cli import (EXIT_INTERRUPTED, UsageError, _course, _exercise, _resolve_device,
                        complete_exercise, lang_option, main, record_progress, submission_path)
from grader.i18n import _


@main.command()
@click.argument("exercise", shell_complete=complete_exercise)
@click.option("--file", "file", type=click.Path(dir_okay=False), default=None,
              help="The file to watch, .py or .ipynb (default: work/<exercise>.py, else"
                   " work/<exercise>.ipynb, in the course folder).")
@click.option("--device", type=click.Choice(["cpu", "cuda", "auto"]), default="cpu",
              show_default=True,
              help="Where your code runs: cpu, cuda (a GPU), or auto (cuda when there is one).")
@lang_option
@click.pass_context
def watch(ctx, exercise, file, device, lang):
    """Grade, then re-grade every time the file is saved (Ctrl-C to stop)."""
    interrupted = False
    course = _course(ctx)
    ex = _exercise(course, exercise)
    path = submission_path(ex, file, course)
    from grader.jail.zygote import start_zygote
    zygote = start_zygote()   # a fresh interpreter: it imports torch while we do
    from grader import watch as watching
    from grader.runner import Grader
    grader = Grader.start(course, zygote)
    try:
        # After the fork: the jail's parent must never see CUDA initialised.
        device = _resolve_device(device)
        watching.run(grader, course, ex, path, device=device,
                     on_result=lambda result: record_progress(course, path, result))
    except KeyboardInterrupt:
        interrupted = True
    except watching.JailParentDied as e:
        raise UsageError(str(e)) from None
    finally:
        # A second Ctrl-C must not cut the clean-up short: closing the zygote
        # makes it kill any jail still running, and we wait for it to exit.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        grader.close()
    click.echo("\n" + _("stopped watching"))
    if interrupted:   # Ctrl-C, SIGTERM, the terminal closed: as a shell reports it
        ctx.exit(EXIT_INTERRUPTED)
