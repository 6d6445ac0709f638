"""`grade release OUT/`: the student bundle.

What ships: the grader as a wheel (wheels/, see wheel.py), course.yaml, each
exercise's exercise.yaml, starter.py,
checks/public_*.py and the checks/support_*.py helpers, a README for students, and release.json, which says how
many hidden checks each exercise has (so `grade exercise` can tell a student
what will also run at grading time). What never ships: solutions/, hidden
checks, mutants, any other file of a checks folder.

The bundle's course.yaml carries a salt derived from the course's, not the
salt itself: public checks in the bundle see other inputs than at grading
time, so hard-coding the answers a public check expects earns nothing.

The bundle is built in a temporary folder beside OUT and renamed into place,
so OUT is either complete or absent; and it is validated before it is.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import jinja2
import yaml

from grader import __version__

PYTEST_INI = Path(__file__).with_name("pytest_checks.ini")
TEMPLATES = Path(__file__).with_name("templates")


class ReleaseError(Exception):
    """The bundle cannot be built (exit 2)."""


def release_salt(salt: str) -> str:
    return "release-" + hashlib.sha256(f"torch-drills-release\0{salt}".encode()).hexdigest()[:20]


def count_hidden_checks(exercises) -> dict[str, int]:
    """How many checks pytest collects from each exercise's hidden files."""
    os.environ.setdefault("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    import pytest

    from grader.runner import importable_checks   # the check files import torch anyway

    counts = {ex.slug: 0 for ex in exercises}

    class Collector:
        def __init__(self):
            self.items = []

        def pytest_collection_modifyitems(self, items):
            self.items.extend(items)

    # One collection per exercise: each may import its own support_*.py helpers.
    for ex in exercises:
        files = [str(p) for p in ex.check_files(True) if p.name.startswith("hidden_")]
        if not files:
            continue
        collector = Collector()
        args = [*files, "-c", str(PYTEST_INI), "--rootdir", str(ex.checks_dir), "--collect-only",
                "-q", "-p", "no:cacheprovider", "-p", "no:warnings", "--import-mode=importlib"]
        captured = io.StringIO()
        with importable_checks(ex, files), contextlib.redirect_stdout(captured), \
                contextlib.redirect_stderr(captured):
            code = pytest.main(args, plugins=[collector])
        if code not in (0, 5):   # 5: nothing collected
            lines = [ln for ln in captured.getvalue().splitlines() if ln.strip()]
            raise ReleaseError(f"the hidden checks of {ex.slug} cannot be collected: "
                               + (lines[-1] if lines else f"pytest exit code {code}"))
        counts[ex.slug] = len(collector.items)
    return counts


def _local_imports(check: Path, checks_dir: Path) -> list[str]:
    """Modules a check imports from its own checks folder (they would not ship)."""
    try:
        tree = ast.parse(check.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError) as e:
        raise ReleaseError(f"{check}: cannot be read ({e})") from None
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level:
            names.add(node.module.split(".")[0] if node.module else ".")
    return sorted(n for n in names if n == "." or (checks_dir / f"{n}.py").is_file()
                  or (checks_dir / n).is_dir())


def _readme(course, exercises, hidden: dict[str, int]) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True)
    first = exercises[0] if exercises else None
    from grader.wheel import wheel_name
    return env.get_template("student_README.md").render(
        title=course.title.get("en", "torch-drills"), exercises=exercises, hidden=hidden,
        first=first, version=__version__, wheel=f"wheels/{wheel_name()}")


def build_release(course, out: Path, exercises=None, echo=print) -> dict:
    """Write the bundle to `out` (which must not exist, or be an empty folder)."""
    out = Path(out).resolve()
    if out == course.root or course.root in out.parents:
        raise ReleaseError(f"{out}: the bundle cannot go inside the course folder")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReleaseError(f"{out}: already exists and is not an empty folder")
    exercises = list(exercises or course.exercises)
    for slug, why in course.broken.items():
        echo(f"skipped {slug}: {why}")
    if not exercises:
        raise ReleaseError("no exercise can be released (run grade validate)")
    for ex in exercises:
        if not ex.starter.is_file():
            raise ReleaseError(f"{ex.starter}: file not found")
        for check in ex.check_files(include_hidden=False) + ex.support_files():
            local = [m for m in _local_imports(check, ex.checks_dir) if not m.startswith("support_")]
            if local:
                raise ReleaseError(f"{check}: imports {', '.join(local)} from the checks folder,"
                                   " which does not ship; make the public check self-contained"
                                   " or move the helper into a support_*.py module")
    hidden = count_hidden_checks(exercises)

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)   # mkdtemp makes it private
    except OSError as e:
        raise ReleaseError(f"cannot write beside {out}: {e.strerror}") from None
    try:
        for ex in exercises:
            target = staging / "exercises" / ex.slug
            (target / "checks").mkdir(parents=True)
            shutil.copyfile(ex.folder / "exercise.yaml", target / "exercise.yaml")
            shutil.copyfile(ex.starter, target / "starter.py")
            for check in ex.check_files(include_hidden=False) + ex.support_files():
                shutil.copyfile(check, target / "checks" / check.name)
        with open(course.root / "course.yaml", encoding="utf-8") as f:
            data = yaml.safe_load(f)
        data["salt"] = release_salt(course.salt)
        data["exercises"] = [ex.slug for ex in exercises]
        if isinstance(data.get("weights"), dict):
            data["weights"] = {k: v for k, v in data["weights"].items() if k in data["exercises"]}
        (staging / "course.yaml").write_text(
            "# The student bundle of this course (made by grade release).\n"
            + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        (staging / "release.json").write_text(json.dumps(
            {"schema": "release/1", "grader": __version__, "hidden_checks": hidden},
            indent=1) + "\n", encoding="utf-8")
        (staging / "README.md").write_text(_readme(course, exercises, hidden), encoding="utf-8")
        (staging / ".gitignore").write_text(".grade/\n__pycache__/\n", encoding="utf-8")
        # The grader itself, so the README's `pip install wheels/...` needs no index
        # but for the registry dependencies (torch, numpy, pytest...).
        from grader.wheel import WheelError, build_wheel
        try:
            build_wheel(staging / "wheels")
        except WheelError as e:
            raise ReleaseError(str(e)) from None

        from grader.validate import validate_course
        problems = validate_course(staging)
        if problems:
            raise ReleaseError(f"the bundle does not validate: {problems[0]}")
        if out.exists():
            out.rmdir()
        os.replace(staging, out)
    except OSError as e:
        shutil.rmtree(staging, ignore_errors=True)
        raise ReleaseError(f"cannot write the bundle: {e}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return hidden
