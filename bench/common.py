"""What the benchmarks share: running commands, medians, the machine, the JSON file.

Machines are noisy, so every benchmark measures its command and its baseline
side by side, round by round, and reports medians and ratios; the load
average before and after goes into the JSON so a reader can tell a busy run.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
GRADE = [sys.executable, "-m", "grader"]
IMPORT_TORCH_PYTEST = [sys.executable, "-c", "import torch, pytest"]


def quiet_env() -> dict:
    return {**os.environ, "NO_COLOR": "1"}


def children_cpu_s() -> float:
    """User + system CPU seconds of every waited-for child so far (grandchildren included)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def machine_busy_s() -> float:
    """CPU seconds every process on this machine has used so far (/proc/stat, not idle).

    What children_cpu_s misses: processes that are never waited for by their
    parent (a Dask nanny's workers and their children)."""
    with open("/proc/stat") as f:
        ticks = [int(v) for v in f.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")   # minus idle, iowait


def run_timed(argv: list[str], *, cwd: Path = ROOT, ok_codes=(0,)) -> tuple[float, float]:
    """Run a command to the end; (wall seconds, CPU seconds of it and its children)."""
    cpu = children_cpu_s()
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=quiet_env(), stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    if done.returncode not in ok_codes:
        sys.exit(f"bench: {' '.join(map(str, argv))} exited {done.returncode}:\n"
                 f"{done.stderr[-2000:]}")
    return wall, children_cpu_s() - cpu


def median(values) -> float:
    return statistics.median(values) if values else float("nan")


def summary(values) -> dict:
    values = list(values)
    return {"median": round(median(values), 4), "min": round(min(values), 4),
            "max": round(max(values), 4), "runs": len(values)}


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f
                        if line.startswith("model name")), cpu)
    except OSError:
        pass

    def version(package):
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return None

    return {"cpu": cpu, "cores": os.cpu_count(), "platform": platform.platform(),
            "python": platform.python_version(), "torch": version("torch"),
            "pytest": version("pytest"), "load_average": [round(x, 2) for x in os.getloadavg()]}


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return text == "-"


def table(headers: list[str], rows: list[list]) -> str:
    """A plain-text table: numbers right-aligned, words left-aligned."""
    cells = [[str(c) for c in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [bool(rows) and all(_is_number(row[i]) for row in cells[1:])
               for i in range(len(headers))]
    lines = ["  ".join(c.rjust(w) if numeric[i] else c.ljust(w) for i, (c, w) in
                       enumerate(zip(row, widths))) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_result(name: str, doc: dict) -> Path:
    """bench/results/<name>-<stamp>.json, and <name>-latest.json beside it."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    doc = {"benchmark": name, "when": time.strftime("%Y-%m-%d %H:%M:%S"), **doc}
    text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    path = RESULTS / f"{name}-{stamp}.json"
    path.write_text(text)
    (RESULTS / f"{name}-latest.json").write_text(text)
    return path
