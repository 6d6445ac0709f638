"""Gradescope: an autograder zip (`grade gradescope`), and what runs inside it.

    grade gradescope OUT.zip --exercise 04 [--exercise 05 ...]   # one assignment
    grade gradescope OUT/ --each [--exercise ...]                 # one zip per exercise

The zip follows Gradescope's autograder specification: Gradescope unpacks it
into /autograder/source, runs `setup.sh` once while it builds the image, and
for every submission copies `run_autograder` to /autograder/run_autograder and
runs it, with the student's files in /autograder/submission/; it reads
/autograder/results/results.json. Inside the zip:

    setup.sh           installs a CPU build of torch and the grader (wheels/) into /autograder/venv
    run_autograder     python -m grader.gradescope run: grade submission/, write results/results.json
    gradescope.json    the assignment: its exercises and feedback settings
    course/            course.yaml (the course's salt: the same inputs as `grade class`) and each
                       exercise's yaml, starter, public, hidden and support checks; never a
                       solution or a mutant
    wheels/            the grader itself (grader/wheel.py)
    README.md          for the instructor

`AUTOGRADER_ROOT` (default /autograder) moves the whole layout, and
`AUTOGRADER_PYTHON` names the interpreter: that is how the project's test runs
the real `run_autograder` in a temporary folder.

results.json: one test per check, named "04 Broadcasting: <check title>" and
numbered "4.1", "4.2", ... with score, max_score, status, visibility, output
(the message and hint; a hidden check's evidence is withheld as everywhere,
per the course's feedback settings), plus a top-level score, output (one line
per exercise: score, the file graded, notes), visibility and
stdout_visibility. An exercise with no file is one test worth its points that
says what was found and what was expected. Hidden checks are `visible` tests
by default, so the student's total is never hidden by them; an instructor may
ask for `--hidden-visibility after_due_date` (Gradescope then shows those tests,
and may hold the total back, until the due date) or hide everything with
`--results-visibility`.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import traceback
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from grader import __version__

VISIBILITIES = ("visible", "after_due_date", "after_published", "hidden")
CONFIG = "gradescope.json"
SKIP_NAMES = {"__MACOSX", ".DS_Store", "Thumbs.db", "__pycache__", ".ipynb_checkpoints"}
MAX_FILES = 2000
MAX_DEPTH = 3


class GradescopeError(Exception):
    """The autograder cannot be built (exit 2)."""


@dataclass
class Settings:
    exercises: list = field(default_factory=list)     # slugs, in course order
    hidden_visibility: str = "visible"                # Gradescope visibility of hidden checks' tests
    results_visibility: str = "visible"               # top-level: the whole result
    stdout_visibility: str = "hidden"                 # the autograder's own log
    reveal_hidden: bool = False                       # hidden checks' evidence too
    torch: str = ""                                   # the torch version setup.sh installs
    grader: str = __version__


# ------------------------------------------------------------------ building the zip

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image.
# It installs Python (if the base image lacks it), a CPU build of torch and the
# grader (wheels/ of this zip) into $AUTOGRADER_ROOT/venv.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
SOURCE="$ROOT/source"
if ! command -v python3 >/dev/null 2>&1 || ! python3 -c "import venv, ensurepip" >/dev/null 2>&1; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\
        python3 python3-venv python3-pip ca-certificates
fi
if ! python3 -c "import sys; sys.exit(sys.version_info < (3, 10))"; then
    echo "torch-drills needs Python 3.10 or newer: choose an Ubuntu 22.04 (or newer) base image" >&2
    exit 1
fi
python3 -m venv "$ROOT/venv"
"$ROOT/venv/bin/python" -m pip install --upgrade pip
# The CPU build: Gradescope has no GPU, and the CUDA build is gigabytes.
"$ROOT/venv/bin/python" -m pip install "torch{torch_pin}" \\
    --index-url "${{TORCH_INDEX_URL:-https://download.pytorch.org/whl/cpu}}"
"$ROOT/venv/bin/python" -m pip install "$SOURCE"/wheels/{wheel}
"$ROOT/venv/bin/python" -c "import grader, torch; print('torch-drills', grader.__version__, 'torch', torch.__version__)"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission (copied to /autograder/run_autograder):
# it grades the files in submission/ and writes results/results.json.
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}"
if [ ! -x "$PYTHON" ]; then PYTHON=python3; fi
mkdir -p "$ROOT/results"
export NO_COLOR=1 PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 PYTHONDONTWRITEBYTECODE=1
cd "$ROOT/source" || exit 1
exec "$PYTHON" -m grader.gradescope run --root "$ROOT"
"""


def installed_torch() -> str:
    """The torch version installed here, without its local part (2.13.0+cpu -> 2.13.0)."""
    from importlib import metadata
    try:
        return metadata.version("torch").split("+", 1)[0]
    except metadata.PackageNotFoundError:
        return ""


def _readme(course, exercises, settings: Settings) -> str:
    names = "\n".join(f"- {ex.slug}: {ex.text(ex.title, 'en')} ({ex.points:g} points)"
                      for ex in exercises)
    from grader.matching import expected_names
    accepted = "\n".join(f"- {ex.slug}: {expected_names(ex.slug)}" for ex in exercises)
    return f"""# Gradescope autograder: {course.title.get('en', 'torch-drills')}

Made by `grade gradescope` (torch-drills {__version__}). Upload this zip as the
autograder of a "Programming Assignment" (base image: Ubuntu 22.04 or newer).

Exercises:

{names}

Students upload their files (any of these names, in any case; a notebook is
fine; a folder or zip of them too):

{accepted}

Hidden checks' tests are `{settings.hidden_visibility}`; the whole result is
`{settings.results_visibility}`. Hidden checks show their title, outcome and
diagnosis, never their evidence{' (here: everything, --reveal-hidden)' if settings.reveal_hidden else ''}.

This zip holds the hidden checks and the course's salt: keep it with the
staff. Student code runs confined (docs/security.md); where the container
lacks a protection, each result's output says which.
"""


def build_autograder(course, out: Path, exercises, settings: Settings) -> Path:
    """Write the autograder zip for `exercises` to `out` (a .zip file)."""
    from grader.validate import validate_course
    from grader.wheel import WheelError, build_wheel

    out = Path(out)
    if out.suffix.lower() != ".zip":
        raise GradescopeError(f"{out}: the autograder is a .zip file")
    if course.is_release():
        raise GradescopeError(f"{course.root} is a student bundle: it has no hidden checks")
    for ex in exercises:
        if not ex.starter.is_file():
            raise GradescopeError(f"{ex.starter}: file not found")
    settings.exercises = [ex.slug for ex in exercises]
    settings.torch = settings.torch or installed_torch()
    with tempfile.TemporaryDirectory(prefix=".gradescope-") as tmp:
        stage = Path(tmp)
        src = stage / "course"
        for ex in exercises:
            target = src / "exercises" / ex.slug
            (target / "checks").mkdir(parents=True)
            shutil.copyfile(ex.folder / "exercise.yaml", target / "exercise.yaml")
            shutil.copyfile(ex.starter, target / "starter.py")
            for check in ex.check_files(include_hidden=True) + ex.support_files():
                shutil.copyfile(check, target / "checks" / check.name)
        with open(course.root / "course.yaml", encoding="utf-8") as f:
            data = yaml.safe_load(f)
        data["exercises"] = settings.exercises
        if isinstance(data.get("weights"), dict):
            data["weights"] = {k: v for k, v in data["weights"].items() if k in data["exercises"]}
        (src / "course.yaml").write_text(
            "# The course of a Gradescope autograder (made by grade gradescope).\n"
            + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        problems = validate_course(src)
        if problems:
            raise GradescopeError(f"the autograder's course does not validate: {problems[0]}")
        try:
            wheel = build_wheel(stage / "wheels")
        except WheelError as e:
            raise GradescopeError(str(e)) from None
        pin = f"=={settings.torch}" if settings.torch else ""
        files = {
            "setup.sh": SETUP_SH.format(torch_pin=pin, wheel=wheel.name),
            "run_autograder": RUN_AUTOGRADER,
            CONFIG: json.dumps({"schema": "gradescope-autograder/1", **asdict(settings)},
                               indent=1) + "\n",
            "README.md": _readme(course, exercises, settings),
        }
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp_zip = out.with_name(f".{out.name}.tmp")
        try:
            with zipfile.ZipFile(tmp_zip, "w", compression=zipfile.ZIP_DEFLATED) as z:
                for name, text in files.items():
                    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                    info.external_attr = (0o755 if name in ("setup.sh", "run_autograder")
                                          else 0o644) << 16
                    info.compress_type = zipfile.ZIP_DEFLATED
                    z.writestr(info, text)
                for path in sorted(p for p in stage.rglob("*") if p.is_file()):
                    info = zipfile.ZipInfo(path.relative_to(stage).as_posix(),
                                           date_time=(1980, 1, 1, 0, 0, 0))
                    info.external_attr = 0o644 << 16
                    info.compress_type = zipfile.ZIP_DEFLATED
                    z.writestr(info, path.read_bytes())
            os.replace(tmp_zip, out)
        except OSError as e:
            try:
                tmp_zip.unlink()
            except OSError:
                pass
            raise GradescopeError(f"cannot write {out}: {e.strerror or e}") from None
    return out


# ------------------------------------------------------------------ inside Gradescope

def submission_files(folder: Path) -> list:
    """The student's files under submission/ (regular files, not too deep, not too many)."""
    from grader.matching import Candidate
    out = []
    folder = Path(folder)
    if not folder.is_dir():
        return out
    for here, dirs, files in os.walk(folder):
        rel_here = Path(here).relative_to(folder)
        depth = len(rel_here.parts)
        dirs[:] = sorted(d for d in dirs if d not in SKIP_NAMES and not d.startswith(".")
                         and depth + 1 < MAX_DEPTH)
        for name in sorted(files):
            if name in SKIP_NAMES or name.startswith("."):
                continue
            path = Path(here) / name
            if path.is_symlink() or not path.is_file():
                continue
            out.append(Candidate(rel=PurePosixPath((rel_here / name).as_posix()), key=path))
            if len(out) >= MAX_FILES:
                return out
    return out


def _test_name(ex, title: str) -> str:
    return f"{ex.number} {ex.text(ex.title, 'en')}: {title}"


def results_for(course, exercises, graded: dict, settings: Settings, notes: dict,
                files: dict) -> dict:
    """Gradescope's results.json from each exercise's result (or None: no file)."""
    from grader.redact import student_view
    from grader.safe_text import terminal
    tests, lines = [], []
    seconds = 0.0
    for ex in exercises:
        number = str(int(ex.number)) if ex.number.isdigit() else ex.number
        result = graded.get(ex.slug)
        note = notes.get(ex.slug, "")
        if result is None:
            why = note or f"no file for {ex.slug} (expected a file named like"\
                          f" {files.get('expected', {}).get(ex.slug, ex.slug + '.py')})"
            tests.append({"name": _test_name(ex, "a file was handed in"), "number": f"{number}.0",
                          "score": 0.0, "max_score": float(ex.points), "status": "failed",
                          "visibility": "visible", "output": why, "tags": [ex.slug, "missing"]})
            lines.append(f"{ex.slug}: 0/{ex.points:g}: {why}")
            continue
        view = student_view(result, settings.reveal_hidden)
        seconds += float(view.get("duration_s") or 0.0)
        head = f"{ex.slug}: {view['score']:g}/{view['max_score']:g}"
        if files.get(ex.slug):
            head += f" (graded {files[ex.slug]})"
        if view.get("status") not in ("graded", None):
            head += f"; {view['status'].replace('_', ' ')}"
        if view.get("message"):
            head += f": {terminal(view['message'])}"
        if note:
            head += f"\n  note: {note}"
        lines.append(head)
        for i, c in enumerate(view.get("checks") or [], 1):
            text = c.get("message") or ""
            if c.get("hint") and c.get("outcome") != "passed":
                text += ("\n" if text else "") + "hint: " + c["hint"]
            if c.get("outcome") not in ("passed", "failed"):
                text = f"[{c.get('outcome')}] " + text
            hidden = c.get("visibility") == "hidden"
            tests.append({
                "name": _test_name(ex, c.get("title") or c.get("id", "")),
                "number": f"{number}.{i}",
                "score": float(c.get("score") or 0.0), "max_score": float(c.get("points") or 0.0),
                "status": "passed" if c.get("outcome") == "passed" else "failed",
                "visibility": settings.hidden_visibility if hidden else "visible",
                "output": terminal(text).strip(),
                "tags": [ex.slug, c.get("outcome", ""), "hidden" if hidden else "public"],
            })
        if (view.get("sandbox") or {}).get("missing"):
            lines.append("  note: the student's code ran only partly confined here (missing: "
                         + ", ".join(view["sandbox"]["missing"]) + ")")
    score = round(sum(t["score"] for t in tests), 4)
    return {"score": score, "execution_time": int(round(seconds)),
            "output": "\n".join(lines), "output_format": "text", "test_output_format": "text",
            "visibility": settings.results_visibility,
            "stdout_visibility": settings.stdout_visibility, "tests": tests}


def _write_results(root: Path, doc: dict) -> None:
    folder = Path(root) / "results"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / ".results.json.tmp"
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, folder / "results.json")


def _failure_document(why: str) -> dict:
    return {"score": 0.0, "output": f"The autograder could not grade this submission: {why}."
                                    " Your instructor has been shown this message.",
            "visibility": "visible", "stdout_visibility": "hidden", "tests": []}


def run(root: Path) -> int:
    """Grade <root>/submission with <root>/source; write <root>/results/results.json."""
    root = Path(root)
    source = root / "source"
    try:
        settings = Settings(**{k: v for k, v in json.loads(
            (source / CONFIG).read_text(encoding="utf-8")).items() if k != "schema"})
        from grader.course import load_course
        from grader.matching import expected_names, match, missing_note
        course = load_course((source / "course").resolve())
        exercises = [course.find(slug) for slug in settings.exercises]
        candidates = submission_files(root / "submission")
        matches, unmatched = match(candidates, [ex.slug for ex in exercises])
        graded, notes, files = {}, {}, {"expected": {ex.slug: expected_names(ex.slug)
                                                      for ex in exercises}}
        present = [c.rel for c in candidates]
        for ex in exercises:
            if matches[ex.slug].chosen is None and present:
                notes[ex.slug] = missing_note(ex.slug, present)
        todo = [ex for ex in exercises if matches[ex.slug].chosen is not None]
        if todo:   # else nothing to grade: no torch, no jail
            from grader.jail.zygote import start_zygote
            zygote = start_zygote()   # a fresh interpreter: it imports torch while we do
            from grader.runner import Grader, SubmissionError
            grader = Grader.start(course, zygote)
        try:
            for ex in todo:
                m = matches[ex.slug]
                notes[ex.slug] = m.note
                files[ex.slug] = str(m.chosen.rel)
                try:
                    graded[ex.slug] = grader.grade(ex, Path(m.chosen.key), device="cpu")
                except SubmissionError as e:
                    notes[ex.slug] = str(e)
        finally:
            if todo:
                grader.close()
        doc = results_for(course, exercises, graded, settings, notes, files)
        if unmatched and not any(m.chosen for m in matches.values()):
            doc["output"] += "\n(files found that match no exercise: " + ", ".join(
                str(c.rel) for c in unmatched[:10]) + ")"
        _write_results(root, doc)
        print(f"graded {len(graded)} of {len(exercises)} exercise(s): {doc['score']:g} points")
        return 0
    except Exception as e:   # noqa: BLE001  (Gradescope must always get a results.json)
        traceback.print_exc()
        try:
            _write_results(root, _failure_document(f"{type(e).__name__}: {e}"))
        except OSError:
            pass
        return 1


def main(argv=None) -> int:
    import argparse
    parser = argparse.ArgumentParser(prog="python -m grader.gradescope")
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="grade <root>/submission, write <root>/results/results.json")
    r.add_argument("--root", default=os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    args = parser.parse_args(argv)
    started = time.monotonic()
    code = run(Path(args.root))
    print(f"({time.monotonic() - started:.1f} s)", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
