"""The class benchmark's baseline (one pytest per submission) really grades.

It once failed at its plugin's import for weeks (a renamed grader class) and
still "graded" in a second each, scoring 0: its rate looked like a rate. The
benchmark refuses to time such a baseline; this proves the baseline gives the
reference solutions full marks and a starter none, as `grade class` does.
"""

import sys
from pathlib import Path

from classfixture import EXERCISES, make_course
from grader.course import load_course

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import class_throughput as bench  # noqa: E402


def test_the_baseline_gives_the_reference_full_marks_and_a_starter_none(tmp_path):
    course = make_course(tmp_path / "course")
    items = [(f"ref-{slug}", slug, (course / "solutions" / f"{slug}.py").read_bytes())
             for slug in EXERCISES]
    items += [(f"starter-{slug}", slug, (course / "exercises" / slug / "starter.py").read_bytes())
              for slug in EXERCISES]
    _, scores = bench.run_baseline(course, tmp_path / "baseline", items, 2, 120)
    for slug in EXERCISES:
        assert scores[(f"ref-{slug}", slug)] == load_course(course).find(slug).points > 0
        assert scores[(f"starter-{slug}", slug)] == 0.0
