"""The check process's side of the pipe: a student session and its handles.

`Session` owns the current jail (a student process), restarts it after a
timeout, crash or exit, and turns every reply into plain data or a `Handle`.
Checks see it through `Student`, the `student` fixture.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import socket
import struct
import termios
import threading
import time
from dataclasses import dataclass, field

import torch

from grader import wire
from grader.fn import Fn
from grader.i18n import N_, _

# How the student process ended, in a sentence (msgids, translated where they are used).
SIGNAL_REASONS = {
    signal.SIGSEGV: N_("the student process crashed with a segmentation fault during {where}"),
    signal.SIGBUS: N_("the student process crashed with a bus error during {where}"),
    signal.SIGABRT: N_("the student process aborted during {where}"),
    signal.SIGFPE: N_("the student process crashed with a floating-point exception during"
                      " {where}"),
    signal.SIGILL: N_("the student process crashed with an illegal instruction during {where}"),
    signal.SIGXCPU: N_("the student process used up its CPU-time limit during {where}"),
    signal.SIGXFSZ: N_("the student process wrote more than the file-size limit during {where}"),
    signal.SIGSYS: N_("the student process made a system call the jail forbids during {where}"),
}
LOADING = N_("loading your file")


# ------------------------------------------------------------------ errors

# Strings from the jail are cut here, on arrival: the jail's own cuts are the
# student's to undo.
MAX_MESSAGE_CHARS = 4000
MAX_TRACEBACK_CHARS = 8000
# Replies that say the student's code went over one of the grader's limits.
LIMIT_ERRORS = ("ResultTooLarge", "LimitExceeded")


def _text(value, limit: int) -> str:
    text = value if type(value) is str else str(value)
    return text if len(text) <= limit else text[:limit] + " [cut]"


class StudentError(Exception):
    """The student's code raised an exception."""

    def __init__(self, where: str, error: dict):
        self.where = where
        self.type_name = _text(error.get("type", "Exception"), 200)
        self.message = _text(error.get("message", ""), MAX_MESSAGE_CHARS)
        self.student_traceback = _text(error.get("traceback", ""), MAX_TRACEBACK_CHARS)
        self.not_implemented = bool(error.get("not_implemented"))
        self.line = error.get("line") if type(error.get("line")) is int else None
        # The student's file has no such name (the grader's own finding, not the jail's text).
        self.undefined = error.get("undefined") is True
        if self.not_implemented:
            text = _("{where} is not implemented yet (it still raises NotImplementedError)"
                     ).format(where=where)
        elif self.type_name in LIMIT_ERRORS:
            text = f"{where}: {self.message}"
        else:
            text = _("{where} raised {type}: {message}").format(where=where, type=self.type_name,
                                                               message=self.message)
        super().__init__(text)

    call = ""   # the call that raised, as the check process sent it (set by Session.call)

    def with_info(self, info: "CallInfo") -> "StudentError":
        """Attach what the jail saw during the call that raised."""
        self.info = info
        return self

    def diagnosis(self) -> str:
        """What a hidden check may show: who raised what, and a tutor's sentence.

        The exception's message is the student's process's text (it could carry
        a hidden check's inputs out), so it is evidence, not diagnosis.
        """
        from grader.i18n import _
        from grader.tutor import advice
        if self.not_implemented:
            return _("{where} is not implemented yet (it still raises NotImplementedError)"
                     ).format(where=self.where)
        if self.type_name in LIMIT_ERRORS:
            return f"{self.where}: {self.message}"
        line = _(" (your line {line})").format(line=self.line) if self.line else ""
        text = _("{where} raised {type}{line}").format(where=self.where, type=self.type_name,
                                                      line=line)
        tip = advice(self.type_name, self.message)
        return text + (": " + tip if tip else "")

    def evidence(self) -> str:
        from grader.i18n import _
        if self.not_implemented:
            return ""
        parts = []
        if self.call:
            parts.append(_("the call: {call}").format(call=self.call))
        parts.append(f"{self.type_name}: {self.message}")
        if self.student_traceback:
            parts.append(self.student_traceback.rstrip())
        return "\n".join(parts)


def _describe_argument(value) -> str:
    if isinstance(value, torch.Tensor):
        text = f"tensor {tuple(value.shape)} {str(value.dtype).removeprefix('torch.')}"
        if value.numel() <= 12:
            text += " " + str(value.tolist())
        return text
    if isinstance(value, Handle):
        return f"<{value.type_name}>"
    if isinstance(value, Fn):
        return repr(value)
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def describe_call(name: str, args, kwargs) -> str:
    """The call as the check sent it: shapes and dtypes, and small values."""
    parts = [_describe_argument(a) for a in args]
    parts += [f"{k}={_describe_argument(v)}" for k, v in kwargs.items()]
    return f"{name.removesuffix('()')}({', '.join(parts)})"


class LimitExceeded(StudentError):
    """The student's code went over a limit of the check process (a handle that
    yields without end, a len() of 10**18): that call fails, the jail lives on."""

    def __init__(self, where: str, message: str):
        super().__init__(where, {"type": "LimitExceeded", "message": message})


class JailDied(Exception):
    """The student process timed out, crashed or exited; `reason` is the outcome."""

    def __init__(self, reason: str, message: str):
        self.reason = reason  # "timeout" or "crashed"
        super().__init__(message)


class StudentImportError(Exception):
    """The student's file could not be loaded; `status` is the grading status."""

    def __init__(self, status: str, message: str):
        self.status = status
        super().__init__(message)


class ConstraintViolation(Exception):
    """The student's code broke a rule of the exercise."""


class StaleHandle(Exception):
    pass


# ------------------------------------------------------------------ claims
#
# Everything the student's process says about itself is a claim: tensor
# metadata, what it saw during a call, a probe's report, a handle's account of
# itself (its attributes, len()). A claim may explain a failure or cost points
# (raise ClaimFailure); it is never the reason a check passes. The values a
# check compares with its own expectations (tensors rebuilt from bytes,
# numbers, strings) are the verified part. See docs/authoring.md.

@dataclass
class TensorClaims:
    """What the jail says about a tensor it returned (claims(t))."""
    device: str = "cpu"
    requires_grad: bool = False
    grad_fn: str | None = None
    is_leaf: bool = True
    type_name: str = "Tensor"
    shares_memory_with: list = field(default_factory=list)
    input_device: str | None = None
    expanded: bool = False    # a stride-0 view (expand): not a tensor of its own


@dataclass
class CallInfo:
    """What the jail says happened during a call (student.last_call): claims too."""
    function: str = ""
    mutated: list = field(default_factory=list)
    torch_calls: list = field(default_factory=list)
    state_changed: list = field(default_factory=list)
    input_device: str | None = None


class Claim:
    """A probe's report from the student's process: read `.value` to explain a failure.

    It has no truth value on purpose: `if claim:` would let a claim decide a
    check, so it raises.
    """

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __bool__(self):
        raise TypeError("a Claim cannot decide a check: read claim.value, and use it only to"
                        " explain a failure (ClaimFailure)")

    def __repr__(self):
        return f"Claim({self.value!r})"


def claims(value) -> TensorClaims:
    """The jail's claims about a tensor or array that came back from it."""
    found = getattr(value, "_drill_meta", None)
    if found is None:
        raise TypeError("claims() takes a tensor that came back from the student's code")
    return found


class ClaimLog:
    """The claims of one grading, per check and kind, in the order they were made.

    Recorded while the reference solution is graded; replayed in place of a
    mutant's own claims by the claim-forging test (grade check-solutions), which
    proves that no check passes because of what the student's process says.
    """

    KINDS = ("info", "meta", "claim", "answer")

    def __init__(self):
        self.entries: dict[tuple[str, str], list] = {}

    def add(self, check: str, kind: str, value) -> None:
        self.entries.setdefault((check, kind), []).append(value)

    def get(self, check: str, kind: str, index: int):
        found = self.entries.get((check, kind), [])
        return found[index] if index < len(found) else _MISSING


_MISSING = object()


def _plain(value, depth=0) -> bool:
    """Plain data (no handle anywhere inside): safe to replay in another grading."""
    if depth > 8 or isinstance(value, Handle):
        return False
    if isinstance(value, (list, tuple)):
        return all(_plain(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(_plain(v, depth + 1) for v in value.values())
    return True


# ------------------------------------------------------------------ output

class Capture:
    """Keeps the first `limit` bytes of a stream, counts the rest, and knows which check printed what.

    `begin(owner)` marks where a check starts: what was read before the mark
    belongs to the check before. The jail flushes its streams before every
    reply, so once a reply has arrived, what the student's code printed during
    that call is in the pipe; begin() reads exactly what the pipe holds then
    (FIONREAD), under the lock the drain thread reads with, so nothing printed
    before the mark is counted after it, however late the drain thread runs.
    """

    def __init__(self, limit: int):
        self.limit = limit
        self.kept = bytearray()
        self.total = 0
        self.lock = threading.Lock()
        self.fds: set[int] = set()            # read ends still being drained
        self.marks: list[tuple[int, object]] = [(0, None)]   # (offset, owner from there on)

    def _take(self, chunk: bytes) -> None:
        room = self.limit - len(self.kept)
        if room > 0:
            self.kept += chunk[:room]
        self.total += len(chunk)

    def drain(self, fd: int) -> threading.Thread:
        os.set_blocking(fd, False)
        with self.lock:
            self.fds.add(fd)

        def run():
            poller = select.poll()
            poller.register(fd, select.POLLIN)
            try:
                while True:
                    poller.poll()
                    with self.lock:
                        try:
                            chunk = os.read(fd, 1 << 16)
                        except BlockingIOError:
                            continue          # begin() took it first
                        if not chunk:
                            return
                        self._take(chunk)
            except (OSError, ValueError):
                return
            finally:
                with self.lock:
                    self.fds.discard(fd)
                    try:
                        os.close(fd)
                    except OSError:
                        pass

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    def begin(self, owner) -> None:
        """From now on, what arrives belongs to `owner` (a check's id)."""
        with self.lock:
            for fd in list(self.fds):
                try:
                    pending = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]
                    while pending > 0:
                        chunk = os.read(fd, min(pending, 1 << 16))
                        if not chunk:
                            break
                        self._take(chunk)
                        pending -= len(chunk)
                except (BlockingIOError, OSError):
                    continue
            self.marks.append((self.total, owner))

    def segments(self) -> list[tuple[object, str]]:
        """(owner, text) in order, over the kept bytes; owner None: before the first check."""
        with self.lock:
            out = []
            for (start, owner), (end, _) in zip(self.marks, self.marks[1:] + [(self.total, None)]):
                piece = bytes(self.kept[min(start, self.limit):min(end, self.limit)])
                if piece:
                    out.append((owner, piece.decode("utf-8", errors="replace")))
            return out

    def cut_note(self) -> str:
        if self.total <= self.limit:
            return ""
        return "\n" + _("[output cut: {total} bytes were printed, the first {kept} are kept]"
                        ).format(total=f"{self.total:,}", kept=f"{self.limit:,}") + "\n"

    def owners(self) -> list[list]:
        """[owner, characters] for text(): which check printed which part of it."""
        return [[owner, len(text)] for owner, text in self.segments()]

    def text(self) -> str:
        return "".join(text for _, text in self.segments()) + self.cut_note()


# ------------------------------------------------------------------ session

class NoHooks:
    """What a session does around each student call; the plugin installs its own."""

    def before_call(self, function: str) -> None:
        pass

    def after_call(self, function: str, info: CallInfo) -> None:
        pass


class _Jail:
    """One live student process."""

    def __init__(self, zygote, config: dict, stdout: Capture, stderr: Capture):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        self.zygote = zygote
        try:
            self.pid = zygote.spawn(config, theirs.fileno(), out_w, err_w)
        finally:
            theirs.close()
            os.close(out_w)
            os.close(err_w)
        self.sock = ours
        self.drains = [stdout.drain(out_r), stderr.drain(err_r)]
        self.alive = True

    def kill(self) -> dict:
        """Kill the whole process group; returns how the process ended."""
        if not self.alive:
            return {}
        self.alive = False
        for target in (lambda: os.killpg(self.pid, signal.SIGKILL),
                       lambda: os.kill(self.pid, signal.SIGKILL)):
            try:
                target()
                break
            except OSError:
                continue
        status = self.zygote.wait(self.pid)
        self.sock.close()
        for thread in self.drains:
            thread.join(timeout=2)
        return status


MAX_CALLABLES = 2000   # module functions the jail may name at load


class Session:
    """A student's submission, served by a jail that restarts when it dies."""

    def __init__(self, zygote, config: dict, timeout_s: float, output_limit: int = 64 * 1024):
        self.zygote = zygote
        self.config = config
        self.timeout_s = timeout_s
        self.stdout = Capture(output_limit)
        self.stderr = Capture(output_limit)
        self.jail: _Jail | None = None
        self.generation = 0
        self.import_failure: StudentImportError | None = None
        self.sandbox: dict = {}
        self.timed_out: set[str] = set()
        self.seq = 0  # numbers each request; the jail's reply must carry it back
        self.last_call = CallInfo()
        self.hooks = NoHooks()
        self.module_callables: dict[str, str] = {}
        # Bounds of the check process (course limits): what one reply may hold,
        # how many items a handle may yield, and the grading's time budget.
        limits = config.get("limits") or {}
        self.limits = wire.Limits.for_results(limits)
        self.handle_items = int(limits.get("handle_items") or 100_000)
        self.budget_s: float | None = None
        self.budget_until: float | None = None   # time.monotonic()
        # Claims: "honest" keeps the jail's own; "record" also logs them into
        # claim_log; "forge" replaces them with those of claim_log (the
        # reference's), as a jail that lies in the student's favour would.
        self.claim_mode = "honest"
        self.claim_log: ClaimLog | None = None
        self.check_id = ""
        self._claim_counts: dict[str, int] = {}

    def begin_check(self, check_id: str) -> None:
        """Claims made from now on belong to this check."""
        self.check_id = check_id
        self._claim_counts = {}

    def claim(self, kind: str, value):
        """Pass one claim through the claim mode: kept, recorded, or forged."""
        index = self._claim_counts.get(kind, 0)
        self._claim_counts[kind] = index + 1
        if self.claim_mode == "record" and self.claim_log is not None:
            self.claim_log.add(self.check_id, kind, value)
        elif self.claim_mode == "forge" and self.claim_log is not None:
            forged = self.claim_log.get(self.check_id, kind, index)
            if forged is not _MISSING:
                return forged
            if kind == "info":  # nothing recorded: the most favourable report
                return CallInfo(function=value.function, input_device=value.input_device)
        return value

    # -- the grading's time budget
    def set_budget(self, seconds: float, started: float | None = None) -> None:
        """Every call from now on ends by `started + seconds` (time.monotonic())."""
        self.budget_s = float(seconds)
        self.budget_until = (time.monotonic() if started is None else started) + self.budget_s

    def budget_left(self) -> float:
        if self.budget_until is None:
            return float("inf")
        return self.budget_until - time.monotonic()

    def budget_spent(self) -> JailDied | None:
        """If the budget is spent: stop the jail (its whole process group) and say so."""
        if self.budget_left() > 0:
            return None
        self.close()
        return JailDied("timeout", _("not run: this grading used up its time budget of"
                                     " {seconds} s").format(seconds=f"{self.budget_s:g}"))

    def _deadline(self, function: str = "") -> float:
        """Seconds the next call may take: the per-call timeout, within the budget."""
        deadline = self.timeout_s
        if function in self.timed_out:
            # It already looped once: later checks of it still run, but
            # cannot each cost the full deadline.
            deadline = min(deadline, 1.0)
        return min(deadline, max(self.budget_left(), 0.0))

    # -- lifecycle
    def _died(self, jail: _Jail, timed_out: bool, where: str, deadline: float) -> JailDied:
        status = jail.kill()
        self.jail = None
        if timed_out and self.budget_left() <= 0.01:
            return JailDied("timeout", _("{where} was stopped: this grading used up its time"
                                         " budget of {seconds} s").format(
                where=where, seconds=f"{self.budget_s:g}"))
        if timed_out:
            return JailDied("timeout", _("{where} did not finish within {seconds} s"
                                         " (an infinite loop, or far too slow?)").format(
                where=where, seconds=f"{deadline:g}"))
        sig, code = status.get("signal"), status.get("code")
        if sig == signal.SIGKILL:
            text = _("the student process was killed (out of memory?) during {where}")
        elif sig in SIGNAL_REASONS:
            text = _(SIGNAL_REASONS[sig])
        elif sig:
            text = _("the student process was killed by signal {signal} during {where}")
        elif code is not None:
            text = _("the student process exited with code {code} (did it call os._exit() or"
                     " sys.exit()?) during {where}")
        else:
            text = _("the student process stopped during {where}")
        return JailDied("crashed", text.format(where=where, signal=sig, code=code))

    def start(self) -> None:
        if self.import_failure:
            raise self.import_failure.with_traceback(None)  # raised once per check: keep it short
        if self.jail is not None:
            return
        spent = self.budget_spent()
        if spent is not None:
            raise spent
        jail = _Jail(self.zygote, self.config, self.stdout, self.stderr)
        self.jail = jail
        self.generation += 1
        try:
            # First what the jail says of its confinement, sent before the
            # student's file runs (so the student cannot rewrite it), then
            # whether the file loaded.
            deadline = self._deadline()
            until = time.monotonic() + deadline
            first, _unused = self._receive(jail, _(LOADING), deadline, until)
            sandbox = first.get("sandbox")
            self.sandbox = sandbox if isinstance(sandbox, dict) else {}
            header, _unused = self._receive(jail, _(LOADING), deadline, until)
        except JailDied as died:
            status = "timeout" if died.reason == "timeout" else "crashed"
            self.import_failure = StudentImportError(status, str(died))
            raise self.import_failure from None
        # The module's functions by name, as the jail tells it (a claim): it only
        # spares a round trip per call (Student.__getattr__), never decides anything.
        named = header.get("callables")
        self.module_callables = {k[:200]: v[:200] for k, v in list(named.items())[:MAX_CALLABLES]
                                 if type(k) is str and type(v) is str} \
            if isinstance(named, dict) else {}
        if not header.get("ready"):
            error = header.get("error", {})
            jail.kill()
            self.jail = None
            error = error if isinstance(error, dict) else {}
            where = _(" (line {line})").format(line=error["line"]) \
                if type(error.get("line")) is int else ""
            self.import_failure = StudentImportError(
                "import_error", _("your file raised {type} while being loaded{where}: {message}"
                                  ).format(type=_text(error.get("type"), 200), where=where,
                                           message=_text(error.get("message", ""),
                                                         MAX_MESSAGE_CHARS)))
            raise self.import_failure

    def close(self) -> None:
        if self.jail is not None:
            self.jail.kill()
            self.jail = None

    # -- transport
    def _receive(self, jail: _Jail, where: str, deadline: float, until: float | None = None):
        """One whole frame within `deadline` seconds (or by `until`), within self.limits."""
        until = time.monotonic() + deadline if until is None else until
        try:
            return wire.recv_frame(jail.sock, self.limits, until)
        except socket.timeout:
            raise self._died(jail, True, where, deadline) from None
        except (EOFError, OSError):
            raise self._died(jail, False, where, deadline) from None
        except wire.ProtocolError as e:
            raise self._garbled(where, e) from None
        except (RecursionError, MemoryError):
            raise self._garbled(where) from None

    def _garbled(self, where: str, why: Exception | None = None) -> JailDied:
        """The jail wrote something that is not a valid reply: stop it, blame it."""
        if self.jail is not None:
            self.jail.kill()
            self.jail = None
        if isinstance(why, wire.TooLarge):  # over a limit: a result too large, or forged
            return JailDied("crashed", _("the student process sent the grader a malformed reply"
                                         " during {where}: {why}").format(where=where, why=why))
        detail = f"{why}; " if why is not None and str(why) else ""
        return JailDied("crashed", _("the student process sent the grader a malformed reply"
                                     " during {where} ({detail}did your code write to its"
                                     " socket?)").format(where=where, detail=detail))

    def request(self, header: dict, buffers=(), where: str = "", function: str = ""):
        where = where or _("a call")
        self.start()
        spent = self.budget_spent()
        if spent is not None:
            raise spent
        jail = self.jail
        deadline = self._deadline(function)
        self.seq += 1
        try:
            wire.send_frame(jail.sock, dict(header, seq=self.seq), buffers)
        except OSError:
            raise self._died(jail, False, where, deadline) from None
        try:
            reply, out = self._receive(jail, where, deadline)
        except JailDied as died:
            if died.reason == "timeout" and function:
                self.timed_out.add(function)
            raise
        if reply.get("seq") != self.seq:
            # Not the answer to this request (a forged or left-over frame).
            raise self._garbled(where)
        return reply, out

    # -- encoding
    def decode(self, node, buffers, info: CallInfo | None):
        def handle(n):
            if n.get("t") != "handle" or type(n.get("id")) is not int:
                raise wire.ProtocolError("bad handle")
            return Handle(self, n["id"], str(n.get("type", "object"))[:200], self.generation,
                          origin=info.function if info else "")

        def attach(t, n):
            m = n.get("meta") if isinstance(n.get("meta"), dict) else {}
            t._drill_meta = self.claim("meta", TensorClaims(
                device=str(m.get("device", "cpu"))[:32],
                requires_grad=bool(m.get("requires_grad")),
                grad_fn=(str(m["grad_fn"])[:200] if m.get("grad_fn") else None),
                is_leaf=bool(m.get("is_leaf", True)),
                type_name=str(m.get("type_name", "Tensor"))[:200],
                shares_memory_with=[str(s)[:200] for s in (m.get("shares_memory_with") or [])][:64],
                input_device=info.input_device if info else None,
                expanded=bool(m.get("expanded"))))
            return t

        def claimed(value):
            return self.claim("claim", Claim(value if _plain(value) else None))

        return wire.Decoder(buffers, handle, attach, claimed, limits=self.limits).decode(node)

    def ask(self, op: str, obj: int = 0, where: str = "", function: str = "", **fields):
        """One request; returns (value, CallInfo). Raises StudentError on an exception."""
        header = {"op": op, "obj": obj}
        enc = wire.Encoder(self._encode_other)   # one buffer list for every field
        for key, value in fields.items():
            header[key] = enc.encode(value) if key in ("args", "kwargs", "key", "values") else value
        reply, out = self.request(header, enc.buffers, where or op, function)
        try:
            info = CallInfo(function=function)
            raw = reply.get("info") or {}
            if isinstance(raw, dict):
                info.mutated = [str(s)[:200] for s in raw.get("mutated", [])][:64]
                info.torch_calls = [str(s)[:200] for s in raw.get("torch_calls", [])][:4096]
                info.state_changed = [str(s)[:200] for s in raw.get("state_changed", [])][:16]
                dev = raw.get("input_device")
                info.input_device = str(dev)[:32] if dev else None
            info = self.claim("info", info)
            if not reply.get("ok"):
                error = reply.get("error") if isinstance(reply.get("error"), dict) else {}
                raise StudentError(where or op, error).with_info(info)
            if reply.get("stop"):
                raise StopIteration
            value = self.decode(reply.get("value"), out, info)
            if op in ("len", "has") or (op == "getattr" and obj != 0):
                # A handle's account of itself.
                value = self.claim("answer", value) if _plain(value) else value
            return value, info
        except wire.ProtocolError as e:
            raise self._garbled(where or op, e) from None
        except (KeyError, TypeError, ValueError, RuntimeError, AttributeError,
                RecursionError, MemoryError):
            # Only the jail's reply is read here: anything malformed in it is the jail's doing.
            raise self._garbled(where or op) from None

    def call(self, obj: int, name: str | None, args, kwargs, where: str, function: str):
        """Call a student function (by module attribute name) or a handle."""
        if name:
            self.hooks.before_call(name)
        fields = {"args": list(args), "kwargs": dict(kwargs)}
        self.last_args = (list(args), dict(kwargs))
        if name:
            fields["name"] = name
        try:
            value, info = self.ask("call", obj, where, function, **fields)
        except StudentError as e:
            self.last_call = getattr(e, "info", CallInfo(function=function))
            e.call = describe_call(name or where, args, kwargs)
            raise
        self.last_call = info
        self.hooks.after_call(name or "", info)
        return value

    def _encode_other(self, obj):
        if isinstance(obj, Handle):
            if obj._generation != self.generation:
                raise StaleHandle(_("an object from before the student process was restarted"
                                    " cannot be used any more"))
            return {"t": "ref", "id": obj._ref()}
        if isinstance(obj, Fn):
            # A function as data: built in the jail by the grader's own builder.
            built, _unused = self.ask("build", 0, _("building a function for your code"),
                                      name="function", args=[obj.tree], kwargs={})
            return {"t": "ref", "id": built._id}
        raise TypeError(f"cannot send a {type(obj).__name__} to the student's code")


# ------------------------------------------------------------------ handles

class Handle:
    """An object that lives in the jail: call it, get attributes, index, iterate."""

    def __init__(self, session: Session, hid: int, type_name: str, generation: int, origin="",
                 module_attr: str = ""):
        object.__setattr__(self, "_module_attr", module_attr)
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_id", hid)
        object.__setattr__(self, "type_name", type_name)
        object.__setattr__(self, "_generation", generation)
        object.__setattr__(self, "_origin", origin)

    def _check(self):
        if self._generation != self._session.generation or self._session.jail is None:
            raise StaleHandle(_("this {type} lived in a student process that has since stopped"
                                " (after a timeout or crash)").format(type=self.type_name))

    def _ref(self) -> int:
        """The jail's id of this object. A module function named without a round trip
        (Student.__getattr__) gets its id the first time something needs it."""
        if self._id is None:
            name = self._module_attr
            found, _unused = self._session.ask("getattr", 0, name, name, name=name)
            if not isinstance(found, Handle):
                raise StudentError(name, {"type": "TypeError", "message": _(
                    "{name} is no longer a function or an object").format(name=name)})
            object.__setattr__(self, "_id", found._id)
        return self._id

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        self._check()
        value, _unused = self._session.ask("getattr", self._ref(), f"{self.type_name}.{name}",
                                           self._origin, name=name)
        return value

    def __call__(self, *args, **kwargs):
        self._check()
        if self._module_attr:
            return self._session.call(0, self._module_attr, args, kwargs,
                                      f"{self._module_attr}()", self._module_attr)
        where = (_("your {type} (from {origin})") if self._origin else _("your {type}")).format(
            type=self.type_name, origin=self._origin)
        return self._session.call(self._id, None, args, kwargs, where, self._origin)

    def __getitem__(self, key):
        self._check()
        value, _unused = self._session.ask("getitem", self._ref(), f"{self.type_name}[...]",
                                           key=key)
        return value

    def __len__(self):
        self._check()
        try:
            value, _unused = self._session.ask("len", self._ref(), f"len({self.type_name})")
        except StudentError as e:
            if e.type_name == "TypeError":  # no len(): let list() and friends fall back
                raise TypeError(e.message) from None
            raise
        if type(value) is not int or value < 0:
            raise StudentError(f"len({self.type_name})",
                               {"type": "TypeError",
                                "message": _("__len__ did not return an int")})
        limit = self._session.handle_items
        if value > limit:
            # list(handle) would try to make room for all of them at once.
            shown = f"{value:,}" if value < 10**30 else _("an enormous number")
            raise LimitExceeded(f"len({self.type_name})",
                                _("len() of your {type} is {count}; the grader takes at most"
                                  " {limit} items from one object").format(
                                    type=self.type_name, count=shown, limit=f"{limit:,}"))
        return value

    def __iter__(self):
        self._check()
        it, _unused = self._session.ask("iter", self._ref(), f"iter({self.type_name})")
        if not isinstance(it, Handle):
            raise StudentError(f"iter({self.type_name})",
                               {"type": "TypeError", "message": _("not an iterator")})
        limit, count = self._session.handle_items, 0
        while True:
            try:
                value, _unused = self._session.ask(
                    "next", it._id, _("iterating a {type}").format(type=self.type_name))
            except StopIteration:
                return
            count += 1
            if count > limit:
                raise LimitExceeded(_("iterating your {type}").format(type=self.type_name),
                                    _("your {type} yielded more than {limit} items; the grader"
                                      " stops there (does it ever end?)").format(
                                        type=self.type_name, limit=f"{limit:,}"))
            yield value

    def __repr__(self):
        return f"<student's {self.type_name}>"

    def __setattr__(self, name, value):
        raise AttributeError("handles to the student's objects are read-only")


class Student:
    """The `student` fixture: the student's module, as seen from a check."""

    def __init__(self, session: Session):
        object.__setattr__(self, "_session", session)

    @property
    def last_call(self) -> CallInfo:
        return self._session.last_call

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        session = self._session
        session.hooks.before_call(name)
        session.start()
        if name in session.module_callables:
            # A function of the module: called by name, so no round trip is needed here.
            return Handle(session, None, session.module_callables[name], session.generation,
                          origin=name, module_attr=name)
        try:
            value, _unused = session.ask("getattr", 0, name, name, name=name)
        except StudentError as e:
            if e.type_name == "AttributeError":
                raise StudentError(name, {"type": "AttributeError", "undefined": True,
                                          "message": _("your file does not define {name}").format(
                                              name=name)}) from None
            raise
        if isinstance(value, Handle):
            object.__setattr__(value, "_origin", name)
            object.__setattr__(value, "_module_attr", name)
        return value

    def has(self, name: str) -> bool:
        value, _unused = self._session.ask("has", 0, f"has {name}", name=name)
        return value is True

    def build(self, name: str, *args, **kwargs):
        """An object built in the jail by one of the grader's builders (grader.jail.builders).

        The jail gets the builder's name and the arguments as data, never code.
        """
        value, _unused = self._session.ask("build", 0, _("building {name}").format(name=name),
                                           name=name, args=list(args), kwargs=dict(kwargs))
        return value
