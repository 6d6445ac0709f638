"""From a save to the new verdict on the screen, under `grade watch`.

    python bench/watch.py [--edits 20] [--exercise 04] [--wrong MUTANT]

Starts `grade watch` on a pseudo-terminal (as a learner's shell would), waits
for the first verdict, then saves the file --edits times, alternating a wrong
version (a mutant) and the reference solution. Each latency runs from just
before the write to the moment the new verdict's last line has been read from
the terminal; so it includes the polling delay, the settle time, the
grading, and the redraw. Target: median under 0.3 s. The watcher's own
"graded in" figure is reported beside it, to tell polling from grading.

Prints a table; writes JSON to bench/results/ (ignored by git).
"""

from __future__ import annotations

import argparse
import os
import pty
import re
import select
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import GRADE, ROOT, machine, quiet_env, summary, table, write_result  # noqa: E402

TARGET_S = 0.3
PAUSE_S = 0.5        # between a verdict and the next save, as a person would pause
DEADLINE_S = 120.0   # per verdict: only to stop a broken watcher from hanging the run


class Watcher:
    """`grade watch` on a pseudo-terminal."""

    def __init__(self, argv: list[str]):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.chdir(ROOT)
                os.execve(argv[0], argv, quiet_env())
            finally:
                os._exit(127)
        self.pending = b""

    def read_screen(self, run: int) -> tuple[str, float]:
        """Wait for the screen of run `run`; returns it and when its last line arrived."""
        marker = re.compile(rb"run %d \xc2\xb7 [^\n]*\n" % run)
        deadline = time.perf_counter() + DEADLINE_S
        while True:
            found = marker.search(self.pending)
            if found:
                arrived = time.perf_counter()
                screen, self.pending = self.pending[:found.end()], self.pending[found.end():]
                return screen.decode(errors="replace"), arrived
            left = deadline - time.perf_counter()
            if left <= 0:
                raise SystemExit(f"bench: no verdict for run {run}; the screen shows:\n"
                                 + self.pending.decode(errors="replace")[-2000:])
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise SystemExit("bench: grade watch exited:\n"
                                     + self.pending.decode(errors="replace")[-2000:])
                self.pending += chunk

    def stop(self) -> int:
        os.write(self.fd, b"\x03")
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            try:
                if select.select([self.fd], [], [], 0.1)[0]:
                    os.read(self.fd, 65536)
            except OSError:
                time.sleep(0.1)
        os.killpg(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        raise SystemExit("bench: grade watch did not stop on Ctrl-C")


def score_of(screen: str) -> str:
    found = re.search(r"score: (\S+)", screen)
    return found.group(1) if found else "?"


def graded_in(screen: str) -> float | None:
    found = re.search(r"graded in ([0-9.]+) s", screen)
    return float(found.group(1)) if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=20, help="saves to time (default 20)")
    parser.add_argument("--exercise", default="04_broadcasting")
    parser.add_argument("--wrong", default="forgot_keepdim",
                        help="the mutant saved on odd edits (default forgot_keepdim)")
    args = parser.parse_args()

    right = (ROOT / "solutions" / f"{args.exercise}.py").read_text()
    wrong_path = ROOT / "exercises" / args.exercise / "mutants" / f"{args.wrong}.py"
    wrong = wrong_path.read_text()
    work = Path(tempfile.mkdtemp(prefix="bench-watch-"))
    target = work / f"{args.exercise}.py"
    target.write_text(right)
    before = machine()
    watcher = Watcher([*GRADE, "watch", args.exercise, "--file", str(target)])
    latencies, grading, scores = [], [], {"wrong": set(), "right": set()}
    try:
        screen, _ = watcher.read_screen(1)
        first_score = score_of(screen)
        for edit in range(1, args.edits + 1):
            kind, text = ("wrong", wrong) if edit % 2 else ("right", right)
            time.sleep(PAUSE_S)
            saved = time.perf_counter()
            target.write_text(text)
            screen, shown = watcher.read_screen(edit + 1)
            latencies.append(shown - saved)
            grading.append(graded_in(screen))
            scores[kind].add(score_of(screen))
            print(f"edit {edit:2d} ({kind}): {latencies[-1]:.3f} s, score {score_of(screen)}",
                  file=sys.stderr)
        code = watcher.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if code != 0:
        raise SystemExit(f"bench: grade watch exited {code} after Ctrl-C")
    if scores["right"] & scores["wrong"] or len(scores["right"]) != 1:
        raise SystemExit(f"bench: the verdicts do not follow the edits: {scores}")

    lat, grd = summary(latencies), summary([g for g in grading if g is not None])
    by_kind = {kind: summary(latencies[i] for i in range(len(latencies)) if (i % 2 == 0) == (kind == "wrong"))
               for kind in ("wrong", "right")}
    print(table(["save → verdict", "median s", "min s", "max s"],
                [["all edits", lat["median"], lat["min"], lat["max"]],
                 [f"wrong ({args.wrong})", by_kind["wrong"]["median"], by_kind["wrong"]["min"],
                  by_kind["wrong"]["max"]],
                 ["right (solution)", by_kind["right"]["median"], by_kind["right"]["min"],
                  by_kind["right"]["max"]],
                 ["grading alone (watcher's own)", grd["median"], grd["min"], grd["max"]]]))
    verdict = "met" if lat["median"] < TARGET_S else "missed"
    print(f"\nmedian save → verdict: {lat['median']:.3f} s over {len(latencies)} edits"
          f" (first verdict {first_score}, then {sorted(scores['wrong'])} / {sorted(scores['right'])});"
          f" target < {TARGET_S} s: {verdict}")
    path = write_result("watch", {
        "exercise": args.exercise, "wrong": args.wrong, "edits": args.edits,
        "machine": before, "load_average_after": machine()["load_average"],
        "save_to_verdict_s": lat, "by_kind_s": by_kind, "grading_s": grd,
        "latencies_s": [round(x, 4) for x in latencies],
        "target_s": TARGET_S, "target_met": lat["median"] < TARGET_S,
    })
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
