"""One pytest session per exercise, kept open and run again for every grading.

Configuring pytest, registering its plugins, starting a session and collecting
the checks cost more than most exercises' checks themselves: paid once per
grading, they were most of a class's CPU time. A `ResidentChecks` starts
`pytest.main` once for an exercise's check files, in a thread of the check
process, and serves gradings from its own `pytest_runtestloop`: each grading
runs every collected item through pytest's ordinary `pytest_runtest_protocol`
(fixtures set up and torn down, reports made, hooks called), the last one with
`nextitem=None`, so nothing a grading set up (module or session fixtures)
survives into the next. This is the loop pytest itself runs; it simply runs
more than once (as pytest-rerunfailures does for one item).

The thread only ever works while the caller waits for it: `run()` hands it a
grading and blocks until the records come back, so the check process stays
single-threaded in effect, and redirecting sys.stdout while the thread works
cannot swallow the caller's own output.
"""

from __future__ import annotations

import contextlib
import io
import queue
import sys
import threading

import pytest

_END = None                      # the job that ends the session


class ResidentChecks:
    """A pytest session over `args` (check files and options) with `plugin` (a DrillPlugin)."""

    def __init__(self, args: list[str], plugin, importable):
        self.args = list(args)
        self.plugin = plugin
        # A context manager (grader.runner.importable_checks), entered for each of the
        # thread's turns: `import support_x` then finds this exercise's module.
        self.importable = importable
        self.turn = contextlib.ExitStack()
        self.jobs: queue.Queue = queue.Queue()
        self.answers: queue.Queue = queue.Queue()
        self.thread: threading.Thread | None = None
        self.ended = False
        self.working = False        # the thread's turn (the caller waits)
        self.callers_streams = (sys.stdout, sys.stderr)

    # -- the caller's side
    def run(self, begin) -> list:
        """Run every check once; `begin(plugin, count)` prepares the grading (its jail, its
        records) before the first check. Returns the check records in order, [] when the
        checks cannot even be collected (as a plain pytest run would give none)."""
        if self.ended:
            return []
        if self.thread is None:
            self.thread = threading.Thread(target=self._main, name="checks", daemon=True)
            self.thread.start()
        self.jobs.put(begin)
        kind, value = self.answers.get()
        if kind == "error":
            raise value
        if kind == "ended":
            self.ended = True
            return []
        return value

    def close(self) -> None:
        if self.thread is not None and not self.ended:
            self.jobs.put(_END)
            self.thread.join(timeout=30)
        self.ended = True

    # -- the thread: it runs only while the caller waits in run() or close()
    def _main(self) -> None:
        self._working()
        try:
            pytest.main(self.args, plugins=[self.plugin, self])
        except BaseException as e:   # pragma: no cover  (pytest.main catches its own)
            self._answer(("error", e))
        finally:
            self._answer(("ended", None))

    def _working(self) -> None:
        """The thread's turn: what pytest or a check prints goes nowhere (the check
        process's output is the result), and this exercise's check modules are importable."""
        if self.working:
            return
        self.working = True
        self.callers_streams = (sys.stdout, sys.stderr)   # the caller waits: they are its own
        sys.stdout, sys.stderr = io.StringIO(), io.StringIO()
        self.turn.enter_context(self.importable())

    def _answer(self, answer) -> None:
        # The caller prints again as soon as it has the answer: its streams first.
        if self.working:
            self.turn.close()
            sys.stdout, sys.stderr = self.callers_streams
            self.working = False
        self.answers.put(answer)

    def _next_job(self):
        job = self.jobs.get()
        self._working()
        return job

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        if session.testsfailed and not session.config.option.continue_on_collection_errors:
            return True    # a check file that cannot be collected: no records, as pytest would
        items = list(session.items)
        begin = self._next_job()
        while begin is not _END:
            try:
                begin(self.plugin, len(items))
                for i, item in enumerate(items):
                    nextitem = items[i + 1] if i + 1 < len(items) else None
                    item.config.hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
                answer = ("records", self.plugin.finished())
            except Exception as e:    # a grader bug: the caller raises it
                answer = ("error", e)
            self._answer(answer)
            begin = self._next_job()
        return True
