"""A synthetic class for `grade class`: a small course and a folder of submissions.

The course is a copy of two real exercises of this repository (04 and 11:
they have solutions, starters and many mutants) with a 2-second call deadline,
so the hostile submissions cost seconds, not minutes. The class mixes, by a
fixed pattern: reference solutions, mutants, starters, missing files, zips
(one with its files in a subfolder), a broken zip, an archive that tries to
write outside its folder, and hostile files: an infinite loop at import,
`os._exit` at import, and a file that patches `torch.allclose` and
`torch.Tensor.__eq__` to always agree.

Used by tests/test_class.py, tests/test_reports_browser.py and
bench/class_throughput.py.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ("04_broadcasting", "11_losses")
TIMEOUT_S = 2

INFINITE_LOOP = "import torch\n\nwhile True:\n    pass\n"
EXIT_AT_IMPORT = "import os\n\nos._exit(0)\n"
PATCH_COMPARISONS = """
# Make every comparison agree, in the hope that the checks run in this process.
import torch
torch.allclose = lambda *args, **kwargs: True
torch.equal = lambda *args, **kwargs: True
torch.Tensor.__eq__ = lambda self, other: torch.ones((), dtype=torch.bool)
torch.testing.assert_close = lambda *args, **kwargs: None
"""

# Students whose ids and files are chosen by hand: (id, kind).
SPECIAL = [
    ("hostile_loop", "loop"),
    ("hostile_exit", "exit"),
    ("hostile_patch", "patch"),
    ("broken_zip", "broken_zip"),
    ("zip_slip", "zip_slip"),
    ("o'brien jr", "solution"),
    ("=1+1", "solution"),
    ("zoë", "mutant"),
]


def make_course(dest: Path, exercises=EXERCISES, timeout_s: float = TIMEOUT_S) -> Path:
    """A course folder with copies of `exercises` (and their solutions) from this repo."""
    dest = Path(dest)
    (dest / "exercises").mkdir(parents=True)
    (dest / "solutions").mkdir()
    source = yaml.safe_load((ROOT / "course.yaml").read_text(encoding="utf-8"))
    for slug in exercises:
        shutil.copytree(ROOT / "exercises" / slug, dest / "exercises" / slug,
                        ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copyfile(ROOT / "solutions" / f"{slug}.py", dest / "solutions" / f"{slug}.py")
    course = {"title": {"en": "Synthetic class"}, "salt": source["salt"],
              "limits": {**source.get("limits", {}), "timeout_s": timeout_s},
              "exercises": list(exercises)}
    (dest / "course.yaml").write_text(yaml.safe_dump(course, sort_keys=False), encoding="utf-8")
    return dest


def _files(course: Path, slug: str):
    folder = course / "exercises" / slug
    return {"solution": (course / "solutions" / f"{slug}.py").read_text(encoding="utf-8"),
            "starter": (folder / "starter.py").read_text(encoding="utf-8"),
            "mutants": [p.read_text(encoding="utf-8")
                        for p in sorted((folder / "mutants").glob("*.py"))]}


def _zip(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in entries.items():
            z.writestr(name, text)
    return buffer.getvalue()


def make_class(course: Path, dest: Path, n_students: int) -> dict[str, dict[str, str]]:
    """Write n_students submissions under `dest`; returns {student: {slug: kind}}.

    kind is solution, mutant, starter, missing, loop, exit or patch.
    """
    course, dest = Path(course), Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    slugs = [p.name for p in sorted((course / "exercises").iterdir())]
    files = {slug: _files(course, slug) for slug in slugs}
    plan: dict[str, dict[str, str]] = {}
    mutant_turn = 0

    def text(slug: str, kind: str) -> str | None:
        nonlocal mutant_turn
        f = files[slug]
        if kind == "solution":
            return f["solution"]
        if kind == "starter":
            return f["starter"]
        if kind == "mutant":
            mutant_turn += 1
            return f["mutants"][mutant_turn % len(f["mutants"])]
        if kind == "loop":
            return INFINITE_LOOP
        if kind == "exit":
            return EXIT_AT_IMPORT
        if kind == "patch":
            return PATCH_COMPARISONS + "\n" + f["mutants"][0]
        return None

    students = SPECIAL[:n_students] + [(f"s{i:03d}", "regular")
                                       for i in range(max(0, n_students - len(SPECIAL)))]
    for number, (sid, kind) in enumerate(students):
        if kind == "regular":
            pattern = [("solution", "solution"), ("solution", "mutant"), ("mutant", "solution"),
                       ("mutant", "mutant"), ("starter", "starter"), ("missing", "mutant"),
                       ("solution", "missing"), ("zip", "zip"), ("mutant", "starter"),
                       ("solution", "solution")][number % 10]
        elif kind in ("loop", "exit"):
            pattern = (kind, "solution")
        elif kind == "patch":
            pattern = ("patch", "patch")
        elif kind in ("solution", "mutant"):
            pattern = (kind, kind)
        else:
            pattern = (kind, kind)
        if pattern[0] == "broken_zip":
            (dest / f"{sid}.zip").write_bytes(b"PK\x03\x04 this is not really a zip archive")
            plan[sid] = {slug: "missing" for slug in slugs}
        elif pattern[0] == "zip_slip":
            entries = {f"../{slugs[0]}.py": files[slugs[0]]["solution"],
                       f"/tmp/{slugs[0]}.py": files[slugs[0]]["solution"],
                       f"{slugs[0]}.py": files[slugs[0]]["mutants"][1]}
            (dest / f"{sid}.zip").write_bytes(_zip(entries))
            plan[sid] = {slugs[0]: "mutant", **{slug: "missing" for slug in slugs[1:]}}
        elif pattern[0] == "zip":
            # A zip whose files sit in one folder, as "compress this folder" makes them.
            kinds = {slugs[0]: "solution", **{slug: "mutant" for slug in slugs[1:]}}
            entries = {f"work/{slug}.py": text(slug, k) for slug, k in kinds.items()}
            entries["work/notes.txt"] = "not a submission"
            (dest / f"{sid}.zip").write_bytes(_zip(entries))
            plan[sid] = kinds
        else:
            folder = dest / sid
            folder.mkdir()
            plan[sid] = {}
            for slug, k in zip(slugs, list(pattern) + [pattern[-1]] * (len(slugs) - len(pattern))):
                body = text(slug, k)
                plan[sid][slug] = k if body is not None else "missing"
                if body is not None:
                    (folder / f"{slug}.py").write_text(body, encoding="utf-8")
    return plan


def submission_paths(class_dir: Path, slugs) -> dict[tuple[str, str], bytes]:
    """{(student, slug): the file's bytes} for every submission a grader should find."""
    out = {}
    class_dir = Path(class_dir)
    for entry in sorted(class_dir.iterdir()):
        if entry.is_dir():
            for slug in slugs:
                f = entry / f"{slug}.py"
                if f.is_file():
                    out[(entry.name, slug)] = f.read_bytes()
        elif entry.suffix == ".zip":
            try:
                with zipfile.ZipFile(entry) as z:
                    names = z.namelist()
                    for slug in slugs:
                        for candidate in (f"{slug}.py", f"work/{slug}.py"):
                            if candidate in names:
                                out[(entry.stem, slug)] = z.read(candidate)
                                break
            except zipfile.BadZipFile:
                continue
    return out
