"""`grade check-solutions`: prove the checks can be passed and cannot be fooled.

For every exercise: the reference solution scores full marks; the starter is
`not_attempted`; every mutant (a known-wrong answer) loses points; and each
function's declared points match the checks that target it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from grader.result import is_full_marks


def check_solutions(course, exercises, *, json_path=None, echo=print) -> bool:
    from grader.runner import Grader

    grader = Grader.start(course)
    ok = True
    results = []
    started = time.perf_counter()
    try:
        for ex in exercises:
            ex_ok = True
            solution = grader.grade(ex, course.solution(ex), student="solution")
            results.append(solution)
            if not is_full_marks(solution):
                ex_ok = False
                failed = [c for c in solution["checks"] if c["outcome"] != "passed"]
                echo(f"  solution {ex.slug}: {solution['score']:g}/{solution['max_score']:g}"
                     f" ({solution['status']})")
                for c in failed[:5]:
                    echo(f"      {c['id']}: {c['outcome']}: {c['message'].splitlines()[0] if c['message'] else ''}")
            for problem in _points_problems(ex, solution):
                ex_ok = False
                echo(f"  {ex.slug}: {problem}")
            starter = grader.grade(ex, ex.starter, student="starter")
            results.append(starter)
            if starter["status"] != "not_attempted":
                ex_ok = False
                echo(f"  starter {ex.slug}: status {starter['status']}, expected not_attempted"
                     f" ({starter['score']:g}/{starter['max_score']:g})")
            mutants = ex.mutants()
            if len(mutants) < 3:
                ex_ok = False
                echo(f"  {ex.slug}: {len(mutants)} mutant(s); every exercise needs at least 3")
            for mutant in mutants:
                r = grader.grade(ex, mutant, student=f"mutant:{mutant.stem}")
                results.append(r)
                if r["score"] >= r["max_score"] and r["status"] == "graded":
                    ex_ok = False
                    echo(f"  mutant {ex.slug}/{mutant.name} scored full marks: a check is missing")
            mark = "ok  " if ex_ok else "FAIL"
            lost = [f"{r['score']:g}" for r in results[-len(mutants):]] if mutants else []
            echo(f"{mark} {ex.slug}: solution {solution['score']:g}/{solution['max_score']:g},"
                 f" starter {starter['status']}, {len(mutants)} mutants"
                 f" (scores {', '.join(lost)})")
            ok &= ex_ok
    finally:
        grader.close()
    echo(f"{'all good' if ok else 'problems found'}: {len(exercises)} exercise(s),"
         f" {len(results)} gradings in {time.perf_counter() - started:.1f} s")
    if json_path:
        Path(json_path).write_text(json.dumps(results, indent=1, ensure_ascii=False))
    return ok


def _points_problems(ex, solution) -> list[str]:
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
