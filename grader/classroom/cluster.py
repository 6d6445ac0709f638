"""`grade class --cluster local | --scheduler ADDRESS`: a class graded on a Dask cluster.

Dask's own pieces, no protocol of ours:

- `CheckProcess`, a `distributed.WorkerPlugin`, gives each Dask worker one warm
  check process for the worker's lifetime: the very check process of the local
  pool (`python -m grader.classroom worker`, pool.worker_main: course, zygote,
  pytest loaded), speaking the pool's JSON lines. Workers run one grading at a
  time (`nthreads=1`). The check process dies with its Dask worker
  (PR_SET_PDEATHSIG), its zygote and jails with it.
- The course travels with the plugin as bytes (course.yaml, exercises/,
  solutions/) with its content hash; each worker writes it into its own
  local directory, hashes what it wrote, and every task names the hash it was
  sent for: a worker holding another version of the course refuses to grade.
- A submission travels as bytes with its sha256, checked on the worker before
  it is written to a private temporary file: workers need no access to the
  submissions folder or the report.
- `client.submit(..., key=, retries=, resources=)` and `as_completed` on the
  command's side (the head), which alone writes the gradebook (run.py), one
  transaction per result as results arrive. A worker lost mid-grading is
  Dask's to reschedule elsewhere; a task that keeps killing workers ends as
  `KilledWorker` after `distributed.scheduler.allowed-failures` tries and is
  recorded as `crashed`. A check process that dies inside a task is restarted
  and the task retried once (`retries=1`), then recorded as `crashed` too.
- `--device cuda` asks for the worker resource `GPU=1`: only workers started
  with `--resources GPU=1` take those gradings.
- The jail's confinement is asked on every worker (sandbox.missing_protections)
  before it grades; an unconfined worker refuses unless --allow-unconfined, and
  each result keeps its `sandbox` report.

This module never imports torch, nor distributed at import time.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from collections import deque
from pathlib import Path

from grader.classroom.factory import FactoryDoor, WorkerFactory
from grader.classroom.pool import (STARTUP_S, Outcome, Task, stopped_result, worker_command,
                                    worker_environment)
from grader.i18n import _

try:   # only imported where a cluster is asked for (run.py imports this module lazily)
    from distributed import WorkerPlugin as _PluginBase
except ImportError:
    _PluginBase = object

PLUGIN = "torch-drills-check-process"
INSTALL = "pip install 'torch-drills[cluster]'"
CHECK_RETRIES = 1          # a task whose check process died is tried once more (Dask retries)
BATCH = 8                  # gradings per Dask task at most (fewer when there are few per worker)
ALLOWED_FAILURES = 2       # LocalCluster: a task that killed this many workers is KilledWorker

# Dask's settings for a LocalCluster: for tasks of about a tenth of a second on
# one thread each, Dask's own sampling (its profiler at 100 Hz, event-loop
# ticks at 50 Hz, memory checks at 10 Hz, in every process) cost more than the
# scheduling; bounds live in the check process and the jail, not in Dask.
LOCAL_DASK_CONFIG = {
    "distributed.scheduler.allowed-failures": ALLOWED_FAILURES,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    # Every task goes to a worker at once and waits there: no round trip to the
    # scheduler between two gradings on a worker.
    "distributed.scheduler.worker-saturation": float("inf"),
}
COURSE_PARTS = ("course.yaml", "exercises", "solutions", "release.json")


class ClusterError(Exception):
    """The cluster cannot grade (no distributed, no scheduler, unconfined workers): exit 2."""


def require_distributed():
    try:
        import distributed
    except ImportError:
        raise ClusterError(_("--cluster and --scheduler need Dask's distributed: {install}"
                             ).format(install=INSTALL)) from None
    return distributed


# ------------------------------------------------------------------ the course as bytes

def course_files(root: Path) -> dict[str, bytes]:
    """What a worker needs of the course: course.yaml, exercises/, solutions/."""
    root = Path(root)
    files: dict[str, bytes] = {}
    for part in COURSE_PARTS:
        path = root / part
        if path.is_file():
            files[part] = path.read_bytes()
        elif path.is_dir():
            for p in sorted(path.rglob("*")):
                if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
                    files[p.relative_to(root).as_posix()] = p.read_bytes()
    return files


def course_hash(files: dict[str, bytes]) -> str:
    h = hashlib.sha256()
    for name in sorted(files):
        data = files[name]
        h.update(name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return h.hexdigest()


def _read_tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts
            and p.suffix != ".pyc"}


# ------------------------------------------------------------------ the worker side

class CourseMismatch(Exception):
    """This worker holds another version of the course."""


class CheckProcessDied(Exception):
    """The check process died while grading (retried by Dask, then `crashed`)."""


class Unconfined(Exception):
    """This worker cannot confine student code and was not allowed to grade unconfined."""


class CheckProcess(_PluginBase):
    """A WorkerPlugin: one warm check process per worker."""

    name = PLUGIN
    idempotent = False

    def __init__(self, files: dict[str, bytes], digest: str, device: str,
                 allow_processes: bool, door: str | None = None):
        self.files = files
        self.digest = digest
        self.device = device
        self.allow_processes = allow_processes
        # A LocalCluster's: the command's factory (factory.FactoryDoor), on this machine.
        self.door = door

    # -- lifecycle (called by the Dask worker)
    def setup(self, worker):
        self.worker_address = getattr(worker, "address", "")
        base = Path(getattr(worker, "local_directory", None) or tempfile.gettempdir())
        self.folder = base / f"torch-drills-course-{self.digest[:16]}"
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, data in self.files.items():
            path = self.folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists() or path.read_bytes() != data:
                path.write_bytes(data)
        self.files = {}   # written; keep no second copy in memory
        self.verified = course_hash(_read_tree(self.folder)) == self.digest
        self.work = Path(tempfile.mkdtemp(prefix="torch-drills-subs-", dir=base))
        self.log = base / "torch-drills-check-process.log"
        from grader.jail.sandbox import missing_protections
        self.missing = missing_protections(self.allow_processes)
        self.lock = threading.Lock()
        self.proc = None
        self.events: queue.Queue = queue.Queue()
        if self.verified:
            self._spawn()   # warms up while the worker waits for its first task

    def teardown(self, worker):
        self._stop()

    def _spawn(self) -> None:
        self.events = queue.Queue()
        self.ready = False
        with open(self.log, "ab") as log:
            self.proc = self._forked(log)
            if self.proc is None:
                self.proc = subprocess.Popen(
                    # pin: a core of its own, if this machine has one left (cores.py)
                    worker_command(self.folder, self.device, pin=True),
                    env=worker_environment(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=log, start_new_session=True)
        threading.Thread(target=self._read, args=(self.proc, self.events), daemon=True).start()

    def _forked(self, log):
        """A check process forked by the command's factory, or None (start our own)."""
        if not self.door:
            return None
        try:
            factory = WorkerFactory.through(self.door)
        except OSError:
            return None   # the door is gone (the command ended, or another machine)
        try:
            return factory.spawn(self.folder, self.device, log, pin=True)
        except OSError:
            factory.close()
            return None

    @staticmethod
    def _read(proc, events) -> None:
        for line in proc.stdout:
            try:
                events.put(json.loads(line))
            except ValueError:
                continue
        events.put(None)

    def _stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        if getattr(proc, "factory", None) is not None:
            proc.factory.close()   # our line to the command's factory (FactoryDoor)

    def _next(self, deadline: float):
        """The next message of the check process, "died", or "late" past the deadline."""
        try:
            message = self.events.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return "late"
        return "died" if message is None else message

    # -- one grading (in the worker's single task thread)
    def grade(self, message: dict, data: bytes, sha256: str, digest: str, limit_s: float,
              allow_unconfined: bool) -> dict:
        if digest != self.digest or not self.verified:
            raise CourseMismatch(_("worker {worker} holds another version of the course"
                                   ).format(worker=self.worker_address))
        if self.missing and not allow_unconfined:
            raise Unconfined(_("worker {worker} cannot confine student code ({missing}"
                               " missing); pass --allow-unconfined to grade there anyway"
                               ).format(worker=self.worker_address,
                                        missing=", ".join(self.missing)))
        if hashlib.sha256(data).hexdigest() != sha256:
            return {"error": _("the submission's bytes do not match its hash")}
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                self._spawn()
            while not self.ready:
                got = self._next(time.monotonic() + STARTUP_S)
                if got in ("died", "late"):
                    self._stop()
                    raise CheckProcessDied(_("the check process did not start"))
                if "fatal" in got:
                    self._stop()
                    raise ClusterError(got["fatal"])
                self.ready = bool(got.get("ready"))
            folder = Path(tempfile.mkdtemp(dir=self.work))
            # The handed-in name (a notebook stays a notebook), never a path of the head's.
            path = folder / (Path(message.pop("name", "") or "submission.py").name)
            path.write_bytes(data)
            os.chmod(folder, 0o755)
            task = {**message, "path": str(path)}
            try:
                self.proc.stdin.write((json.dumps(task) + "\n").encode())
                self.proc.stdin.flush()
                while True:
                    got = self._next(time.monotonic() + limit_s)
                    if got == "late":
                        self._stop()
                        return {"result": stopped_result(
                            _task(message), "timeout",
                            _("grading took longer than {seconds} s and was stopped"
                              ).format(seconds=f"{limit_s:g}")), "worker": self.worker_address}
                    if got == "died":
                        self._stop()
                        raise CheckProcessDied(_("the check process died"))
                    if got.get("id") == message["id"]:
                        break
            except OSError:
                self._stop()
                raise CheckProcessDied(_("the check process died")) from None
            finally:
                try:
                    path.unlink()
                    folder.rmdir()
                except OSError:
                    pass
            if got.get("fatal_worker"):
                self._stop()
            out = {"worker": self.worker_address}
            if "result" in got:
                out["result"] = got["result"]
            else:
                out["error"] = got.get("error", "unknown error")
            return out


def _task(message: dict) -> Task:
    return Task(message["id"], message["student"], message["exercise"], "", "",
                message["device"], lang=message.get("lang", "en"))


def grade_on_worker(message: dict, data: bytes, sha256: str, digest: str, limit_s: float,
                    allow_unconfined: bool) -> dict:
    """The Dask task: grade one submission with this worker's warm check process."""
    from distributed import get_worker
    plugin = get_worker().plugins.get(PLUGIN)
    if plugin is None:
        raise CourseMismatch(_("this worker has no check process (the plugin is not set up)"))
    return plugin.grade(dict(message), data, sha256, digest, limit_s, allow_unconfined)


def grade_batch_on_worker(batch: list, digest: str, limit_s: float,
                          allow_unconfined: bool) -> list[dict]:
    """The Dask task of several gradings, (message, bytes, sha256) each: Dask's own
    cost per task (messages, scheduling) is paid once for them. A check process
    that dies takes only its own grading with it: that one answers {"died": why}
    (the head sends it again alone) and the next starts a fresh check process."""
    from distributed import get_worker
    plugin = get_worker().plugins.get(PLUGIN)
    if plugin is None:
        raise CourseMismatch(_("this worker has no check process (the plugin is not set up)"))
    replies = []
    for message, data, sha256 in batch:
        try:
            replies.append(plugin.grade(dict(message), data, sha256, digest, limit_s,
                                        allow_unconfined))
        except CheckProcessDied as e:
            replies.append({"died": str(e)})
    return replies


def worker_confinement(allow_processes: bool) -> list[str]:
    from grader.jail.sandbox import missing_protections
    return missing_protections(allow_processes)


def resources_for(device: str) -> dict | None:
    """The worker resources a grading needs: a GPU for --device cuda."""
    return {"GPU": 1} if device == "cuda" else None


# ------------------------------------------------------------------ the head

def _raise_if_refused(error: BaseException) -> None:
    """A worker that refuses to grade at all (another course, unconfined) stops the run."""
    if type(error).__name__ in ("CourseMismatch", "Unconfined", "ClusterError"):
        raise ClusterError(str(error))


def _reply_outcome(task: Task, reply: dict) -> Outcome:
    if "result" in reply:
        return Outcome(task, result=reply["result"])
    return Outcome(task, error=reply.get("error", "unknown error"))


class ClusterPool:
    """The Pool's interface (run(tasks) -> Outcomes, close()) on a Dask cluster."""

    def __init__(self, course_root: Path, workers: int, device: str, log_dir: Path,
                 grading_limit_s: float, *, scheduler: str | None = None,
                 allow_unconfined: bool = False, allow_processes: bool = False,
                 window: int | None = None):
        require_distributed()
        self.device = device
        self.grading_limit_s = float(grading_limit_s)
        self.allow_unconfined = allow_unconfined
        self.log_dir = Path(log_dir)
        self.cluster = None
        self.factory = self.door = None
        local = scheduler in (None, "", "local")
        if local:
            # Its workers are on this machine: their check processes are forked by one
            # factory, which imports torch while Dask starts (factory.FactoryDoor).
            self.log_dir.mkdir(parents=True, exist_ok=True)
            with open(self.log_dir / "factory.log", "ab") as factory_log:
                self.factory = WorkerFactory.start(worker_environment(), factory_log)
            self.door = FactoryDoor(self.factory)
        import dask
        from distributed import Client
        self.token = uuid.uuid4().hex[:12]
        files = course_files(course_root)
        self.digest = course_hash(files)
        plugin = CheckProcess(files, self.digest, device, allow_processes,
                              door=self.door.path if self.door else None)
        try:
            if local:
                from distributed import LocalCluster
                dask.config.set(LOCAL_DASK_CONFIG)
                # plugins=: each worker starts its check process as it starts, not
                # after this client has connected and registered the plugin.
                self.cluster = LocalCluster(
                    n_workers=max(1, int(workers)), threads_per_worker=1, processes=True,
                    dashboard_address=None, resources=resources_for(device),
                    silence_logs=40, local_directory=str(self.log_dir / "dask"),
                    plugins={plugin})
                self.client = Client(self.cluster, set_as_default=False)
            else:
                self.client = Client(scheduler, timeout=30, set_as_default=False)
                self.client.register_plugin(plugin, name=PLUGIN)
        except (OSError, TimeoutError) as e:
            self.close()
            raise ClusterError(_("cannot reach the Dask scheduler {address}: {error}").format(
                address=scheduler, error=e)) from None
        if not allow_unconfined:
            missing = self.client.run(worker_confinement, allow_processes)
            bad = {w: m for w, m in missing.items() if m}
            if bad:
                worker, m = next(iter(bad.items()))
                self.close()
                raise ClusterError(_("worker {worker} cannot confine student code ({missing}"
                                     " missing): pass --allow-unconfined to grade there anyway"
                                     ).format(worker=worker, missing=", ".join(m)))
        size = max(1, len(self.client.scheduler_info().get("workers", {})), int(workers))
        self.window = window or max(32, 8 * size)
        self.size = size

    def close(self) -> None:
        client, self.client = getattr(self, "client", None), None
        if client is not None:
            try:
                if self.cluster is None:
                    client.unregister_worker_plugin(PLUGIN)
            except Exception:
                pass
            client.close()
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None
        # After the workers: the check processes it forked die with it.
        if self.door is not None:
            self.door.close()
            self.door = None
        if self.factory is not None:
            self.factory.close()
            self.factory = None

    def _read(self, task: Task) -> tuple[bytes | None, str]:
        from grader.classroom.submissions import NotReadable, read_regular
        try:
            data = read_regular(task.path)
        except NotReadable as e:
            return None, str(e)
        if hashlib.sha256(data).hexdigest() != task.sha256:
            return None, _("the file changed since it was found; run the same command again")
        return data, ""

    @staticmethod
    def _message(task: Task) -> dict:
        message = {**task.message(), "name": Path(task.path).name}
        message.pop("path", None)
        message.pop("forge_against", None)
        return message

    def _submit(self, group: list[tuple[Task, bytes]]):
        """One task for the group: alone with Dask's retries, or a batch of several."""
        task, data = group[0]
        if len(group) == 1:
            return self.client.submit(
                grade_on_worker, self._message(task), data, task.sha256, self.digest,
                self.grading_limit_s, self.allow_unconfined, key=f"grade-{self.token}-{task.id}",
                pure=False, retries=CHECK_RETRIES, resources=resources_for(task.device))
        return self.client.submit(
            grade_batch_on_worker, [(self._message(t), d, t.sha256) for t, d in group],
            self.digest, self.grading_limit_s, self.allow_unconfined,
            key=f"grades-{self.token}-{task.id}", pure=False, retries=0,
            resources=resources_for(task.device))

    def run(self, tasks: list[Task]):
        """Yield an Outcome per task as each finishes, at most `window` in flight.

        Gradings travel in batches (a few per worker at a time, BATCH at most),
        so Dask's cost per task is shared. A grading whose check process died in
        a batch, and every grading of a batch whose Dask worker was lost until
        Dask gave up on it, is sent again alone: its own Dask retries and
        allowed-failures then decide, as for any task.
        """
        from distributed import as_completed
        pending = deque(tasks)
        alone: deque = deque()
        died_in_batch: set[int] = set()   # task ids: one try more than Dask counts alone
        size = max(1, min(BATCH, len(tasks) // (4 * self.size)))
        by_key: dict = {}
        in_flight = 0
        flow = as_completed(loop=self.client.loop)

        def top_up():
            nonlocal in_flight
            while (alone or pending) and in_flight < self.window:
                taken = [alone.popleft()] if alone else \
                    [pending.popleft() for _ in range(min(size, len(pending)))]
                group = []
                for task in taken:
                    data, error = self._read(task)
                    if data is None:
                        yield Outcome(task, error=error)
                    else:
                        group.append((task, data))
                if group:
                    future = self._submit(group)
                    by_key[future.key] = [task for task, _ in group]
                    in_flight += len(group)
                    flow.add(future)

        yield from top_up()
        while by_key:
            future = next(flow)
            group = by_key.pop(future.key)
            in_flight -= len(group)
            if len(group) == 1:      # sent alone (_submit): Dask's retries have decided
                yield self._outcome(group[0], future, earlier=int(group[0].id in died_in_batch))
            elif future.status == "finished":
                for task, reply in zip(group, future.result()):
                    if "died" in reply:
                        alone.append(task)
                        died_in_batch.add(task.id)
                    else:
                        yield _reply_outcome(task, reply)
            else:
                _raise_if_refused(future.exception())
                alone.extend(group)
            future.release()
            yield from top_up()

    def _outcome(self, task: Task, future, earlier: int = 0) -> Outcome:
        """`earlier`: times its check process already died on it, in a batch."""
        if future.status == "finished":
            return _reply_outcome(task, future.result())
        error = future.exception()
        _raise_if_refused(error)
        name = type(error).__name__
        if name == "KilledWorker":
            why, n = _("the Dask worker died"), ALLOWED_FAILURES + 1
        elif name == "CheckProcessDied":
            why, n = str(error), earlier + CHECK_RETRIES + 1
        else:
            return Outcome(task, error=f"grader error: {name}: {error}")
        return Outcome(task, result=stopped_result(
            task, "crashed", _("{why} while grading this file, {n} times; see the workers'"
                               " logs").format(why=why, n=n)))
