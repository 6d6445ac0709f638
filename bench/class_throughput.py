"""Gradings per second: `grade class` against a fresh `python -m pytest` per submission.

    python bench/class_throughput.py [--students 200] [--workers N] [--baseline-sample 60]
                                     [--cluster local] [--rounds 1]

Both sides grade the same synthetic class (tests/classfixture.py: two
exercises of this course, solutions, mutants, starters, missing files, zips
and a few hostile files) with the same check files, on the same cores:

- `grade class`: one run of the real command, from an empty report folder,
  start-up of its worker pool included.
- baseline: the usual way, one `python -m pytest` process per submission,
  the student's module imported into the process that runs the checks (a
  small plugin gives the checks `student`, `case` and `device`), as many at
  once as there are workers, each killed after --baseline-timeout seconds.
  A fresh pytest costs seconds, so by default the baseline grades an evenly
  spaced sample of the class (every k-th submission), which gives its rate;
  --baseline-sample 0 grades the whole class.

With `--cluster local` the same class is graded a second time by
`grade class --cluster local` (a Dask LocalCluster of --workers workers,
grader/classroom/cluster.py; needs torch-drills[cluster]), start-up of the
cluster included, and its time per grading is compared with the pool's.
With `--rounds N` the pool, the cluster and the baseline take turns N times
(from an empty report folder each time); the figures are medians and each
ratio is taken within a round: on a shared machine one run of any of them
can be 20 % off.

Prints the rates and their ratios; writes JSON to bench/results/ (ignored by git).
The machine's load average is recorded too: other work on the machine slows
both sides.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from classfixture import EXERCISES, make_class, make_course, submission_paths  # noqa: E402
from common import children_cpu_s, machine, machine_busy_s, write_result  # noqa: E402

BASELINE_PLUGIN = '''
"""The naive grader: the student's module lives in the process that runs the checks.

It gives the checks what grader/plugin.py gives them (`student`, `case`, the
builders, claims on returned tensors), with none of the isolation: every call
is a plain Python call.
"""
import importlib.util, json, os
import pytest
import torch
from grader.cases import Case, seed_for
from grader.jail.builders.core import BUILDERS, Claimed
from grader.proxy import CallInfo, Claim, StudentError, TensorClaims

SUBMISSION, SALT, EXERCISE = (os.environ["DRILL_SUBMISSION"], os.environ["DRILL_SALT"],
                              os.environ["DRILL_EXERCISE"])
try:
    spec = importlib.util.spec_from_file_location("submission", SUBMISSION)
    MODULE = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(MODULE)
    LOAD_ERROR = None
except BaseException as e:
    MODULE, LOAD_ERROR = None, e


def _claims(t):
    grad_fn = t.grad_fn
    return TensorClaims(device=str(t.device), requires_grad=t.requires_grad,
                        is_leaf=t.is_leaf, type_name=type(t).__name__,
                        grad_fn=type(grad_fn).__name__ if grad_fn is not None else None,
                        expanded=any(st == 0 and n > 1 for st, n in zip(t.stride(), t.shape)))


def _back(value):
    """What the check sees of a returned value: tensors with their claims, reports as Claims."""
    if isinstance(value, torch.Tensor):
        try:
            value._drill_meta = _claims(value)
        except Exception:
            pass
        return value
    if isinstance(value, Claimed):
        return Claim(value.value)
    if isinstance(value, (list, tuple)):
        return type(value)(_back(v) for v in value)
    return value


def _call(where, f, args, kwargs):
    try:
        return _back(f(*args, **kwargs))
    except Exception as e:
        raise StudentError(where, {"type": type(e).__name__, "message": str(e),
                                   "not_implemented": isinstance(e, NotImplementedError)}) from None


class NaiveStudent:
    def __init__(self, module):
        self._module = module
        self.last_call = CallInfo()

    def __getattr__(self, name):
        value = getattr(self._module, name)
        if not callable(value):
            return value
        return lambda *a, **k: _call(f"{name}()", value, a, k)

    def has(self, name):
        return hasattr(self._module, name)

    def build(self, name, *args, **kwargs):
        return _call(name, BUILDERS[name], args, kwargs)


@pytest.fixture
def student():
    if LOAD_ERROR is not None:
        raise LOAD_ERROR
    return NaiveStudent(MODULE)


@pytest.fixture
def case(request):
    return Case(seed_for(SALT, EXERCISE, f"{request.node.path.name}::{request.node.name}"))


@pytest.fixture
def device():
    return "cpu"


SCORE = {"score": 0.0}


def pytest_runtest_logreport(report):
    if report.when == "call" and report.passed:
        SCORE["score"] += float(getattr(report, "drill_points", 1.0))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    outcome.get_result().drill_points = getattr(item.obj, "_drill_points", 1.0)


def pytest_sessionfinish(session):
    with open(os.environ["DRILL_RESULT"], "w") as f:
        json.dump(SCORE, f)
'''


def run_grade_class(course: Path, subs: Path, report: Path, workers: int,
                    extra: tuple = ()) -> float:
    started = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "grader", "--course", str(course), "class",
                        str(subs), "--out", str(report), "--workers", str(workers), *extra],
                       capture_output=True, text=True, cwd=ROOT,
                       env={**os.environ, "NO_COLOR": "1"})
    elapsed = time.perf_counter() - started
    if r.returncode != 0:
        sys.exit(f"grade class failed ({r.returncode}): {r.stderr.strip()[-500:]}")
    return elapsed


def run_baseline(course: Path, work: Path, items, workers: int, timeout_s: float):
    """Grade each (student, slug, bytes) in a fresh pytest; returns (seconds, scores, timeouts)."""
    import yaml
    salt = yaml.safe_load((course / "course.yaml").read_text())["salt"]
    plugin_dir = work / "plugin"
    plugin_dir.mkdir(parents=True)
    (plugin_dir / "drill_baseline.py").write_text(textwrap.dedent(BASELINE_PLUGIN))
    ini = ROOT / "grader" / "pytest_checks.ini"

    def one(index_item):
        index, (student, slug, data) = index_item
        folder = work / f"s{index:04d}"
        folder.mkdir()
        path = folder / f"{slug}.py"
        path.write_bytes(data)
        checks = course / "exercises" / slug / "checks"
        files = sorted(str(p) for p in checks.glob("*.py")
                       if p.name.startswith(("public_", "hidden_")))
        # The checks import their support module from their own folder.
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, (plugin_dir, ROOT, checks))),
               "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "DRILL_SUBMISSION": str(path),
               "DRILL_SALT": salt, "DRILL_EXERCISE": slug,
               "DRILL_RESULT": str(folder / "result.json")}
        try:
            subprocess.run([sys.executable, "-m", "pytest", *files, "-p", "drill_baseline",
                            "-c", str(ini), "--rootdir", str(checks), "-q", "--tb=native",
                            "-p", "no:cacheprovider", "--import-mode=importlib"],
                           cwd=folder, env=env, capture_output=True, timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return (student, slug), None
        try:
            return (student, slug), json.loads((folder / "result.json").read_text())["score"]
        except (OSError, ValueError):
            return (student, slug), 0.0   # it died (os._exit, a crash): nothing passed

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = dict(pool.map(one, enumerate(items)))
    elapsed = time.perf_counter() - started
    return elapsed, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--baseline-sample", type=int, default=60,
                        help="submissions the baseline grades (0: all of them)")
    parser.add_argument("--baseline-timeout", type=float, default=30.0,
                        help="seconds before a baseline pytest is killed")
    parser.add_argument("--cluster", choices=["local"], default=None,
                        help="also grade the class with grade class --cluster local (Dask)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="grade the class this many times with each (alternating); medians")
    args = parser.parse_args()

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="class-bench-") as tmp:
        tmp = Path(tmp)
        course = make_course(tmp / "course")
        make_class(course, tmp / "submissions", args.students)
        files = submission_paths(tmp / "submissions", EXERCISES)
        print(f"class: {args.students} students, {len(files)} submissions of {len(EXERCISES)}"
              f" exercises; {args.workers} worker(s) on {os.cpu_count()} core(s)", flush=True)

        def timed(report: str, extra=()) -> tuple[float, float, float]:
            """(seconds, children's CPU s, the whole machine's CPU s) of one grade class."""
            shutil.rmtree(tmp / report, ignore_errors=True)
            cpu_before, busy_before = children_cpu_s(), machine_busy_s()
            seconds = run_grade_class(course, tmp / "submissions", tmp / report, args.workers,
                                      extra)
            return seconds, children_cpu_s() - cpu_before, machine_busy_s() - busy_before

        items = [(s, e, data) for (s, e), data in sorted(files.items())]
        if args.baseline_sample and args.baseline_sample < len(items):
            step = len(items) / args.baseline_sample
            items = [items[int(i * step)] for i in range(args.baseline_sample)]

        # A baseline that cannot run the checks (its plugin no longer imports, say)
        # scores 0 in a fraction of a second, and its rate means nothing: each
        # exercise's reference solution must get full marks from it first.
        _, scores = run_baseline(course, tmp / "baseline-check", [
            ("reference", slug, (course / "solutions" / f"{slug}.py").read_bytes())
            for slug in EXERCISES], args.workers, args.baseline_timeout)
        from grader.course import load_course
        full = {slug: load_course(course).find(slug).points for slug in EXERCISES}
        wrong = {slug: score for (_, slug), score in scores.items() if score != full[slug]}
        if wrong:
            sys.exit(f"the baseline does not grade the reference solutions fully ({wrong},"
                     f" full marks {full}): fix BASELINE_PLUGIN before timing it")

        # Pool, cluster and baseline take turns, so drift in the machine's speed
        # hits all three alike; each ratio is taken within a round.
        pool_runs, cluster_runs, base_runs, same_csv = [], [], [], True
        for r in range(args.rounds):
            pool_runs.append(timed("REPORT"))
            if args.cluster:
                cluster_runs.append(timed("CLUSTER", ("--cluster", args.cluster)))
                same_csv &= ((tmp / "CLUSTER" / "grades.csv").read_bytes()
                             == (tmp / "REPORT" / "grades.csv").read_bytes())
            cpu_before = children_cpu_s()
            base_s, base = run_baseline(course, tmp / f"baseline{r}", items, args.workers,
                                        args.baseline_timeout)
            base_runs.append((base_s, children_cpu_s() - cpu_before))
        import sqlite3
        db = sqlite3.connect(str(tmp / "REPORT" / "gradebook.sqlite"))
        ours = {(s, e): score for s, e, score in
                db.execute("SELECT student, exercise, score FROM results")}
        db.close()
        n = len(ours)
        ours_s, ours_cpu, ours_busy = (statistics.median(v) for v in zip(*pool_runs))
        ours_rate = n / ours_s
        each = "" if args.rounds == 1 else f" (medians of {args.rounds} runs: " + ", ".join(
            f"{t:.1f} s" for t, _, _ in pool_runs) + ")"
        print(f"grade class: {n} gradings in {ours_s:.1f} s = {ours_rate:.2f}"
              f" gradings/s ({ours_cpu / n:.3f} CPU s each; target: at most 0.09;"
              f" the whole machine: {ours_busy / n:.3f}){each}", flush=True)
        dask = None
        if args.cluster:
            # Dask's nannies never wait for their workers: only the machine's count has them.
            dask_s, dask_cpu, dask_busy = (statistics.median(v) for v in zip(*cluster_runs))
            ratios = [c[0] / p[0] for p, c in zip(pool_runs, cluster_runs)]
            ratio_vs_pool = statistics.median(ratios)
            dask = {"gradings": n, "seconds": round(dask_s, 3),
                    "gradings_per_s": round(n / dask_s, 3),
                    "cpu_s_per_grading": round(dask_cpu / n, 4),
                    "machine_cpu_s_per_grading": round(dask_busy / n, 4),
                    "time_per_grading_vs_pool": round(ratio_vs_pool, 3),
                    "ratios_per_round": [round(r, 3) for r in ratios],
                    "grades_csv_identical": same_csv}
            each = "" if args.rounds == 1 else " (median of the rounds' ratios: " + ", ".join(
                f"{r:.2f}" for r in ratios) + ")"
            print(f"grade class --cluster {args.cluster}: {n} gradings in {dask_s:.1f} s"
                  f" = {n / dask_s:.2f} gradings/s ({dask_busy / n:.3f} CPU s"
                  f" each, the whole machine); {ratio_vs_pool:.2f} x the pool's time per"
                  f" grading{each} (target: at most 1.15); grades.csv"
                  f" {'identical' if same_csv else 'DIFFERENT'}", flush=True)

        base_s, base_cpu = (statistics.median(v) for v in zip(*base_runs))
        base_rate = len(items) / base_s
        timeouts = sum(v is None for v in base.values())
        agree = sum(1 for k, v in base.items() if v is not None and abs(v - ours[k]) < 1e-9)
        print(f"baseline (pytest per submission): {len(items)} gradings in {base_s:.1f} s ="
              f" {base_rate:.2f} gradings/s ({base_cpu / len(items):.3f} CPU s each;"
              f" {timeouts} killed at {args.baseline_timeout:g} s;"
              f" same score as grade class for {agree}/{len(items)})", flush=True)
    # Within each round: the pool's rate over the baseline's, and CPU per grading likewise.
    ratios = [(len(ours) / p[0]) / (len(items) / b[0]) for p, b in zip(pool_runs, base_runs)]
    cpu_ratios = [(b[1] / len(items)) / (p[1] / len(ours)) for p, b in zip(pool_runs, base_runs)]
    ratio, cpu_ratio = statistics.median(ratios), statistics.median(cpu_ratios)
    load_after = os.getloadavg()
    each = "" if args.rounds == 1 else " (median of the rounds': " + ", ".join(
        f"{r:.1f}" for r in ratios) + ")"
    print(f"ratio: {ratio:.1f}x in gradings per second{each} (target: at least 25x);"
          f" {cpu_ratio:.1f}x in CPU time per grading")
    print(f"load average before/after: {load_before[0]:.2f} / {load_after[0]:.2f}")

    doc = {"students": args.students, "exercises": list(EXERCISES), "workers": args.workers,
           "machine": {**machine(), "load_average_before": load_before,
                       "load_average_after": load_after},
           "rounds": args.rounds,
           "grade_class": {"gradings": len(ours), "seconds": round(ours_s, 3),
                           "seconds_per_round": [round(t, 3) for t, _, _ in pool_runs],
                           "gradings_per_s": round(ours_rate, 3),
                           "cpu_s_per_grading": round(ours_cpu / len(ours), 4),
                           "machine_cpu_s_per_grading": round(ours_busy / len(ours), 4)},
           "baseline": {"gradings": len(items), "seconds": round(base_s, 3),
                        "cpu_s_per_grading": round(base_cpu / len(items), 4),
                        "gradings_per_s": round(base_rate, 3), "killed": timeouts,
                        "timeout_s": args.baseline_timeout,
                        "sampled": len(items) < len(files),
                        "same_score_as_grade_class": agree},
           "ratio": round(ratio, 2), "cpu_ratio": round(cpu_ratio, 2),
           "ratios_per_round": [round(r, 2) for r in ratios]}
    if dask is not None:
        doc["cluster"] = {"kind": args.cluster, **dask}
    print(f"wrote {write_result('class_throughput', doc)}")


if __name__ == "__main__":
    main()
