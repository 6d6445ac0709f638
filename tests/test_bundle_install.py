"""The student bundle installs as its README says, into a fresh virtual environment, and grades.

The fresh environment is made with `python -m venv`; the README's
`pip install wheels/torch_drills-...whl` line is then run exactly as written,
with no package index (PIP_NO_INDEX): only the bundle's wheel can come from
anywhere but what is already installed. The registry dependencies (torch,
numpy, pytest, ... and pip itself) are what the README's earlier lines fetch
from PyPI; to keep this test at seconds instead of a 200 MB torch install,
they are provided by a path entry to the project's own environment, minus
the project itself, so pip sees them as installed and must still resolve every
`Requires-Dist` of the wheel against them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import MINI, run_grade

BASE_PYTHON = Path(getattr(sys, "_base_executable", sys.executable))
OWN = {"__editable__", "torch_drills", "grader"}


def _registry_deps(folder: Path) -> Path:
    """A folder that exposes the project's installed dependencies, but not the project."""
    site = Path(sysconfig.get_paths()["purelib"])
    folder.mkdir()
    for entry in site.iterdir():
        if entry.suffix == ".pth" or any(entry.name.startswith(p) for p in OWN):
            continue
        (folder / entry.name).symlink_to(entry)
    return folder


def _sh(args, cwd, env, timeout=120):
    r = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    return r


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="venv layout of Linux")
def test_bundle_installs_from_its_readme_into_a_fresh_venv_and_grades(tmp_path):
    bundle = tmp_path / "bundle"
    r = run_grade("--course", MINI, "release", bundle, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    readme = (bundle / "README.md").read_text(encoding="utf-8")
    assert "pip install torch-drills" not in readme          # that never existed on PyPI
    (install,) = [ln.strip() for ln in readme.splitlines()
                  if re.match(r"\s*pip install wheels/", ln)]
    wheel = install.split()[-1]
    assert (bundle / wheel).is_file(), wheel

    venv = tmp_path / "venv"
    subprocess.run([str(BASE_PYTHON), "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig;"
                              "print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    deps = _registry_deps(tmp_path / "registry")
    Path(purelib, "registry-deps.pth").write_text(f"{deps}\n")
    (venv / "bin" / "pip").write_text(f"#!{python}\nimport sys\n"
                                      "from pip._internal.cli.main import main\nsys.exit(main())\n")
    (venv / "bin" / "pip").chmod(0o755)

    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "VIRTUAL_ENV", "PYTHON"))}
    env.update(PATH=f"{venv / 'bin'}:/usr/bin:/bin", VIRTUAL_ENV=str(venv), PIP_NO_INDEX="1",
               PIP_FIND_LINKS="", PIP_CONFIG_FILE=os.devnull, NO_COLOR="1",
               PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", HOME=str(tmp_path))
    r = _sh(["bash", "-c", install], bundle, env, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Successfully installed torch-drills" in r.stdout
    r = _sh(["pip", "check"], bundle, env)
    assert r.returncode == 0, r.stdout + r.stderr
    where = _sh(["python", "-c", "import grader; print(grader.__file__)"], tmp_path, env)
    assert where.stdout.strip().startswith(str(venv)), where.stdout + where.stderr
    assert shutil.which("grade", path=env["PATH"]) == str(venv / "bin" / "grade")

    # The student's day: start, solve, grade from inside work/, see progress.
    r = _sh(["grade", "start", "01"], bundle, env)
    assert r.returncode == 0, r.stderr
    shutil.copyfile(MINI / "solutions" / "01_mini.py", bundle / "work" / "01_mini.py")
    r = _sh(["grade", "exercise", "01"], bundle / "work", env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "score: 1/1 (100%)" in r.stdout
    assert "2 hidden check(s) will also run when your work is graded" in r.stdout
    r = _sh(["grade", "progress"], bundle / "work", env)
    assert r.returncode == 0, r.stderr
    assert re.search(r"✓ 01 Mini\s+1/1  \+ 2 hidden check\(s\) at grading", r.stdout), r.stdout
    assert "done: 1/1" in r.stdout
    r = _sh(["grade", "check-solutions"], bundle, env)
    assert r.returncode == 2 and "is a student bundle: it has no solutions" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
