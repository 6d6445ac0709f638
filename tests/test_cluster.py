"""`grade class` on a Dask cluster (grader/classroom/cluster.py): a LocalCluster of two workers.

The class is small (tests/classfixture.py, 12 students without the infinite
loop) so the module costs a minute or two on a loaded machine. Skipped where
Dask's distributed is not installed (CI installs torch-drills[cluster]).
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from classfixture import EXERCISES, make_class, make_course, submission_paths
from conftest import ROOT, run_grade

distributed = pytest.importorskip("distributed")

STUDENTS = 12


def grade(course, *args, **kw):
    kw.setdefault("timeout", 600)
    return run_grade("--course", course, *args, **kw)


def rows(report: Path, sql: str):
    db = sqlite3.connect(f"file:{report / 'gradebook.sqlite'}?mode=ro", uri=True)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        kids = []
        for task in Path(f"/proc/{p}/task").glob("*"):   # every thread's children
            try:
                kids += (task / "children").read_text().split()
            except OSError:
                continue
        for k in map(int, kids):
            if k not in found:
                found.add(k)
                todo.append(k)
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _start(course, subs, report):
    return subprocess.Popen(
        [sys.executable, "-m", "grader", "--course", str(course), "class", str(subs),
         "--out", str(report), "--workers", "2", "--cluster", "local"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
        env={**os.environ, "NO_COLOR": "1"})


def _wait_for_results(proc, report, at_least: int, timeout: float = 300) -> int:
    deadline = time.monotonic() + timeout
    done = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            done = rows(report, "SELECT COUNT(*) FROM results")[0][0]
        except sqlite3.Error:
            done = 0
        if done >= at_least:
            break
        time.sleep(0.2)
    return done


@pytest.fixture(scope="module")
def pooled(tmp_path_factory):
    """The class graded by the local pool: the grades.csv every cluster run must match."""
    base = tmp_path_factory.mktemp("cluster")
    course = make_course(base / "course")
    subs = base / "submissions"
    make_class(course, subs, STUDENTS)
    shutil.rmtree(subs / "hostile_loop")   # seconds of deadline each: not what this tests
    report = base / "POOL"
    r = grade(course, "class", subs, "--out", report, "--workers", "2")
    assert r.returncode == 0, r.stdout + r.stderr
    total = len(submission_paths(subs, EXERCISES))
    return {"course": course, "subs": subs, "report": report, "total": total}


def test_local_cluster_gives_the_pools_grades_csv(pooled, tmp_path):
    report = tmp_path / "CLUSTER"
    r = grade(pooled["course"], "class", pooled["subs"], "--out", report, "--workers", "2",
              "--cluster", "local")
    assert r.returncode == 0, r.stdout + r.stderr
    assert (report / "grades.csv").read_bytes() == (pooled["report"] / "grades.csv").read_bytes()
    assert rows(report, "SELECT COUNT(*) FROM results")[0][0] == pooled["total"]
    # Every result carries the jail's sandbox report from its worker: fully confined.
    import json
    for (document,) in rows(report, "SELECT document FROM results"):
        sandbox = json.loads(document)["sandbox"]
        if sandbox:   # a grading stopped before a jail started has none
            assert sandbox["missing"] == [] and "seccomp" in sandbox["active"]


def test_a_worker_killed_mid_run_loses_nothing(pooled, tmp_path):
    report = tmp_path / "KILLED_WORKER"
    proc = _start(pooled["course"], pooled["subs"], report)
    try:
        _wait_for_results(proc, report, 2)
        assert proc.poll() is None, "grade class finished before a worker could be killed"
        # A LocalCluster's Dask worker is a process its nanny spawned (multiprocessing);
        # its check process was forked by the command's factory (factory.FactoryDoor).
        workers = [p for p in _descendants(proc.pid) if "multiprocessing.spawn" in _cmdline(p)]
        assert len(workers) == 2
        os.kill(workers[0], signal.SIGKILL)
        assert proc.wait(timeout=400) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert (report / "grades.csv").read_bytes() == (pooled["report"] / "grades.csv").read_bytes()
    saved = rows(report, "SELECT student, exercise FROM results")
    assert len(saved) == len(set(saved)) == pooled["total"]   # nothing lost, nothing twice


def test_sigkill_of_the_command_then_resume(pooled, tmp_path):
    report = tmp_path / "RESUMED"
    total = pooled["total"]
    proc = _start(pooled["course"], pooled["subs"], report)
    helpers: set[int] = set()
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            helpers |= _descendants(proc.pid)
            if _wait_for_results(proc, report, total // 3, timeout=0.5) >= total // 3:
                break
        assert proc.poll() is None, "grade class finished before it could be killed"
        helpers |= _descendants(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
    # Its Dask workers, their check processes, jail parents and jails die with it.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(p) for p in helpers):
        time.sleep(0.2)
    assert helpers and not [p for p in helpers if _alive(p)]
    saved = rows(report, "SELECT student, exercise, sha256, graded_at FROM results")
    assert 0 < len(saved) < total
    r = grade(pooled["course"], "class", pooled["subs"], "--out", report, "--workers", "2",
              "--cluster", "local")
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"already graded {len(saved)}" in r.stdout
    assert (report / "grades.csv").read_bytes() == (pooled["report"] / "grades.csv").read_bytes()
    after = rows(report, "SELECT student, exercise, sha256, graded_at FROM results")
    assert len(after) == total and set(saved) <= set(after)


def test_cuda_gradings_go_only_to_a_worker_with_a_gpu(pooled, monkeypatch, tmp_path):
    """Resources on CPU workers: one worker has GPU=1, one has none; the grading is a stub.

    No CUDA here, so the check process is not started (CheckProcess._spawn is a
    no-op) and grade_on_worker answers where it ran: what is tested is that
    ClusterPool asks for GPU=1 for --device cuda, and nothing for cpu.
    """
    from distributed import LocalCluster, Worker, get_worker
    from grader.classroom import cluster
    from grader.classroom.pool import Task

    monkeypatch.setattr(cluster.CheckProcess, "_spawn", lambda self: None)

    def where(message, data, sha256, digest, limit_s, allow_unconfined):
        return {"result": {"worker": get_worker().address, "device": message["device"]}}

    monkeypatch.setattr(cluster, "grade_on_worker", where)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None) as local:
        local.worker_spec["gpu"] = {"cls": Worker,
                                    "options": {"nthreads": 1, "resources": {"GPU": 1}}}
        local.sync(local._correct_state)
        client = distributed.Client(local, set_as_default=False)
        client.wait_for_workers(2)
        gpu = [a for a, w in client.scheduler_info()["workers"].items() if w["resources"]]
        assert len(gpu) == 1
        client.close()
        files = submission_paths(pooled["subs"], EXERCISES)
        tasks = []
        for i, ((student, slug), _data) in enumerate(sorted(files.items())[:12]):
            path = pooled["subs"] / student / f"{slug}.py"
            if not path.is_file():
                continue
            import hashlib
            tasks.append(Task(i, student, slug, str(path),
                              hashlib.sha256(path.read_bytes()).hexdigest(),
                              "cuda" if i % 2 else "cpu"))
        pool = cluster.ClusterPool(pooled["course"], 2, "cpu", tmp_path / "logs", 30,
                                   scheduler=local.scheduler_address)
        try:
            outcomes = list(pool.run(tasks))
        finally:
            pool.close()
    assert len(outcomes) == len(tasks) and any(t.device == "cuda" for t in tasks)
    for o in outcomes:
        assert o.result is not None, o.error
        if o.task.device == "cuda":
            assert o.result["worker"] == gpu[0]


def test_a_worker_with_another_course_refuses(pooled, tmp_path, monkeypatch):
    from grader.classroom import cluster
    monkeypatch.setattr(cluster.CheckProcess, "_spawn", lambda self: None)
    files = cluster.course_files(pooled["course"])
    digest = cluster.course_hash(files)

    class FakeWorker:
        address = "tcp://fake:1"
        local_directory = str(tmp_path)

    # A worker whose folder for this course holds one more file than was sent.
    folder = tmp_path / f"torch-drills-course-{digest[:16]}" / "exercises"
    folder.mkdir(parents=True)
    (folder / "extra.py").write_text("x = 1\n")
    plugin = cluster.CheckProcess(dict(files), digest, "cpu", False)
    plugin.setup(FakeWorker())
    message = {"id": 0, "student": "s", "exercise": EXERCISES[0], "device": "cpu", "lang": "en"}
    with pytest.raises(cluster.CourseMismatch):
        plugin.grade(dict(message), b"x = 1\n", "0" * 64, digest, 10, True)
    (folder / "extra.py").unlink()
    plugin = cluster.CheckProcess(dict(files), digest, "cpu", False)
    plugin.setup(FakeWorker())
    # The task was sent for another version of the course.
    with pytest.raises(cluster.CourseMismatch):
        plugin.grade(dict(message), b"x = 1\n", "0" * 64, "f" * 64, 10, True)
    # The bytes are not those of their hash: not graded.
    reply = plugin.grade(dict(message), b"x = 1\n", "0" * 64, digest, 10, True)
    assert "error" in reply and "hash" in reply["error"]


def test_without_distributed_one_line_says_what_to_install(pooled, tmp_path):
    fake = tmp_path / "site"
    (fake / "distributed").mkdir(parents=True)
    (fake / "distributed" / "__init__.py").write_text("raise ImportError('not installed')\n")
    env = {"PYTHONPATH": os.pathsep.join([str(fake), os.environ.get("PYTHONPATH", "")])}
    for option in (["--cluster", "local"], ["--scheduler", "tcp://127.0.0.1:8786"]):
        r = grade(pooled["course"], "class", pooled["subs"], "--out", tmp_path / "R", *option,
                  env=env)
        assert r.returncode == 2, r.stdout + r.stderr
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and "pip install 'torch-drills[cluster]'" in lines[0], r.stderr
        assert "Traceback" not in r.stderr


def test_a_batch_regrades_alone_only_what_killed_its_check_process(pooled, monkeypatch,
                                                                   tmp_path):
    """Gradings travel several to a Dask task; one whose check process dies every time is
    sent again alone and ends `crashed` after its own tries; its batch-mates are graded once."""
    import collections
    import hashlib
    from distributed import LocalCluster
    from grader.classroom import cluster
    from grader.classroom.pool import Task

    calls = collections.Counter()
    monkeypatch.setattr(cluster.CheckProcess, "_spawn", lambda self: None)

    def grade(self, message, data, sha256, digest, limit_s, allow_unconfined):
        calls[message["student"]] += 1
        if message["student"] == "victim":
            raise cluster.CheckProcessDied("the check process died")
        return {"result": {"student": message["student"], "bytes": len(data)}}

    monkeypatch.setattr(cluster.CheckProcess, "grade", grade)
    tasks = []
    for i in range(48):
        student = "victim" if i == 13 else f"s{i:02d}"
        path = tmp_path / "subs" / student / f"{EXERCISES[0]}.py"
        path.parent.mkdir(parents=True)
        path.write_text(f"x = {i}\n")
        tasks.append(Task(i, student, EXERCISES[0], str(path),
                          hashlib.sha256(path.read_bytes()).hexdigest(), "cpu"))
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None) as local:
        pool = cluster.ClusterPool(pooled["course"], 1, "cpu", tmp_path / "logs", 30,
                                   scheduler=local.scheduler_address)
        submitted = []
        real_submit = pool._submit
        monkeypatch.setattr(pool, "_submit", lambda group: submitted.append(len(group))
                            or real_submit(group))
        try:
            outcomes = list(pool.run(tasks))
        finally:
            pool.close()
    assert max(submitted) > 1                      # batches did travel
    assert sorted(o.task.id for o in outcomes) == list(range(48))   # each once
    by_student = {o.task.student: o for o in outcomes}
    assert by_student["victim"].result["status"] == "crashed"
    assert f"{1 + cluster.CHECK_RETRIES + 1} times" in by_student["victim"].result["message"]
    assert calls["victim"] == 1 + cluster.CHECK_RETRIES + 1     # in its batch, then alone
    assert all(calls[s] == 1 and by_student[s].result["student"] == s
               for s in by_student if s != "victim")
