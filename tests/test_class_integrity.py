"""One student, one row (issue 9, class 4): names, odd files, safe text, nothing secret shown.

- Two students whose names differ only in case, or whose name looks like the
  other's file id, or a folder and a zip of the same name, keep their own
  grades, pages, Gradescope files and CSV rows; the report says what it did.
- A FIFO, a symbolic link, a 100-deep folder and a 10,000-file folder in the
  submissions are each a note, never a hang or a traceback.
- Student names reach the terminal, the log of `grade class`, CSV and HTML
  only as visible, inert text.
- Nothing a student sees (their page, their Gradescope file, their terminal)
  holds a hidden check's inputs, what their code printed while a hidden check
  ran, or the course's salt; and the jail cannot find the salt in its memory.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from conftest import MINI, run_grade

SLUG = "01_mini"
PLANTED = "2718.2818"          # the planted hidden input, as the student's code prints it
SALT = "salt-" + secrets.token_hex(8)

HIDDEN_PLANTED = f'''import torch
from grader.checks import points, target, assert_tensor


@points(1)
@target("double")
def check_double_planted(student):
    """double of a planted value"""
    x = torch.full((2,), {PLANTED}, dtype=torch.float64)
    assert_tensor(student.double(x), 2 * x, inputs=(x,))
'''

# Searches its own process for the salt (in two halves, so as not to find itself)
# at import, then prints every input it is given.
SEARCH = '''
import gc, os
HEAD, TAIL = {head!r}, {tail!r}


def _found(data):
    i = data.find(HEAD)
    while i != -1:
        if data[i + len(HEAD):i + len(HEAD) + len(TAIL)] == TAIL:
            return True
        i = data.find(HEAD, i + 1)
    return False


def _search():
    fd = os.open("/proc/self/mem", os.O_RDONLY)
    try:
        for line in open("/proc/self/maps").read().splitlines():
            f = line.split()
            if not f[1].startswith("r") or (len(f) > 5 and not f[5].startswith("[")) \\
                    or (len(f) > 5 and f[5] in ("[vvar]", "[vsyscall]", "[vdso]")):
                continue
            start, end = (int(x, 16) for x in f[0].split("-"))
            for at in range(start, end, 8 << 20):
                try:
                    if _found(os.pread(fd, min(8 << 20, end - at), at)):
                        return True
                except OSError:
                    break
    finally:
        os.close(fd)
    gc.unfreeze()
    head, tail = HEAD.decode(), TAIL.decode()
    return any(type(v) is str and v.startswith(head) and v[len(head):] == tail
               for o in gc.get_objects() if type(o) is dict for v in o.values())


print("SALT-FOUND" if _search() else "SALT-ABSENT")
'''


def _student_file(right: bool) -> str:
    search = SEARCH.format(head=SALT[:7].encode(), tail=SALT[7:].encode())
    factor = 2 if right else 3
    return f"""import torch
{search}

def double(x):
    print("SEEN", x.tolist())
    return {factor} * x


def scale_model(n_in, n_out):
    return torch.nn.Linear(n_in, n_out)
"""


@contextmanager
def deadline(seconds: int):
    """Fail, rather than hang, if the block takes longer than `seconds`."""
    def expired(signum, frame):
        raise TimeoutError(f"took more than {seconds} s (a hang?)")
    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _course(dest: Path) -> Path:
    shutil.copytree(MINI, dest, ignore=shutil.ignore_patterns("__pycache__"))
    data = yaml.safe_load((dest / "course.yaml").read_text())
    data["salt"] = SALT
    data["limits"] = {**data.get("limits", {}), "timeout_s": 10}
    (dest / "course.yaml").write_text(yaml.safe_dump(data))
    spec = dest / "exercises" / SLUG / "exercise.yaml"
    text = spec.read_text().replace("points: 5", "points: 6").replace(
        '{name: double, signature: "double(x)", points: 3}',
        '{name: double, signature: "double(x)", points: 4}')
    spec.write_text(text)
    (dest / "exercises" / SLUG / "checks" / "hidden_planted.py").write_text(HIDDEN_PLANTED)
    return dest


def _odd_entries(subs: Path) -> None:
    """A FIFO, a link, a 100-deep folder, a 10,000-file folder: each must be a note."""
    solution = _student_file(True)
    (subs / "fifo").mkdir()
    os.mkfifo(subs / "fifo" / f"{SLUG}.py")
    (subs / "link").mkdir()
    (subs / "elsewhere.txt").write_text(solution)
    (subs / "link" / f"{SLUG}.py").symlink_to(subs / "elsewhere.txt")
    deep = subs / "deep"
    for _ in range(100):
        deep = deep / "d"
    deep.mkdir(parents=True)
    (deep / f"{SLUG}.py").write_text(solution)
    many = subs / "many"
    many.mkdir()
    for i in range(10_000):
        (many / f"f{i:05d}.txt").touch()
    (many / f"{SLUG}.py").write_text(solution)
    os.mkfifo(subs / "pipe.zip")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(subs / "socket"))
    sock.close()


# ------------------------------------------------------------------ safe text

def test_safe_text_for_terminal_log_csv():
    from grader import safe_text
    name = "evil\x1b[2J\u202egnp.exe\r\nfake line\x07"
    shown = safe_text.terminal(name)
    assert "\x1b" not in shown and "\u202e" not in shown and "\r" not in shown and "\x07" not in shown
    assert "\\x1b[2J" in shown and "\\u202e" in shown
    one = safe_text.line(name)
    assert "\n" not in one and one.count("\\n") == 1
    for formula in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "'=1", " =1"):
        cell = safe_text.csv_cell(formula)
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
        assert not cell.lstrip().startswith(("=", "+", "-", "@")), cell
    # Two different names never become the same cell.
    names = ["=1+1", "'=1+1", "''=1+1", "a\nb", "a\\nb", "a\\\\nb", "a\tb", "a\\tb", "x\x1by",
             "x\\x1by", "plain"]
    cells = [safe_text.csv_cell(n) for n in names]
    assert len(set(cells)) == len(names)
    assert all("\n" not in c and "\x1b" not in c for c in cells)
    assert len(safe_text.cap("x" * 10_000, 100)) <= 100


def test_file_ids_are_unique_by_construction():
    from grader.classroom.submissions import file_id, file_ids, collision_notes
    names = ["Alice", "alice", "ALICE", "a b", file_id("a b"), "a_b", "zo\u00eb", "zoe\u0308",
             "x" * 100 + "1", "x" * 100 + "2", "../x", ".hidden", "bob.zip", "bob", "Bob"]
    names.append(file_id("zo\u00eb"))
    ids = file_ids(names)
    assert set(ids) == set(names)
    assert len({i.lower() for i in ids.values()}) == len(names)
    assert all(re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._-]*", i) for i in ids.values())
    assert ids["a_b"] == "a_b" and ids["bob"] != "bob"      # bob and Bob look alike
    notes = collision_notes(ids)
    assert {"Alice", "alice", "ALICE", "zo\u00eb", "zoe\u0308", file_id("a b")} <= set(notes)
    assert "a b" not in notes                  # the hashed id stays with its owner
    # Any set of names: ids stay unique and the same for the same class.
    rng = secrets.SystemRandom()
    pool = ["a", "A", "a b", "a_b", "ä", "a\u0308", ".", "-", "_"]
    for _ in range(200):
        some = {"".join(rng.choice(pool) for _ in range(rng.randint(1, 4))) for _ in range(12)}
        ids = file_ids(some)
        assert len({i.lower() for i in ids.values()}) == len(some)
        assert file_ids(sorted(some, reverse=True)) == ids


def test_odd_entries_are_notes_never_a_hang(tmp_path):
    from grader.classroom import submissions
    subs = tmp_path / "subs"
    subs.mkdir()
    _odd_entries(subs)
    (subs / "fine").mkdir()
    (subs / "fine" / f"{SLUG}.py").write_text("x = 1\n")
    with deadline(60):
        students, ignored = submissions.discover(subs, [SLUG], tmp_path / "out")
    by = {s.id: s for s in students}
    assert set(by) == {"fifo", "link", "deep", "many", "fine"}
    notes = {sid: " ".join(s.notes) for sid, s in by.items()}
    assert "named pipe" in notes["fifo"] and by["fifo"].submissions[SLUG].missing
    assert "symbolic link" in notes["link"] and by["link"].submissions[SLUG].missing
    assert "levels deep were not looked into" in notes["deep"]
    assert "more than 10,000 entries" in notes["many"]
    assert not by["many"].submissions[SLUG].missing          # found at the top all the same
    assert not by["fine"].submissions[SLUG].missing and not by["fine"].notes
    text = " ".join(ignored)
    assert "pipe.zip" in text and "socket" in text and "elsewhere.txt" in text


def test_a_fifo_given_to_grade_exercise_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / f"{SLUG}.py"
    os.mkfifo(fifo)
    r = run_grade("--course", MINI, "exercise", SLUG, "--file", fifo, timeout=120)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "not a regular file" in r.stderr and len(r.stderr.strip().splitlines()) == 1


# ------------------------------------------------------------------ output attribution

def test_capture_gives_output_to_the_check_that_was_running():
    from grader.proxy import Capture
    capture = Capture(1 << 20)
    r, w = os.pipe()
    thread = capture.drain(r)
    for _ in range(50):    # whether or not the drain thread has woken up yet, a write
        # made before begin() belongs to the check before it
        os.write(w, b"x")
        capture.begin(None)
    os.write(w, b"first check printed this\n")
    capture.begin("second")
    os.write(w, b"second check\n")
    capture.begin("third")
    os.write(w, b"third\n")
    os.close(w)
    thread.join(5)
    assert not thread.is_alive()
    segments = capture.segments()
    assert "".join(t for o, t in segments if o is None) == "x" * 50 + "first check printed this\n"
    assert [(o, t) for o, t in segments if o] == [("second", "second check\n"), ("third", "third\n")]
    assert capture.text() == "x" * 50 + "first check printed this\nsecond check\nthird\n"
    assert sum(n for _, n in capture.owners()) == len(capture.text())


def test_student_view_withholds_hidden_evidence_and_output():
    from grader.redact import student_view
    result = {
        "status": "graded", "score": 1.0, "max_score": 3.0, "duration_s": 9.0, "message": "",
        "checks": [
            {"id": "p", "title": "public", "visibility": "visible", "outcome": "failed",
             "message": "your result looks transposed", "evidence": "inputs: 1, 2",
             "hint": "h", "duration_s": 0.5, "score": 0.0, "points": 1.0},
            {"id": "h1", "title": "hidden one", "visibility": "hidden", "outcome": "failed",
             "message": "your result is off by a constant +2718.2818\nexpected 5436.5636",
             "evidence": f"inputs: {PLANTED}", "hint": "secret hint", "duration_s": 4.0,
             "score": 0.0, "points": 1.0},
            {"id": "h2", "title": "hidden two", "visibility": "hidden", "outcome": "error",
             "message": f"double() raised ValueError: {PLANTED}", "evidence": "",
             "hint": "", "duration_s": 3.0, "score": 0.0, "points": 1.0},
            {"id": "h3", "title": "hidden three", "visibility": "hidden", "outcome": "failed",
             "basis": "claim", "message": f"your result must be a plain tensor, not a T{PLANTED}",
             "hint": "", "duration_s": 1.0, "score": 1.0, "points": 1.0},
        ],
        "stdout": f"import\npublic\nSEEN {PLANTED}\nmore\n", "stderr": f"e {PLANTED}",
        "output_owners": {"stdout": [[None, 7], ["p", 7], ["h1", 15], ["h2", 5]],
                          "stderr": [["h2", 11]]},
    }
    view = student_view(result)
    text = json.dumps(view)
    assert PLANTED not in text and "5436" not in text and "secret hint" not in text
    assert view["stdout"].startswith("import\npublic\n") and "shown after the due date" in view["stdout"]
    checks = {c["id"]: c for c in view["checks"]}
    assert checks["p"] == result["checks"][0]                 # visible: untouched
    assert checks["h1"]["message"] == "your result is off by a constant #"   # numbers masked
    assert "evidence" not in checks["h1"] and checks["h1"]["duration_s"] == 0.0
    assert checks["h2"]["message"] == "your code raised an exception in this hidden check"
    assert checks["h3"]["message"] == "this hidden check failed"    # a claim's words are the student's
    assert view["duration_s"] == 0.5
    assert [c["title"] for c in view["checks"]] == ["public", "hidden one", "hidden two",
                                                    "hidden three"]
    assert student_view(result, reveal_hidden=True) is result
    assert "stdout" in student_view({**result, "output_owners": None})   # no attribution: all withheld
    assert PLANTED not in student_view({**result, "output_owners": None})["stdout"]


def test_results_are_bounded_in_the_check_process():
    from grader.result import MAX_MESSAGE_CHARS, MAX_OUTPUT_CHARS, bounded
    huge = "x" * (10 * MAX_OUTPUT_CHARS)
    result = bounded({"message": huge, "student": huge, "stdout": huge, "stderr": huge,
                      "checks": [{"message": huge, "hint": huge, "title": huge}],
                      "sandbox": {"active": [huge]}})
    assert len(result["message"]) <= MAX_MESSAGE_CHARS and len(result["student"]) <= 500
    assert len(result["stdout"]) <= MAX_OUTPUT_CHARS and len(result["stderr"]) <= MAX_OUTPUT_CHARS
    assert len(result["checks"][0]["message"]) <= MAX_MESSAGE_CHARS
    assert len(json.dumps(result)) < 4 * MAX_OUTPUT_CHARS
    assert "error" in result["sandbox"]


# ------------------------------------------------------------------ a whole class

@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    from grader.classroom.submissions import file_id
    base = tmp_path_factory.mktemp("integrity")
    course = _course(base / "course")
    subs = base / "subs"
    subs.mkdir()
    right, wrong = _student_file(True), _student_file(False)
    lookalike = file_id("a b")
    plan = {"Alice": right, "alice": wrong, "a b": right, lookalike: wrong, "bob": right,
            "=HYPERLINK(\"x\")": right, "evil\n\x1b[2Jfake  01_mini 6 of 6\u202e": wrong}
    for name, text in plan.items():
        (subs / name).mkdir()
        (subs / name / f"{SLUG}.py").write_text(text)
    zipped = io.BytesIO()
    import zipfile
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr(f"{SLUG}.py", wrong)
    (subs / "bob.zip").write_bytes(zipped.getvalue())
    _odd_entries(subs)
    report = base / "REPORT"
    r = run_grade("--course", course, "class", subs, "--out", report, "--workers", "2",
                  timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    return {"course": course, "subs": subs, "report": report, "plan": plan, "run": r,
            "lookalike": lookalike}


def _rows(report: Path, sql: str):
    db = sqlite3.connect(str(report / "gradebook.sqlite"))
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def _student_visible(report: Path) -> dict[str, str]:
    files = list((report / "students").glob("*.html")) + \
        list((report / "gradescope").glob("*/results.json"))
    return {str(p.relative_to(report)): p.read_text(encoding="utf-8") for p in files}


def test_every_student_keeps_their_own_grade(classroom):
    report, plan = classroom["report"], classroom["plan"]
    scores = dict(_rows(report, f"SELECT student, score FROM results WHERE exercise = '{SLUG}'"))
    full = max(scores.values())
    for name, text in plan.items():
        assert (scores[name] == full) == (text == _student_file(True)), (name, scores)
    assert scores["Alice"] != scores["alice"]
    assert scores["a b"] != scores[classroom["lookalike"]]
    assert scores["bob"] == full                           # the folder, not bob.zip
    students = {sid: (fid, json.loads(notes)) for sid, fid, notes in
                _rows(report, "SELECT student, file_id, notes FROM students")}
    fids = [fid for fid, _ in students.values()]
    assert len({f.lower() for f in fids}) == len(fids)
    assert "differs from this one only in case" in " ".join(students["Alice"][1])
    assert "differs from this one only in case" in " ".join(students["alice"][1])
    assert "was taken by another student's name" in " ".join(students[classroom["lookalike"]][1])
    assert "bob.zip was not graded" in " ".join(students["bob"][1])
    # Each student's page and Gradescope file is theirs, with their score.
    for sid, (fid, _) in students.items():
        gs = json.loads((report / "gradescope" / fid / "results.json").read_text())
        if sid in scores:
            assert gs["score"] == pytest.approx(scores[sid]), sid
        assert (report / "students" / f"{fid}.html").is_file()
    table = list(csv.reader(io.StringIO((report / "grades.csv").read_text(encoding="utf-8"))))
    cells = [row[0] for row in table[1:]]
    assert len(cells) == len(set(cells)) == len(students)
    assert "'=HYPERLINK(\"x\")" in cells
    assert all("\n" not in c and "\x1b" not in c for c in cells)


def test_odd_entries_are_notes_in_the_report(classroom):
    report = classroom["report"]
    notes = {sid: " ".join(json.loads(n)) for sid, n in
             _rows(report, "SELECT student, notes FROM students")}
    assert "named pipe" in notes["fifo"] and "symbolic link" in notes["link"]
    assert "levels deep" in notes["deep"] and "more than 10,000 entries" in notes["many"]
    out = classroom["run"].stderr
    assert "pipe.zip" in out and "Traceback" not in out


def test_names_reach_terminal_log_and_html_as_inert_text(classroom):
    run = classroom["run"]
    for stream in (run.stdout, run.stderr):
        assert "\x1b" not in stream and "\u202e" not in stream
    # The name with a newline cannot forge a progress line of its own.
    assert not any(line.startswith("fake") for line in run.stdout.splitlines())
    assert "evil\\n\\x1b[2Jfake" in run.stdout
    for path in [classroom["report"] / "index.html", *(classroom["report"] / "students").glob("*.html")]:
        text = path.read_text(encoding="utf-8")
        assert "\x1b" not in text and "\u202e" not in text, path
        assert "<script" not in text and "&lt;section" not in text, path
        assert "<section" in text or path.name == "index.html", path
    index = (classroom["report"] / "index.html").read_text(encoding="utf-8")
    assert "=HYPERLINK(&#34;x&#34;)" in index or "=HYPERLINK(&quot;x&quot;)" in index


def test_nothing_a_student_sees_holds_hidden_inputs_or_the_salt(classroom):
    report, course = classroom["report"], classroom["course"]
    everything = json.loads((report / "results.json").read_text(encoding="utf-8"))
    outputs = [cell["result"]["stdout"] for s in everything["students"]
               for cell in s["exercises"].values() if cell["result"]]
    # The value was planted, printed while the hidden check ran, and kept for the instructor,
    assert any(f"SEEN [{PLANTED}, {PLANTED}]" in out for out in outputs)
    # and the jail looked for the salt in its own memory and did not find it.
    assert all("SALT-ABSENT" in out and "SALT-FOUND" not in out for out in outputs), outputs
    visible = _student_visible(report)
    assert len(visible) >= 2 * len(everything["students"])
    for name, text in visible.items():
        assert PLANTED not in text, name
        assert SALT not in text, name
    # The salt is nowhere in the report at all.
    for path in report.rglob("*"):
        if path.is_file():
            assert SALT.encode() not in path.read_bytes(), path
    # After the due date, --reveal-hidden shows the hidden check's evidence and output.
    alice = next(p for p in (report / "students").glob("Alice-*.html"))
    r = run_grade("--course", course, "report", report, "--reveal-hidden")
    assert r.returncode == 0, r.stderr
    assert PLANTED in alice.read_text(encoding="utf-8")
    r = run_grade("--course", course, "report", report)
    assert r.returncode == 0, r.stderr
    assert PLANTED not in alice.read_text(encoding="utf-8")
