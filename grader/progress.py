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


def _read(course) -> dict:
    try:
        data = json.loads(_path(course).read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def best_scores(course) -> dict[str, float]:
    try:
        return {k: float(v) for k, v in _read(course).get("best", {}).items()}
    except (ValueError, AttributeError, TypeError):
        return {}


def max_scores(course) -> dict[str, float]:
    """The most a grading of each exercise could score here: in a student bundle,
    the public checks' points (the hidden ones run only at grading time)."""
    try:
        return {k: float(v) for k, v in _read(course).get("max", {}).items()}
    except (ValueError, AttributeError, TypeError):
        return {}


def record(course, result: dict) -> None:
    """Remember the score if it beats the best so far; never fails the grading."""
    if result.get("status") not in ("graded", "not_attempted"):
        return
    best, most = best_scores(course), max_scores(course)
    if result["score"] <= best.get(result["exercise"], -1) and \
            most.get(result["exercise"]) == result.get("max_score"):
        return
    best[result["exercise"]] = max(result["score"], best.get(result["exercise"], -1))
    if isinstance(result.get("max_score"), (int, float)) and result["max_score"] > 0:
        most[result["exercise"]] = float(result["max_score"])
    path = _path(course)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            json.dump({"best": best, "max": most}, f, indent=1)
        os.replace(tmp, path)
    except OSError:
        pass
