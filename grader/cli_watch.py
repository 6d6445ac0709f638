"""`grade watch`: re-grade on every save, in warm processes."""

from __future__ import annotations

import signal

import click

from grader.cli import (UsageError, _course, _exercise, _resolve_device, main, record_progress,
                        submission_path)


@main.command()
@click.argument("exercise")
@click.option("--file", "file", type=click.Path(dir_okay=False), default=None,
              help="The file to watch (default: work/<exercise>.py).")
@click.option("--device", type=click.Choice(["cpu", "cuda", "auto"]), default="cpu",
              show_default=True)
@click.pass_context
def watch(ctx, exercise, file, device):
    """Grade, then re-grade every time the file is saved (Ctrl-C to stop)."""
    course = _course(ctx)
    ex = _exercise(course, exercise)
    path = submission_path(ex, file)
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
        pass
    except watching.JailParentDied as e:
        raise UsageError(str(e)) from None
    finally:
        # A second Ctrl-C must not cut the clean-up short: closing the zygote
        # makes it kill any jail still running, and we wait for it to exit.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        grader.close()
    click.echo("\nstopped watching")
