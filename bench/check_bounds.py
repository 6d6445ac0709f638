"""The check process's peak memory and time while it grades huge results.

This process is the check process: it starts a Grader for a copy of the
course with only 04_broadcasting (the course's own limits, `--timeout` aside),
grades the reference solution, then the hostile files that return results of
hundreds of megabytes and huge lists (tests/hostile/huge_results.py,
huge_results_unchecked.py, forged_sizes.py), and records after each grading
its peak resident memory (getrusage ru_maxrss, the whole life of the process)
next to the bound it runs under (limits.check_memory_mb, set as RLIMIT_DATA
after warm-up), and each grading's time next to its budget.

    .venv/bin/python bench/check_bounds.py               # ~1 min
    .venv/bin/python bench/check_bounds.py --timeout 2 --json OUT.json

tests/test_bounded.py runs it and asserts the bounds (not the speed).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from grader.jail.zygote import start_zygote  # noqa: E402

ZYGOTE = start_zygote()   # before torch is imported here, as the grade command does

import yaml  # noqa: E402

from common import machine, table, write_result  # noqa: E402

EXERCISE = "04_broadcasting"
HOSTILE = ["huge_results", "huge_results_unchecked", "forged_sizes"]


def _course(folder: Path, timeout: float | None) -> Path:
    (folder / "exercises").mkdir(parents=True)
    shutil.copytree(ROOT / "exercises" / EXERCISE, folder / "exercises" / EXERCISE,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "solutions").mkdir()
    shutil.copy(ROOT / "solutions" / f"{EXERCISE}.py", folder / "solutions")
    data = yaml.safe_load((ROOT / "course.yaml").read_text(encoding="utf-8"))
    data["exercises"] = [EXERCISE]
    if timeout:
        data["limits"] = {**data.get("limits", {}), "timeout_s": timeout}
    (folder / "course.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    (folder / "submissions").mkdir()
    for name in HOSTILE:
        shutil.copy(ROOT / "tests" / "hostile" / f"{name}.py", folder / "submissions")
    return folder


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # Linux: KB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=None,
                        help="per-call timeout_s for the course copy (default: the course's)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()

    from grader.course import load_course
    from grader.runner import Grader, grading_budget

    with tempfile.TemporaryDirectory(prefix="drill-bounds-") as tmp:
        folder = _course(Path(tmp) / "course", args.timeout)
        course = load_course(folder)
        grader = Grader.start(course, ZYGOTE)
        exercise = course.find(EXERCISE)
        limits = course.limits_for(exercise)
        started = time.perf_counter()
        grader.warm_up()
        warm = {"warm_up_s": round(time.perf_counter() - started, 3), "peak_mb": round(_peak_mb(), 1)}
        soft, _ = resource.getrlimit(resource.RLIMIT_DATA)
        gradings = {}
        try:
            for name in ["solution", *HOSTILE]:
                path = (folder / "solutions" / f"{EXERCISE}.py" if name == "solution"
                        else folder / "submissions" / f"{name}.py")
                result = grader.grade(exercise, path)
                outcomes = sorted({c["outcome"] for c in result["checks"]})
                gradings[name] = {
                    "status": result["status"], "score": result["score"],
                    "max_score": result["max_score"], "duration_s": result["duration_s"],
                    "budget_s": grading_budget(limits, len(result["checks"])),
                    "outcomes": outcomes, "peak_mb": round(_peak_mb(), 1)}
        finally:
            grader.close()
    doc = {"machine": machine(), "timeout_s": float(limits["timeout_s"]),
           "result_mb": limits["result_mb"], "check_memory_mb": int(limits["check_memory_mb"]),
           "data_limit_mb": None if soft == resource.RLIM_INFINITY else round(soft / 2**20),
           "warm": warm, "gradings": gradings}
    rows = [[name, f"{g['score']:g}/{g['max_score']:g}", ",".join(g["outcomes"]),
             f"{g['duration_s']:.2f}", f"{g['budget_s']:g}", f"{g['peak_mb']:.0f}"]
            for name, g in gradings.items()]
    print(table(["submission", "score", "outcomes", "seconds", "budget s", "peak MB"], rows))
    print(f"after warm-up: peak {warm['peak_mb']:.0f} MB; bound (RLIMIT_DATA):"
          f" {doc['data_limit_mb']} MB; check_memory_mb {doc['check_memory_mb']}")
    path = write_result("check_bounds", doc)
    if args.json:
        args.json.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
