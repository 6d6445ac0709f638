"""The `grade` command end to end, in fresh processes, on the tiny fixture course."""

import json
import shutil

import pytest

from conftest import MINI, ROOT, run_grade

SOLUTION = MINI / "solutions" / "01_mini.py"
EXERCISE = MINI / "exercises" / "01_mini"


def grade(*args, **kw):
    return run_grade("--course", MINI, *args, **kw)


def test_solution_full_marks_and_json_is_exactly_the_document():
    r = grade("exercise", "01", "--file", SOLUTION, "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["schema"] == "grade-result/1" and doc["status"] == "graded"
    assert doc["score"] == doc["max_score"] == 5.0
    assert {c["outcome"] for c in doc["checks"]} == {"passed"}
    assert set(doc) >= {"exercise", "student", "device", "duration_s", "checks", "stdout",
                        "stderr", "environment", "sandbox"}
    assert [c["visibility"] for c in doc["checks"]] == ["visible", "hidden", "hidden"]


def test_starter_is_not_attempted_exit_1():
    r = grade("exercise", "mini", "--file", EXERCISE / "starter.py", "--json")
    assert r.returncode == 1
    assert json.loads(r.stdout)["status"] == "not_attempted"


def test_terminal_report_shows_failures_hints_and_hides_hidden_details():
    r = grade("exercise", "01_mini", "--file", EXERCISE / "mutants" / "triple.py")
    assert r.returncode == 1
    out = r.stdout
    assert "✗ double([1, 2, 3])  0/1" in out
    assert "1.5 times the expected one" in out and "hint: Multiply by two." in out
    # A hidden check shows its diagnosis, never its evidence (the values, the seed).
    hidden = out.split("[hidden]  0/2\n", 1)[1].split("\n  ", 1)[0]
    assert "1.5 times the expected one" in hidden and "tensor(" not in hidden
    assert "seed" not in hidden
    assert "score: 2/5 (40%)" in out
    assert "\x1b[" not in out  # NO_COLOR and not a terminal


def test_constraint_outcome_quotes_the_line():
    r = grade("exercise", "01", "--file", EXERCISE / "mutants" / "loop.py", "--json")
    doc = json.loads(r.stdout)
    broken = [c for c in doc["checks"] if c["function"] == "double"]
    assert {c["outcome"] for c in broken} == {"constraint"}
    assert "a list comprehension is not allowed here (line 5:" in broken[0]["message"]


def test_syntax_error_status(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def double(x)\n    return 2 * x\n")
    r = grade("exercise", "01", "--file", bad, "--json")
    doc = json.loads(r.stdout)
    assert r.returncode == 1 and doc["status"] == "syntax_error"
    assert "line 1" in doc["message"] and doc["score"] == 0


@pytest.mark.parametrize("args,words", [
    (["exercise", "99", "--file", SOLUTION], "no exercise named '99'"),
    (["exercise", "01", "--file", "/nonexistent.py"], "no such file"),
    (["exercise", "01", "--file", MINI], "is a directory"),
    (["exercise", "01", "--file", SOLUTION, "--device", "cuda"], "CUDA is not available"),
    (["show", "nope"], "no exercise named"),
])
def test_usage_errors_are_one_line_exit_2(args, words):
    r = grade(*args)
    assert r.returncode == 2
    assert words in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.stderr


def test_list_show_start_progress(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(MINI, course)
    r = run_grade("list", cwd=course)
    assert r.returncode == 0 and "01  Mini" in r.stdout and "-/5" in r.stdout
    r = run_grade("show", "01", "--lang", "zh", cwd=course)
    assert "迷你" in r.stdout and "double(x)" in r.stdout
    r = run_grade("start", "01", cwd=course)
    assert r.returncode == 0 and (course / "work" / "01_mini.py").read_text() == \
        (course / "exercises" / "01_mini" / "starter.py").read_text()
    (course / "work" / "01_mini.py").write_text(SOLUTION.read_text())
    r = run_grade("start", "01", cwd=course)
    assert "already exists" in r.stdout
    assert (course / "work" / "01_mini.py").read_text() == SOLUTION.read_text()
    r = run_grade("exercise", "01", cwd=course)
    assert r.returncode == 0, r.stdout + r.stderr
    r = run_grade("list", cwd=course)
    assert "5/5" in r.stdout
    r = run_grade("progress", cwd=course)
    assert "total: 5/5 (100%)" in r.stdout


def test_validate_reports_every_problem_with_file_line_field(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(MINI, course)
    (course / "exercises" / "01_mini" / "exercise.yaml").write_text(
        "title: {en: Mini, zh: 迷你}\n"
        "topic: tensors\n"
        "points: 5\n"
        "functions:\n"
        "  - {name: double, signature: 'double(x)'}\n"
        "  - {signature: 'f()'}\n"
        "instructions: {en: hi}\n"
        "colour: blue\n")
    r = run_grade("validate", cwd=course)
    assert r.returncode == 2
    lines = r.stderr.splitlines()
    assert "exercises/01_mini/exercise.yaml:6: functions[1].name: required" in lines
    assert "exercises/01_mini/exercise.yaml:7: instructions.zh: required" in lines
    # An unknown field is reported at its own line, by its name.
    assert any(line.startswith("exercises/01_mini/exercise.yaml:8: colour: unknown field 'colour'")
               for line in lines), lines
    assert lines[-1] == "3 problem(s)"
    (course / "course.yaml").write_text("title: {en: x}\nsalt: s\nexercises: [01_mini\n")
    r = run_grade("validate", cwd=course)
    assert r.returncode == 2 and "course.yaml:4: not valid YAML" in r.stderr
    assert "flow sequence that starts on line 3" in r.stderr


def test_check_solutions_passes_on_the_fixture_course():
    r = grade("check-solutions")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ok   01_mini: solution 5/5, starter not_attempted, 3 mutants" in r.stdout


def test_check_solutions_fails_when_a_mutant_passes(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(MINI, course)
    shutil.copy(SOLUTION, course / "exercises" / "01_mini" / "mutants" / "not_a_mutant.py")
    r = run_grade("check-solutions", cwd=course)
    assert r.returncode == 1
    assert "mutant 01_mini/not_a_mutant.py scored full marks" in r.stdout


def test_check_solutions_proof_catches_a_check_that_passes_on_a_claim(tmp_path):
    """The claim-forging proof: a check that lets a claim decide a pass is reported."""
    course = tmp_path / "course"
    shutil.copytree(MINI, course)
    checks = course / "exercises" / "01_mini" / "checks"
    (checks / "hidden_more.py").write_text(
        (checks / "hidden_more.py").read_text(encoding="utf-8")
        + "\n\n@points(1)\n@target(\"double\")\n"
          "def check_trusts_a_claim(student):\n"
          "    x = torch.ones(3)\n"
          "    out = student.double(x)\n"
          "    if not claims(out).requires_grad:\n"
          "        return  # wrong: a claim decides the pass\n"
          "    assert_tensor(out.detach(), 2 * x)\n", encoding="utf-8")
    yaml_path = course / "exercises" / "01_mini" / "exercise.yaml"
    text = yaml_path.read_text(encoding="utf-8").replace("points: 5", "points: 6")
    yaml_path.write_text(text.replace("points: 3}", "points: 4}"), encoding="utf-8")
    # Wrong values, and a result that (honestly) requires grad: the check fails on the
    # values; with the reference's claims (no grad) it would return early and pass.
    (course / "exercises" / "01_mini" / "mutants" / "grad_triple.py").write_text(
        "import torch\n\n\ndef double(x):\n    return (3 * x).requires_grad_()\n\n\n"
        "def scale_model(n_in, n_out):\n    return torch.nn.Linear(n_in, n_out)\n",
        encoding="utf-8")
    r = run_grade("check-solutions", cwd=course)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "passes on a claim: 01_mini/grad_triple: hidden_more.py::check_trusts_a_claim" in r.stdout
    assert "FAIL claim-forging proof" in r.stdout
