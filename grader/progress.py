"""The student's best score per exercise, kept beside the course.

A small JSON file written atomically (write, then rename), so a crash
mid-write leaves the previous version intact.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def _path(course) -> Path:
    return Path(course.root) / ".grade" / "progress.json"


def best_scores(course) -> dict[str, float]:
    try:
        data = json.loads(_path(course).read_text())
        return {k: float(v) for k, v in data.get("best", {}).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def record(course, result: dict) -> None:
    """Remember the score if it beats the best so far; never fails the grading."""
    if result.get("status") not in ("graded", "not_attempted"):
        return
    best = best_scores(course)
    if result["score"] <= best.get(result["exercise"], -1):
        return
    best[result["exercise"]] = result["score"]
    path = _path(course)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            json.dump({"best": best}, f, indent=1)
        os.replace(tmp, path)
    except OSError:
        pass
