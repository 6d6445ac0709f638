"""The grade-result/1 document: the source of every report.

    {"schema": "grade-result/1", "exercise": ..., "student": ..., "device": ...,
     "status": "graded", "score": 7.0, "max_score": 10.0, "duration_s": 1.9,
     "checks": [...], "stdout": ..., "stderr": ..., "sandbox": {...},
     "environment": {...}, "output_owners": {"stdout": [[check id or null, characters],
     ...], "stderr": [...]}}

`output_owners` says which check was running while each part of stdout and
stderr was printed (null: before the first); grader.redact withholds what
hidden checks printed from everything a student sees.
"""

from __future__ import annotations

import platform

from grader import __version__

SCHEMA = "grade-result/1"
STATUSES = ("graded", "not_attempted", "syntax_error", "import_error", "timeout", "crashed")
OUTCOMES = ("passed", "failed", "error", "timeout", "crashed", "skipped", "constraint")


def environment() -> dict:
    import torch
    return {"python": platform.python_version(), "torch": torch.__version__.split("+")[0],
            "grader": __version__, "platform": platform.system().lower()}


def new_result(exercise, student: str, device: str) -> dict:
    return {"schema": SCHEMA, "exercise": exercise.slug, "student": student, "device": device,
            "status": "graded", "score": 0.0, "max_score": 0.0, "duration_s": 0.0,
            "message": "", "checks": [], "stdout": "", "stderr": "", "sandbox": {},
            "environment": environment()}


def finish_result(result: dict, records, load_problem, session, duration_s: float) -> dict:
    result["checks"] = [r.as_dict() for r in records]
    result["max_score"] = float(sum(r.points for r in records))
    result["score"] = float(sum(r.score for r in records))
    result["duration_s"] = round(duration_s, 3)
    result["stdout"] = session.stdout.text()
    result["stderr"] = session.stderr.text()
    # Which check printed which part (grader.redact withholds a hidden check's).
    result["output_owners"] = {"stdout": session.stdout.owners(),
                               "stderr": session.stderr.owners()}
    result["sandbox"] = session.sandbox
    if load_problem is not None:
        result["status"] = load_problem.status
        result["message"] = str(load_problem)
    elif records and not any(r.outcome == "passed" for r in records) and \
            all(r.not_attempted for r in records if r.outcome != "passed"):
        result["status"] = "not_attempted"
        from grader.i18n import _
        if any(r.not_implemented for r in records):
            result["message"] = _("nothing is implemented yet: every function still raises"
                                  " NotImplementedError")
        else:
            result["message"] = _("your file defines none of the exercise's functions")
    if any(r.grader_error for r in records):
        result["grader_errors"] = sum(r.grader_error for r in records)
    return bounded(result)


# What one result may hold of text the student's code chose (messages quote its
# exceptions and values, stdout is what it printed): cut here, in the check
# process, whatever the jail did or did not cut.
MAX_MESSAGE_CHARS = 16_000
MAX_OUTPUT_CHARS = 1 << 20
MAX_SANDBOX_CHARS = 16_000


def bounded(result: dict) -> dict:
    """The result with every student-provided string cut to a sane size (in place)."""
    import json
    from grader.safe_text import cap
    for key in ("message", "student"):
        if isinstance(result.get(key), str):
            result[key] = cap(result[key], MAX_MESSAGE_CHARS if key == "message" else 500)
    for key in ("stdout", "stderr"):
        if isinstance(result.get(key), str):
            result[key] = cap(result[key], MAX_OUTPUT_CHARS)
    for check in result.get("checks") or []:
        for key in ("message", "hint", "title", "diagnosis"):
            if isinstance(check.get(key), str):
                check[key] = cap(check[key], MAX_MESSAGE_CHARS if key == "message" else 2000)
    sandbox = result.get("sandbox")
    if sandbox and len(json.dumps(sandbox, default=str)) > MAX_SANDBOX_CHARS:
        result["sandbox"] = {"error": "the jail's report of its confinement was too large"}
    return result


def is_full_marks(result: dict) -> bool:
    return result["status"] == "graded" and result["max_score"] > 0 and \
        result["score"] >= result["max_score"]
