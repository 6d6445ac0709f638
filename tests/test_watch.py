"""`grade watch`, driven through a pseudo-terminal, and the fast paths it relies on.

The course here is a tiny one written into a temporary folder: two exercises
whose check files have the same name (as most real exercises do), and a long
call deadline, so that a student call looping forever keeps its jail alive
while the test presses Ctrl-C.
"""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from grader import watch

READ_DEADLINE_S = 120  # only to stop a broken watcher from hanging the suite

COURSE_YAML = """\
title: {en: "watch test course"}
salt: "watch"
limits: {timeout_s: 120}
exercises: [01_add, 02_mul]
"""

ADD_YAML = """\
title: {en: "Add"}
topic: tensors
difficulty: 1
points: 3
functions:
  - {name: add, signature: "add(x, y)", points: 2}
  - {name: double, signature: "double(x)", points: 1}
instructions: {en: "Add two tensors; double one."}
"""

ADD_CHECKS = '''\
import torch
from grader.checks import assert_tensor


def check_add_small(student):
    """add of two small vectors"""
    x, y = torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])
    assert_tensor(student.add(x, y), x + y)


def check_add_broadcast(student):
    """add broadcasts a column against a row"""
    x, y = torch.ones(3, 1), torch.arange(4.0)
    assert_tensor(student.add(x, y), x + y)


def check_double(student):
    """double of a vector"""
    x = torch.arange(5.0)
    assert_tensor(student.double(x), 2 * x)
'''

MUL_YAML = """\
title: {en: "Multiply"}
topic: tensors
difficulty: 1
points: 1
functions:
  - {name: mul, signature: "mul(x, y)", points: 1}
instructions: {en: "Multiply."}
"""

MUL_CHECKS = '''\
import torch
from grader.checks import assert_tensor


def check_mul(student):
    """mul of two vectors"""
    x, y = torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])
    assert_tensor(student.mul(x, y), x * y)
'''

WRONG = "def add(x, y):\n    return x + y\n\n\ndef double(x):\n    return x * 3\n"
RIGHT = "def add(x, y):\n    return x + y\n\n\ndef double(x):\n    return x * 2\n"
SYNTAX_ERROR = "def add(x, y):\n    return x +\n"
LOOPS = "def add(x, y):\n    while True:\n        pass\n\n\ndef double(x):\n    return x * 2\n"


@pytest.fixture
def course(tmp_path) -> Path:
    root = tmp_path / "course"
    (root / "exercises" / "01_add" / "checks").mkdir(parents=True)
    (root / "exercises" / "02_mul" / "checks").mkdir(parents=True)
    (root / "course.yaml").write_text(COURSE_YAML)
    (root / "exercises" / "01_add" / "exercise.yaml").write_text(ADD_YAML)
    (root / "exercises" / "01_add" / "checks" / "public_examples.py").write_text(ADD_CHECKS)
    (root / "exercises" / "02_mul" / "exercise.yaml").write_text(MUL_YAML)
    (root / "exercises" / "02_mul" / "checks" / "public_examples.py").write_text(MUL_CHECKS)
    return root


# ------------------------------------------------------------------ processes

def _ppid_and_state(pid: int) -> tuple[int, str] | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            after_name = f.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    return int(after_name[1]), after_name[0].decode()


def children_of(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            found = _ppid_and_state(int(entry))
            if found and found[0] == pid and found[1] != "Z":
                out.append(int(entry))
    return out


def alive(pid: int) -> bool:
    found = _ppid_and_state(pid)
    return found is not None and found[1] != "Z"


def wait_until(predicate, what: str):
    deadline = time.monotonic() + READ_DEADLINE_S
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"gave up waiting for {what}")


class Terminal:
    """A command running on a pseudo-terminal, as a learner's shell would run it."""

    def __init__(self, argv, cwd, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the command (pty.fork made us a session leader)
            try:
                os.chdir(cwd)
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.output = b""

    def read_until(self, marker: str) -> str:
        """Everything printed since the last call, up to and including `marker`'s screen line."""
        wanted = marker.encode()
        deadline = time.monotonic() + READ_DEADLINE_S
        while wanted not in self.output:
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"no {marker!r} on the screen; it shows:\n"
                            + self.output.decode(errors="replace")[-3000:])
            ready, _, _ = select.select([self.fd], [], [], min(left, 1.0))
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:  # EIO: the command exited and closed the terminal
                    chunk = b""
                if not chunk:
                    pytest.fail(f"the command ended before showing {marker!r}:\n"
                                + self.output.decode(errors="replace")[-3000:])
                self.output += chunk
        end = self.output.index(wanted) + len(wanted)
        end = self.output.find(b"\n", end) + 1 or len(self.output)
        shown, self.output = self.output[:end], self.output[end:]
        return shown.decode(errors="replace")

    def press(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def drain(self) -> str:
        """Read what is left once the command has exited."""
        while True:
            try:
                ready, _, _ = select.select([self.fd], [], [], 5.0)
                chunk = os.read(self.fd, 65536) if ready else b""
            except OSError:
                chunk = b""
            if not chunk:
                return self.output.decode(errors="replace")
            self.output += chunk

    def exit_code(self) -> int:
        def exited():
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            return (pid, status) if pid else None
        _, status = wait_until(exited, "the command to exit")
        return os.waitstatus_to_exitcode(status)


def save(path: Path, text: str) -> None:
    """Write like an editor would, and make sure the save is visible to stat()."""
    before = path.stat() if path.exists() else None
    path.write_text(text)
    if before is not None and path.stat().st_mtime_ns == before.st_mtime_ns:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))


# ------------------------------------------------------------------ the test the issue asks for

def test_watch_regrades_on_save_and_ctrl_c_leaves_no_process(course, tmp_path):
    work = tmp_path / "add.py"
    save(work, WRONG)
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm"}
    term = Terminal([sys.executable, "-m", "grader", "--course", str(course), "watch", "01",
                     "--file", str(work)], cwd=str(tmp_path), env=env)
    try:
        screen = term.read_until("run 1 ·")
        assert "\x1b[2J" in screen, "the screen is cleared before each verdict"
        assert "✗ double of a vector" in screen
        assert "score: 2/3" in screen
        assert "first run" in screen

        save(work, RIGHT)
        screen = term.read_until("run 2 ·")
        assert "score: 3/3 (100%)" in screen
        assert "1 more check passes" in screen and "score 2 → 3" in screen

        save(work, SYNTAX_ERROR)
        screen = term.read_until("run 3 ·")
        assert "your file has a syntax error" in screen and "line 2" in screen
        assert "the checks did not run" in screen and "scored 3/3" in screen

        # A call that never returns: Ctrl-C arrives while its jail is running.
        watcher = term.pid
        save(work, LOOPS)
        zygote = wait_until(lambda: children_of(watcher), "the jail's parent")[0]
        jail = wait_until(lambda: children_of(zygote), "a jail")[0]
        term.press(b"\x03")
        rest = term.drain()
        assert term.exit_code() == 130   # Ctrl-C, as in grade class (and a shell)
        assert "stopped watching" in rest
        assert "Traceback" not in rest
        for pid, name in ((watcher, "watcher"), (zygote, "jail parent"), (jail, "jail")):
            wait_until(lambda: not alive(pid), f"the {name} ({pid}) to exit")
    finally:
        if alive(term.pid):
            os.killpg(term.pid, signal.SIGKILL)
            os.waitpid(term.pid, 0)
        os.close(term.fd)


# ------------------------------------------------------------------ the parts

def _result(passed: list[str], failed: list[str], status="graded") -> dict:
    checks = [{"id": i, "title": f"title of {i}", "outcome": "passed"} for i in passed]
    checks += [{"id": i, "title": f"title of {i}", "outcome": "failed"} for i in failed]
    return {"status": status, "checks": checks, "score": float(len(passed)),
            "max_score": float(len(checks))}


def test_describe_change_says_what_moved():
    a = _result(["x", "y"], ["z", "w"])
    assert watch.describe_change(None, None, a) == "first run"
    b = _result(["x", "y", "z", "w"], [])
    assert watch.describe_change(a, a, b) == "2 more checks pass; score 2 → 4"
    c = _result(["x", "z", "w"], ["y"])
    assert watch.describe_change(b, b, c) == "1 check that passed now fails: title of y; score 4 → 3"
    assert watch.describe_change(c, c, c) == "no change since the last run (3/4)"
    broken = _result([], ["x", "y", "z", "w"], status="syntax_error")
    assert "does not parse" in watch.describe_change(c, c, broken)
    assert "scored 3/4" in watch.describe_change(c, c, broken)
    # Fixing the syntax error is compared with the last version that parsed.
    assert watch.describe_change(broken, c, b) == "syntax error fixed; 1 more check passes; score 3 → 4"


def test_wait_for_change_sees_a_save_and_a_file_that_comes_back(tmp_path):
    path = tmp_path / "f.py"
    path.write_text("a = 1\n")
    last = watch.file_state(path)
    edits = iter([lambda: None, lambda: path.write_text("a = 22\n")])

    def sleep(_seconds):
        next(edits, lambda: None)()

    now = watch.wait_for_change(path, last, sleep=sleep)
    assert now != last and now.size == len("a = 22\n")

    # Saved by renaming: the file is briefly missing, then back with a new inode.
    path.unlink()
    steps = iter([lambda: None, lambda: None, lambda: (tmp_path / "tmp").write_text("b = 1\n"),
                  lambda: (tmp_path / "tmp").rename(path)])
    back = watch.wait_for_change(path, now, sleep=lambda _s: next(steps, lambda: None)())
    assert back is not None and path.read_text() == "b = 1\n"


def test_regrades_keep_checks_imported_and_never_mix_exercises(course, make_grader):
    """Watch relies on check modules staying imported; same-named files of two
    exercises must still each run their own checks in one process."""
    grader = make_grader(course)
    add, mul = grader.course.find("01"), grader.course.find("02")
    right = course.parent / "right.py"
    right.write_text(RIGHT + "\n\ndef mul(x, y):\n    return x * y\n")

    first = grader.grade(add, right)
    module = sys.modules["public_examples"]
    again = grader.grade(add, right)
    assert sys.modules["public_examples"] is module, "re-grading imported the checks again"
    assert [c["id"] for c in first["checks"]] == [c["id"] for c in again["checks"]] == [
        "public_examples.py::check_add_small", "public_examples.py::check_add_broadcast",
        "public_examples.py::check_double"]

    other = grader.grade(mul, right)
    assert [c["id"] for c in other["checks"]] == ["public_examples.py::check_mul"]
    assert other["score"] == 1.0
    back = grader.grade(add, right)
    assert [c["id"] for c in back["checks"]] == [c["id"] for c in first["checks"]]
    assert back["score"] == 3.0


# ------------------------------------------------------------------ commands that must stay light

PROBE = textwrap.dedent("""
    import json, sys
    from grader.cli import main
    try:
        main(sys.argv[1:], prog_name="grade")
    except SystemExit:
        pass
    heavy = [m for m in ("torch", "numpy", "pytest", "sympy") if m in sys.modules]
    print("PROBE" + json.dumps(heavy), file=sys.stderr)
""")


@pytest.mark.parametrize("args", [["list"], ["show", "01"], ["validate"], ["progress"]])
def test_light_commands_never_import_torch(course, args):
    done = subprocess.run([sys.executable, "-c", PROBE, "--course", str(course), *args],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_COLOR": "1"})
    probe = [line for line in done.stderr.splitlines() if line.startswith("PROBE")]
    assert probe, done.stderr
    assert json.loads(probe[-1][len("PROBE"):]) == [], f"grade {' '.join(args)} imported them"
    assert "Traceback" not in done.stderr
