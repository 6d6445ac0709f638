"""A wheel of the grader itself, built without build tools, for bundles and autograders.

A student bundle (`grade release`) and a Gradescope autograder
(`grade gradescope`) carry the grader as `torch_drills-<version>-py3-none-any.whl`,
so `pip install wheels/torch_drills-...whl` installs the `grade` command with no
index but for its registry dependencies (torch, numpy, pytest, ...).

A wheel is a zip with a fixed layout (PEP 427, PEP 376 RECORD, core metadata):
this module writes it directly from the installed package's files, so a release
needs neither network nor setuptools, and the same sources always give the same
bytes (fixed timestamps, sorted entries). Only the `grader` package goes in:
never a course, a solution, a test or a check.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import zipfile
from pathlib import Path

import grader
from grader import __version__

PACKAGE = Path(grader.__file__).resolve().parent
DIST_NAME = "torch-drills"
SKIP_DIRS = {"__pycache__"}
SKIP_SUFFIXES = (".pyc", ".pyo", ".tmp", ".swp")
EPOCH = (1980, 1, 1, 0, 0, 0)


class WheelError(Exception):
    pass


def wheel_name(version: str = __version__) -> str:
    return f"torch_drills-{version}-py3-none-any.whl"


def _pyproject() -> dict | None:
    """pyproject.toml beside the package (a source checkout or an editable install)."""
    path = PACKAGE.parent / "pyproject.toml"
    if not path.is_file():
        return None
    try:
        import tomllib
    except ImportError:   # Python 3.10
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    project = data.get("project") or {}
    return project if project.get("name") == DIST_NAME else None


def metadata() -> dict:
    """name, version, summary, requires_python, dependencies, extras, scripts."""
    project = _pyproject()
    if project is not None:
        return {"name": project["name"], "version": project.get("version", __version__),
                "summary": project.get("description", ""),
                "requires_python": project.get("requires-python", ">=3.10"),
                "dependencies": list(project.get("dependencies", [])),
                "extras": dict(project.get("optional-dependencies", {})),
                "scripts": dict(project.get("scripts", {"grade": "grader.cli:main"}))}
    from importlib import metadata as md
    try:
        dist = md.distribution(DIST_NAME)
    except md.PackageNotFoundError:
        raise WheelError("cannot find the grader's own metadata (install torch-drills, or run"
                         " from its source folder)") from None
    requires = dist.requires or []
    deps = [r for r in requires if "extra ==" not in r]
    extras: dict[str, list[str]] = {}
    for r in requires:
        m = re.search(r";\s*extra\s*==\s*['\"]([^'\"]+)['\"]", r)
        if m:
            extras.setdefault(m.group(1), []).append(r[:m.start()].strip())
    scripts = {ep.name: ep.value for ep in dist.entry_points if ep.group == "console_scripts"}
    return {"name": dist.metadata["Name"], "version": dist.version,
            "summary": dist.metadata.get("Summary", ""),
            "requires_python": dist.metadata.get("Requires-Python", ">=3.10"),
            "dependencies": deps, "extras": extras, "scripts": scripts or {"grade": "grader.cli:main"}}


def package_files() -> list[tuple[str, Path]]:
    """(name in the wheel, file) for every file of the grader package."""
    out = []
    for folder, dirs, files in os.walk(PACKAGE):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name.endswith(SKIP_SUFFIXES):
                continue
            path = Path(folder) / name
            out.append(("grader/" + path.relative_to(PACKAGE).as_posix(), path))
    return out


def _core_metadata(meta: dict) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {meta['name']}", f"Version: {meta['version']}",
             f"Summary: {meta['summary']}", f"Requires-Python: {meta['requires_python']}",
             "License: MIT"]
    lines += [f"Requires-Dist: {d}" for d in meta["dependencies"]]
    for extra, deps in sorted(meta["extras"].items()):
        lines.append(f"Provides-Extra: {extra}")
        for d in deps:
            marker = f'extra == "{extra}"'
            lines.append(f"Requires-Dist: {d} ; {marker}" if ";" not in d
                         else f"Requires-Dist: {d} and {marker}")
    return "\n".join(lines) + "\n\nThe grader of torch-drills: the `grade` command.\n"


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(folder: Path) -> Path:
    """Write the grader's wheel into `folder`; returns its path."""
    meta = metadata()
    version = meta["version"]
    info = f"torch_drills-{version}.dist-info"
    entries: list[tuple[str, bytes]] = []
    for name, path in package_files():
        try:
            entries.append((name, path.read_bytes()))
        except OSError as e:
            raise WheelError(f"{path}: cannot read it ({e.strerror})") from None
    scripts = "".join(f"{k} = {v}\n" for k, v in sorted(meta["scripts"].items()))
    entries += [
        (f"{info}/METADATA", _core_metadata(meta).encode()),
        (f"{info}/WHEEL", (f"Wheel-Version: 1.0\nGenerator: torch-drills ({__version__})\n"
                           "Root-Is-Purelib: true\nTag: py3-none-any\n").encode()),
        (f"{info}/entry_points.txt", f"[console_scripts]\n{scripts}".encode()),
        (f"{info}/top_level.txt", b"grader\n"),
    ]
    record = "\n".join(_record_line(n, d) for n, d in entries) + f"\n{info}/RECORD,,\n"
    entries.append((f"{info}/RECORD", record.encode()))
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / wheel_name(version)
    tmp = folder / f".{target.name}.tmp"
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            item = zipfile.ZipInfo(name, date_time=EPOCH)
            item.external_attr = 0o644 << 16
            item.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(item, data)
    os.replace(tmp, target)
    return target
