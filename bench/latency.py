"""How long `grade exercise` takes, against the import it cannot avoid.

    python bench/latency.py [--runs 10] [--exercise 04]

Each round runs, one after the other (the order alternates between rounds):
`grade exercise 04` on the reference solution, and the baseline
`python -c "import torch, pytest"`. The figure is the ratio of the medians
(target: at most 1.3), with the CPU-time ratio beside it (steadier on a busy
machine). The commands that need no torch (`grade list`, `grade show`,
`grade validate`) are timed in the same rounds; they should stay well under a
second, a small fraction of the baseline.

Prints a table; writes JSON to bench/results/ (ignored by git).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (GRADE, IMPORT_TORCH_PYTEST, ROOT, machine, median, run_timed,  # noqa: E402
                    summary, table, write_result)

TARGET_RATIO = 1.3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="measured rounds (default 10)")
    parser.add_argument("--exercise", default="04_broadcasting")
    args = parser.parse_args()

    solution = ROOT / "solutions" / f"{args.exercise}.py"
    if not solution.is_file():
        sys.exit(f"bench: {solution}: no such file")
    commands = {
        "grade exercise": [*GRADE, "exercise", args.exercise, "--file", str(solution)],
        "import torch, pytest": IMPORT_TORCH_PYTEST,
        "grade list": [*GRADE, "list"],
        "grade show": [*GRADE, "show", args.exercise],
        "grade validate": [*GRADE, "validate"],
    }
    # validate exits 2 while the course has problems: it is still timed.
    ok_codes = {"grade validate": (0, 2)}
    wall = {name: [] for name in commands}
    cpu = {name: [] for name in commands}
    before = machine()
    for round_no in range(args.runs + 1):  # round 0 warms the file cache and is dropped
        names = list(commands)
        if round_no % 2:
            names.reverse()
        for name in names:
            w, c = run_timed(commands[name], ok_codes=ok_codes.get(name, (0,)))
            if round_no:
                wall[name].append(w)
                cpu[name].append(c)
        if round_no:
            print(f"round {round_no}/{args.runs}: grade exercise {wall['grade exercise'][-1]:.2f} s,"
                  f" import {wall['import torch, pytest'][-1]:.2f} s", file=sys.stderr)

    base_wall = median(wall["import torch, pytest"])
    base_cpu = median(cpu["import torch, pytest"])
    rows = []
    for name in commands:
        rows.append([name, f"{median(wall[name]):.3f}", f"{median(wall[name]) / base_wall:.2f}",
                     f"{median(cpu[name]):.3f}", f"{median(cpu[name]) / base_cpu:.2f}"])
    print(table(["command", "wall s (median)", "× import", "cpu s (median)", "× import"], rows))
    ratio = median(wall["grade exercise"]) / base_wall
    cpu_ratio = median(cpu["grade exercise"]) / base_cpu
    paired = median([g / b for g, b in zip(wall["grade exercise"], wall["import torch, pytest"])])
    verdict = "met" if ratio <= TARGET_RATIO else "missed"
    print(f"\ngrade exercise {args.exercise} / import torch, pytest: {ratio:.2f} (wall medians),"
          f" {paired:.2f} (median of paired rounds), {cpu_ratio:.2f} (CPU);"
          f" target ≤ {TARGET_RATIO}: {verdict}")
    path = write_result("latency", {
        "exercise": args.exercise, "runs": args.runs,
        "machine": before, "load_average_after": machine()["load_average"],
        "wall_s": {name: summary(v) for name, v in wall.items()},
        "cpu_s": {name: summary(v) for name, v in cpu.items()},
        "ratio": round(ratio, 3), "paired_ratio": round(paired, 3), "cpu_ratio": round(cpu_ratio, 3),
        "target_ratio": TARGET_RATIO, "target_met": ratio <= TARGET_RATIO,
    })
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
