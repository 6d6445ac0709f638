"""One piece of work per item, shared with forked copies of this process.

The class report's per-student files (a page, a JUnit file, a Gradescope
file: about 12 ms a student) depend only on their student and the course, and
one process writing them all left every other core idle at the end of
`grade class`. A fork shares what this process has already built (the class
view, compiled templates) without copying or pickling any of it.

A copy's share counts as done only if the copy said so (a "done" on its own
pipe) after its last item: a copy that fails, crashes, exits early or
overstays (it is killed) has its share done again here, so an error (a full
disk) is raised here, once, as if there had been no copies.
"""

from __future__ import annotations

import os
import signal
import time

MIN_SHARE = 16          # items per process below which a fork costs more than it saves
SLACK_S = 30.0          # a copy may take this much longer than our own share (x4) did


def each(items, work, processes: int) -> None:
    """work(item) for every item, in `processes` processes (this one and forks of it)."""
    items = list(items)
    processes = min(processes, len(items) // MIN_SHARE) if hasattr(os, "fork") else 1
    if processes <= 1:
        for item in items:
            work(item)
        return
    shares = [items[i::processes] for i in range(processes)]
    children: dict[int, tuple[list, int]] = {}   # pid -> (its share, its "done" pipe)
    ours = shares[0]
    try:
        for share in shares[1:]:
            try:
                pid, done_r = _fork(share, work)
            except OSError:     # no more processes allowed: this one does the rest
                ours = ours + share
                continue
            children[pid] = (share, done_r)
        started = time.monotonic()
        for item in ours:
            work(item)
        deadline = time.monotonic() + SLACK_S + 4 * (time.monotonic() - started)
        failed = _wait_all(children, deadline)
    except BaseException:
        for pid in children:
            _kill(pid)
        raise
    finally:
        for _share, done_r in children.values():
            os.close(done_r)
    for pid in failed:
        for item in children[pid][0]:
            work(item)


def _fork(share, work) -> tuple[int, int]:
    done_r, done_w = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(done_r)
        os.close(done_w)
        raise
    if pid == 0:
        os.close(done_r)
        _do_share_and_exit(share, work, done_w)
    os.close(done_w)
    return pid, done_r


def _do_share_and_exit(share, work, done_w: int) -> None:
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)   # Ctrl-C is for our parent to report
        for item in share:
            work(item)
        os.write(done_w, b"done")
    except BaseException:
        pass   # the parent does this share again and reports what goes wrong there
    finally:
        os._exit(0)   # no atexit handler, no flush of what the parent had buffered


def _wait_all(children: dict[int, tuple[list, int]], deadline: float) -> list[int]:
    """The children that did not say "done" before they exited and before the
    deadline (those still running then are killed)."""
    running, failed = set(children), []
    while running:
        for pid in list(running):
            exited, _status = os.waitpid(pid, os.WNOHANG)
            if exited:
                running.discard(pid)
                if not _said_done(children[pid][1]):
                    failed.append(pid)
        if running and time.monotonic() > deadline:
            for pid in running:
                _kill(pid)
            failed.extend(running)
            break
        if running:
            time.sleep(0.005)
    return sorted(failed, key=list(children).index)


def _said_done(done_r: int) -> bool:
    os.set_blocking(done_r, False)   # its writer is gone: never blocks anyway
    try:
        return os.read(done_r, 8) == b"done"
    except BlockingIOError:
        return False


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ChildProcessError, ProcessLookupError):
        pass
