"""Bad input to the `grade` tool itself: a clear one-line error, the right exit code,
and nothing already graded lost.

Exit codes: 1 graded but not full marks (a broken submission is still graded:
it gets a status and a reason), 2 the tool cannot do what it was asked (a
broken course, an unknown exercise, a path that is not a file, an output
folder it cannot write): one line on stderr, never a traceback.

Most cases run the command in-process (click's test runner) over a copy of
04_broadcasting; the full-disk case runs `grade class` in a fresh process on a
tiny tmpfs in a private mount namespace (root only).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = "04_broadcasting"
SOLUTION = ROOT / "solutions" / f"{EXERCISE}.py"


def _course(folder: Path) -> Path:
    (folder / "exercises").mkdir(parents=True)
    shutil.copytree(ROOT / "exercises" / EXERCISE, folder / "exercises" / EXERCISE,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "solutions").mkdir()
    shutil.copy(SOLUTION, folder / "solutions")
    data = yaml.safe_load((ROOT / "course.yaml").read_text(encoding="utf-8"))
    data["exercises"] = [EXERCISE]
    (folder / "course.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    return _course(tmp_path_factory.mktemp("bad-input") / "course")


def grade(course: Path, *args):
    from grader.cli import main
    return CliRunner().invoke(main, ["--course", str(course), *map(str, args)])


def assert_one_line_error(result, words: str, code: int = 2) -> None:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stderr.startswith("grade: "), result.stderr
    assert words in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr


# ------------------------------------------------------------------ the course

def test_malformed_course_yaml(tmp_path):
    broken = _course(tmp_path / "course")
    (broken / "course.yaml").write_text("title: {en: x\nexercises: [04_broadcasting\n")
    for args in (["list"], ["exercise", "04", "--file", SOLUTION]):
        assert_one_line_error(grade(broken, *args), "not valid YAML")


def test_schema_error_in_exercise_yaml(tmp_path):
    broken = _course(tmp_path / "course")
    spec = broken / "exercises" / EXERCISE / "exercise.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("points: 23", "points: lots", 1),
                    encoding="utf-8")
    r = grade(broken, "validate")
    assert r.exit_code == 2
    assert "exercise.yaml:" in r.stderr and "points" in r.stderr and "Traceback" not in r.stderr
    assert_one_line_error(grade(broken, "exercise", "04", "--file", SOLUTION), EXERCISE)


def test_unknown_exercise(course):
    assert_one_line_error(grade(course, "exercise", "42", "--file", SOLUTION),
                          "no exercise named '42'")


# ------------------------------------------------------------------ one submission

BROKEN_SUBMISSIONS = {
    # name: (bytes, status, words in the message)
    "empty.py": (b"", "not_attempted", "defines none of the exercise's functions"),
    "binary.py": (b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)), "syntax_error",
                  "contains binary data"),
    "latin1.py": ('# r\xe9sum\xe9\ndef outer(x, y):\n    return x\n'.encode("latin-1"),
                  "syntax_error", "not UTF-8"),
    "syntax.py": (b"def outer(x, y)\n    return x[:, None] * y[None, :]\n", "syntax_error",
                  "syntax error on line 1"),
}


@pytest.mark.parametrize("name", list(BROKEN_SUBMISSIONS))
def test_broken_submission_is_graded_with_a_reason(course, tmp_path, name):
    data, status, words = BROKEN_SUBMISSIONS[name]
    path = tmp_path / name
    path.write_bytes(data)
    r = grade(course, "exercise", "04", "--file", path, "--json")
    assert r.exit_code == 1, r.stderr
    doc = json.loads(r.stdout)
    assert (doc["status"], doc["score"], doc["max_score"]) == (status, 0.0, 23.0)
    assert words in doc["message"]


def test_50_megabyte_submission(course, tmp_path):
    path = tmp_path / "huge.py"
    with open(path, "wb") as f:
        f.write(b"# " + b"x" * 100 + b"\n")
        f.truncate(50 * 1024 * 1024)  # sparse: costs no disk
    r = grade(course, "exercise", "04", "--file", path, "--json")
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert doc["status"] == "syntax_error" and "52,428,800 bytes" in doc["message"]


def test_directory_and_missing_file(course, tmp_path):
    assert_one_line_error(grade(course, "exercise", "04", "--file", tmp_path), "is a directory")
    assert_one_line_error(grade(course, "exercise", "04", "--file", tmp_path / "nope.py"),
                          "no such file")


def test_html_report_folder_not_writable(course, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    r = grade(course, "exercise", "04", "--file", SOLUTION, "--html", blocker / "page.html")
    assert_one_line_error(r, "cannot write")
    assert "score: 23/23" in r.stdout  # the grading itself was still shown


# ------------------------------------------------------------------ a class's submissions

def _zip(entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, data in entries:
            z.writestr(name, data)
    return buffer.getvalue()


def test_links_out_of_the_submissions_folder_are_never_graded(tmp_path):
    from grader.classroom import submissions
    subs, out = tmp_path / "subs", tmp_path / "out"
    for student in ("alice", "bob"):
        (subs / student).mkdir(parents=True)
    (subs / "alice" / f"{EXERCISE}.py").symlink_to(SOLUTION)        # the file is a link
    (subs / "bob" / "hand-in").symlink_to(SOLUTION.parent)          # a folder is a link
    (subs / "carol").symlink_to(SOLUTION.parent, target_is_directory=True)  # the student is
    students, ignored = submissions.discover(subs, [EXERCISE], out)
    by = {s.id: s.submissions[EXERCISE] for s in students}
    assert set(by) == {"alice", "bob"}
    assert by["alice"].missing and "symbolic link" in by["alice"].note
    assert by["bob"].missing
    assert any("carol" in note and "symbolic link" in note for note in ignored)


def test_zip_with_parent_paths_writes_nothing_outside(tmp_path):
    from grader.classroom import submissions
    subs, out = tmp_path / "subs", tmp_path / "out"
    subs.mkdir()
    (subs / "mallory.zip").write_bytes(_zip([
        (f"../../{EXERCISE}.py", "import os\n"), (f"/tmp/{EXERCISE}.py", "x = 1\n"),
        (f"hand-in/../../{EXERCISE}.py", "x = 2\n")]))
    before = set(tmp_path.rglob("*"))
    students, _ = submissions.discover(subs, [EXERCISE], out)
    (student,) = students
    assert student.submissions[EXERCISE].missing
    assert "point outside the archive" in " ".join(student.notes)
    assert set(tmp_path.rglob("*")) == before  # not a byte written anywhere


def test_zip_bomb_and_corrupt_zip(tmp_path):
    from grader.classroom import submissions
    subs, out = tmp_path / "subs", tmp_path / "out"
    subs.mkdir()
    zeros = b"\0" * (64 * 1024 * 1024)
    # 320 MB of zeros in a few hundred kilobytes: refused from its directory, never unpacked.
    (subs / "bomb.zip").write_bytes(_zip([(f"part{i}.bin", zeros) for i in range(5)]
                                         + [(f"{EXERCISE}.py", "x = 1\n")]))
    (subs / "corrupt.zip").write_bytes(b"PK\x03\x04" + os.urandom(2000))
    students, _ = submissions.discover(subs, [EXERCISE], out)
    by = {s.id: s for s in students}
    assert by["bomb"].submissions[EXERCISE].missing
    assert "would unpack to more than" in by["bomb"].notes[0]
    assert by["corrupt"].submissions[EXERCISE].missing
    assert "not a readable zip" in by["corrupt"].notes[0]
    assert not out.exists() or not any(out.rglob("*.py"))


def test_class_output_folder_not_writable(course, tmp_path):
    subs = tmp_path / "subs"
    (subs / "alice").mkdir(parents=True)
    shutil.copy(SOLUTION, subs / "alice")
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert_one_line_error(grade(course, "class", subs, "--out", blocker / "report"),
                          "Not a directory")


def test_class_refuses_to_run_unconfined(course, tmp_path, monkeypatch):
    from grader.jail import sandbox
    subs = tmp_path / "subs"
    subs.mkdir()
    monkeypatch.setattr(sandbox, "missing_protections", lambda allow_processes=False: ["seccomp"])
    assert_one_line_error(grade(course, "class", subs, "--out", tmp_path / "R"),
                          "--allow-unconfined")
    assert not (tmp_path / "R").exists()
    r = grade(course, "class", subs, "--out", tmp_path / "R", "--allow-unconfined")
    assert r.exit_code == 0, r.stderr


# ------------------------------------------------------------------ a full disk

def _can_mount_tmpfs() -> bool:
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return probe.returncode == 0


FULL_DISK_RUN = """
set -u
mount --make-rprivate /
for size in $SIZES; do
    mkdir -p "$WORK/R-$size"
    mount -t tmpfs -o size=$size tmpfs "$WORK/R-$size"
    "$PYTHON" -m grader --course "$COURSE" class "$SUBS" --out "$WORK/R-$size" \
        >"$WORK/out-$size" 2>"$WORK/err-$size"
    echo $? >"$WORK/rc-$size"
    cp "$WORK/R-$size/gradebook.sqlite" "$WORK/gradebook-$size.sqlite" 2>/dev/null || true
    umount "$WORK/R-$size"
done
"""


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="needs root and unshare to fill a tmpfs")
def test_disk_fills_up_during_a_class_run(course, tmp_path):
    """Too small for the gradebook, full mid-run, full while writing the reports: each is
    one line and exit 2, and whatever was saved stays saved and sound."""
    subs = tmp_path / "subs"
    for student in ("alice", "bob", "carol", "dave", "erin"):
        (subs / student).mkdir(parents=True)
        shutil.copy(SOLUTION, subs / student)
    sizes = ["48k", "64k", "84k", "140k"]
    env = {**os.environ, "SIZES": " ".join(sizes), "WORK": str(tmp_path), "COURSE": str(course),
           "SUBS": str(subs), "PYTHON": sys.executable, "NO_COLOR": "1"}
    subprocess.run(["unshare", "-m", "sh", "-c", FULL_DISK_RUN], env=env, check=True,
                   timeout=300, cwd=ROOT)
    for size in sizes:
        rc = int((tmp_path / f"rc-{size}").read_text())
        err = (tmp_path / f"err-{size}").read_text()
        assert rc == 2 and "Traceback" not in err, (size, rc, err)
        assert len(err.strip().splitlines()) == 1 and err.startswith("grade: "), (size, err)
        saved = tmp_path / f"gradebook-{size}.sqlite"
        if saved.exists():
            db = sqlite3.connect(saved)
            try:
                assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            finally:
                db.close()
