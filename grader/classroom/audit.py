"""`grade check-solutions`: prove the checks can be passed and cannot be fooled.

For every exercise: the reference solution scores full marks; the starter is
`not_attempted`; every mutant (a known-wrong answer) loses points; and each
function's declared points match the checks that target it. The gradings run
on the same pool of warm check processes as `grade class`, one per core.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from grader.classroom.pool import Pool, Task
from grader.result import is_full_marks


def _tasks(course, exercises, forge: bool) -> list[Task]:
    tasks = []
    for ex in exercises:
        solution = str(Path(course.solution(ex)).resolve())
        files = [("solution", course.solution(ex)), ("starter", ex.starter)]
        files += [(f"mutant:{m.stem}", m) for m in ex.mutants()]
        for role, path in files:
            against = solution if forge and role.startswith("mutant:") else ""
            tasks.append(Task(len(tasks), role, ex.slug, str(Path(path).resolve()), "", "cpu",
                              forge_against=against))
    return tasks


def _grade_all(course, tasks: list[Task], workers: int) -> dict[int, dict]:
    """Task id -> result; a grading the pool could not finish becomes a crashed result."""
    timeout_s = max(float(course.limits_for(ex)["timeout_s"]) for ex in course.exercises)
    results: dict[int, dict] = {}
    with tempfile.TemporaryDirectory(prefix="grade-check-") as logs:
        pool = Pool(course.root, min(workers, len(tasks)), "cpu", Path(logs),
                    grading_limit_s=max(300.0, 30 * timeout_s))
        try:
            for outcome in pool.run(tasks):
                results[outcome.task.id] = outcome.result or {
                    "status": "crashed", "score": 0.0, "max_score": 0.0, "checks": [],
                    "message": outcome.error}
        finally:
            pool.close()
    return results


def check_solutions(course, exercises, *, json_path=None, echo=print, workers=None,
                    forge: bool = True) -> bool:
    started = time.perf_counter()
    tasks = _tasks(course, exercises, forge)
    results = _grade_all(course, tasks, workers or os.cpu_count() or 1)
    ok = True
    for ex in exercises:
        mine = [(t.student, results[t.id]) for t in tasks if t.exercise == ex.slug]
        ok &= _judge(ex, mine, echo)
    gradings = len(tasks)
    if forge:
        ok &= _judge_proof(tasks, results, echo)
        gradings += sum(t.forge_against != "" for t in tasks)
    echo(f"{'all good' if ok else 'problems found'}: {len(exercises)} exercise(s),"
         f" {gradings} gradings in {time.perf_counter() - started:.1f} s")
    if json_path:
        Path(json_path).write_text(json.dumps([results[t.id] for t in tasks], indent=1,
                                              ensure_ascii=False))
    return ok


def _judge_proof(tasks, results, echo) -> bool:
    """The claim-forging proof: no check of any mutant passes once its claims are forged."""
    pairs = claim_only = 0
    flips = []
    for t in tasks:
        proof = results[t.id].get("claim_proof")
        if not t.forge_against:
            continue
        if proof is None:
            flips.append(f"{t.exercise}/{t.student.removeprefix('mutant:')}: not compared"
                         f" ({results[t.id].get('message', '')})")
            continue
        pairs += proof["pairs"]
        claim_only += len(proof["claim_only"])
        flips += [f"{t.exercise}/{t.student.removeprefix('mutant:')}: {c}" for c in proof["flips"]]
    for flip in flips:
        echo(f"  passes on a claim: {flip}")
    echo(f"{'ok  ' if not flips else 'FAIL'} claim-forging proof: {pairs} (check, mutant) pairs,"
         f" {len(flips)} flipped from failed to passed with forged claims"
         f" ({claim_only} failures rest on a claim alone, allowed)")
    return not flips


def _judge(ex, graded: list[tuple[str, dict]], echo) -> bool:
    """Print the verdict for one exercise; True when everything holds."""
    ok = True
    solution = graded[0][1]
    starter = graded[1][1]
    mutants = graded[2:]
    if not is_full_marks(solution):
        ok = False
        echo(f"  solution {ex.slug}: {solution['score']:g}/{solution['max_score']:g}"
             f" ({solution['status']}) {solution.get('message', '')}".rstrip())
        for c in [c for c in solution["checks"] if c["outcome"] != "passed"][:5]:
            first = c["message"].splitlines()[0] if c["message"] else ""
            echo(f"      {c['id']}: {c['outcome']}: {first}")
    for problem in _points_problems(ex, solution):
        ok = False
        echo(f"  {ex.slug}: {problem}")
    if starter["status"] != "not_attempted":
        ok = False
        echo(f"  starter {ex.slug}: status {starter['status']}, expected not_attempted"
             f" ({starter['score']:g}/{starter['max_score']:g})")
    if len(mutants) < 3:
        ok = False
        echo(f"  {ex.slug}: {len(mutants)} mutant(s); every exercise needs at least 3")
    for role, r in mutants:
        if r["status"] == "graded" and r["score"] >= r["max_score"]:
            ok = False
            echo(f"  mutant {ex.slug}/{role.removeprefix('mutant:')}.py scored full marks:"
                 " a check is missing")
    scores = ", ".join(f"{r['score']:g}" for _, r in mutants)
    echo(f"{'ok  ' if ok else 'FAIL'} {ex.slug}: solution {solution['score']:g}/"
         f"{solution['max_score']:g}, starter {starter['status']}, {len(mutants)} mutants"
         f" (scores {scores})")
    return ok


def _points_problems(ex, solution) -> list[str]:
    if not solution["checks"]:
        return []
    out = []
    if abs(solution["max_score"] - ex.points) > 1e-9:
        out.append(f"exercise.yaml says {ex.points:g} points, the checks add up to"
                   f" {solution['max_score']:g}")
    by_fn: dict[str, float] = {}
    for c in solution["checks"]:
        by_fn[c["function"]] = by_fn.get(c["function"], 0.0) + c["points"]
    for fn in ex.functions:
        if fn.points and abs(by_fn.get(fn.name, 0.0) - fn.points) > 1e-9:
            out.append(f"{fn.name}: exercise.yaml says {fn.points:g} points, its checks add up"
                       f" to {by_fn.get(fn.name, 0.0):g}")
    return out
