"""How long CI takes: `grade check-solutions` over the whole course.

    python bench/course.py [--runs 3] [--exercise 04 ...]

Each run is one `grade check-solutions --json FILE` (every solution, starter
and mutant of every exercise), timed from the outside, with the baseline
`python -c "import torch, pytest"` run beside it, so the figure is also a
ratio: how many torch imports the whole course costs. From the JSON (every
result, with each check's duration_s) it reports the slowest five checks, by
their median duration over all the gradings that ran them (the solution,
the starter and every mutant), and the exercises that take longest.

Prints tables; writes JSON to bench/results/ (ignored by git). A course with
problems (exit 1) is still timed, and the problems are counted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (GRADE, IMPORT_TORCH_PYTEST, ROOT, machine, median, run_timed,  # noqa: E402
                    summary, table, write_result)

BASELINE_RUNS = 3  # imports around each course run


def slowest_checks(results: list[dict], most: int = 5) -> list[dict]:
    durations = defaultdict(list)
    solution_s = {}
    for result in results:
        for check in result["checks"]:
            key = (result["exercise"], check["id"])
            durations[key].append(check["duration_s"])
            if result["student"] == "solution":
                solution_s[key] = check["duration_s"]
    rows = [{"exercise": ex, "check": cid, "median_s": round(statistics.median(v), 4),
             "max_s": round(max(v), 4), "gradings": len(v), "solution_s": solution_s.get((ex, cid))}
            for (ex, cid), v in durations.items()]
    rows.sort(key=lambda r: r["median_s"], reverse=True)
    return rows[:most]


def slowest_exercises(results: list[dict], most: int = 5) -> list[dict]:
    seconds, gradings = defaultdict(float), defaultdict(int)
    for result in results:
        seconds[result["exercise"]] += result["duration_s"]
        gradings[result["exercise"]] += 1
    rows = [{"exercise": ex, "grading_s": round(s, 2), "gradings": gradings[ex]}
            for ex, s in seconds.items()]
    rows.sort(key=lambda r: r["grading_s"], reverse=True)
    return rows[:most]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="course runs (default 3)")
    parser.add_argument("--exercise", action="append", default=[],
                        help="only this exercise (repeatable; default: the whole course)")
    args = parser.parse_args()

    before = machine()
    course_wall, course_cpu, imports, all_results, not_full = [], [], [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-course-") as tmp:
        for run in range(1, args.runs + 1):
            for _ in range(BASELINE_RUNS):
                imports.append(run_timed(IMPORT_TORCH_PYTEST)[0])
            out = Path(tmp) / f"run{run}.json"
            argv = [*GRADE, "check-solutions", "--json", str(out)]
            for ex in args.exercise:
                argv += ["--exercise", ex]
            wall, cpu = run_timed(argv, ok_codes=(0, 1))
            course_wall.append(wall)
            course_cpu.append(cpu)
            results = json.loads(out.read_text())
            all_results += results
            bad = sum(1 for r in results if r["student"] == "solution" and r["score"] < r["max_score"])
            not_full.append(bad)
            print(f"run {run}/{args.runs}: {wall:.1f} s, {len(results)} gradings", file=sys.stderr)
        for _ in range(BASELINE_RUNS):
            imports.append(run_timed(IMPORT_TORCH_PYTEST)[0])

    gradings = len(all_results) // args.runs
    base = median(imports)
    wall = median(course_wall)
    # Each run against the imports timed just before and just after it: the
    # load on a shared machine drifts over minutes.
    paired = median([w / median(imports[i * BASELINE_RUNS:(i + 2) * BASELINE_RUNS])
                     for i, w in enumerate(course_wall)])
    print(table(["check-solutions", "median", "runs"],
                [["wall s", f"{wall:.1f}", args.runs],
                 ["CPU s (all processes)", f"{median(course_cpu):.1f}", args.runs],
                 ["gradings per run", gradings, args.runs],
                 ["wall s per grading", f"{wall / max(gradings, 1):.3f}", args.runs],
                 ["× import torch, pytest", f"{wall / base:.1f}", args.runs],
                 ["× import (paired by run)", f"{paired:.1f}", args.runs],
                 ["gradings per import time", f"{gradings * base / wall:.1f}", args.runs]]))
    checks = slowest_checks(all_results)
    print("\nslowest checks (median over every grading that ran them):")
    print(table(["exercise", "check", "median s", "max s", "solution s", "gradings"],
                [[r["exercise"], r["check"], f"{r['median_s']:.3f}", f"{r['max_s']:.3f}",
                  f"{r['solution_s']:.3f}" if r["solution_s"] is not None else "-", r["gradings"]]
                 for r in checks]))
    exercises = slowest_exercises(all_results)
    print("\nexercises that take longest (grading seconds, all runs together):")
    print(table(["exercise", "grading s", "gradings"],
                [[r["exercise"], f"{r['grading_s']:.1f}", r["gradings"]] for r in exercises]))
    failing = max(not_full) if not_full else 0
    if failing:
        print(f"\nnote: {failing} solution(s) did not score full marks")
    path = write_result("course", {
        "runs": args.runs, "exercises": args.exercise or "all",
        "machine": before, "load_average_after": machine()["load_average"],
        "check_solutions_wall_s": summary(course_wall), "check_solutions_cpu_s": summary(course_cpu),
        "import_torch_pytest_s": summary(imports), "gradings_per_run": gradings,
        "ratio_to_import": round(wall / base, 2), "paired_ratio_to_import": round(paired, 2),
        "slowest_checks": checks,
        "slowest_exercises": exercises, "solutions_not_full_marks": failing,
    })
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
