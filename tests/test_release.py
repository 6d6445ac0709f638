"""`grade release`: the student bundle of this repository's course leaks nothing and works."""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_grade

MIN_FRAGMENT = 16     # shorter code lines and strings are too common to mean anything


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "bundle"
    r = run_grade("--course", ROOT, "release", out, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    return out


def _course_files():
    """(public, secret) files of the course: what may ship and what never may."""
    public, secret = [ROOT / "course.yaml"], []
    for folder in sorted((ROOT / "exercises").iterdir()):
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            rel = path.relative_to(folder).as_posix()
            if "__pycache__" in rel:
                continue
            if rel in ("exercise.yaml", "starter.py") or re.fullmatch(r"checks/(public|support)_[^/]+\.py", rel):
                public.append(path)
            else:
                secret.append(path)           # hidden checks, mutants, anything else
    secret += sorted((ROOT / "solutions").glob("*.py"))
    return public, secret


def _fragments(path: Path) -> set[str]:
    """Distinctive pieces of a file: its string constants and its code lines."""
    text = path.read_text(encoding="utf-8", errors="replace")
    found = {line.strip() for line in text.splitlines() if len(line.strip()) >= MIN_FRAGMENT}
    if path.suffix == ".py":
        try:
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    found |= {s.strip() for s in node.value.splitlines()
                              if len(s.strip()) >= MIN_FRAGMENT}
                if isinstance(node, ast.FunctionDef) and node.name.startswith("check_"):
                    found.add(node.name)
        except SyntaxError:
            pass
    return found


def test_bundle_has_only_public_files(bundle):
    names = sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file())
    assert {"course.yaml", "README.md", "release.json"} <= set(names)
    for name in names:
        assert not name.startswith("solutions/") and "/mutants/" not in name, name
        assert "hidden_" not in Path(name).name, name
        assert re.fullmatch(r"(course\.yaml|README\.md|release\.json|\.gitignore|exercises/"
                            r"\d\d_[a-z0-9_]+/(exercise\.yaml|starter\.py|checks/(public|support)_\w+\.py)"
                            r"|wheels/torch_drills-[0-9.]+-py3-none-any\.whl)",
                            name), name


def test_the_bundled_wheel_holds_the_grader_and_nothing_of_the_course(bundle):
    import zipfile
    (wheel,) = (bundle / "wheels").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "grader/cli.py" in names and "grader/schemas/exercise.schema.json" in names
    for name in names:
        assert name.startswith(("grader/", "torch_drills-")), name
        assert "solutions" not in name and "hidden_" not in name and "mutants" not in name, name
        assert "__pycache__" not in name, name


def test_no_file_and_no_string_of_a_solution_or_hidden_check_leaks(bundle):
    public, secret = _course_files()
    assert any(p.name.startswith("hidden_") for p in secret) and \
        any(p.parent.name == "solutions" for p in secret)
    public_text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in public)
    shipped = {p: p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    shipped_text = "\n".join(b.decode("utf-8", errors="replace") for b in shipped.values())
    secret_bytes = {p.read_bytes() for p in secret}
    for path, data in shipped.items():
        assert data not in secret_bytes, f"{path} is a copy of a secret file"
    checked = 0
    for path in secret:
        for fragment in _fragments(path):
            # What the course also shows in public (a starter's docstring, a
            # public check's line) may ship; nothing else of a secret file may.
            if fragment in public_text:
                continue
            checked += 1
            assert fragment not in shipped_text, f"{path.relative_to(ROOT)} leaks: {fragment!r}"
    assert checked > 500          # the test looked at real material
    salt = yaml.safe_load((ROOT / "course.yaml").read_text(encoding="utf-8"))["salt"]
    assert salt not in shipped_text


def _hidden_check_count(folder: Path) -> int:
    return sum(1 for f in folder.glob("checks/hidden_*.py")
               for node in ast.parse(f.read_text(encoding="utf-8")).body
               if isinstance(node, ast.FunctionDef) and node.name.startswith("check_"))


def test_release_json_counts_the_hidden_checks(bundle):
    counts = json.loads((bundle / "release.json").read_text())["hidden_checks"]
    course = yaml.safe_load((bundle / "course.yaml").read_text())
    assert list(counts) == course["exercises"]
    for slug, n in counts.items():
        assert n == _hidden_check_count(ROOT / "exercises" / slug), slug


def test_grade_exercise_works_in_the_bundle_with_public_checks_only(bundle, tmp_path):
    work = tmp_path / "student"
    shutil.copytree(bundle, work)
    assert run_grade("validate", cwd=work).returncode == 0
    mine = work / "work" / "04_broadcasting.py"
    mine.parent.mkdir()
    shutil.copyfile(ROOT / "solutions" / "04_broadcasting.py", mine)
    r = run_grade("exercise", "04", "--json", cwd=work)
    doc = json.loads(r.stdout)
    assert doc["checks"] and {c["visibility"] for c in doc["checks"]} == {"visible"}
    public_points = sum(c["points"] for c in doc["checks"])
    assert doc["max_score"] == public_points < 23
    hidden = json.loads((work / "release.json").read_text())["hidden_checks"]["04_broadcasting"]
    r = run_grade("exercise", "04", "--html", tmp_path / "page.html", cwd=work)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"{hidden} hidden check(s) will also run when your work is graded" in r.stdout
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert f"{hidden} hidden check(s) will also run" in page
    # The README tells a student how to start.
    readme = (work / "README.md").read_text(encoding="utf-8")
    for words in ("pip install", "grade list", "grade show", "grade start", "grade exercise",
                  "grade watch", "grade progress"):
        assert words in readme, words


def test_release_refuses_a_used_folder_and_a_bundle(bundle, tmp_path):
    used = tmp_path / "used"
    used.mkdir()
    (used / "keep.txt").write_text("mine")
    r = run_grade("--course", ROOT, "release", used)
    assert r.returncode == 2 and "not an empty folder" in r.stderr, r.stderr
    assert (used / "keep.txt").read_text() == "mine"
    r = run_grade("--course", bundle, "release", tmp_path / "again")
    assert r.returncode == 2 and "already a student bundle" in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
