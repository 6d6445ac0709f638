"""The hostile corpus (tests/hostile/) through the real grader.

Every file there is the reference solution of 04_broadcasting with an attack
added, or a wrong answer plus an attack that tries to fake a pass. Each must
get exactly the verdict tests/hostile/verdicts.yaml gives it, nothing it tried
may have escaped the jail (no "ATTACK-SUCCEEDED", every attempt "BLOCKED",
the course folder byte for byte unchanged), the grader must stay alive, and
the next submission graded by the same Grader must be graded correctly.

One warm Grader per module, over a copy of the course (so an attack that got
through could not damage the real one) with a 2 s deadline and a 1 GiB memory
limit, so the whole corpus stays well under two minutes.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "hostile"
VERDICTS = yaml.safe_load((HOSTILE / "verdicts.yaml").read_text(encoding="utf-8"))
EXERCISE = "04_broadcasting"
FULL_MARKS = 23.0
TIMEOUT_S = 2.0
# Where tests/hostile/network.py and processes/unix_socket.py try to connect. The
# copies graded here get a free port and a fresh path instead, so that two runs
# of this file at once on one machine do not meet.
PORT = 47211
UNIX_SOCKET = "/tmp/drill-hostile-unix.sock"
# Planted in the grader's environment before its zygote starts: no jail may see it.
SECRET_NAME = "DRILL_HOSTILE_SECRET"
SECRET_VALUE = "s3cret-" + secrets.token_hex(12)


def _make_course(folder: Path, allow_processes: bool, port: int, unix_socket: str,
                 rules: bool = True) -> Path:
    """A course with only 04_broadcasting, and the corpus as its submissions.

    `rules=False`: without 04's source rules, for entries marked `rules: false`.
    """
    (folder / "exercises").mkdir(parents=True)
    shutil.copytree(ROOT / "exercises" / EXERCISE, folder / "exercises" / EXERCISE,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "solutions").mkdir()
    shutil.copy(ROOT / "solutions" / f"{EXERCISE}.py", folder / "solutions")
    data = yaml.safe_load((ROOT / "course.yaml").read_text(encoding="utf-8"))
    data["exercises"] = [EXERCISE]
    data["limits"] = {**data.get("limits", {}), "timeout_s": TIMEOUT_S, "memory_mb": 1024}
    (folder / "course.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    if allow_processes:
        spec = folder / "exercises" / EXERCISE / "exercise.yaml"
        spec.write_text(spec.read_text(encoding="utf-8")
                        + "jail:\n  allow_processes: true\n", encoding="utf-8")
    if not rules:
        spec = folder / "exercises" / EXERCISE / "exercise.yaml"
        exercise = yaml.safe_load(spec.read_text(encoding="utf-8"))
        exercise.pop("constraints", None)
        spec.write_text(yaml.safe_dump(exercise, allow_unicode=True), encoding="utf-8")
    source = HOSTILE / "processes" if allow_processes else HOSTILE
    (folder / "submissions").mkdir()
    for path in source.glob("*.py"):
        text = path.read_text(encoding="utf-8").replace(f"PORT = {PORT}", f"PORT = {port}")
        (folder / "submissions" / path.name).write_text(text.replace(UNIX_SOCKET, unix_socket),
                                                        encoding="utf-8")
    return folder


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file of a course and its hash (pytest's bytecode caches aside)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


@dataclass
class Corpus:
    graders: dict          # "strict" / "processes" -> (Grader, course folder, snapshot)
    missing: dict          # "strict" / "processes" -> protections this machine lacks
    active: dict           # "strict" / "processes" -> protections a real jail reported
    tcp: socket.socket
    udp: socket.socket
    unix: socket.socket


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from grader.course import load_course
    from grader.jail import sandbox
    from grader.runner import Grader

    base = tmp_path_factory.mktemp("hostile")
    tcp = socket.create_server(("127.0.0.1", 0))
    port = tcp.getsockname()[1]
    tcp.setblocking(False)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", port))
    udp.setblocking(False)
    unix_path = str(base / "listening.sock")
    unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    unix.bind(unix_path)
    unix.listen(4)
    unix.setblocking(False)
    strict = _make_course(base / "strict", False, port, unix_path)
    processes = _make_course(base / "processes", True, port, unix_path)
    os.environ[SECRET_NAME] = SECRET_VALUE
    grader = Grader.start(load_course(strict))
    del os.environ[SECRET_NAME]  # the check process keeps running without it
    shared = Grader(course=load_course(processes), zygote=grader.zygote)
    base = tmp_path_factory.mktemp("hostile")
    tcp = socket.create_server(("127.0.0.1", 0))
    port = tcp.getsockname()[1]
    tcp.setblocking(False)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", port))
    udp.setblocking(False)
    unix_path = str(base / "listening.sock")
    unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    unix.bind(unix_path)
    unix.listen(4)
    unix.setblocking(False)
    strict = _make_course(base / "strict", False, port, unix_path)
    processes = _make_course(base / "processes", True, port, unix_path)
    os.environ[SECRET_NAME] = SECRET_VALUE
    unruled = _make_course(base / "unruled", False, port, unix_path, rules=False)
    graders = {"strict": (grader, strict, _snapshot(strict)),
               "processes": (shared, processes, _snapshot(processes)),
               "unruled": (Grader(course=load_course(unruled), zygote=grader.zygote), unruled,
                           _snapshot(unruled))}
    # What a real jail of each kind says it had: a dangerous entry (a fork bomb,
    # kill(-1)) runs only if the jail itself reported the protection, not just the probe.
    active = {mode: set(g.grade(g.course.find(EXERCISE), folder / "solutions" / f"{EXERCISE}.py")
                        ["sandbox"].get("active", []))
              for mode, (g, folder, _) in graders.items()}
    yield Corpus(
        graders=graders,
        missing={"strict": set(sandbox.missing_protections(False)),
                 "unruled": set(sandbox.missing_protections(False)),
                 "processes": set(sandbox.missing_protections(True))},
        active=active, tcp=tcp, udp=udp, unix=unix)
    for s in (tcp, udp, unix):
        s.close()
    grader.close()


def _kill_all_is_refused() -> bool:
    """Whether a confined jail really cannot signal every process: probed with signal 0."""
    import tempfile
    from grader.jail import sandbox
    scratch = tempfile.mkdtemp(prefix="drill-probe-")
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            sandbox.apply({"path": __file__, "limits": {}}, scratch)
            try:
                os.kill(-1, 0)  # signal 0 delivers nothing: only asks whether we may
            except PermissionError:
                code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    os.rmdir(scratch)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


# ------------------------------------------------------------------ checks of a verdict

def _assert_verdict(result: dict, verdict: dict, functions: list[str]) -> None:
    summary = {c["id"]: (c["outcome"], c["message"].splitlines()[:1]) for c in result["checks"]}
    assert result["status"] == verdict["status"], summary
    assert result["max_score"] == FULL_MARKS
    assert result["score"] == verdict["score"], summary
    lost = verdict.get("lost", {})
    passing = verdict.get("passing", {})
    for fn in functions:
        checks = [c for c in result["checks"] if c["function"] == fn]
        assert checks, f"no check of {fn}()"
        allowed = lost.get(fn) or lost.get("all")
        if not allowed:
            assert all(c["outcome"] == "passed" for c in checks), (fn, summary)
            continue
        passed = [c for c in checks if c["outcome"] == "passed"]
        assert len(passed) == passing.get(fn, 0), (fn, summary)
        for check in checks:
            if check["outcome"] != "passed":
                assert check["outcome"] in allowed, (fn, check["id"], check["outcome"])
                assert check["score"] == 0
                if verdict.get("says"):
                    # What a visible check shows: its diagnosis and its evidence.
                    shown = check["message"] + "\n" + check.get("evidence", "")
                    assert verdict["says"] in shown + result["message"], check


def _assert_within_deadlines(result: dict, verdict: dict) -> None:
    """An infinite loop costs its function one deadline, then 1 s per later check.

    A bound with generous slack, not a speed measurement: it fails only if
    every check of a looping function waited the full deadline, or the jail
    outlived its deadline.
    """
    timed_out = [c for c in result["checks"] if c["outcome"] == "timeout"]
    if not timed_out and result["status"] != "timeout":
        return
    looping = {c["function"] for c in timed_out}
    bound = TIMEOUT_S * max(len(looping), 1) + 1.0 * len(timed_out) + 20.0
    assert result["duration_s"] < bound, (result["duration_s"], bound)


# ------------------------------------------------------------------ extra proof per attack

def _nothing_arrived(corpus: Corpus) -> None:
    with pytest.raises(BlockingIOError):
        corpus.tcp.accept()
    with pytest.raises(BlockingIOError):
        corpus.udp.recvfrom(4096)


def _nothing_connected(corpus: Corpus) -> None:
    with pytest.raises(BlockingIOError):
        corpus.unix.accept()


def _no_environment_leaked(result: dict) -> None:
    """Neither the planted secret nor anything of the grader's environment shows."""
    out = result["stdout"] + result["stderr"]
    assert SECRET_VALUE not in out
    with open("/proc/self/environ", "rb") as f:  # what this (grader) process started with
        grader_env = [item.decode(errors="replace") for item in f.read().split(b"\0") if b"=" in item]
    for item in grader_env:
        name, _, value = item.partition("=")
        if len(value) >= 6:
            assert item not in out, f"the jail saw the grader's {name}"
    for line in out.splitlines():
        if line.startswith(("ENV ", "READ ")):
            for item in grader_env:
                name, _, value = item.partition("=")
                if len(value) >= 8 and value not in ("/usr/bin:/bin",):
                    assert value not in line, f"the jail read the grader's {name}"
    assert "READ /proc/self/environ b''" in out  # its own copy is zeroed


def _sandbox_not_forged(result: dict) -> None:
    assert "forged" not in result["sandbox"]
    assert "forged" not in result["sandbox"].get("active", [])


def _output_cut(result: dict) -> None:
    assert "[output cut: 104,857,600 bytes were printed" in result["stdout"]


def _daemon_gone(result: dict) -> None:
    pid = int(re.search(r"DAEMON (\d+)", result["stdout"]).group(1))
    deadline = time.monotonic() + 5
    while True:  # SIGKILL has been sent to its process group; it may take a moment to go
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        assert time.monotonic() < deadline, f"the student's daemon {pid} outlived grading"
        time.sleep(0.05)


def _terminal_report_is_inert(result: dict) -> None:
    """What the student printed or raised reaches a terminal only as visible text."""
    from grader import report_terminal
    for colour in (False, True):
        text = report_terminal.render(result, colour=colour)
        if colour:  # our own colours are the only escape sequences allowed
            text = re.sub(r"\x1b\[[0-9;]*m", "", text)
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text), repr(text)
    assert "score: 18/23" in report_terminal.render(result, colour=False)


def _salt_searched(result: dict, corpus: Corpus) -> None:
    """read_salt.py looked for the salt of the course it was graded in, and read memory."""
    text = (HOSTILE / "read_salt.py").read_text(encoding="utf-8")
    head = re.search(r'^SALT_HEAD = b"(.*)"$', text, re.M).group(1)
    tail = re.search(r'^SALT_TAIL = b"(.*)"$', text, re.M).group(1)
    assert corpus.graders["strict"][0].course.salt == head + tail
    scanned = re.search(r"salt in /proc/self/mem: the salt is not there \(([\d,]+) bytes", result["stdout"])
    assert scanned and int(scanned.group(1).replace(",", "")) > 10 ** 7, result["stdout"]


def _workers_ran(result: dict) -> None:
    assert "WORKERS 2016.0" in result["stdout"]


EXTRA = {
    "network": lambda result, corpus: _nothing_arrived(corpus),
    "read_environment": lambda result, corpus: _no_environment_leaked(result),
    "forge_sandbox_report": lambda result, corpus: _sandbox_not_forged(result),
    "stdout_flood": lambda result, corpus: _output_cut(result),
    "terminal_escape": lambda result, corpus: _terminal_report_is_inert(result),
    "read_salt": _salt_searched,
    "processes/setsid_daemon": lambda result, corpus: _daemon_gone(result),
    "processes/dataloader_workers": lambda result, corpus: _workers_ran(result),
    "processes/unix_socket": lambda result, corpus: _nothing_connected(corpus),
}


# ------------------------------------------------------------------ the corpus

def test_every_hostile_file_has_a_verdict():
    files = {p.stem for p in HOSTILE.glob("*.py")}
    files |= {f"processes/{p.stem}" for p in (HOSTILE / "processes").glob("*.py")}
    assert files == set(VERDICTS)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the corpus needs Linux")
@pytest.mark.parametrize("name", list(VERDICTS))
def test_hostile_submission(name, corpus):
    verdict = VERDICTS[name]
    mode = "processes" if name.startswith("processes/") else \
        "unruled" if verdict.get("rules") is False else "strict"
    grader, course_dir, before = corpus.graders[mode]
    required = set(verdict.get("requires", []))
    missing = (required & corpus.missing[mode]) | (required - corpus.active[mode])
    if missing:
        pytest.skip(f"{name} is never run without {', '.join(sorted(missing))}")
    if name == "kill_everything" and not _kill_all_is_refused():
        pytest.fail("a confined jail may signal every process: refusing to run kill(-1)")
    exercise = grader.course.find(EXERCISE)
    path = course_dir / "submissions" / f"{name.split('/')[-1]}.py"

    result = grader.grade(exercise, path)

    _assert_verdict(result, verdict, [f.name for f in exercise.functions])
    _assert_within_deadlines(result, verdict)
    out = result["stdout"] + result["stderr"]
    assert "ATTACK-SUCCEEDED" not in out
    assert len(re.findall(r"^BLOCKED ", result["stdout"], re.M)) == verdict.get("blocked", 0), out
    if not corpus.missing[mode]:
        assert not result["sandbox"].get("missing"), result["sandbox"]
    if name in EXTRA:
        EXTRA[name](result, corpus)
    assert _snapshot(course_dir) == before, "the submission changed the course folder"

    # The grader is alive, and the next submission is graded correctly.
    os.kill(grader.zygote.pid, 0)
    again = grader.grade(exercise, course_dir / "solutions" / f"{EXERCISE}.py")
    assert (again["status"], again["score"]) == ("graded", FULL_MARKS), again["checks"]
