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


def failures(course) -> dict[str, dict[str, int]]:
    """Exercise -> function -> how many gradings it failed (it unlocks the next hint)."""
    found = _read(course).get("failures", {})
    if not isinstance(found, dict):
        return {}
    return {ex: {fn: int(n) for fn, n in per.items() if isinstance(n, int)}
            for ex, per in found.items() if isinstance(per, dict)}


def failed_functions(result: dict) -> list[str]:
    """The functions with a check that did not pass, in the order of the checks."""
    out = []
    for c in result.get("checks") or []:
        fn = c.get("function") or ""
        if c.get("outcome") != "passed" and fn and fn not in out:
            out.append(fn)
    return out


def record(course, result: dict) -> None:
    """Remember the best score and count failed gradings per function; never fails."""
    if result.get("status") not in ("graded", "not_attempted"):
        return
    data = _read(course)
    best, most, fails = best_scores(course), max_scores(course), failures(course)
    ex = result["exercise"]
    best[ex] = max(result["score"], best.get(ex, -1))
    if isinstance(result.get("max_score"), (int, float)) and result["max_score"] > 0:
        most[ex] = float(result["max_score"])
    if result.get("status") == "graded":
        per = fails.setdefault(ex, {})
        for fn in failed_functions(result):
            per[fn] = per.get(fn, 0) + 1
    data.update(best=best, max=most, failures=fails)
    path = _path(course)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=1)
        os.replace(tmp, path)
    except OSError:
        pass
