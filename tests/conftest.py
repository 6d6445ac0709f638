"""Shared fixtures for the project's own tests.

The jail's parent (zygote) must be forked before this process runs any torch
op, so it is started when pytest configures itself, before any test runs, and
shared by every test through `make_grader`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "mini"

_zygote = None


def pytest_configure(config):
    global _zygote
    os.environ.setdefault("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    import torch  # noqa: F401
    from grader.jail.zygote import start_zygote
    _zygote = start_zygote()


def pytest_unconfigure(config):
    if _zygote is not None:
        _zygote.close()


@pytest.fixture(scope="session")
def make_grader():
    """make_grader(course_root) -> a Grader sharing the session's warm zygote."""
    from grader.course import load_course
    from grader.runner import Grader

    graders = {}

    def make(root: Path = ROOT):
        root = Path(root).resolve()
        if root not in graders:
            graders[root] = Grader(course=load_course(root), zygote=_zygote)
        return graders[root]

    return make


@pytest.fixture(scope="session")
def zygote():
    return _zygote


def run_grade(*args, cwd=ROOT, env=None, timeout=120, input=None):
    """Run the `grade` command in a fresh process; returns CompletedProcess."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "grader", *map(str, args)], cwd=cwd,
                          env=full_env, capture_output=True, text=True, timeout=timeout,
                          input=input)
