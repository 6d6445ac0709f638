"""Re-grade a file every time it is saved, in processes that stay warm.

One `Grader` (the check process and its zygote, the jail's parent) serves the
whole session: each save forks a fresh jail from the zygote, so a re-grade
costs a fork and the checks, never a torch import. The course is parsed once,
and the check modules stay imported between runs (pytest's importlib mode
reuses them from sys.modules), so only pytest's collection of the already
imported modules is repeated: a few per cent of a re-grade.

The file is polled (stat every POLL_S): no dependency, and it works the same
for editors that write in place and editors that save by renaming.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from grader import report_terminal
from grader.i18n import _, current, ngettext
from grader.result import is_full_marks

POLL_S = 0.05      # how often the file is looked at
SETTLE_S = 0.02    # a change must hold this long, so a half-written save is not graded
CLEAR_SCREEN = "\033[2J\033[1;1H"
LOAD_FAILURES = ("syntax_error", "import_error", "timeout", "crashed")


class JailParentDied(Exception):
    """The zygote is gone, so nothing more can be graded in this session."""


# ------------------------------------------------------------------ the file

@dataclass(frozen=True)
class FileState:
    """What polling compares: any save changes at least one of these."""
    mtime_ns: int
    ctime_ns: int
    size: int
    inode: int


def file_state(path: Path) -> FileState | None:
    """The file's state now, or None while it does not exist."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return FileState(st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


MISSING_S = 0.5   # gone this long is a deletion, not an editor saving by renaming


def wait_for_change(path: Path, last: FileState | None, *, poll_s: float = POLL_S,
                    settle_s: float = SETTLE_S, sleep=time.sleep, on_missing=None,
                    clock=time.monotonic) -> FileState:
    """Block until the file exists, differs from `last`, and has held still for settle_s.

    `on_missing()` is called once when the file has been gone for MISSING_S.
    """
    gone_since = None
    reported = False
    while True:
        now = file_state(path)
        if now is not None and now != last:
            sleep(settle_s)
            if file_state(path) == now:
                return now
            continue  # still being written: look again
        if now is None and on_missing is not None and not reported:
            gone_since = clock() if gone_since is None else gone_since
            if clock() - gone_since >= MISSING_S:
                reported = True
                on_missing()
        elif now is not None:
            gone_since = None
        sleep(poll_s)


# ------------------------------------------------------------------ what changed

def _passed(result: dict) -> set[str]:
    return {c["id"] for c in result["checks"] if c["outcome"] == "passed"}


def _titles(result: dict, ids: set[str], most: int = 3) -> str:
    titles = [c["title"] for c in result["checks"] if c["id"] in ids]
    shown = _("; ").join(titles[:most])
    return shown + (_("; and {n} more").format(n=len(titles) - most) if len(titles) > most else "")


def describe_change(previous: dict | None, baseline: dict | None, result: dict) -> str:
    """One line saying what changed since the last run.

    `previous` is the last run; `baseline` the last run whose file parsed, so
    that fixing a syntax error is compared with the version before it.
    """
    if previous is None:
        return _("first run")
    if result["status"] == "syntax_error":
        if baseline is None:
            return _("the checks did not run: your file does not parse yet")
        return _("the checks did not run: your file does not parse (the last version that did"
                 " scored {score}/{top})").format(score=f"{baseline['score']:g}",
                                                  top=f"{baseline['max_score']:g}")
    parts = []
    if previous["status"] == "syntax_error":
        parts.append(_("syntax error fixed"))
    if baseline is None:
        n = len(_passed(result))
        return _("; ").join(parts + [ngettext("{n} check passes", "{n} checks pass", n).format(n=n)])
    before, now = _passed(baseline), _passed(result)
    gained, lost = now - before, before - now
    if gained:
        parts.append(ngettext("{n} more check passes", "{n} more checks pass", len(gained)).format(
            n=len(gained)))
    if lost:
        parts.append(ngettext("{n} check that passed now fails: {titles}",
                              "{n} checks that passed now fail: {titles}", len(lost)).format(
            n=len(lost), titles=_titles(result, lost)))
    if baseline["score"] != result["score"]:
        parts.append(_("score {before} → {after}").format(before=f"{baseline['score']:g}",
                                                          after=f"{result['score']:g}"))
    elif not gained and not lost and result["status"] != baseline["status"]:
        parts.append(_("now {status} (was {before})").format(
            status=report_terminal.state_word(result["status"]),
            before=report_terminal.state_word(baseline["status"])))
    if not parts:
        return _("no change since the last run ({score}/{top})").format(
            score=f"{result['score']:g}", top=f"{result['max_score']:g}")
    return _("; ").join(parts)


# ------------------------------------------------------------------ the screen

@dataclass
class Screen:
    """Where the verdicts go: the whole screen is redrawn for each run."""
    out: object = None
    colour: bool | None = None

    def __post_init__(self):
        self.out = self.out or sys.stdout
        self.is_terminal = hasattr(self.out, "isatty") and self.out.isatty()
        if self.colour is None:
            self.colour = report_terminal.use_colour(self.out)

    def note(self, text: str) -> None:
        """One line below the verdict on screen (the verdict stays)."""
        self.out.write("\n" + text + "\n")
        self.out.flush()

    def show(self, text: str) -> None:
        # One write per screen: no half-drawn frame, and no flicker.
        top = CLEAR_SCREEN if self.is_terminal else "\n" + "─" * 60 + "\n"
        self.out.write(top + text.rstrip("\n") + "\n")
        self.out.flush()


def _footer(run: int, path: Path, seconds: float) -> str:
    return _("run {run} · {time} · graded in {seconds} s · watching {path} (Ctrl-C to stop)"
             ).format(run=run, time=time.strftime("%H:%M:%S"), seconds=f"{seconds:.2f}",
                      path=path)


# ------------------------------------------------------------------ the loop

class StopSignals:
    """Ctrl-C, SIGTERM and SIGHUP (the terminal closed) end the watch.

    pytest catches a KeyboardInterrupt raised inside a check and ends its run
    as if it had finished, so the signal is also remembered here and looked
    at after each grading.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def __init__(self):
        self.caught = False
        self._old = {}

    def _handle(self, signum, frame):
        self.caught = True
        raise KeyboardInterrupt

    def __enter__(self):
        for sig in self.SIGNALS:
            self._old[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc):
        for sig, old in self._old.items():
            signal.signal(sig, old)
        return False


def _zygote_alive(grader) -> bool:
    try:
        pid, _ = os.waitpid(grader.zygote.pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return pid == 0


def run(grader, course, exercise, path: Path, *, device: str = "cpu", screen: Screen | None = None,
        on_result=None, poll_s: float = POLL_S, max_runs: int | None = None) -> None:
    """Grade `path`, then re-grade it after every change, until a stop signal.

    Raises KeyboardInterrupt when stopped, JailParentDied if the zygote is
    gone. `on_result(result)` sees every result (the CLI records progress).
    """
    from grader.runner import SubmissionError

    screen = screen or Screen()
    title = f"{exercise.number} {exercise.text(exercise.title, current())}"
    hidden_pending = int(getattr(exercise, "hidden_count", 0) or 0) if course.is_release() else 0
    previous = baseline = None
    runs = 0
    with StopSignals() as stop:
        while max_runs is None or runs < max_runs:
            # Taken before the file is read: a save during grading is seen next.
            state = file_state(path)
            started = time.perf_counter()
            try:
                result = grader.grade(exercise, path, device=device)
            except SubmissionError as e:
                if stop.caught:
                    raise KeyboardInterrupt from None
                if file_state(path) is None:
                    screen.show(f"{title}\n" + _("{path} was deleted or moved; waiting for it to"
                                                 " come back (Ctrl-C to stop)").format(path=path))
                else:
                    screen.show(f"{title}\n{e}\n" + _("waiting for {path} to change (Ctrl-C to"
                                                     " stop)").format(path=path))
                wait_for_change(path, state, poll_s=poll_s)
                continue
            if stop.caught:
                raise KeyboardInterrupt
            if not _zygote_alive(grader):
                raise JailParentDied(_("the jail's parent process stopped; start grade watch"
                                       " again"))
            runs += 1
            if on_result is not None:
                on_result(result)     # progress, and the hints it unlocks, before the screen
            shown = result
            if result["status"] in LOAD_FAILURES:
                # Every check failed for the same reason, already said at the top.
                shown = {**result, "checks": []}
            body = report_terminal.render(shown, colour=screen.colour, title=title,
                                          hidden_pending=hidden_pending)
            change = describe_change(previous, baseline, result)
            if is_full_marks(result) and previous is not None and not is_full_marks(previous):
                change += " · " + _("full marks!")
            screen.show(f"{body}\n\n{change}\n"
                        + _footer(runs, path, time.perf_counter() - started))
            previous = result
            if result["status"] != "syntax_error":
                baseline = result
            if runs == 1:
                # The first run imported the checks and torch's lazy modules:
                # freeze them, so pytest's two collections per run skip them.
                gc.collect()
                gc.freeze()
            if max_runs is not None and runs >= max_runs:
                break
            wait_for_change(path, state, poll_s=poll_s,
                            on_missing=lambda: screen.note(
                                _("{path} was deleted or moved; waiting for it to come back"
                                  " (Ctrl-C to stop)").format(path=path)))
