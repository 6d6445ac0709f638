"""`grade class` and `grade report` end to end, on a synthetic class (tests/classfixture.py).

The class here has 200 students (2 exercises, about 360 gradings), as the
instructors' issue asks; bench/class_throughput.py times the same class.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from grader.classroom import fanout, reports

from classfixture import EXERCISES, make_class, make_course, submission_paths
from conftest import ROOT, run_grade

CLASS_SIZE = 200


def grade(course, *args, **kw):
    kw.setdefault("timeout", 600)
    return run_grade("--course", course, *args, **kw)


def rows(report: Path, sql: str, *args):
    db = sqlite3.connect(str(report / "gradebook.sqlite"))
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A course, a class of CLASS_SIZE, and one uninterrupted `grade class` run."""
    base = tmp_path_factory.mktemp("class")
    course = make_course(base / "course")
    plan = make_class(course, base / "submissions", CLASS_SIZE)
    report = base / "REPORT"
    r = grade(course, "class", base / "submissions", "--out", report, "--workers", "2")
    assert r.returncode == 0, r.stdout + r.stderr
    return {"base": base, "course": course, "subs": base / "submissions", "plan": plan,
            "report": report, "output": r.stdout, "stderr": r.stderr}


# ------------------------------------------------------------------ grading

def test_one_line_per_student_when_not_a_terminal(graded):
    lines = graded["output"].splitlines()
    students = sorted(graded["plan"])
    per_student = [ln for ln in lines if ln.split("  ")[0] in graded["plan"]]
    assert sorted(ln.split("  ")[0] for ln in per_student) == students
    assert f"{CLASS_SIZE} student(s): graded" in graded["output"]


def test_gradebook_matches_grading_each_submission_alone(graded, make_grader, tmp_path):
    report, course = graded["report"], graded["course"]
    files = submission_paths(graded["subs"], EXERCISES)
    stored = {(s, e): json.loads(doc) for s, e, doc in
              rows(report, "SELECT student, exercise, document FROM results")}
    # Every file the class holds was graded once, and nothing else was.
    assert set(stored) == set(files)
    grader = make_grader(course)
    for (student, slug), data in sorted(files.items()):
        path = tmp_path / student.encode().hex() / f"{slug}.py"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        alone = grader.grade(grader.course.find(slug), path, student=student)
        mine = stored[(student, slug)]
        assert mine["schema"] == "grade-result/1" and mine["student"] == student
        assert (mine["status"], mine["score"], mine["max_score"]) == \
            (alone["status"], alone["score"], alone["max_score"]), (student, slug)
        assert [(c["id"], c["outcome"], c["score"]) for c in mine["checks"]] == \
            [(c["id"], c["outcome"], c["score"]) for c in alone["checks"]], (student, slug)


def test_hostile_and_broken_submissions(graded):
    report, plan = graded["report"], graded["plan"]
    status = {(s, e): (st, score) for s, e, st, score in
              rows(report, "SELECT student, exercise, status, score FROM results")}
    first = EXERCISES[0]
    assert status[("hostile_loop", first)] == ("timeout", 0.0)
    assert status[("hostile_exit", first)] == ("crashed", 0.0)
    # Patching torch in the jail changes nothing: the mutant underneath still loses points.
    full = {e: m for e, m in rows(report, "SELECT slug, points FROM exercises")}
    for ex in EXERCISES:
        assert status[("hostile_patch", ex)][1] < full[ex]
    # The other exercise of a hostile student is graded normally.
    assert status[("hostile_loop", EXERCISES[1])] == ("graded", full[EXERCISES[1]])
    notes = dict(rows(report, "SELECT student, notes FROM students"))
    assert "not a readable zip archive" in notes["broken_zip"]
    assert "point outside the archive" in notes["zip_slip"]
    assert not any(("broken_zip", e) in status for e in EXERCISES)
    # The zip-slip entries went nowhere: only the one safe file was extracted.
    extracted = sorted(p.relative_to(report / "extracted").as_posix()
                       for p in (report / "extracted").rglob("*") if p.is_file())
    assert f"zip_slip/{first}.py" in extracted
    assert all(p.count("/") == 1 for p in extracted)
    assert not (report / f"{first}.py").exists() and not (graded["subs"].parent / f"{first}.py").exists()
    # Missing files are missing, not errors.
    missing = [(s, e) for s, kinds in plan.items() for e, k in kinds.items() if k == "missing"]
    assert missing and not any(m in status for m in missing)


def test_grades_csv_one_row_per_student(graded):
    text = (graded["report"] / "grades.csv").read_text(encoding="utf-8")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["student", *EXERCISES, "total", "percentage", "notes"]
    assert len(table) == CLASS_SIZE + 1
    by_id = {r[0]: r for r in table[1:]}
    # A student id a spreadsheet would run as a formula is defused.
    assert "'=1+1" in by_id and "=1+1" not in by_id
    full = by_id["o'brien jr"]
    assert full[-2] == "100.00" and float(full[-3]) == sum(float(x) for x in full[1:-3])
    assert by_id["broken_zip"][1:-1] == ["0", "0", "0", "0.00"]
    assert "not a readable zip archive" in by_id["broken_zip"][-1]


def test_results_json_and_gradescope(graded):
    report = graded["report"]
    doc = json.loads((report / "results.json").read_text(encoding="utf-8"))
    assert doc["schema"] == "grade-class/1" and len(doc["students"]) == CLASS_SIZE
    one = next(s for s in doc["students"] if s["id"] == "hostile_patch")
    assert one["exercises"][EXERCISES[0]]["result"]["schema"] == "grade-result/1"
    kinds = {(f["student"], f["kind"]) for f in doc["flags"]}
    assert {("hostile_loop", "timeout"), ("hostile_exit", "crash"),
            ("hostile_patch", "tamper"), ("hostile_exit", "tamper")} <= kinds
    gs = json.loads((report / "gradescope" / "hostile_patch" / "results.json").read_text())
    assert set(gs) >= {"score", "tests", "execution_time"}
    assert abs(gs["score"] - sum(t["score"] for t in gs["tests"])) < 1e-6
    for t in gs["tests"]:
        assert set(t) >= {"name", "score", "max_score", "output", "visibility", "execution_time"}
        assert t["visibility"] in ("visible", "after_due_date")
    assert any(t["visibility"] == "after_due_date" for t in gs["tests"])


# ------------------------------------------------------------------ reports

def _hidden_secrets(report: Path, student: str) -> list[str]:
    """Evidence of the student's failed hidden checks (inputs, expected and actual values,
    the seed), as HTML shows it, less any line a visible check shows too."""
    docs = [json.loads(d) for (d,) in rows(report, "SELECT document FROM results WHERE student = ?",
                                           student)]
    checks = [c for d in docs for c in d["checks"]]

    def evidence(c):   # the evidence field, or a message's lines after its first (older results)
        return (c.get("evidence") or "").splitlines() + (c["message"] or "").splitlines()[1:]

    visible = {ln.strip() for c in checks if c["visibility"] == "visible"
               for ln in (c["title"], *c["message"].splitlines(), *evidence(c))}
    hidden = [c for c in checks if c["visibility"] == "hidden" and c["outcome"] != "passed"]
    texts = {ln.strip() for c in hidden for ln in evidence(c) if len(ln.strip()) >= 8}
    return sorted(html.escape(t) for t in texts if not any(t in v for v in visible))


def test_student_pages_hide_hidden_details_unless_revealed(graded):
    report, course = graded["report"], graded["course"]
    secrets = _hidden_secrets(report, "hostile_patch")
    assert secrets, "the fixture's mutants should fail a hidden check"
    page = report / "students" / "hostile_patch.html"
    text = page.read_text(encoding="utf-8")
    assert not any(s in text for s in secrets)
    before = rows(report, "SELECT student, exercise, sha256, graded_at FROM results ORDER BY 1, 2")
    csv_before = (report / "grades.csv").read_bytes()
    r = grade(course, "report", report, "--reveal-hidden")
    assert r.returncode == 0, r.stderr
    assert all(s in page.read_text(encoding="utf-8") for s in secrets)
    r = grade(course, "report", report)
    assert r.returncode == 0, r.stderr
    assert not any(s in page.read_text(encoding="utf-8") for s in secrets)
    # Re-rendering grades nothing and changes no grade.
    assert rows(report, "SELECT student, exercise, sha256, graded_at FROM results ORDER BY 1, 2") \
        == before
    assert (report / "grades.csv").read_bytes() == csv_before


def test_class_report_content(graded):
    text = (graded["report"] / "index.html").read_text(encoding="utf-8")
    assert text.count('<svg class="histogram"') == len(EXERCISES)
    assert "http://" not in text and "https://" not in text and "<script" not in text
    for needle in ("hostile_loop", "tag timeout", "tag crash", "tag tamper",
                   "replaces torch.allclose", "not a readable zip archive"):
        assert needle in text, needle
    # Every student has a page, under a safe file name, linked from the class page.
    pages = sorted(p.name for p in (graded["report"] / "students").glob("*.html"))
    assert len(pages) == CLASS_SIZE
    assert all(all(ch.isalnum() or ch in "._-" for ch in p) for p in pages)
    for p in pages:
        assert f'href="students/{p}"' in text


# ------------------------------------------------------------------ crashes, changes

def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        try:
            kids = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        for k in map(int, kids):
            if k not in found:
                found.add(k)
                todo.append(k)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except OSError:
        return False


def test_the_class_report_is_the_same_bytes_from_several_processes(graded, tmp_path):
    one, four = tmp_path / "one", tmp_path / "four"
    for dest, processes in ((one, 1), (four, 4)):
        shutil.copytree(graded["report"], dest)
        for sub in ("students", "junit", "gradescope"):
            shutil.rmtree(dest / sub)
        (dest / "index.html").unlink()
        view = reports.write_reports(dest, reveal_hidden=False, processes=processes)
    assert len(view.students) >= 4 * fanout.MIN_SHARE
    files = sorted(p.relative_to(one) for p in one.rglob("*")
                   if p.is_file() and p.name != "gradebook.sqlite" and "logs" not in p.parts)
    assert files == sorted(p.relative_to(four) for p in four.rglob("*")
                           if p.is_file() and p.name != "gradebook.sqlite"
                           and "logs" not in p.parts)
    for rel in files:
        assert (one / rel).read_bytes() == (four / rel).read_bytes(), rel
    assert not list(four.rglob("*.tmp"))


def test_sigkill_then_resume_gives_the_same_grades_csv(graded, tmp_path):
    course, subs = graded["course"], graded["subs"]
    report = tmp_path / "REPORT"
    total = len(submission_paths(subs, EXERCISES))
    proc = subprocess.Popen(
        [sys.executable, "-m", "grader", "--course", str(course), "class", str(subs),
         "--out", str(report), "--workers", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
        env={**os.environ, "NO_COLOR": "1"})
    deadline = time.monotonic() + 300
    done = 0
    helpers: set[int] = set()
    while time.monotonic() < deadline and proc.poll() is None:
        helpers |= _descendants(proc.pid)
        try:
            done = rows(report, "SELECT COUNT(*) FROM results")[0][0]
        except sqlite3.Error:
            done = 0
        if done >= total // 3:
            break
        time.sleep(0.2)
    assert proc.poll() is None, "grade class finished before it could be killed"
    helpers |= _descendants(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # Its check processes, their jail parents and jails die with it.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(p) for p in helpers):
        time.sleep(0.2)
    assert helpers and not [p for p in helpers if _alive(p)]

    saved = rows(report, "SELECT student, exercise, sha256, graded_at FROM results")
    assert 0 < len(saved) < total
    r = grade(course, "class", subs, "--out", report, "--workers", "2")
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"already graded {len(saved)}" in r.stdout
    assert (report / "grades.csv").read_bytes() == (graded["report"] / "grades.csv").read_bytes()
    after = rows(report, "SELECT student, exercise, sha256, graded_at FROM results")
    assert len(after) == total                      # nothing duplicated, nothing lost
    assert set(saved) <= set(after)                 # what was saved was not graded again


def test_unchanged_is_not_graded_again_changed_is_force_is(graded, tmp_path):
    course = graded["course"]
    subs = tmp_path / "subs"
    subs.mkdir()
    chosen = [sid for sid, kinds in sorted(graded["plan"].items()) if sid.startswith("s")
              and (graded["subs"] / sid).is_dir() and "missing" not in kinds.values()][:3]
    for sid in chosen:                              # plain folders with both files
        shutil.copytree(graded["subs"] / sid, subs / sid)
    report = tmp_path / "REPORT"
    r = grade(course, "class", subs, "--out", report)
    assert r.returncode == 0 and "graded 6, already graded 0" in r.stdout, r.stdout + r.stderr
    r = grade(course, "class", subs, "--out", report)
    assert "graded 0, already graded 6" in r.stdout, r.stdout
    changed = subs / chosen[1] / f"{EXERCISES[0]}.py"
    changed.write_text(changed.read_text() + "\n# changed\n")
    r = grade(course, "class", subs, "--out", report)
    assert "graded 1, already graded 5" in r.stdout, r.stdout
    assert len(rows(report, "SELECT 1 FROM results WHERE student = ? AND exercise = ?",
                    chosen[1], EXERCISES[0])) == 2      # the old result stays, as history
    r = grade(course, "class", subs, "--out", report, "--force", "--exercise", EXERCISES[1])
    assert "graded 3, already graded 0" in r.stdout, r.stdout
    assert len(rows(report, "SELECT 1 FROM results")) == 7


def test_usage_errors_are_one_line_exit_2(graded, tmp_path):
    course = graded["course"]
    a_file = tmp_path / "file"
    a_file.write_text("x")
    for args, words in [
        (("class", tmp_path / "nowhere", "--out", tmp_path / "R"), "not a folder of submissions"),
        (("class", graded["subs"], "--out", a_file), "not a folder"),
        (("class", graded["subs"], "--out", tmp_path / "R", "--exercise", "99"), "no exercise"),
        (("report", tmp_path), "no gradebook here"),
    ]:
        r = grade(course, *args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert r.stderr.startswith("grade: ") and words in r.stderr, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


# ------------------------------------------------------------------ submissions (no grading)

def _zip_bytes(entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            if isinstance(name, zipfile.ZipInfo):
                z.writestr(name, data)
            else:
                z.writestr(name, data)
    return buffer.getvalue()


def test_zip_limits_links_and_names(tmp_path):
    from grader.classroom import submissions
    subs, out = tmp_path / "subs", tmp_path / "out"
    subs.mkdir()
    slug = "04_broadcasting"
    # An entry that unpacks far past its size limit (a small zip bomb).
    (subs / "bomb.zip").write_bytes(_zip_bytes([(f"{slug}.py", b"#" * (3 * 1024 * 1024))]))
    link = zipfile.ZipInfo(f"{slug}.py")
    link.external_attr = (0o120777 << 16)
    (subs / "link.zip").write_bytes(_zip_bytes([(link, "/etc/passwd")]))
    (subs / "many.zip").write_bytes(_zip_bytes([(f"f{i}.txt", "x")
                                                for i in range(submissions.MAX_ZIP_ENTRIES + 1)]))
    (subs / "nested.zip").write_bytes(_zip_bytes([(f"a/b/c/{slug}.py", "x = 1\n")]))
    (subs / "good.zip").write_bytes(_zip_bytes([(f"hand-in/{slug}.py", "x = 1\n")]))
    (subs / "Alice").mkdir()
    (subs / "alice").mkdir()
    (subs / "readme.txt").write_text("not a student")
    students, ignored = submissions.discover(subs, [slug], out)
    by = {s.id: s for s in students}
    assert by["bomb"].submissions[slug].missing and "unpacks to more than" in by["bomb"].notes[0]
    assert by["link"].submissions[slug].missing and "are links" in by["link"].notes[0]
    assert by["many"].submissions[slug].missing and "entries" in by["many"].notes[0]
    assert by["nested"].submissions[slug].missing        # deeper than two folders
    good = by["good"].submissions[slug]
    assert good.path.read_text() == "x = 1\n" and good.path.parent.parent == out
    assert any("readme.txt" in n for n in ignored)
    ids = submissions.file_ids(["Alice", "alice", "a b", "a_b", "../x", "zoë"])
    assert len({i.lower() for i in ids.values()}) == 6
    assert ids["a_b"] == "a_b" and ids["a b"] != "a_b"
    assert all(all(ch.isalnum() or ch in "._-" for ch in i) and not i.startswith(".")
               for i in ids.values())


def test_tamper_scan():
    from grader.classroom.flags import scan_source
    found = scan_source("import torch, ctypes\ntorch.allclose = lambda *a: True\n"
                        "setattr(torch, 'equal', None)\nimport os\nos._exit(0)\n"
                        "class T(torch.Tensor):\n    def __eq__(self, o):\n        return True\n")
    text = "\n".join(found)
    for words in ("import ctypes", "replaces torch.allclose", "setattr() on torch",
                  "calls os._exit()", "defines __eq__"):
        assert words in text, words
    assert scan_source("import torch\n\ndef f(x):\n    return x * 2\n") == []


# ------------------------------------------------------------------ the pool itself

def _loop_task(tmp_path: Path):
    from classfixture import INFINITE_LOOP
    from grader.classroom.pool import Task
    path = tmp_path / f"{EXERCISES[0]}.py"
    path.write_text(INFINITE_LOOP)
    return Task(0, "looper", EXERCISES[0], str(path), "0" * 64, "cpu")


def test_pool_stops_a_grading_past_its_limit(graded, tmp_path):
    from grader.classroom.pool import Pool
    pool = Pool(graded["course"], 1, "cpu", tmp_path / "logs", grading_limit_s=0.5)
    try:
        outcomes = list(pool.run([_loop_task(tmp_path)]))
    finally:
        pool.close()
    assert len(outcomes) == 1
    result = outcomes[0].result
    assert result["schema"] == "grade-result/1" and result["status"] == "timeout"
    assert "grading took longer than 0.5 s" in result["message"]
    assert not pool.workers


def test_pool_retries_a_grading_whose_worker_died(graded, tmp_path):
    import threading
    from grader.classroom.pool import Pool
    pool = Pool(graded["course"], 1, "cpu", tmp_path / "logs", grading_limit_s=300)
    killed = []

    def kill_the_busy_worker():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not killed:
            for worker in list(pool.workers.values()):
                if worker.tasks:
                    os.kill(worker.proc.pid, signal.SIGKILL)
                    killed.append(worker.proc.pid)
                    return
            time.sleep(0.05)

    threading.Thread(target=kill_the_busy_worker, daemon=True).start()
    try:
        outcomes = list(pool.run([_loop_task(tmp_path)]))
    finally:
        pool.close()
    assert killed and pool.deaths == 1
    # The second try, on a fresh worker, grades it normally (its import times out).
    assert [o.result["status"] for o in outcomes] == ["timeout"]
    assert outcomes[0].result["checks"]


def test_a_workers_jails_hold_neither_salt_nor_our_environment(tmp_path):
    """A worker's zygote is a fork of the worker (one torch import, not two): the
    hostile corpus's searches of a jail's memory and environment still find nothing."""
    hostile = ROOT / "tests" / "hostile"
    course = make_course(tmp_path / "course", exercises=(EXERCISES[0],))
    for name in ("read_salt", "read_environment"):
        (tmp_path / "subs" / name).mkdir(parents=True)
        shutil.copyfile(hostile / f"{name}.py", tmp_path / "subs" / name / f"{EXERCISES[0]}.py")
    # read_salt.py again, now looking for a value of our environment in the jail's memory.
    head, tail = "pool-secret-", os.urandom(12).hex()
    probe = (hostile / "read_salt.py").read_text(encoding="utf-8")
    probe = re.sub(r'^SALT_HEAD = .*$', f'SALT_HEAD = b"{head}"', probe, flags=re.M)
    probe = re.sub(r'^SALT_TAIL = .*$', f'SALT_TAIL = b"{tail}"', probe, flags=re.M)
    (tmp_path / "subs" / "read_our_environment").mkdir()
    (tmp_path / "subs" / "read_our_environment" / f"{EXERCISES[0]}.py").write_text(probe)
    secret = head + tail
    r = grade(course, "class", tmp_path / "subs", "--out", tmp_path / "R", "--workers", "1",
              env={"DRILL_POOL_SECRET": secret, "API_TOKEN": secret})
    assert r.returncode == 0, r.stdout + r.stderr
    out = {s: json.loads(doc)["stdout"] for s, doc in
           rows(tmp_path / "R", "SELECT student, document FROM results")}
    assert "ATTACK-SUCCEEDED" not in out["read_salt"], out["read_salt"]
    assert "ATTACK-SUCCEEDED" not in out["read_our_environment"], out["read_our_environment"]
    scanned = re.search(r"salt in /proc/self/mem: the salt is not there \(([\d,]+) bytes",
                        out["read_salt"])
    assert scanned and int(scanned.group(1).replace(",", "")) > 10 ** 7, out["read_salt"]
    assert secret not in out["read_environment"]
    assert "READ /proc/self/environ b''" in out["read_environment"]
    assert str(course) not in out["read_environment"]   # not even the course's path
