"""`grade gradescope`: the autograder zip, and its real run_autograder in a folder laid out like
Gradescope's /autograder (the root given by AUTOGRADER_ROOT), checked against Gradescope's format."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml
from nbformat import v4

from conftest import MINI, run_grade

from grader import gradescope

VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
TOP_KEYS = {"score", "execution_time", "output", "output_format", "test_output_format",
            "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests",
            "leaderboard"}
TEST_KEYS = {"score", "max_score", "status", "name", "name_format", "number", "output",
             "output_format", "tags", "visibility", "extra_data"}


def validate_results(doc: dict) -> None:
    """Gradescope's documented results.json format (autograder specifications)."""
    assert isinstance(doc, dict) and set(doc) <= TOP_KEYS, set(doc) - TOP_KEYS
    assert "score" in doc or all("score" in t for t in doc["tests"])
    assert isinstance(doc.get("score", 0), (int, float))
    assert isinstance(doc.get("execution_time", 0), int)
    assert doc.get("visibility", "visible") in VISIBILITY
    assert doc.get("stdout_visibility", "visible") in VISIBILITY
    assert doc.get("output_format", "text") in {"text", "html", "simple_format", "md", "ansi"}
    numbers = set()
    for t in doc["tests"]:
        assert set(t) <= TEST_KEYS, set(t) - TEST_KEYS
        assert isinstance(t["name"], str) and t["name"]
        assert isinstance(t["score"], (int, float)) and isinstance(t["max_score"], (int, float))
        assert 0 <= t["score"] <= t["max_score"]
        assert t.get("status", "passed") in {"passed", "failed"}
        assert t.get("visibility", "visible") in VISIBILITY
        assert isinstance(t.get("output", ""), str)
        assert isinstance(t["number"], str) and t["number"] not in numbers
        numbers.add(t["number"])
        assert all(isinstance(tag, str) for tag in t.get("tags", []))
    if "score" in doc:
        assert abs(doc["score"] - sum(t["score"] for t in doc["tests"])) < 1e-6


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The mini course with a generous call timeout (this machine may be busy)."""
    root = tmp_path_factory.mktemp("gs") / "course"
    shutil.copytree(MINI, root)
    data = yaml.safe_load((root / "course.yaml").read_text())
    data["limits"]["timeout_s"] = 30
    (root / "course.yaml").write_text(yaml.safe_dump(data))
    return root


@pytest.fixture(scope="module")
def autograder(course, tmp_path_factory):
    out = tmp_path_factory.mktemp("zip") / "mini.zip"
    r = run_grade("--course", course, "gradescope", out, "--exercise", "01")
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"wrote {out}: 01_mini (5 points)" in r.stdout
    return out


def _layout(tmp_path: Path, autograder: Path) -> Path:
    """A folder as Gradescope prepares it: source/ unzipped, run_autograder copied up."""
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    (root / "submission").mkdir()
    with zipfile.ZipFile(autograder) as z:
        for info in z.infolist():
            z.extract(info, root / "source")
            mode = info.external_attr >> 16
            if mode:
                os.chmod(root / "source" / info.filename, mode)
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    return root


def _run_autograder(root: Path) -> dict:
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable}
    r = subprocess.run([str(root / "run_autograder")], cwd=root, env=env, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    validate_results(doc)
    return doc


def test_the_zip_has_what_gradescope_needs_and_no_solution(autograder, course):
    with zipfile.ZipFile(autograder) as z:
        names = set(z.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in z.infolist()}
        setup = z.read("setup.sh").decode()
        config = json.loads(z.read("gradescope.json"))
    assert {"setup.sh", "run_autograder", "gradescope.json", "README.md",
            "course/course.yaml", "course/exercises/01_mini/checks/hidden_more.py",
            "course/exercises/01_mini/checks/public_basic.py"} <= names
    assert not any("solutions" in n or "mutants" in n for n in names)
    assert modes["setup.sh"] & stat.S_IXUSR and modes["run_autograder"] & stat.S_IXUSR
    (wheel,) = [n for n in names if n.startswith("wheels/") and n.endswith(".whl")]
    assert f"$SOURCE\"/{wheel}" in setup
    assert "download.pytorch.org/whl/cpu" in setup and "torch==" in setup
    assert config["exercises"] == ["01_mini"] and config["hidden_visibility"] == "visible"
    for script in ("setup.sh", "run_autograder"):
        with zipfile.ZipFile(autograder) as z:
            text = z.read(script).decode()
        assert subprocess.run(["bash", "-n"], input=text, text=True).returncode == 0, script


def test_run_autograder_grades_a_misnamed_notebook(autograder, tmp_path):
    root = _layout(tmp_path, autograder)
    solution = (MINI / "solutions" / "01_mini.py").read_text()
    nb = v4.new_notebook(cells=[v4.new_markdown_cell("# my homework"),
                                v4.new_code_cell("%matplotlib inline\n" + solution)])
    (root / "submission" / "hw").mkdir()
    nbformat.write(nb, str(root / "submission" / "hw" / "Mini.ipynb"))
    (root / "submission" / "notes.txt").write_text("thanks!")
    doc = _run_autograder(root)
    assert doc["score"] == 5.0 and len(doc["tests"]) == 3
    assert [t["number"] for t in doc["tests"]] == ["1.1", "1.2", "1.3"]
    assert doc["tests"][0]["name"] == "01 Mini: double([1, 2, 3])"
    assert {t["visibility"] for t in doc["tests"]} == {"visible"}   # the total is never hidden
    assert {t["status"] for t in doc["tests"]} == {"passed"}
    assert "graded hw/Mini.ipynb" in doc["output"]
    assert "IPython magic" in doc["output"]
    assert doc["visibility"] == "visible" and doc["stdout_visibility"] == "hidden"


def test_run_autograder_says_what_it_found_when_nothing_matches(autograder, tmp_path):
    root = _layout(tmp_path, autograder)
    (root / "submission" / "homework.py").write_text("def double(x):\n    return 2 * x\n")
    doc = _run_autograder(root)
    (test,) = doc["tests"]
    assert doc["score"] == 0 and test["max_score"] == 5.0 and test["status"] == "failed"
    assert "no file for 01_mini (expected 01_mini.py, 01.py, 1.py, mini.py or" \
           " 01_mini.ipynb); found: homework.py" in test["output"]


def test_hidden_checks_follow_the_settings_and_keep_their_evidence():
    from grader.course import load_course
    course = load_course(MINI)
    ex = course.find("01")
    result = {"exercise": "01_mini", "status": "graded", "score": 1.0, "max_score": 3.0,
              "duration_s": 0.2, "message": "", "stdout": "", "stderr": "", "checks": [
                  {"id": "public_basic.py::a", "title": "a", "points": 1.0, "score": 1.0,
                   "outcome": "passed", "visibility": "visible", "message": "", "hint": ""},
                  {"id": "hidden_more.py::b", "title": "b", "points": 2.0, "score": 0.0,
                   "outcome": "failed", "visibility": "hidden",
                   "message": "expected tensor([4.25]) for input tensor([2.125])", "hint": "h"}]}
    settings = gradescope.Settings(hidden_visibility="after_due_date")
    doc = gradescope.results_for(course, [ex], {"01_mini": result}, settings, {}, {})
    validate_results(doc)
    public, hidden = doc["tests"]
    assert public["visibility"] == "visible" and hidden["visibility"] == "after_due_date"
    assert "4.25" not in hidden["output"] and "2.125" not in hidden["output"]
    assert doc["visibility"] == "visible"
    reveal = gradescope.results_for(course, [ex], {"01_mini": result},
                                    gradescope.Settings(reveal_hidden=True), {}, {})
    assert "4.25" in reveal["tests"][1]["output"]


def test_gradescope_refuses_a_bundle_and_each_needs_a_folder(course, tmp_path):
    r = run_grade("--course", course, "gradescope", tmp_path / "x.zip", "--each")
    assert r.returncode == 2 and "with --each, OUT is a folder" in r.stderr
    r = run_grade("--course", course, "gradescope", tmp_path / "out", "--each")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "01_mini.zip").is_file()
