"""Conventions people know: one-line usage errors, did you mean, NO_COLOR, help not cut, shell
completion, paths from the course root, a deleted watched file."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import MINI, ROOT, run_grade

from grader import watch
from grader.cli import main


def _invoke(*args, env=None, color=False):
    return CliRunner().invoke(main, list(map(str, args)), env=env or {}, color=color,
                              prog_name="grade")


@pytest.mark.parametrize("args, first", [
    (["exercise"], "grade exercise: missing argument 'EXERCISE' (try 'grade exercise --help')"),
    (["exercise", "01", "--bogus"], "grade exercise: no such option '--bogus'"),
    (["nosuch"], "grade: no such command 'nosuch' (try 'grade --help')"),
    (["show", "01", "--lang", "fr"], "grade show: invalid value for '--lang'"),
])
def test_a_usage_error_is_one_line_and_says_where_to_look(args, first):
    r = _invoke("--course", MINI, *args, env={"GRADE_LANG": "en", "LANG": "C"})
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(first), r.output
    assert "--help')" in lines[0]


def test_an_unknown_exercise_gets_did_you_mean():
    r = _invoke("--course", ROOT, "show", "broadcastng", env={"GRADE_LANG": "en", "LANG": "C"})
    assert r.exit_code == 2
    assert "did you mean 04_broadcasting?" in r.output and len(r.output.strip().splitlines()) == 1


def test_no_color_is_honoured_by_show_even_on_a_terminal():
    coloured = _invoke("--course", MINI, "show", "01", color=True, env={"NO_COLOR": ""})
    assert coloured.exit_code == 0 and "\x1b[" in coloured.output   # empty NO_COLOR: colour
    plain = _invoke("--course", MINI, "show", "01", color=True, env={"NO_COLOR": "1"})
    assert plain.exit_code == 0 and "\x1b[" not in plain.output
    assert "Mini" in plain.output


def test_help_lines_are_not_cut():
    r = _invoke("--help", env={"COLUMNS": "80"})
    commands = r.output.split("Commands:", 1)[1]
    assert "..." not in commands
    text = " ".join(commands.split())
    assert "CI: solutions score 100%, starters are not_attempted, mutants lose points." in text


def test_shell_completion_completes_exercise_names():
    env = {**os.environ, "_GRADE_COMPLETE": "bash_complete",
           "COMP_WORDS": f"grade --course {MINI} show 0", "COMP_CWORD": "4"}
    r = subprocess.run([sys.executable, "-m", "grader"], env=env, capture_output=True, text=True,
                       timeout=60)
    assert r.stdout.split() == ["plain,01_mini"], r.stdout + r.stderr
    env.update(COMP_WORDS=f"grade --course {ROOT} exercise broad", COMP_CWORD="4")
    r = subprocess.run([sys.executable, "-m", "grader"], env=env, capture_output=True, text=True,
                       timeout=60)
    assert "plain,broadcasting" in r.stdout.split()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "_GRADE_COMPLETE=bash_source grade" in readme


def test_work_is_the_course_roots_from_any_folder(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(MINI, course)
    yaml_path = course / "course.yaml"      # a generous call timeout: this machine may be busy
    yaml_path.write_text(yaml_path.read_text().replace("timeout_s: 3", "timeout_s: 30"))
    (course / "notes").mkdir()
    r = run_grade("start", "01", cwd=course / "notes")
    assert r.returncode == 0 and (course / "work" / "01_mini.py").is_file(), r.stderr
    assert not (course / "notes" / "work").exists()
    r = run_grade("exercise", "01", "--json", cwd=course / "work")
    assert r.returncode == 1 and json.loads(r.stdout)["status"] == "not_attempted", r.stderr
    # From elsewhere, with --course: the same file, and progress is recorded for it.
    shutil.copyfile(MINI / "solutions" / "01_mini.py", course / "work" / "01_mini.py")
    r = run_grade("--course", course, "exercise", "01", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    r = run_grade("progress", cwd=course / "work")
    assert re.search(r"✓ 01 Mini\s+5/5", r.stdout), r.stdout


def test_a_deleted_watched_file_is_reported_once(tmp_path):
    path = tmp_path / "gone.py"
    now = [0.0]
    said = []
    steps = iter(range(100))

    def sleep(seconds):
        now[0] += seconds
        if next(steps) == 40:
            path.write_text("back = 1\n")

    state = watch.wait_for_change(path, None, sleep=sleep, clock=lambda: now[0],
                                  on_missing=lambda: said.append(now[0]))
    assert state is not None and len(said) == 1 and said[0] >= watch.MISSING_S
