"""The bundled course: the pilots in detail, and every exercise through check-solutions."""

import json

import pytest

from conftest import ROOT, run_grade

BROADCASTING = ROOT / "exercises" / "04_broadcasting"


@pytest.fixture(scope="module")
def grader(make_grader):
    return make_grader(ROOT)


def grade_04(grader, path):
    return grader.grade(grader.course.find("04"), path)


def test_04_solution_full_marks_and_starter_not_attempted(grader):
    solution = grade_04(grader, ROOT / "solutions" / "04_broadcasting.py")
    assert solution["score"] == solution["max_score"] > 0, [
        c for c in solution["checks"] if c["outcome"] != "passed"]
    starter = grade_04(grader, BROADCASTING / "starter.py")
    assert starter["status"] == "not_attempted" and starter["score"] == 0


@pytest.mark.parametrize("mutant", sorted(p.name for p in (BROADCASTING / "mutants").glob("*.py")))
def test_04_every_mutant_loses_points(grader, mutant):
    result = grade_04(grader, BROADCASTING / "mutants" / mutant)
    assert result["score"] < result["max_score"]
    lost = [c for c in result["checks"] if c["outcome"] != "passed"]
    assert all(c["message"] for c in lost)


def test_04_transposed_outer_is_told_it_is_transposed(grader):
    result = grade_04(grader, BROADCASTING / "mutants" / "transposed_outer.py")
    outer = [c for c in result["checks"] if c["function"] == "outer"]
    assert all(c["outcome"] == "failed" for c in outer)
    assert any("transposed" in c["message"] for c in outer)
    others = [c for c in result["checks"] if c["function"] != "outer"]
    assert all(c["outcome"] == "passed" for c in others)


def test_04_from_the_command_line_json():
    r = run_grade("exercise", "04", "--file", ROOT / "solutions" / "04_broadcasting.py", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["exercise"] == "04_broadcasting" and doc["score"] == doc["max_score"]


def test_whole_course_check_solutions():
    """Every solution 100 %, every starter not_attempted, every mutant loses points."""
    r = run_grade("check-solutions", timeout=600)
    assert r.returncode == 0, r.stdout[-5000:] + r.stderr[-2000:]


def test_list_shows_16_exercises_across_five_topics():
    r = run_grade("list")
    lines = r.stdout.strip().splitlines()
    assert r.returncode == 0 and len(lines) == 16
    topics = {line.split()[-2] for line in lines}
    assert topics == {"tensors", "broadcasting", "autograd", "nn", "training"}


@pytest.mark.parametrize("number", [f"{n:02d}" for n in range(1, 17)])
def test_show_renders_every_exercise_in_chinese(number):
    r = run_grade("show", number, "--lang", "zh")
    assert r.returncode == 0, r.stderr
    assert any("\u4e00" <= ch <= "\u9fff" for ch in r.stdout)
