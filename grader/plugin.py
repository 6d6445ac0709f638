"""The pytest plugin: fixtures for checks, and one record per check outcome.

pytest collects and runs the checks in the trusted check process; this plugin
gives them the `student`, `case` and `device` fixtures, watches every call
into the jail (constraints, inputs modified in place, global state left
changed), and turns each report into a check record of the result document.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass

import pytest
import torch

from grader import constraints as rules
from grader.cases import Case, seed_for
from grader import compare
from grader.compare import CheckFailure, ClaimFailure
from grader.i18n import N_, _, current, text_of
from grader.fn import Fn
from grader.proxy import (Claim, Handle, CallInfo, ConstraintViolation, JailDied, StaleHandle, Student,
                          StudentError, StudentImportError)


@dataclass
class CheckRecord:
    id: str
    title: str
    function: str
    points: float
    visibility: str
    hint: str
    score: float = 0.0
    outcome: str = "error"
    message: str = ""
    duration_s: float = 0.0
    not_attempted: bool = False   # failed only because the function still raises NotImplementedError
    not_implemented: bool = False  # ... and that is the starter's raise (not a missing name)
    seed: int | None = None
    grader_error: bool = False
    basis: str = ""               # "claim": failed on what the student's process said of itself
    evidence: str = ""            # inputs, expected and actual values, the seed: withheld when hidden

    def as_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "function": self.function,
                "points": self.points, "score": self.score, "outcome": self.outcome,
                "visibility": self.visibility, "message": self.message,
                "evidence": self.evidence, "hint": self.hint,
                "duration_s": round(self.duration_s, 4),
                **({"basis": self.basis} if self.basis else {})}


MAX_MESSAGE_CHARS = 16_000


def _title(fn) -> str:
    explicit = getattr(fn, "_drill_title", None)
    if explicit:
        return text_of(explicit)
    zh = getattr(fn, "_drill_title_zh", None)
    if zh and current() == "zh":
        return zh
    doc = inspect.getdoc(fn)
    if doc:
        return doc.strip().splitlines()[0]
    return fn.__name__.removeprefix("check_").replace("_", " ")


def _record(item) -> CheckRecord:
    fn, path = item.obj, item.path.name
    return CheckRecord(
        id=f"{path}::{item.name}",
        title=_title(fn),
        function=getattr(fn, "_drill_target", ""),
        points=float(getattr(fn, "_drill_points", 1.0)),
        visibility="hidden" if path.startswith("hidden_") else "visible",
        hint=text_of(getattr(fn, "_drill_hint", "")),
    )


# The jail's fixed phrases about a call (grader/jail/child.py), in the grading's language.
_JAIL_PHRASES = [
    (r"grad mode was left enabled", N_("grad mode was left enabled")),
    (r"grad mode was left disabled", N_("grad mode was left disabled")),
    (r"the default dtype was left as (?P<dtype>\S+)", N_("the default dtype was left as {dtype}")),
    (r"(?P<name>.+) \(its requires_grad flag\)", N_("{name} (its requires_grad flag)")),
]


def _jail_words(text: str) -> str:
    import re as _re
    for pattern, msgid in _JAIL_PHRASES:
        match = _re.fullmatch(pattern, text)
        if match:
            return _(msgid).format(**match.groupdict())
    return text


class _CallWatch:
    """The session hooks for one running check."""

    def __init__(self, plugin: "DrillPlugin", record: CheckRecord):
        self.plugin = plugin
        self.record = record

    def before_call(self, function: str) -> None:
        compare.CONTEXT["function"] = function
        known = self.plugin.function_names
        if not self.record.function and (not known or function in known):
            self.record.function = function
        broken = self.plugin.broken.get(function)
        if broken:
            raise ConstraintViolation(f"{function}: {broken}")

    def after_call(self, function: str, info: CallInfo) -> None:
        if not function:
            return
        # A ruled function whose code calls another one that already breaks its
        # rules: the trace holds the callee's calls too, and that break is
        # reported once, at the callee (constraints.check_source).
        callees = getattr(self.plugin.broken, "reaches", {}).get(function, ())
        traced = not any(name in self.plugin.broken for name in callees)
        for rule in self.plugin.rules_for(function) if traced else ():
            broken = rules.check_runtime_calls(rule, info.torch_calls)
            if broken:
                # The trace is the jail's account: evidence of a break, a claim.
                violation = ConstraintViolation(f"{function}: {broken}")
                violation.claimed = True
                raise violation
        fn = self.plugin.exercise.function(function)
        if info.mutated and not (fn and fn.may_modify_inputs):
            raise ClaimFailure(_("{function}() modified its input {names} in place; work on a"
                                 " copy (or use out-of-place operations)").format(
                function=function, names=", ".join(_jail_words(m) for m in info.mutated)))
        if info.state_changed:
            raise ClaimFailure(_("{function}() changed global torch state: {what}").format(
                function=function, what=_("; ").join(_jail_words(w) for w in info.state_changed)))
        self.plugin.device_probe(function)


class DrillPlugin:
    """The checks of one exercise, collected once; `begin()` starts each grading."""

    def __init__(self, exercise, salt: str):
        self.exercise = exercise
        self.salt = salt
        self.function_names = {f.name for f in exercise.functions}
        self.items: list = []             # the collected checks, in the order they run
        self.begin(None, "cpu", {})

    def begin(self, session, device: str, broken: dict[str, str],
              load_problem: StudentImportError | None = None) -> None:
        """A new grading: its jail session, rule breaks and load problem; fresh records."""
        self.session = session
        self.device_name = device
        self.broken = broken
        self.load_problem = load_problem
        self.probed: set[str] = set()    # functions already called on a simulated GPU
        self.running: CheckRecord | None = None   # the check being run
        # Titles and hints in the language of this grading.
        self.records: dict[str, CheckRecord] = {item.nodeid: _record(item) for item in self.items}
        self.order: list[str] = [item.nodeid for item in self.items]

    def finished(self) -> list[CheckRecord]:
        """This grading's records, in the order the checks ran."""
        return [self.records[nid] for nid in self.order]

    def device_probe(self, function: str) -> None:
        """Once per function and grading on the CPU: call it again with its tensors on a
        simulated GPU (grader/jail/builders/devices.py), so device mistakes show without one."""
        fn = self.exercise.function(function)
        if self.device_name != "cpu" or fn is None or not fn.device_check or \
                "cuda" not in self.exercise.devices or function in self.probed:
            return
        args, kwargs = getattr(self.session, "last_args", ([], {}))
        values = list(args) + list(kwargs.values())
        if not any(isinstance(v, torch.Tensor) for v in values) or \
                any(isinstance(v, (Handle, Fn)) for v in values):
            return   # nothing to move, or objects (a model) that would stay behind
        self.probed.add(function)
        try:
            report, _info = self.session.ask("build", 0, f"{function}() on another device",
                                             name="devices.device_probe",
                                             args=[function, list(args), dict(kwargs)], kwargs={})
        except StudentError:
            return
        found = report.value if isinstance(report, Claim) else None
        if not isinstance(found, dict):
            return
        devices = [d for d in found.get("devices") or [] if isinstance(d, str)]
        error = str(found.get("error") or "")
        if any(d not in ("cuda:0", "subclass") for d in devices):
            raise ClaimFailure(_(
                "device mistake: with its inputs on a GPU (simulated), {function}() returned a"
                " result on the CPU: create new tensors with device=x.device (or"
                " torch.zeros_like(x)), and do not call .cpu() on a result"
                ).format(function=function))
        if re.search(r"Expected all tensors to be on the same device", error):
            raise ClaimFailure(_(
                "device mistake: with its inputs on a GPU (simulated), {function}() mixed them"
                " with a tensor it made on the CPU: create new tensors with device=x.device (or"
                " torch.zeros_like(x))").format(function=function), error)

    def rules_for(self, function: str):
        return [r for r in self.exercise.constraints if function in r.functions]

    # -- fixtures
    @pytest.fixture
    def student(self):
        if self.load_problem:
            # One instance for every check: without the reset, each raise
            # appends to its traceback and pytest's reports grow quadratically.
            raise self.load_problem.with_traceback(None)
        record = self.running
        self.session.hooks = _CallWatch(self, record)
        self.session.begin_check(record.id)
        self.session.start()
        return Student(self.session)

    @pytest.fixture
    def case(self):
        record = self.running
        record.seed = seed_for(self.salt, self.exercise.slug, record.id)
        return Case(record.seed, self.device_name)

    @pytest.fixture
    def device(self):
        return self.device_name

    # -- collection (once per session: ResidentChecks runs the items for every grading)
    def pytest_collection_modifyitems(self, items):
        # Every visible check runs before any hidden one: nothing the student's
        # code keeps from a hidden check's inputs can come back in a visible one.
        items.sort(key=lambda item: item.path.name.startswith("hidden_"))
        self.items = list(items)

    def pytest_runtest_logstart(self, nodeid, location):
        record = self.records.get(nodeid)
        # The fixtures below read the running check's record here, not through
        # `request`: pytest builds a fixture definition for every `request` asked.
        self.running = record
        if record is not None:
            # What the student's code prints from now on belongs to this check
            # (and is withheld with it when it is hidden).
            self.session.stdout.begin(record.id)
            self.session.stderr.begin(record.id)

    def pytest_runtest_setup(self, item):
        record = self.records[item.nodeid]
        broken = self.broken.get(record.function)
        if broken and not self.load_problem:
            raise ConstraintViolation(f"{record.function}: {broken}")
        spent = None if self.load_problem else self.session.budget_spent()
        if spent is not None:   # the grading's time budget is used up: not run, `timeout`
            raise spent

    # -- outcomes
    @pytest.hookimpl(tryfirst=True, specname="pytest_runtest_makereport")
    def pytest_runtest_makereport_failure(self, item, call):
        """A failure's report, without pytest's formatted traceback: the record (made from
        the exception itself, below) is what a grading reports, and formatting a long
        traceback cost more than many checks."""
        excinfo = call.excinfo
        if excinfo is None or not isinstance(excinfo.value, Exception) or \
                isinstance(excinfo.value, pytest.skip.Exception):
            return None   # pytest's own report
        return pytest.TestReport(item.nodeid, item.location, dict.fromkeys(item.keywords, 1),
                                 "failed", f"{excinfo.typename}: {excinfo.value}"[:2000],
                                 call.when, (), call.duration, call.start, call.stop,
                                 user_properties=item.user_properties)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        record = self.records.get(item.nodeid)
        if record is None:
            return
        if call.when == "call":
            record.duration_s = call.duration
        if call.when == "teardown" or (call.when == "setup" and report.passed):
            return
        if report.passed:
            record.outcome, record.score, record.message = "passed", record.points, ""
            return
        if report.skipped:
            record.outcome, record.message = "skipped", str(call.excinfo.value) if call.excinfo else ""
            return
        self._classify(record, call.excinfo)

    def _classify(self, record: CheckRecord, excinfo) -> None:
        exc = excinfo.value
        record.score = 0.0
        if isinstance(exc, ClaimFailure) or getattr(exc, "claimed", False):
            record.basis = "claim"
        if isinstance(exc, ConstraintViolation):
            # A rule break is never secret: all of it is the diagnosis.
            record.outcome, record.message = "constraint", str(exc)
        elif isinstance(exc, StudentImportError):
            record.outcome, record.message = "error", str(exc)
        elif isinstance(exc, JailDied):
            record.outcome, record.message = exc.reason, str(exc)
        elif isinstance(exc, StudentError):
            record.not_implemented = exc.not_implemented
            record.not_attempted = exc.not_implemented or (
                exc.type_name == "AttributeError" and getattr(exc, "undefined", False))
            record.outcome = "failed" if record.not_attempted else "error"
            record.message, record.evidence = exc.diagnosis(), exc.evidence()
        elif isinstance(exc, StaleHandle):
            record.outcome, record.message = "error", str(exc)
        elif isinstance(exc, CheckFailure):
            record.outcome = "failed"
            record.message = exc.diagnosis or _("the check failed")
            record.evidence = exc.evidence
        elif isinstance(exc, AssertionError):
            # A bare assert: its text quotes values, so it is evidence.
            record.outcome = "failed"
            record.message = _("your result is not what this check expected")
            record.evidence = str(exc)
        else:
            # A bug in the check itself, not in the student's code.
            record.outcome, record.grader_error = "error", True
            record.message = _("the check itself failed ({error}); please tell your instructor"
                               ).format(error=f"{type(exc).__name__}: {exc}")
        if record.outcome == "failed" and record.seed is not None and not record.not_attempted:
            record.evidence = (record.evidence + "\n" if record.evidence else "") + \
                _("(inputs from seed {seed})").format(seed=record.seed)
        if len(record.evidence) > MAX_MESSAGE_CHARS:
            record.evidence = record.evidence[:MAX_MESSAGE_CHARS] + "\n[...]"
        if len(record.message) > MAX_MESSAGE_CHARS:   # a check may quote a huge result
            record.message = record.message[:MAX_MESSAGE_CHARS] + "\n" + _("[message cut]")
