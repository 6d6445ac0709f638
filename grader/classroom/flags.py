"""Things an instructor should look at: timeouts, crashes, broken constraints, tampering.

Tampering cannot change a grade (student code never shares a process with a
check), but an attempt says something about the student, so the class report
flags it. `scan_source` reads the submission with `ast` (it never runs it)
and names what a drill has no business doing: patching torch or numpy,
leaving the process, poking at frames, the garbage collector, pytest or the
grader, or defining comparison hooks that always agree.
"""

from __future__ import annotations

import ast

# Modules a drill never needs: importing one is worth a look.
SUSPICIOUS_IMPORTS = {
    "ctypes": "loads C code", "subprocess": "starts programs", "socket": "opens sockets",
    "signal": "handles signals", "gc": "walks the garbage collector", "inspect": "walks frames",
    "builtins": "reaches into builtins", "pytest": "imports pytest", "_pytest": "imports pytest",
    "grader": "imports the grader", "multiprocessing": "starts processes",
    "importlib": "rewires imports", "pickle": "unpickles data", "marshal": "loads code objects",
}
SUSPICIOUS_CALLS = {
    "os._exit": "leaves the process", "sys.exit": "leaves the process", "exit": "leaves the process",
    "quit": "leaves the process", "os.kill": "sends signals", "os.killpg": "sends signals",
    "os.fork": "forks", "os.system": "runs a shell", "os.popen": "runs a shell",
    "os.execv": "replaces the process", "os.execvp": "replaces the process",
    "sys._getframe": "walks frames", "sys.settrace": "traces the interpreter",
    "sys.setprofile": "traces the interpreter", "setattr": None,  # judged by its target below
    "__import__": "imports dynamically",
}
PATCHABLE_ROOTS = {"torch", "np", "numpy", "builtins", "math", "os", "sys", "F", "nn"}
ALWAYS_AGREE_HOOKS = {"__eq__", "__ne__", "__bool__", "__torch_function__", "__torch_dispatch__",
                      "__instancecheck__", "__array_function__", "__array_ufunc__"}


def _dotted(node) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def scan_source(source: str) -> list[str]:
    """What in this source looks like an attempt to tamper, one line each (may be empty)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    found: list[str] = []

    def add(line, text):
        entry = f"line {line}: {text}"
        if entry not in found:
            found.append(entry)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                root = alias.name.split(".")[0]
                if root in SUSPICIOUS_IMPORTS:
                    add(node.lineno, f"import {alias.name} ({SUSPICIOUS_IMPORTS[root]})")
        elif isinstance(node, ast.ImportFrom) and node.module:
            root = node.module.split(".")[0]
            if root in SUSPICIOUS_IMPORTS:
                add(node.lineno, f"from {node.module} import ... ({SUSPICIOUS_IMPORTS[root]})")
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:
                name = _dotted(target)
                if "." in name and name.split(".")[0] in PATCHABLE_ROOTS:
                    verb = "deletes" if isinstance(node, ast.Delete) else "replaces"
                    add(node.lineno, f"{verb} {name}")
        elif isinstance(node, ast.Call):
            name = _dotted(node.func)
            if name == "setattr" and node.args:
                owner = _dotted(node.args[0])
                if owner.split(".")[0] in PATCHABLE_ROOTS:
                    add(node.lineno, f"setattr() on {owner}")
            elif name in SUSPICIOUS_CALLS and SUSPICIOUS_CALLS[name]:
                add(node.lineno, f"calls {name}() ({SUSPICIOUS_CALLS[name]})")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                node.name in ALWAYS_AGREE_HOOKS:
            add(node.lineno, f"defines {node.name} (a result that fakes comparisons?)")
    return found


def result_flags(result: dict | None, tamper: list[str]) -> list[tuple[str, str]]:
    """(kind, detail) for one grading: timeout, crash, constraint, tamper."""
    if result is None:
        return []
    out = []
    status, message = result.get("status"), (result.get("message") or "").split("\n")[0]
    checks = result.get("checks", [])
    if status == "timeout" or any(c["outcome"] == "timeout" for c in checks):
        n = sum(c["outcome"] == "timeout" for c in checks)
        out.append(("timeout", message if status == "timeout" else f"{n} check(s) timed out"))
    if status == "crashed" or any(c["outcome"] == "crashed" for c in checks):
        n = sum(c["outcome"] == "crashed" for c in checks)
        out.append(("crash", message if status == "crashed" else f"{n} check(s) crashed"))
    broken = [c for c in checks if c["outcome"] == "constraint"]
    if broken:
        out.append(("constraint", broken[0]["message"].split("\n")[0]
                    + (f" (and {len(broken) - 1} more)" if len(broken) > 1 else "")))
    for line in tamper:
        out.append(("tamper", line))
    return out
