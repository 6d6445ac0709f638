"""A broken exercise is loud: validate's unknown fields, semantic checks despite schema errors,
definitions against the starter and solution; list/progress warn; class exits 2 unless
--skip-broken."""

from __future__ import annotations

import shutil

import pytest

from conftest import MINI, run_grade
from grader.validate import validate_course


@pytest.fixture
def course(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(MINI, root)
    return root


def _problems(root):
    return [str(p) for p in validate_course(root)]


def test_unknown_fields_at_their_own_line_with_their_name(course):
    path = course / "exercises" / "01_mini" / "exercise.yaml"
    lines = path.read_text().splitlines()
    lines.insert(3, "pionts: 5")                                  # line 4
    lines = [ln.replace('{name: double, signature: "double(x)", points: 3}',
                        '{name: double, signature: "double(x)", points: 3, weight: 2}')
             for ln in lines]
    path.write_text("\n".join(lines) + "\n")
    problems = _problems(course)
    assert "exercises/01_mini/exercise.yaml:4: pionts: unknown field 'pionts'" \
           " (did you mean 'points'?)" in problems, problems
    line = next(i for i, ln in enumerate(lines, 1) if "weight: 2" in ln)
    assert any(p.startswith(f"exercises/01_mini/exercise.yaml:{line}: functions[0].weight:"
                            " unknown field 'weight'") for p in problems), problems


def test_semantic_checks_run_even_with_schema_errors(course):
    path = course / "exercises" / "01_mini" / "exercise.yaml"
    text = path.read_text().replace("difficulty: 1", "difficulty: hard")
    text = text.replace("functions: [double]", "functions: [doubel]")
    path.write_text(text)
    problems = "\n".join(_problems(course))
    assert "difficulty: 'hard' is not of type 'integer'" in problems, problems
    assert "constraints[0].functions[0]: 'doubel' is not one of the exercise's functions" \
        in problems, problems


def test_functions_are_compared_with_the_starter_and_the_solution(course):
    starter = course / "exercises" / "01_mini" / "starter.py"
    starter.write_text(starter.read_text().replace("def scale_model(n_in, n_out):",
                                                   "def scale(n_in, n_out):"))
    solution = course / "solutions" / "01_mini.py"
    solution.write_text(solution.read_text().replace("def double(x):", "def double(y):"))
    problems = _problems(course)
    assert any(p.endswith("functions[1].name: 'scale_model' is not defined in"
                          " exercises/01_mini/starter.py") for p in problems), problems
    assert any("functions[0].signature: is double(x), but solutions/01_mini.py (line 4) defines"
               " double(y)" in p for p in problems), problems
    assert run_grade("--course", course, "validate").returncode == 2


def test_a_broken_exercise_warns_in_list_and_progress_and_stops_class(course, tmp_path):
    text = (course / "course.yaml").read_text().replace("exercises: [01_mini]",
                                                        "exercises: [01_mini, 02_broken]")
    (course / "course.yaml").write_text(text)
    broken = course / "exercises" / "02_broken"
    broken.mkdir()
    (broken / "exercise.yaml").write_text("title: [unclosed\n")
    for command in (["list"], ["progress"]):
        r = run_grade("--course", course, *command)
        assert r.returncode == 0, r.stderr
        assert "warning: 02_broken is left out:" in r.stderr and "not valid YAML" in r.stderr
        assert "01" in r.stdout
    subs = tmp_path / "subs"
    subs.mkdir()
    r = run_grade("--course", course, "class", subs, "--out", tmp_path / "report",
                  "--allow-unconfined")
    assert r.returncode == 2 and "exercise 02_broken cannot be loaded" in r.stderr, r.stderr
    assert "--skip-broken" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = run_grade("--course", course, "class", subs, "--out", tmp_path / "report",
                  "--allow-unconfined", "--skip-broken")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "skipped 02_broken" in r.stderr
