"""What confining a jail costs: fork+confine against fork alone, and per grading.

    python bench/confinement_cost.py [--forks 40] [--gradings 20]

1. Forks from a warm parent (torch imported, as in the zygote): a child that
   only exits, against a child that applies the whole sandbox
   (grader.jail.sandbox.apply) and then exits; each step of the sandbox is
   also timed on its own, inside the child.
2. Whole gradings of the reference solution of 04_broadcasting with one warm
   Grader: confined as usual, against a Grader whose jails get resource
   limits only.

Medians in milliseconds. Writes JSON to bench/results/ (ignored by git).
The machine's load average is recorded: other work on the machine slows
both sides.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")

import torch  # noqa: E402,F401  (warm, like the zygote)

from grader.jail import sandbox, seccomp  # noqa: E402

EXERCISE = "04_broadcasting"


def _config() -> dict:
    return {"path": str(ROOT / "solutions" / f"{EXERCISE}.py"), "limits": {},
            "device": "cpu", "allow_processes": False, "protect": [str(ROOT)]}


def _fork_once(child) -> tuple[float, dict]:
    """Milliseconds from fork to reaping a child that runs `child(scratch)`, and its report."""
    scratch = tempfile.mkdtemp(prefix="drill-bench-")
    read, write = os.pipe()
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            os.write(write, json.dumps(child(scratch)).encode())
        finally:
            os._exit(0)
    os.close(write)
    data = b""
    while chunk := os.read(read, 1 << 16):
        data += chunk
    os.close(read)
    os.waitpid(pid, 0)
    elapsed = (time.perf_counter() - started) * 1000
    shutil.rmtree(scratch, ignore_errors=True)
    return elapsed, json.loads(data or b"{}")


def _bare(scratch):
    return {}


def _confined(scratch):
    started = time.perf_counter()
    report = sandbox.apply(_config(), scratch)
    return {"apply_ms": (time.perf_counter() - started) * 1000, "active": report["active"]}


def _steps(scratch):
    out = {}

    def timed(name, fn):
        started = time.perf_counter()
        fn()
        out[name] = (time.perf_counter() - started) * 1000

    timed("rlimits", lambda: sandbox.apply_rlimits({}, False))
    timed("namespaces", sandbox.enter_namespaces)
    timed("scratch tmpfs", lambda: sandbox.mount_scratch(scratch, sandbox.SCRATCH_MB))
    timed("capabilities", sandbox.drop_capabilities)
    timed("landlock", lambda: sandbox.apply_landlock(_config(), scratch))
    timed("seccomp", lambda: seccomp.install(False))
    return out


def fork_costs(n: int) -> dict:
    bare = [_fork_once(_bare)[0] for _ in range(n)]
    confined = [_fork_once(_confined) for _ in range(n)]
    steps = [_fork_once(_steps)[1] for _ in range(n)]
    return {
        "fork_exit_ms": statistics.median(bare),
        "fork_confine_exit_ms": statistics.median(t for t, _ in confined),
        "apply_ms": statistics.median(r["apply_ms"] for _, r in confined),
        "active": confined[0][1]["active"],
        "steps_ms": {k: statistics.median(s[k] for s in steps) for k in steps[0]},
    }


def grading_costs(n: int) -> dict:
    """Two warm Graders, one confined and one with limits only, graded in turn.

    Alternating cancels most of the drift from other work on the machine.
    """
    from grader.course import load_course
    from grader.jail.zygote import fork_zygote
    from grader.runner import Grader

    course = load_course(ROOT)
    exercise = course.find(EXERCISE)
    solution = ROOT / "solutions" / f"{EXERCISE}.py"
    real_apply = sandbox.apply
    graders = {}
    try:
        graders["confined"] = Grader.start(course)
        # A zygote forked from this process (not a fresh interpreter) inherits the
        # replacement. It holds the course too: acceptable in a benchmark only.
        sandbox.apply = lambda config, scratch: {
            "active": ["rlimits"], "rlimits": sandbox.apply_rlimits(config.get("limits", {}), False)}
        graders["rlimits_only"] = Grader.start(course, fork_zygote())
    finally:
        sandbox.apply = real_apply
    times = {name: [] for name in graders}
    try:
        for grader in graders.values():
            grader.grade(exercise, solution)  # warm-up
        for _ in range(n):
            for name, grader in graders.items():
                started = time.perf_counter()
                result = grader.grade(exercise, solution)
                times[name].append((time.perf_counter() - started) * 1000)
                assert result["score"] == result["max_score"], result
                active = result["sandbox"].get("active", [])
                assert (name == "confined") == ("seccomp" in active), active
    finally:
        for grader in graders.values():
            grader.close()
    out = {name: statistics.median(t) for name, t in times.items()}
    out["difference_ms"] = out["confined"] - out["rlimits_only"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forks", type=int, default=40)
    parser.add_argument("--gradings", type=int, default=20)
    args = parser.parse_args()
    result = {"machine": platform.node(), "kernel": platform.release(),
              "load_average": os.getloadavg(), "forks": fork_costs(args.forks),
              "gradings": grading_costs(args.gradings)}
    forks, gradings = result["forks"], result["gradings"]
    print(f"fork + exit:            {forks['fork_exit_ms']:.1f} ms")
    print(f"fork + confine + exit:  {forks['fork_confine_exit_ms']:.1f} ms"
          f"  (sandbox.apply itself {forks['apply_ms']:.1f} ms)")
    print("  steps: " + ", ".join(f"{k} {v:.2f} ms" for k, v in forks["steps_ms"].items()))
    print(f"  active: {', '.join(forks['active'])}")
    print(f"one grading of {EXERCISE} (23 checks): confined {gradings['confined']:.0f} ms,"
          f" rlimits only {gradings['rlimits_only']:.0f} ms,"
          f" difference {gradings['difference_ms']:.1f} ms")
    print(f"load average: {result['load_average'][0]:.2f}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"confinement_cost-{int(time.time())}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
