"""A class as it really arrives: misnamed files, nested folders, notebooks, a broken zip.
Every file is found or explained: in the terminal, grades.csv (notes), the pages, JUnit."""

from __future__ import annotations

import csv
import io
import shutil
import xml.etree.ElementTree as ET
import zipfile

import nbformat
import pytest
import yaml
from nbformat import v4

from conftest import MINI, run_grade

SOLUTION = (MINI / "solutions" / "01_mini.py").read_text()


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The mini course with a second exercise (the same functions) and a generous timeout."""
    root = tmp_path_factory.mktemp("messy") / "course"
    shutil.copytree(MINI, root)
    shutil.copytree(root / "exercises" / "01_mini", root / "exercises" / "02_twice")
    shutil.copyfile(root / "solutions" / "01_mini.py", root / "solutions" / "02_twice.py")
    data = yaml.safe_load((root / "course.yaml").read_text())
    data["exercises"] = ["01_mini", "02_twice"]
    data["limits"]["timeout_s"] = 30
    (root / "course.yaml").write_text(yaml.safe_dump(data))
    return root


def _notebook(path, source):
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = v4.new_notebook(cells=[v4.new_markdown_cell("# homework"),
                                v4.new_code_cell("%load_ext autoreload\n" + source)])
    nbformat.write(nb, str(path))


@pytest.fixture(scope="module")
def graded(course, tmp_path_factory):
    base = tmp_path_factory.mktemp("subs")
    subs = base / "submissions"
    (subs / "alice" / "hw2").mkdir(parents=True)
    (subs / "alice" / "hw2" / "1.py").write_text(SOLUTION)             # a number, one folder down
    (subs / "alice" / "hw2" / "TWICE.py").write_text(SOLUTION)         # the name, upper case
    (subs / "bob").mkdir()
    (subs / "bob" / "01_mini.py").write_text(SOLUTION)
    (subs / "bob" / "Mini (1).py").write_text("def double(x):\n    return x\n")   # two candidates
    _notebook(subs / "carol" / "01_Mini.ipynb", SOLUTION)                # a notebook
    (subs / "dave").mkdir()
    (subs / "dave" / "homework.py").write_text(SOLUTION)               # nothing matches
    (subs / "dave" / "README.txt").write_text("hi")
    with zipfile.ZipFile(subs / "erin.zip", "w") as z:                 # a zip of a folder
        z.writestr("erin/hw2/ex01.py", SOLUTION)
        nb = v4.new_notebook(cells=[v4.new_code_cell(SOLUTION)])
        z.writestr("erin/hw2/02_twice.ipynb", nbformat.writes(nb))
    (subs / "frank.zip").write_bytes(b"PK\x03\x04 this is not a zip")    # a broken zip
    report = base / "report"
    r = run_grade("--course", course, "class", subs, "--out", report, "--workers", "1",
                  timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    return {"report": report, "run": r}


def _csv(report):
    table = list(csv.reader(io.StringIO((report / "grades.csv").read_text(encoding="utf-8"))))
    assert table[0] == ["student", "01_mini", "02_twice", "total", "percentage", "notes"]
    return {row[0]: dict(zip(table[0], row)) for row in table[1:]}


def test_every_file_is_found(graded):
    rows = _csv(graded["report"])
    assert set(rows) == {"alice", "bob", "carol", "dave", "erin", "frank"}
    for student, exercise in (("alice", "01_mini"), ("alice", "02_twice"), ("bob", "01_mini"),
                              ("carol", "01_mini"), ("erin", "01_mini"), ("erin", "02_twice")):
        assert rows[student][exercise] == "5", (student, exercise, rows[student])


def test_every_other_file_is_explained_in_the_terminal_and_grades_csv(graded):
    err = graded["run"].stderr
    rows = _csv(graded["report"])
    expected_dave = ("01_mini: no file for 01_mini (expected 01_mini.py, 01.py, 1.py, mini.py or"
                     " 01_mini.ipynb); found: homework.py, README.txt")
    assert f"note: dave: {expected_dave}" in err, err
    assert expected_dave in rows["dave"]["notes"]
    assert "02_twice: no file for 02_twice" in rows["dave"]["notes"]
    two = "2 files could be 01_mini: graded 01_mini.py (also: Mini (1).py)"
    assert f"note: bob: 01_mini: {two}" in err and two in rows["bob"]["notes"]
    assert "bob" in rows and rows["bob"]["02_twice"] == "0"
    assert "note: frank: frank.zip is not a readable zip archive" in err, err
    assert "not a readable zip archive" in rows["frank"]["notes"]
    assert rows["frank"]["total"] == "0"
    assert "Traceback" not in err
    assert "IPython" not in rows["carol"]["notes"]      # notebook notes belong to the result


def test_the_pages_and_junit_files_say_it_too(graded):
    report = graded["report"]
    index = (report / "index.html").read_text(encoding="utf-8")
    assert "found: homework.py, README.txt" in index
    assert "not a readable zip archive" in index
    dave = (report / "students" / "dave.html").read_text(encoding="utf-8")
    assert "found: homework.py, README.txt" in dave
    junit = ET.parse(report / "junit" / "dave.xml").getroot()
    assert junit.get("failures") == "2" and junit.get("tests") == "2"
    assert "found: homework.py" in junit.find("testsuite/testcase/failure").text
    carol = ET.parse(report / "junit" / "carol.xml").getroot()
    suites = carol.findall("testsuite")
    assert [s.find("properties/property[@name='score']").get("value") for s in suites] == ["5", "0"]
