"""docs/ci.md's GitHub Actions workflow: its Grade step, word for word, in a student repository;
and the JUnit XML it (and `grade exercise --junit`) writes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

from conftest import MINI, ROOT

from grader import report_junit


def _workflow() -> dict:
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    section = text.split("## GitHub Classroom", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    return yaml.safe_load(block)


def _student_repo(tmp_path: Path) -> Path:
    """A repository as GitHub Classroom makes it from a bundle: public checks only, no solutions."""
    repo = tmp_path / "repo"
    shutil.copytree(MINI, repo, ignore=shutil.ignore_patterns("solutions", "mutants", "hidden_*"))
    assert not (repo / "solutions").exists()
    (repo / "work").mkdir()
    return repo


def _run_step(script: str, repo: Path, env: dict) -> subprocess.CompletedProcess:
    bin_dir = str(Path(sys.executable).parent)   # where `grade` is installed
    full = {**os.environ, **{k: str(v) for k, v in env.items()},
            "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    return subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=full, capture_output=True,
                          text=True, timeout=300)


def test_the_documented_workflow_grades_a_student_repository(tmp_path):
    flow = _workflow()
    assert flow.get("on", flow.get(True)) == ["push", "workflow_dispatch"]   # YAML 1.1: on is True
    job = flow["jobs"]["grade"]
    steps = {s.get("name", s.get("uses", "")): s for s in job["steps"]}
    assert "pip install wheels/torch_drills-" in steps["Install"]["run"]
    assert steps["Report"]["with"]["report_paths"] == "junit/*.xml"
    grade_step = steps["Grade"]["run"]

    repo = _student_repo(tmp_path)
    shutil.copyfile(MINI / "exercises" / "01_mini" / "mutants" / "triple.py",
                    repo / "work" / "01_mini.py")
    r = _run_step(grade_step, repo, {**job["env"], "EXERCISES": "01"})
    assert r.returncode == 1, r.stdout + r.stderr          # not full marks: a red job
    suites = ET.parse(repo / "junit" / "01.xml").getroot()
    assert suites.tag == "testsuites" and int(suites.get("tests")) == 1
    assert int(suites.get("failures")) == 1
    (suite,) = suites.findall("testsuite")
    case = suite.find("testcase")
    assert case.get("classname") == "01_mini.public_basic"
    assert case.get("name") == "double([1, 2, 3])"
    failure = case.find("failure")
    assert failure is not None and "1.5 times the expected one" in failure.text
    assert "hint: Multiply by two." in failure.text
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert props["score"] == "0" and props["max_score"] == "1"

    # No file handed in: the report says so instead of being empty.
    (repo / "work" / "01_mini.py").unlink()
    shutil.rmtree(repo / "junit")
    r = _run_step(grade_step, repo, {**job["env"], "EXERCISES": "01"})
    assert r.returncode == 1, r.stdout + r.stderr
    missing = ET.parse(repo / "junit" / "01.xml").getroot()
    assert missing.get("failures") == "1"
    assert "no such file" in missing.find("testsuite/testcase/failure").text


def _result(**over):
    checks = [
        {"id": "public_a.py::check_one", "title": "one", "points": 1.0, "score": 1.0,
         "outcome": "passed", "visibility": "visible", "message": "", "hint": "",
         "duration_s": 0.01, "function": "f"},
        {"id": "public_a.py::check_two", "title": "two <&>", "points": 2.0, "score": 0.0,
         "outcome": "failed", "visibility": "visible", "message": "wrong\x00 \x1b[31mred",
         "hint": "look", "duration_s": 0.01, "function": "f"},
        {"id": "hidden_b.py::check_three", "title": "three", "points": 2.0, "score": 0.0,
         "outcome": "timeout", "visibility": "hidden", "message": "secret input 42",
         "hint": "", "duration_s": 3.0, "function": "f"},
        {"id": "hidden_b.py::check_four", "title": "four", "points": 1.0, "score": 0.0,
         "outcome": "skipped", "visibility": "hidden", "message": "", "hint": "",
         "duration_s": 0.0, "function": "f"},
    ]
    doc = {"schema": "grade-result/1", "exercise": "01_mini", "student": "al\x01ice",
           "device": "cpu", "status": "graded", "score": 1.0, "max_score": 6.0,
           "duration_s": 3.1, "message": "", "checks": checks, "stdout": "", "stderr": "",
           "sandbox": {}, "environment": {}}
    doc.update(over)
    return doc


def test_junit_document_counts_outcomes_escapes_text_and_hides_hidden_evidence():
    xml = report_junit.results_document([_result()], titles={"01_mini": "Mini"})
    root = ET.fromstring(xml.encode())            # well-formed, whatever the student's text
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) \
        == ("4", "1", "1", "1")
    suite = root.find("testsuite")
    assert suite.get("name") == "01_mini Mini"
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["one", "two <&>", "three", "four"]
    assert cases[1].find("failure").get("type") == "failed"
    assert "hint: look" in cases[1].find("failure").text
    assert cases[2].find("error").get("type") == "timeout"
    assert "secret input 42" not in xml           # a hidden check's evidence stays hidden
    assert cases[3].find("skipped") is not None
    assert "\x00" not in xml and "\x01" not in xml
