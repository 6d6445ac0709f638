"""grader/classroom/fanout.py: every item done, whatever its forked copies do.
(tests/test_class.py: the class report is the same bytes from one process or several.)"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from grader.classroom import fanout

ITEMS = list(range(100))   # enough for 4 processes of MIN_SHARE items


def _writer(folder: Path, also=None):
    """work(item): writes folder/<item> with the pid that wrote it (appended: twice shows)."""
    parent = os.getpid()

    def work(item):
        if also is not None:
            also(item, os.getpid() != parent)
        with open(folder / str(item), "a") as f:
            f.write(f"{os.getpid()}\n")
    return parent, work


def _writers(folder: Path) -> dict[int, list[str]]:
    return {int(p.name): p.read_text().split() for p in folder.iterdir()}


def test_every_item_once_and_the_work_shared(tmp_path):
    parent, work = _writer(tmp_path)
    fanout.each(ITEMS, work, processes=4)
    done = _writers(tmp_path)
    assert sorted(done) == ITEMS
    assert all(len(pids) == 1 for pids in done.values())
    pids = {pids[0] for pids in done.values()}
    assert str(parent) in pids and len(pids) == 4


def test_few_items_stay_in_this_process(tmp_path):
    parent, work = _writer(tmp_path)
    fanout.each(ITEMS[:fanout.MIN_SHARE + 3], work, processes=4)
    assert {pids[0] for pids in _writers(tmp_path).values()} == {str(parent)}


def test_a_share_whose_copy_failed_is_done_again_here(tmp_path):
    def fail_in_a_copy(item, in_copy):
        if in_copy and item % 4 == 1:
            raise OSError("no space left")   # after some of its share was written
    parent, work = _writer(tmp_path, fail_in_a_copy)
    fanout.each(ITEMS, work, processes=4)
    done = _writers(tmp_path)
    assert sorted(done) == ITEMS
    # The failed share's items end written by us (the copy's partial work may remain).
    for item in ITEMS:
        if item % 4 == 1:
            assert done[item][-1] == str(parent)


def test_a_copy_that_dies_or_hangs_is_replaced(tmp_path, monkeypatch):
    monkeypatch.setattr(fanout, "SLACK_S", 0.5)

    def misbehave(item, in_copy):
        if in_copy and item == 1:
            os._exit(0)          # "success", having done nothing: the work is not trusted
        if in_copy and item == 2:
            time.sleep(3600)
    parent, work = _writer(tmp_path, misbehave)
    started = time.monotonic()
    fanout.each(ITEMS, work, processes=4)
    assert time.monotonic() - started < 30
    done = _writers(tmp_path)
    assert sorted(done) == ITEMS


def test_an_error_is_raised_here_once_with_no_copy_left(tmp_path):
    def always(item, in_copy):
        if item == 3:
            raise OSError(28, "No space left on device")
    parent, work = _writer(tmp_path, always)
    with pytest.raises(OSError, match="No space"):
        fanout.each(ITEMS, work, processes=4)
    assert 3 not in _writers(tmp_path)


def test_no_fork_allowed_means_this_process_does_it_all(tmp_path, monkeypatch):
    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")
    monkeypatch.setattr(os, "fork", no_fork)
    parent, work = _writer(tmp_path)
    fanout.each(ITEMS, work, processes=4)
    done = _writers(tmp_path)
    assert sorted(done) == ITEMS and {p[0] for p in done.values()} == {str(parent)}
