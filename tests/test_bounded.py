"""The check process is bounded: what the jail sends, what a handle yields, how
long a grading takes, and how much memory the check process may use.

The decoder's limits one by one are tests/test_wire.py; the hostile corpus
(huge_results, huge_results_unchecked, forged_sizes) is tests/test_hostile.py.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch
import yaml

from grader.proxy import JailDied, LimitExceeded, Session, Student, StudentError

ROOT = Path(__file__).resolve().parents[1]

SOURCE = '''
import gc, itertools, time
import torch

class Endless:
    def __iter__(self):
        return itertools.count()

class Huge:
    def __len__(self):
        return 10**18
    def __getitem__(self, i):
        return i

def endless():
    return Endless()

def huge_len():
    return Huge()

def big_tensor():
    return torch.zeros(1).expand(100_000_000)

def many():
    return [0] * 10**7

def some_mb(n):
    return torch.zeros(n * 262_144)

def unchecked(n):
    # Switch the jail's own limit off, as a hostile file can: the check process decides.
    import grader.wire
    [o for o in gc.get_objects() if type(o).__name__ == "Server"][0].limits = grader.wire.TRUSTED
    return torch.zeros(n * 262_144)

def slow(s):
    time.sleep(s)
    return s

def error_flood():
    # The jail cuts messages itself; a hostile file undoes that first.
    import grader.jail.child
    grader.jail.child._describe_exception = lambda exc, path: {
        "type": "E" * 10**5, "message": "x" * 10**6, "traceback": "y" * 10**6, "line": "z" * 10**5}
    raise ValueError("x")
'''


@pytest.fixture
def student_file(tmp_path):
    path = tmp_path / "student.py"
    path.write_text(SOURCE)
    return path


def make_session(zygote, path, **limits):
    return Session(zygote, {"path": str(path), "device": "cpu", "limits": limits},
                   timeout_s=5.0, output_limit=1000)


@pytest.fixture
def session(zygote, student_file):
    s = make_session(zygote, student_file, handle_items=50, result_mb=2)
    yield s
    s.close()


def test_iterating_a_handle_is_bounded(session):
    st = Student(session)
    with pytest.raises(LimitExceeded, match="your Endless yielded more than 50 items"):
        list(st.endless())
    got = []
    with pytest.raises(LimitExceeded):
        for i in st.endless():
            got.append(i)
    assert got == list(range(50))
    assert st.slow(0) == 0   # the jail lives on


def test_len_of_a_handle_is_bounded(session):
    st = Student(session)
    huge = st.huge_len()
    with pytest.raises(LimitExceeded, match="len\\(\\) of your Huge is 1,000,000,000,000,000,000"):
        len(huge)
    with pytest.raises(LimitExceeded):
        list(huge)   # list() asks len() first, to make room for every item


def test_results_over_the_limit_are_refused_by_the_jail(session):
    st = Student(session)
    with pytest.raises(StudentError, match="big_tensor\\(\\): your result is 381 MB or more;"
                                           " the limit is 2.0 MB") as info:
        st.big_tensor()
    assert info.value.type_name == "ResultTooLarge" and not isinstance(info.value, JailDied)
    with pytest.raises(StudentError, match="more than 1,000,000 values"):
        st.many()
    assert tuple(st.some_mb(1).shape) == (262_144,)   # 1 MB passes
    with pytest.raises(StudentError, match="the limit is 2.0 MB"):
        st.some_mb(3)


def test_the_check_process_refuses_what_an_unchecked_jail_sends(session):
    st = Student(session)
    with pytest.raises(JailDied, match="malformed reply during unchecked\\(\\): your result is"
                                       " 3.0 MB; the limit is 2.0 MB") as info:
        st.unchecked(3)
    assert info.value.reason == "crashed"
    assert st.slow(0) == 0   # a fresh jail


def test_strings_from_the_jail_are_cut_on_arrival(session):
    with pytest.raises(StudentError) as info:
        Student(session).error_flood()
    error = info.value
    assert len(error.message) < 4100 and error.message.endswith("[cut]")
    assert len(error.student_traceback) < 8100 and len(error.type_name) < 300
    assert error.line is None and len(str(error)) < 5000


def test_the_budget_bounds_every_call_and_then_stops_the_jail(zygote, student_file):
    s = make_session(zygote, student_file)
    try:
        st = Student(s)
        s.set_budget(2.0)
        assert st.slow(0.5) == 0.5
        started = time.monotonic()
        with pytest.raises(JailDied, match="used up its time budget of 2 s") as info:
            st.slow(30)   # under the 5 s timeout alone, but not within the budget
        assert info.value.reason == "timeout" and time.monotonic() - started < 3.0
        assert s.jail is None
        with pytest.raises(JailDied, match="not run"):
            st.slow(0)
    finally:
        s.close()


def _small_course(tmp_path: Path, **limits) -> Path:
    """A course with only 04_broadcasting, its solution and the given limits."""
    folder = tmp_path / "course"
    (folder / "exercises").mkdir(parents=True)
    shutil.copytree(ROOT / "exercises" / "04_broadcasting", folder / "exercises" / "04_broadcasting",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "solutions").mkdir()
    shutil.copy(ROOT / "solutions" / "04_broadcasting.py", folder / "solutions")
    data = yaml.safe_load((ROOT / "course.yaml").read_text(encoding="utf-8"))
    data["exercises"] = ["04_broadcasting"]
    data["limits"] = {**data.get("limits", {}), **limits}
    (folder / "course.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return folder


def test_a_spent_budget_makes_the_remaining_checks_timeout(tmp_path, make_grader):
    from grader.runner import grading_budget
    course = _small_course(tmp_path, timeout_s=2, grading_s=3)
    slow = tmp_path / "slow.py"
    slow.write_text((ROOT / "solutions" / "04_broadcasting.py").read_text()
                    + "\nimport time\n_outer = outer\n\ndef outer(x, y):\n"
                      "    time.sleep(0.8)\n    return _outer(x, y)\n")
    grader = make_grader(course)
    ex = grader.course.find("04")
    result = grader.grade(ex, slow)
    outcomes = [c["outcome"] for c in result["checks"]]
    assert "timeout" in outcomes and result["score"] < 23
    skipped = [c for c in result["checks"] if "not run: this grading used up its time budget"
               " of 3 s" in c["message"]]
    assert skipped and all(c["outcome"] == "timeout" and c["score"] == 0 for c in skipped)
    assert result["duration_s"] < 3 + 5   # the budget, plus pytest's own overhead
    # The default: the timeout once per check and once more, at most 30 timeouts.
    assert grading_budget({"timeout_s": 10}, 23) == 240
    assert grading_budget({"timeout_s": 10}, 100) == 300
    assert grading_budget({"timeout_s": 10, "grading_s": 42}, 23) == 42


def test_course_limits_are_validated(tmp_path):
    from grader.validate import validate_course
    course = _small_course(tmp_path, result_mb=-1, grading_s="soon", handle_items=0,
                           check_memory_mb=16, nonsense=1)
    problems = "\n".join(str(p) for p in validate_course(course))
    for field in ("result_mb", "grading_s", "handle_items", "check_memory_mb", "nonsense"):
        assert field in problems, problems


# ------------------------------------------------------------------ memory

BENCH = ROOT / "bench" / "check_bounds.py"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs Linux")
def test_check_process_peak_memory_grading_huge_results(tmp_path):
    """A fresh check process grades the huge-result corpus: each 0, each within its
    budget, and its peak memory (ru_maxrss) under its bound (check_memory_mb)."""
    out = tmp_path / "bounds.json"
    done = subprocess.run([sys.executable, str(BENCH), "--json", str(out), "--timeout", "2"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(out.read_text())
    bound_mb = report["check_memory_mb"]
    for name, row in report["gradings"].items():
        if name == "solution":
            assert row["score"] == row["max_score"], row
            continue
        assert row["score"] == 0 and row["status"] == "graded", (name, row)
        assert row["duration_s"] < row["budget_s"], (name, row)
        assert row["peak_mb"] < bound_mb, (name, row)
    assert report["data_limit_mb"] <= bound_mb
