"""One core per check process (grader/classroom/cores.py): claimed by a lock, never shared."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="Linux only")

CLAIMER = textwrap.dedent("""
    import os, sys
    from grader.classroom import cores
    core = cores.claim()
    print(core, sorted(os.sched_getaffinity(0)), flush=True)
    sys.stdin.read()   # hold the claim until told to go
""")


def _claimers(n: int, tmp_path: Path):
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", CLAIMER], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env) for _ in range(n)]
    # One at a time: each answers once its claim is made.
    return procs, [p.stdout.readline().strip().split(maxsplit=1) for p in procs]


def _release(procs) -> None:
    for p in procs:
        p.stdin.close()
        p.wait(timeout=30)


def test_each_claimer_gets_a_core_of_its_own_until_none_is_left(tmp_path):
    cores = sorted(os.sched_getaffinity(0))
    procs, answers = _claimers(len(cores) + 1, tmp_path)
    try:
        # They claim at the same time: whichever comes last finds every core taken.
        pinned = [a for a in answers if a[0] != "None"]
        assert sorted(int(core) for core, _ in pinned) == cores    # all different
        for core, affinity in pinned:
            assert affinity == f"[{core}]"                         # and each runs there only
        left = [a for a in answers if a[0] == "None"]
        assert left == [["None", str(cores)]]                      # one too many: not pinned
    finally:
        _release(procs)


def test_a_core_is_free_again_when_its_process_dies(tmp_path):
    procs, first = _claimers(1, tmp_path)
    procs[0].kill()
    procs[0].wait()
    again, second = _claimers(1, tmp_path)
    try:
        assert second[0][0] == first[0][0]
    finally:
        _release(again)


def test_a_lock_folder_that_is_not_ours_is_not_used(tmp_path, monkeypatch):
    from grader.classroom import cores
    # What another user could leave where ours belongs: a link to elsewhere.
    target = tmp_path / "elsewhere"
    target.mkdir()
    (tmp_path / f"torch-drills-cores-{os.getuid()}").symlink_to(target)
    monkeypatch.setattr(cores.tempfile, "gettempdir", lambda: str(tmp_path))
    before = os.sched_getaffinity(0)
    assert cores.claim() is None
    assert os.sched_getaffinity(0) == before
    assert list(target.iterdir()) == []
