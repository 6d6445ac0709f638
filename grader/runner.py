"""Grade one submission: source checks, a jail, pytest over the checks, a result.

`Grader` is the warm state of a check process: the course and the zygote.
Start it with `Grader.start(course)` before anything runs a torch op; then
`grade()` as many submissions as you like, each in a fresh jail.
"""

from __future__ import annotations

import ast
import gc
import os
import contextlib
import stat
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")

import torch  # noqa: E402

from grader import compare, constraints, i18n  # noqa: E402
from grader.course import grading_budget  # noqa: E402,F401  (re-exported)
from grader.jail.zygote import ZygoteClient, start_zygote  # noqa: E402
from grader.result import new_result, finish_result  # noqa: E402

MAX_SOURCE_BYTES = 1024 * 1024
PYTEST_INI = Path(__file__).with_name("pytest_checks.ini")


# pytest plugins a grading has no use for. unraisableexception/threadexception
# collect garbage around every check; the terminal reporter would keep every
# report of a resident session (grader.resident) for a summary nobody reads;
# unittest wraps every report (checks are functions: python_classes is empty);
# debugging serves only --pdb.
UNUSED_PYTEST_PLUGINS = [
    arg for name in ("terminal", "cacheprovider", "warnings", "stepwise", "logging", "faulthandler",
                     "junitxml", "doctest", "pastebin", "legacypath", "unraisableexception",
                     "threadexception", "setuponly", "setupplan", "unittest", "debugging")
    for arg in ("-p", f"no:{name}")
]


class SubmissionError(Exception):
    """The submission cannot be graded at all (not a file, unreadable): exit 2."""


@dataclass
class Grader:
    course: object
    zygote: ZygoteClient
    warmed: bool = False
    resident: dict = field(default_factory=dict)   # open pytest sessions, the newest last

    @classmethod
    def start(cls, course, zygote: ZygoteClient | None = None) -> "Grader":
        """The check process's warm state. The zygote is a fresh interpreter that never
        sees the course: start it first (start_zygote()) to overlap its torch import."""
        if zygote is None:
            with _unbounded_children():   # the jails' parent never gets our memory bound
                zygote = start_zygote()
        return cls(course=course, zygote=zygote)

    def close(self) -> None:
        # The zygote first: it kills any jail still running, so a grading that was
        # interrupted (Ctrl-C) ends at once and its pytest session can close.
        self.zygote.close()
        for checks in self.resident.values():
            checks.close()
        self.resident.clear()

    RESIDENT_SESSIONS = 4   # exercises whose pytest sessions stay open in one check process

    def checks_of(self, exercise, include_hidden: bool):
        """The resident pytest session (grader.resident) of an exercise's check files."""
        files = [str(p) for p in exercise.check_files(include_hidden)]
        if not files:
            return None
        key = (str(exercise.checks_dir), tuple(files))
        opened = self.resident
        checks = opened.pop(key, None)
        if checks is not None and not checks.ended:
            opened[key] = checks   # the newest last
            return checks
        # A session that ended (its checks could not be collected) is started
        # again: the files may have been mended since.
        while len(opened) >= self.RESIDENT_SESSIONS:
            opened.pop(next(iter(opened))).close()
        from grader.plugin import DrillPlugin
        from grader.resident import ResidentChecks
        # --confcutdir: no conftest.py above the checks folder (a course kept inside a
        # project with its own tests) joins a grading.
        args = [*files, "-c", str(PYTEST_INI), "--rootdir", str(exercise.checks_dir),
                "--confcutdir", str(exercise.checks_dir),
                "-s", "--import-mode=importlib", *UNUSED_PYTEST_PLUGINS]
        opened[key] = ResidentChecks(args, DrillPlugin(exercise, self.course.salt),
                                     lambda: importable_checks(exercise, files))
        return opened[key]

    def warm_up(self) -> None:
        """Pay the one-time costs in the check process before the first grading."""
        if self.warmed:
            return
        import pytest  # noqa: F401  (imported now, not during the first grading)
        from grader import compare
        # Checks compute on tiny tensors; OpenMP workers spinning after each
        # op would steal the core the jail needs to answer.
        torch.set_num_threads(1)
        # The first comparison pays torch.testing's lazy set-up (about 10 ms
        # since compare.py skips assert_close's DTensor import).
        compare.assert_tensor(torch.zeros(1), torch.zeros(1))
        # pytest collects garbage twice per session; frozen objects are skipped.
        gc.freeze()
        # From now on the check process is bounded (the zygote was started before).
        bound_memory(int(self.course.check_limits()["check_memory_mb"]))
        self.warmed = True

    def grade(self, exercise, path: Path, *, device: str = "cpu", student: str = "",
              include_hidden: bool = True, claims: str = "honest", claim_log=None) -> dict:
        """Grade one file. `claims`: "honest"; "record" (into claim_log: a reference
        solution); "forge" (claim_log's claims replace the jail's: the lying-jail test)."""
        if str(path).lower().endswith(".ipynb"):   # its code cells, as a .py (grader/notebook.py)
            from grader import notebook
            return notebook.grade(self, exercise, Path(path), device=device, student=student,
                                  include_hidden=include_hidden, claims=claims,
                                  claim_log=claim_log)
        self.warm_up()
        started = time.perf_counter()
        note = ""
        if device not in exercise.devices:
            note = i18n._("this exercise runs on {device} only, so it was graded there").format(
                device=exercise.devices[0])
            device = exercise.devices[0]
        result = new_result(exercise, student, device)
        result["message"] = note
        # Messages are in the language of the grading; what hidden checks show
        # of a failure is the course's (or the exercise's) choice (grader.redact).
        result["lang"] = i18n.current()
        result["hidden_feedback"] = self.course.feedback_for(exercise) \
            if hasattr(self.course, "feedback_for") else "diagnosis"
        path = Path(path)
        source, problem = read_source(path)
        broken: dict[str, str] = {}
        if problem is None:
            try:
                tree = ast.parse(source, filename=str(path))
                broken = constraints.check_source(tree, source, exercise.constraints)
                compare.CONTEXT["without_return"] = functions_without_return(tree)
            except SyntaxError as e:
                line = (e.text or "").rstrip()
                problem = ("syntax_error", i18n._("syntax error on line {line}: {message}").format(
                    line=e.lineno, message=e.msg) + (f"\n    {line}" if line else ""))
            except (ValueError, RecursionError) as e:
                problem = ("syntax_error", i18n._("your file cannot be parsed: {error}").format(
                    error=e))
        limits = self.course.limits_for(exercise)
        config = {
            "path": str(path.resolve()),
            "device": device,
            "limits": limits,
            "block_imports": exercise.block_imports,
            "allow_processes": exercise.allow_processes,
            "preload": exercise.preload,
            "protect": [str(self.course.root)],  # the jail may never read the course
            "trace_calls": any(r.forbidden_calls or r.allowed_calls is not None
                               for r in exercise.constraints),
        }
        from grader.proxy import Session, StudentImportError
        session = Session(self.zygote, config, float(limits["timeout_s"]),
                          int(limits["output_kb"]) * 1024)
        session.claim_mode, session.claim_log = claims, claim_log
        # The budget counts from here (not while the jails' parent still imports torch):
        # the cap until the checks are counted.
        self.zygote.ready()
        began = time.monotonic()
        session.set_budget(grading_budget(limits), began)
        load_problem = StudentImportError(*problem) if problem else None
        try:
            checks = self.checks_of(exercise, include_hidden)

            def begin(plugin, count: int) -> None:
                plugin.begin(session, device, broken, load_problem)
                session.set_budget(grading_budget(limits, count), began)

            records = checks.run(begin) if checks is not None else []
        finally:
            session.close()
        if load_problem is None and session.import_failure is not None:
            load_problem = session.import_failure
        return finish_result(result, records, load_problem, session,
                             time.perf_counter() - started)


def functions_without_return(tree: ast.Module) -> set[str]:
    """The file's functions that never `return` a value: their None is a forgotten return."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not any(
                isinstance(n, ast.Return) and n.value is not None for n in ast.walk(node)):
            found.add(node.name)
    return found


def read_source(path: Path) -> tuple[str, tuple[str, str] | None]:
    """The submission's text, or (status, message) saying why it cannot be used."""
    if path.is_dir():
        raise SubmissionError(i18n._("{path} is a directory, not a Python file").format(path=path))
    try:
        # Never blocking (a FIFO would wait for a writer forever), then only a regular file.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise SubmissionError(i18n._("{path} is not a regular file (a named pipe, a"
                                             " socket or a device?)").format(path=path))
            if st.st_size > MAX_SOURCE_BYTES:
                return "", ("syntax_error", i18n._("your file is {size} bytes; the limit is"
                                                   " {limit}").format(
                    size=f"{st.st_size:,}", limit=f"{MAX_SOURCE_BYTES:,}"))
            os.set_blocking(fd, True)
            with os.fdopen(os.dup(fd), "rb") as f:
                data = f.read(MAX_SOURCE_BYTES + 1)
        finally:
            os.close(fd)
        if len(data) > MAX_SOURCE_BYTES:
            return "", ("syntax_error", i18n._("your file is over {limit} bytes, the limit"
                                               ).format(limit=f"{MAX_SOURCE_BYTES:,}"))
    except FileNotFoundError:
        raise SubmissionError(i18n._("{path}: no such file").format(path=path)) from None
    except OSError as e:
        raise SubmissionError(i18n._("{path}: cannot read it ({error})").format(
            path=path, error=e.strerror)) from None
    if b"\0" in data:
        return "", ("syntax_error", i18n._("your file is not Python source (it contains binary"
                                           " data)"))
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as e:
        return "", ("syntax_error", i18n._("your file is not UTF-8 text (byte {position})"
                                           ).format(position=e.start))


def _data_limit():
    import resource
    return resource.getrlimit(resource.RLIMIT_DATA)


def _data_in_use() -> int:
    """This process's data segment now (VmData), in bytes; 0 where /proc has no answer."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def bound_memory(memory_mb: int) -> int | None:
    """Bound this (check) process's data segment: RLIMIT_DATA, the soft limit only.

    What the jail sends is checked before it is allocated (grader.wire); this is
    the backstop, so a bug there costs a MemoryError in one check, not the
    machine. Never below what the process already uses plus 512 MB (a test
    process holds more than a class worker, about 240 MB after warm-up), never
    raised. Returns the limit set, or None.
    """
    try:
        import resource
        soft, hard = _data_limit()
        want = max(memory_mb * 1024 * 1024, _data_in_use() + 512 * 1024 * 1024)
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        if soft != resource.RLIM_INFINITY and soft <= want:
            return None
        resource.setrlimit(resource.RLIMIT_DATA, (want, hard))
        return want
    except (ImportError, OSError, ValueError):
        return None


@contextlib.contextmanager
def _unbounded_children():
    """Lift our soft memory bound while a child (the zygote) starts: it must not inherit it."""
    lifted = None
    try:
        import resource
        soft, hard = _data_limit()
        if soft != hard:
            resource.setrlimit(resource.RLIMIT_DATA, (hard, hard))
            lifted = (soft, hard)
    except (ImportError, OSError, ValueError):
        pass
    try:
        yield
    finally:
        if lifted:
            resource.setrlimit(resource.RLIMIT_DATA, lifted)


@contextlib.contextmanager
def importable_checks(exercise, files: list[str]):
    """While pytest runs `files`: this exercise's check and support_*.py modules, not another's."""
    folder = str(exercise.checks_dir)
    _forget_other_exercises_checks(files + [str(p) for p in exercise.support_files()])
    sys.path.insert(0, folder)
    try:
        yield
    finally:
        sys.path.remove(folder)


def _forget_other_exercises_checks(files: list[str]) -> None:
    """Drop cached check or support modules of another exercise that have these files' names.

    --import-mode=importlib names a check module by its file name alone and
    reuses whatever sys.modules holds under that name (and so does `import` of
    a support module): without this, grading 07 after 04 in one process would
    run 04's public_examples.py. Modules of this exercise stay cached, so
    re-grading it (watch, a class) skips the import.
    """
    for file in files:
        name = Path(file).stem
        cached = sys.modules.get(name)
        if cached is not None and getattr(cached, "__file__", None) != file:
            del sys.modules[name]
