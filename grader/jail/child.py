"""The student process: imports the student's file and serves calls.

Everything here runs in the same process as untrusted code, so nothing here
is trusted by the check process: it only ever reports plain data, which the
checks then judge for themselves.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import inspect
import os
import socket
import sys
import traceback

import numpy as np
import torch
from torch.overrides import TorchFunctionMode

from grader import wire
from grader.jail import builders, sandbox
from grader.jail.zygote import die_with_parent


class _BlockImports(importlib.abc.MetaPathFinder):
    """A friendly message for a blocked import, nothing more: the library is kept
    out by the operating system (Landlock refuses its files, and a jail without
    torch never loaded it: fresh.py)."""

    def __init__(self, names):
        self.names = set(names)

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in self.names:
            raise ImportError(f"import {fullname} is not allowed in this exercise")
        return None


class _CallTracer(TorchFunctionMode):
    """Records the name of every torch function the student calls directly."""

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", None) or "?"
        qualname = getattr(func, "__qualname__", "") or ""
        if qualname.startswith(("TensorBase.", "Tensor.", "getset_descriptor.")) or \
                getattr(func, "__objclass__", None) is torch._C.TensorBase:
            # Methods and operators look alike here (2 * x is Tensor.mul).
            self.names.add("Tensor." + name)
        else:
            module = getattr(func, "__module__", None) or "torch"
            self.names.add(("torch" if module.startswith("torch._C") else module) + "." + name)
        return func(*args, **(kwargs or {}))


def _describe_exception(exc: BaseException, path: str) -> dict:
    try:
        message = str(exc)
    except BaseException:
        message = "<the exception could not be printed>"
    every = traceback.extract_tb(exc.__traceback__)
    frames = [f for f in every if f.filename == path]
    where = "".join(traceback.format_list(frames[-5:]))
    # "Not attempted" is the starter's own `raise NotImplementedError` in the
    # student's file, not one of PyTorch's NotImplementedError subclasses
    # ("not implemented for 'Long'") raised inside torch.
    starter_raise = (type(exc) is NotImplementedError and bool(every)
                     and every[-1].filename == path
                     and (every[-1].line or "").strip() in ("raise NotImplementedError",
                                                            "raise NotImplementedError()"))
    return {"type": type(exc).__name__, "message": message[:4000], "traceback": where[:8000],
            "not_implemented": starter_raise,
            "line": frames[-1].lineno if frames else None}


def _fingerprint(value, depth=0):
    """What a list or dict holds, to tell whether a call changed it (not its tensors' values)."""
    if depth > 3:
        return ("...",)
    if isinstance(value, list):
        return ("list", tuple(_fingerprint(v, depth + 1) for v in value[:1000]), len(value))
    if isinstance(value, dict):
        return ("dict", tuple((repr(k)[:100], _fingerprint(v, depth + 1))
                              for k, v in list(value.items())[:1000]), len(value))
    if isinstance(value, (int, float, str, bool, type(None))):
        return value
    return ("obj", id(value))


class Server:
    def __init__(self, sock: socket.socket, config: dict):
        self.sock = sock
        self.config = config
        self.path = config["path"]
        self.device = torch.device(config.get("device", "cpu"))
        self.handles: dict[int, object] = {}
        self.next_handle = 1
        self.trace = bool(config.get("trace_calls"))
        self._inputs: list[tuple[str, object]] = []
        self._signatures: dict = {}
        self.pid = os.getpid()
        self.seq = None  # the request being answered, echoed in its reply
        # What a reply may hold (course limits.result_mb): refused here before
        # sending, as a courtesy; the check process enforces it for real.
        self.limits = wire.Limits.for_results(config.get("limits"))

    # ---------------------------------------------------------- encoding
    def _handle_node(self, obj):
        hid = self.next_handle
        self.next_handle += 1
        self.handles[hid] = obj
        return {"t": "handle", "id": hid, "type": type(obj).__name__, "callable": callable(obj)}

    def _memory_range(self, obj):
        if isinstance(obj, torch.Tensor):
            with torch._C.DisableTorchFunctionSubclass():
                storage = obj.untyped_storage()
                return obj.device.type, storage.data_ptr(), storage.nbytes()
        if isinstance(obj, np.ndarray):
            base = obj
            while isinstance(base.base, np.ndarray):
                base = base.base
            return "cpu", base.ctypes.data, max(base.nbytes, 1)
        return None

    def _shares_with(self, obj) -> list[str]:
        mine = self._memory_range(obj)
        if mine is None or mine[2] == 0:
            return []
        names = []
        for name, value in self._inputs:
            theirs = self._memory_range(value)
            if theirs and theirs[0] == mine[0] and theirs[2] and \
                    mine[1] < theirs[1] + theirs[2] and theirs[1] < mine[1] + mine[2]:
                names.append(name)
        return names

    def _tensor_meta(self, t: torch.Tensor) -> dict:
        with torch._C.DisableTorchFunctionSubclass():
            grad_fn = t.grad_fn
            return {"device": str(t.device), "requires_grad": bool(t.requires_grad),
                    "grad_fn": type(grad_fn).__name__ if grad_fn is not None else None,
                    "is_leaf": bool(t.is_leaf), "type_name": type(t).__name__,
                    "expanded": any(st == 0 and n > 1 for st, n in zip(t.stride(), t.shape))
                    if t.layout == torch.strided else False,
                    "shares_memory_with": self._shares_with(t)}

    def _array_meta(self, a: np.ndarray) -> dict:
        return {"shares_memory_with": self._shares_with(a)}

    def encode(self, value):
        def other(obj):
            if isinstance(obj, builders.Claimed):
                return {"t": "claim", "v": enc.encode(obj.value)}
            return self._handle_node(obj)

        enc = wire.Encoder(other, self._tensor_meta, self._array_meta, limits=self.limits)
        try:
            return enc.encode(value), enc.buffers
        except TypeError:
            return self._handle_node(value), []
        finally:
            # `other` refers to `enc`: without this the pair is a cycle, and the
            # buffers of a refused 60 MB result wait for the cyclic collector.
            enc.on_other = None

    def decode(self, node, buffers):
        def handle(n):
            if n.get("t") != "ref" or n.get("id") not in self.handles:
                raise wire.ProtocolError("unknown handle")
            return self.handles[n["id"]]

        def to_device(t, n):
            if self.device.type != "cpu":
                t = t.detach().to(self.device).requires_grad_(t.requires_grad)
            return t

        return wire.Decoder(buffers, handle, to_device, limits=wire.TRUSTED).decode(node)

    # ---------------------------------------------------------- calls
    def _signature(self, fn):
        # The same few functions are called again and again: their signatures once.
        try:
            found = self._signatures.get(fn)
        except TypeError:     # an unhashable callable
            return inspect.signature(fn)
        if found is None:
            found = self._signatures[fn] = inspect.signature(fn)
        return found

    def _collect_inputs(self, fn, args, kwargs):
        try:
            bound = self._signature(fn).bind_partial(*args, **kwargs).arguments
            named = list(bound.items())
        except (TypeError, ValueError):
            named = [(f"argument {i + 1}", a) for i, a in enumerate(args)] + list(kwargs.items())
        found = []

        def walk(name, value, depth):
            if isinstance(value, (torch.Tensor, np.ndarray)):
                found.append((name, value))
                return
            if depth < 2 and isinstance(value, (list, dict)):
                found.append((name, value))     # a container the caller owns: mutable too
            if depth < 2 and isinstance(value, (list, tuple)):
                for i, v in enumerate(value):
                    walk(f"{name}[{i}]", v, depth + 1)
            elif depth < 2 and isinstance(value, dict):
                for k, v in value.items():
                    walk(f"{name}[{k!r}]", v, depth + 1)

        for name, value in named:
            walk(name, value, 0)
        return found

    def _snapshot(self, inputs):
        snaps = []
        with torch._C.DisableTorchFunctionSubclass():
            for name, value in inputs:
                if isinstance(value, torch.Tensor):
                    snaps.append((value._version, (value.detach().clone(), value.requires_grad)))
                elif isinstance(value, np.ndarray):
                    snaps.append((None, value.copy()))
                else:
                    snaps.append((None, _fingerprint(value)))
        return snaps

    def _mutated(self, inputs, snaps) -> list[str]:
        changed = []
        with torch._C.DisableTorchFunctionSubclass():
            for (name, value), (version, before) in zip(inputs, snaps):
                if isinstance(value, torch.Tensor):
                    before, requires_grad = before
                    same = value._version == version or (
                        value.shape == before.shape and torch.equal(value.detach(), before))
                    if value.requires_grad != requires_grad:
                        changed.append(f"{name} (its requires_grad flag)")
                elif isinstance(value, np.ndarray):
                    same = value.shape == before.shape and np.array_equal(value, before, equal_nan=True)
                else:
                    same = _fingerprint(value) == before
                if not same:
                    changed.append(name)
        return changed

    def call(self, fn, args, kwargs, student_function: bool):
        inputs = self._collect_inputs(fn, args, kwargs)
        snaps = self._snapshot(inputs)
        grad_before = torch.is_grad_enabled()
        dtype_before = torch.get_default_dtype()
        tracer = _CallTracer() if (self.trace and student_function) else None
        try:
            if tracer:
                with tracer:
                    value = fn(*args, **kwargs)
            else:
                value = fn(*args, **kwargs)
            error = None
        except BaseException as exc:  # SystemExit and KeyboardInterrupt included
            value, error = None, _describe_exception(exc, self.path)
        info = {"mutated": self._mutated(inputs, snaps),
                "torch_calls": sorted(tracer.names) if tracer else [],
                "state_changed": []}
        if torch.is_grad_enabled() != grad_before:
            info["state_changed"].append(
                "grad mode was left " + ("enabled" if torch.is_grad_enabled() else "disabled"))
            torch.set_grad_enabled(grad_before)
        if torch.get_default_dtype() != dtype_before:
            info["state_changed"].append(
                f"the default dtype was left as {torch.get_default_dtype()}")
            torch.set_default_dtype(dtype_before)
        devices = {str(v.device) for _, v in inputs if isinstance(v, torch.Tensor)}
        info["input_device"] = devices.pop() if len(devices) == 1 else None
        self._inputs = inputs
        return value, error, info

    # ---------------------------------------------------------- the loop
    def reply(self, header: dict, buffers=()):
        if os.getpid() != self.pid:
            # A process the student forked mid-call came back here: only the
            # jail itself answers, or the pipe would carry two conversations.
            os._exit(0)
        if self.seq is not None:
            header = dict(header, seq=self.seq)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        wire.send_frame(self.sock, header, buffers, limits=self.limits)

    def serve(self):
        while True:
            try:
                header, buffers = wire.recv_frame(self.sock, wire.TRUSTED)
            except (EOFError, OSError):
                return
            self.seq = header.get("seq")
            try:
                self.handle(header, buffers)
            except wire.ProtocolError as exc:
                self.reply({"ok": False, "error": {"type": "ProtocolError", "message": str(exc),
                                                   "traceback": "", "not_implemented": False}})

    def handle(self, header, buffers):
        op = header.get("op")
        obj = self.handles.get(header.get("obj", 0))
        student_function = header.get("obj", 0) == 0
        value, error, info = None, None, {}
        self._inputs = []
        try:
            if op == "getattr":
                value = getattr(obj, header["name"])
            elif op == "has":
                value = hasattr(obj, header["name"])
            elif op == "call":
                fn = getattr(obj, header["name"]) if header.get("name") else obj
                args = self.decode(header.get("args", []), buffers)
                kwargs = self.decode(header.get("kwargs", {"t": "dict", "items": []}), buffers)
                value, error, info = self.call(fn, args, kwargs, student_function and "name" in header)
            elif op == "getitem":
                value = obj[self.decode(header["key"], buffers)]
            elif op == "len":
                value = len(obj)
            elif op == "iter":
                value = iter(obj)
                value = value if value is not obj else iter(list(obj))
            elif op == "next":
                try:
                    value = next(obj)
                except StopIteration:
                    self.reply({"ok": True, "stop": True})
                    return
            elif op == "build":
                # One of the grader's own builders, by name, with data: never code.
                args = self.decode(header.get("args", []), buffers)
                kwargs = self.decode(header.get("kwargs", {"t": "dict", "items": []}), buffers)
                if not isinstance(args, list) or not isinstance(kwargs, dict):
                    raise wire.ProtocolError("bad build arguments")
                value = builders.build(str(header.get("name")), args, kwargs)
                # Where the tensors went, so assert_tensor's device="auto" works for built results.
                devices = {str(v.device) for _, v in self._collect_inputs(None, args, kwargs)
                           if isinstance(v, torch.Tensor)}
                info = {"input_device": devices.pop() if len(devices) == 1 else None}
            else:
                raise wire.ProtocolError(f"unknown op {op!r}")
        except wire.ProtocolError:
            raise
        except BaseException as exc:
            value, error = None, _describe_exception(exc, self.path)
        if error is not None:
            self.reply({"ok": False, "error": error, "info": info})
            return
        try:
            node, out = self.encode(value)
            self.reply({"ok": True, "value": node, "info": info}, out)
        except wire.TooLarge as exc:  # refused before anything was sent
            self.reply({"ok": False, "info": info, "error": {
                "type": "ResultTooLarge", "message": str(exc), "traceback": "",
                "not_implemented": False, "line": None}})
        except BaseException as exc:
            self.reply({"ok": False, "error": _describe_exception(exc, self.path), "info": info})


def _import_student(path: str):
    spec = importlib.util.spec_from_file_location("submission", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["submission"] = module
    spec.loader.exec_module(module)
    return module


def _callables(module, most: int = 2000) -> dict:
    """The module's public callables by name (functions, classes): the check process
    then calls them by name without first asking for each (see proxy.Student)."""
    found = {}
    try:
        for name, value in list(vars(module).items()):
            if type(name) is str and not name.startswith("_") and callable(value) \
                    and not isinstance(value, type(module)):
                found[name] = type(value).__name__
                if len(found) >= most:
                    break
    except BaseException:   # the student's module may be strange: then no shortcut
        return {}
    return found


def run_jail(rpc_fd: int, stdout_fd: int, stderr_fd: int, config: dict, scratch: str) -> None:
    """Runs in the freshly forked jail; never returns normally."""
    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    die_with_parent()
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(stdout_fd, 1)
    os.dup2(stderr_fd, 2)
    rpc = os.dup(rpc_fd)
    for fd in {devnull, stdout_fd, stderr_fd, rpc_fd}:
        if fd > 2 and fd != rpc:
            os.close(fd)
    os.closerange(3, rpc)
    os.closerange(rpc + 1, 1 << 16)
    sys.stdout = open(1, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False)
    sys.stderr = open(2, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False)
    sys.stdin = open(0, closefd=False)
    os.chdir(scratch)
    os.environ.update({"HOME": scratch, "TMPDIR": scratch, "LANG": "C.UTF-8",
                       "PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1"})
    sys.argv = [config["path"]]
    sys.dont_write_bytecode = True
    # A child forked after the parent ran a parallel op hangs in OpenMP.
    torch.set_num_threads(1)
    sock = socket.socket(fileno=rpc)
    report = sandbox.apply(config, scratch)
    blocked = config.get("block_imports") or []
    if blocked:
        for name in list(sys.modules):
            if name.split(".")[0] in blocked:
                del sys.modules[name]
        sys.meta_path.insert(0, _BlockImports(blocked))
    server = Server(sock, config)
    # Report the confinement before any student code runs: after that,
    # anything in this process (this report included) is the student's.
    server.reply({"sandbox": report})
    try:
        module = _import_student(config["path"])
    except BaseException as exc:
        server.reply({"ready": False, "error": _describe_exception(exc, config["path"])})
        os._exit(0)
    server.handles[0] = module
    server.reply({"ready": True, "callables": _callables(module)})
    server.serve()
    os._exit(0)
