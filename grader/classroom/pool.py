"""Grade a whole class: a pool of check processes, each with its own warm jail parent.

Why check processes of our own speaking JSON lines over stdin/stdout, rather
than multiprocessing:

- A worker is forked from the factory (factory.py): a fresh interpreter that
  imported torch and the jail's code and nothing else, so the pool pays one
  torch import, not one per worker. A fork of `grade class` itself would
  inherit whatever it did, and forkserver ignores its preload list on Python
  3.11 (DESIGN.md). A worker forks its jail parent (the zygote) before it
  loads the course, so the zygote never holds the course's salt.
- Nothing is pickled, and a worker that dies takes only its own grading with
  it: the pool notices the closed pipe, retries that grading once on a fresh
  worker, and carries on (a ProcessPoolExecutor breaks as a whole).
- Workers ask the kernel to kill them when their parent (the factory) dies,
  as it does when `grade class` dies, and their zygotes and jails follow, so
  `kill -9` of `grade class` leaves nothing running.

A Dask worker (cluster.py) starts its one check process as
`python -m grader.classroom worker ...` (__main__.py) instead.

The parent never imports torch (run.py writes the gradebook).
"""

from __future__ import annotations

import json
import os
import platform
import queue
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from grader import __version__
from grader.classroom.factory import ForkedWorker, WorkerFactory
from grader.i18n import _

STARTUP_S = 300.0          # a worker that is not ready by then is dead
RETRIES = 1                # a grading whose worker died is tried once more
DEPTH = 2                  # tasks sent ahead to a worker, so it never waits for the next


class PoolError(Exception):
    """The pool cannot grade at all (no worker starts): exit 2."""


# ------------------------------------------------------------------ the worker

def _send(stream, message: dict) -> None:
    # A student's exception message may hold lone surrogates: they become "?"
    # here, so everything downstream (gradebook, pages) is valid UTF-8.
    stream.write(json.dumps(message, ensure_ascii=False).encode("utf-8", "replace") + b"\n")
    stream.flush()


def worker_command(course_root: Path, device: str, pin: bool = False) -> list[str]:
    return [sys.executable, "-m", "grader.classroom", "worker", str(Path(course_root).resolve()),
            str(os.getpid()), device, *(["pin"] if pin else [])]


def worker_environment() -> dict[str, str]:
    """A worker's whole environment: its zygote is a fork of it (fork_zygote), so the
    worker holds no more of ours than a zygote may."""
    from grader.jail.zygote import zygote_environment
    return zygote_environment()


def worker_main(course_root: str, parent_pid: int, device: str, pin: bool = False) -> None:
    """One check process: warm up, then grade each task read from stdin; with `pin`, on a
    core of its own where one is free (grader/classroom/cores.py)."""
    from grader.jail.zygote import die_with_parent
    die_with_parent(parent_pid)
    if pin:
        from grader.classroom import cores
        cores.claim()   # before the zygote is forked: it and its jails inherit the core
    # Ctrl-C reaches the whole terminal group; the parent decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Our stdout is the protocol: keep a private copy of it and point fd 1 at
    # stderr, so a stray print (ours, pytest's, a C library's) cannot corrupt it.
    protocol = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    # The jail's parent first: a fork of this process before it reads anything
    # of the course (nor its salt), so one torch import serves both.
    import torch
    from grader.jail.zygote import fork_zygote
    zygote = fork_zygote()
    from grader.course import CourseError, load_course
    try:
        course = load_course(Path(course_root))
    except CourseError as e:
        zygote.close()
        _send(protocol, {"fatal": str(e)})
        return
    from grader.runner import Grader, SubmissionError   # imports torch; runs no op
    from grader import i18n
    grader = Grader.start(course, zygote)
    if device == "cuda":
        # Ask NVML, not the CUDA runtime: this process never runs CUDA itself.
        os.environ.setdefault("PYTORCH_NVML_BASED_CUDA_CHECK", "1")
        if not torch.cuda.is_available():
            grader.close()
            _send(protocol, {"fatal": "--device cuda: CUDA is not available on this machine"})
            return
    # One core per worker: the pool is the parallelism.
    torch.set_num_threads(1)
    grader.warm_up()
    _send(protocol, {"ready": True, "pid": os.getpid()})
    reference_logs: dict = {}   # (exercise, solution path) -> the reference's ClaimLog
    try:
        for line in sys.stdin:
            task = json.loads(line)
            try:
                ex = course.find(task["exercise"])
                # The language the class is graded in: every message of this result.
                i18n.use(task.get("lang") or "en")
                if task.get("forge_against"):
                    result = _graded_with_proof(grader, ex, task, reference_logs)
                else:
                    result = grader.grade(ex, Path(task["path"]), device=task["device"],
                                          student=task["student"])
                _send(protocol, {"id": task["id"], "result": result})
            except (SubmissionError, CourseError) as e:
                _send(protocol, {"id": task["id"], "error": str(e)})
            except Exception as e:  # a grader bug: report it, then let a fresh worker go on
                import traceback
                traceback.print_exc()
                _send(protocol, {"id": task["id"], "error": f"grader error: {type(e).__name__}: {e}",
                                 "fatal_worker": True})
                return
    finally:
        grader.close()


def _graded_with_proof(grader, ex, task: dict, reference_logs: dict) -> dict:
    """The honest result of a mutant, plus what forged claims would have changed."""
    from grader import claimproof
    key = (ex.slug, task["forge_against"])
    if key not in reference_logs:
        reference_logs[key] = claimproof.reference_log(grader, ex, Path(task["forge_against"]),
                                                       task["device"])
    proof = claimproof.compare(grader, ex, Path(task["path"]), reference_logs[key],
                               task["device"], task["student"])
    result = proof.honest
    result["claim_proof"] = {"pairs": proof.pairs, "flips": proof.flips,
                             "claim_only": proof.claim_only}
    return result


# ------------------------------------------------------------------ the pool

@dataclass
class Task:
    id: int
    student: str
    exercise: str
    path: str
    sha256: str
    device: str
    tries: int = 0
    forge_against: str = ""   # a reference solution: also run the claim-forging proof (claimproof.py)
    lang: str = "en"          # the language of the result's messages (grade class --lang)

    def message(self) -> dict:
        message = {"id": self.id, "student": self.student, "exercise": self.exercise,
                   "path": self.path, "device": self.device, "lang": self.lang}
        if self.forge_against:
            message["forge_against"] = self.forge_against
        return message


@dataclass
class Outcome:
    task: Task
    result: dict | None = None     # a grade-result/1 document
    error: str = ""                # could not be graded (not stored)


@dataclass
class _Worker:
    number: int
    proc: "subprocess.Popen | ForkedWorker"
    ready: bool = False
    tasks: deque = field(default_factory=deque)   # sent, not finished; the first is running
    since: float = 0.0                            # when the first of them started
    last_exercise: str = ""
    started: float = field(default_factory=time.monotonic)


class Pool:
    """N check processes, each sent DEPTH tasks ahead; results come back as they finish."""

    def __init__(self, course_root: Path, workers: int, device: str, log_dir: Path,
                 grading_limit_s: float):
        self.course_root = Path(course_root)
        self.size = max(1, int(workers))
        self.device = device
        self.log_dir = Path(log_dir)
        self.grading_limit_s = grading_limit_s
        self.events: queue.Queue = queue.Queue()
        self.workers: dict[int, _Worker] = {}
        self.next_number = 0
        self.deaths = 0
        self.factory: WorkerFactory | None = None   # start_factory(), or the first worker

    # -- worker lifecycle
    def _spawn(self) -> _Worker:
        number = self.next_number
        self.next_number += 1
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_dir / f"worker-{number % self.size}.log", "ab") as log:
            proc = self._forked(log)
        worker = _Worker(number, proc)
        self.workers[number] = worker
        threading.Thread(target=self._read, args=(worker,), daemon=True).start()
        return worker

    def start_factory(self) -> None:
        """Start the factory now (its torch import takes seconds), not with the first worker."""
        if self.factory is None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            with open(self.log_dir / "factory.log", "ab") as factory_log:
                self.factory = WorkerFactory.start(worker_environment(), factory_log)

    def _forked(self, log):
        """A worker forked by the factory (one torch import for the pool); a factory
        that died is started again once."""
        for attempt in range(2):
            self.start_factory()
            try:
                # A core each while there are enough; more workers than cores would
                # queue behind each other on a pinned one.
                pin = self.size <= len(os.sched_getaffinity(0)) \
                    if hasattr(os, "sched_getaffinity") else False
                return self.factory.spawn(self.course_root, self.device, log, pin)
            except OSError:
                self.factory.close()
                self.factory = None
                if attempt:
                    raise

    def _read(self, worker: _Worker) -> None:
        for line in worker.proc.stdout:
            try:
                self.events.put((worker.number, json.loads(line)))
            except ValueError:
                continue
        self.events.put((worker.number, None))

    def _kill(self, worker: _Worker) -> None:
        self.workers.pop(worker.number, None)
        try:
            os.killpg(worker.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            worker.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def close(self) -> None:
        for worker in list(self.workers.values()):
            try:
                worker.proc.stdin.close()
            except OSError:
                pass
        deadline = time.monotonic() + 10
        for worker in list(self.workers.values()):
            try:
                worker.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            self._kill(worker)
        if self.factory is not None:
            self.factory.close()
            self.factory = None

    def _log_tail(self) -> str:
        try:
            text = (self.log_dir / "worker-0.log").read_text(errors="replace").strip()
            return text.splitlines()[-1] if text else ""
        except OSError:
            return ""

    # -- running
    def run(self, tasks: list[Task]):
        """Yield an Outcome per task as each finishes."""
        pending = deque(tasks)
        for _worker in range(min(self.size, len(tasks))):
            self._spawn()
        watched = time.monotonic()
        while pending or any(w.tasks for w in self.workers.values()):
            if time.monotonic() - watched >= 1.0:
                watched = time.monotonic()
                yield from self._watchdog(pending)
            for worker in self.workers.values():
                while worker.ready and len(worker.tasks) < DEPTH and pending:
                    task = self._next_task(worker, pending)
                    try:
                        worker.proc.stdin.write((json.dumps(task.message()) + "\n").encode())
                        worker.proc.stdin.flush()
                    except OSError:
                        pending.appendleft(task)   # it died; its EOF event follows
                        break
                    if not worker.tasks:
                        worker.since = time.monotonic()
                    worker.tasks.append(task)
                    worker.last_exercise = task.exercise
            try:
                number, message = self.events.get(timeout=1.0)
            except queue.Empty:
                continue
            worker = self.workers.get(number)
            if worker is None:
                continue                            # a worker we already killed
            if message is None:
                yield from self._died(worker, pending, _("the check process died"))
            elif "fatal" in message:
                self.close()
                raise PoolError(message["fatal"])
            elif message.get("ready"):
                worker.ready = True
            elif "id" in message and worker.tasks and message["id"] == worker.tasks[0].id:
                task = worker.tasks.popleft()
                worker.since = time.monotonic()   # the next one starts now
                if "result" in message:
                    yield Outcome(task, result=message["result"])
                else:
                    yield Outcome(task, error=message.get("error", "unknown error"))
                if message.get("fatal_worker"):
                    pending.extendleft(reversed(worker.tasks))   # never started
                    worker.tasks.clear()
                    self._kill(worker)
                    self._respawn_if_needed(pending)

    def _next_task(self, worker: _Worker, pending: deque) -> Task:
        """The next task, preferring one of the exercise this worker graded last.

        A check process keeps an exercise's check modules imported; switching
        exercises can cost a re-import. Looking only a few tasks ahead keeps
        students finishing roughly in order.
        """
        for i in range(min(len(pending), 2 * self.size)):
            if pending[i].exercise == worker.last_exercise:
                task = pending[i]
                del pending[i]
                return task
        return pending.popleft()

    def _watchdog(self, pending):
        now = time.monotonic()
        for worker in list(self.workers.values()):
            if not worker.ready and now - worker.started > STARTUP_S:
                yield from self._died(worker, pending, _("the check process did not start"))
            elif worker.tasks and now - worker.since > self.grading_limit_s:
                task = worker.tasks.popleft()
                pending.extendleft(reversed(worker.tasks))   # never started
                worker.tasks.clear()
                self._kill(worker)
                self._respawn_if_needed(pending)
                yield Outcome(task, result=stopped_result(
                    task, "timeout", _("grading took longer than {seconds} s and was stopped"
                                       ).format(seconds=f"{self.grading_limit_s:g}")))

    def _died(self, worker: _Worker, pending, why: str):
        task = worker.tasks.popleft() if worker.tasks else None
        pending.extendleft(reversed(worker.tasks))   # never started: no try counted
        worker.tasks.clear()
        self._kill(worker)
        self.deaths += 1
        if self.deaths > 3 * self.size + 3 or (not worker.ready and not any(
                w.ready for w in self.workers.values()) and self.deaths >= self.size):
            self.close()
            tail = self._log_tail()
            raise PoolError(f"the check processes keep dying ({why})"
                            + (f": {tail}" if tail else "")
                            + f"; see {self.log_dir}/worker-*.log")
        if task is not None:
            task.tries += 1
            if task.tries <= RETRIES:
                pending.appendleft(task)
            else:
                yield Outcome(task, result=stopped_result(
                    task, "crashed", _("{why} while grading this file, {n} times; see"
                                       " {folder}/").format(why=why, n=task.tries,
                                                            folder=self.log_dir)))
        self._respawn_if_needed(pending)

    def _respawn_if_needed(self, pending) -> None:
        busy = sum(1 for w in self.workers.values() if w.tasks)
        if len(self.workers) < self.size and len(self.workers) < len(pending) + busy:
            self._spawn()


def stopped_result(task: Task, status: str, message: str) -> dict:
    """A grade-result/1 document for a grading the pool had to stop: no checks, no points."""
    try:
        from importlib.metadata import version
        torch_version = version("torch").split("+")[0]
    except Exception:
        torch_version = ""
    return {"schema": "grade-result/1", "exercise": task.exercise, "student": task.student,
            "device": task.device, "status": status, "score": 0.0, "max_score": 0.0,
            "duration_s": 0.0, "message": message, "checks": [], "stdout": "", "stderr": "",
            "sandbox": {}, "lang": task.lang,
            "environment": {"python": platform.python_version(),
                                           "torch": torch_version, "grader": __version__,
                                           "platform": platform.system().lower()}}
