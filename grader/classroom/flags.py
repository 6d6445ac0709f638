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

from grader.i18n import N_, _

# Modules a drill never needs: importing one is worth a look.
SUSPICIOUS_IMPORTS = {
    "ctypes": N_("loads C code"), "subprocess": N_("starts programs"),
    "socket": N_("opens sockets"), "signal": N_("handles signals"),
    "gc": N_("walks the garbage collector"), "inspect": N_("walks frames"),
    "builtins": N_("reaches into builtins"), "pytest": N_("imports pytest"),
    "_pytest": N_("imports pytest"), "grader": N_("imports the grader"),
    "multiprocessing": N_("starts processes"), "importlib": N_("rewires imports"),
    "pickle": N_("unpickles data"), "marshal": N_("loads code objects"),
}
SUSPICIOUS_CALLS = {
    "os._exit": N_("leaves the process"), "sys.exit": N_("leaves the process"),
    "exit": N_("leaves the process"), "quit": N_("leaves the process"),
    "os.kill": N_("sends signals"), "os.killpg": N_("sends signals"), "os.fork": N_("forks"),
    "os.system": N_("runs a shell"), "os.popen": N_("runs a shell"),
    "os.execv": N_("replaces the process"), "os.execvp": N_("replaces the process"),
    "sys._getframe": N_("walks frames"), "sys.settrace": N_("traces the interpreter"),
    "sys.setprofile": N_("traces the interpreter"), "setattr": None,  # judged by its target below
    "__import__": N_("imports dynamically"),
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
        entry = _("line {line}: {text}").format(line=line, text=text)
        if entry not in found:
            found.append(entry)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                root = alias.name.split(".")[0]
                if root in SUSPICIOUS_IMPORTS:
                    add(node.lineno, f"import {alias.name} ({_(SUSPICIOUS_IMPORTS[root])})")
        elif isinstance(node, ast.ImportFrom) and node.module:
            root = node.module.split(".")[0]
            if root in SUSPICIOUS_IMPORTS:
                add(node.lineno, f"from {node.module} import ... ({_(SUSPICIOUS_IMPORTS[root])})")
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:
                name = _dotted(target)
                if "." in name and name.split(".")[0] in PATCHABLE_ROOTS:
                    add(node.lineno, (_("deletes {name}") if isinstance(node, ast.Delete)
                                      else _("replaces {name}")).format(name=name))
        elif isinstance(node, ast.Call):
            name = _dotted(node.func)
            if name == "setattr" and node.args:
                owner = _dotted(node.args[0])
                if owner.split(".")[0] in PATCHABLE_ROOTS:
                    add(node.lineno, _("setattr() on {owner}").format(owner=owner))
            elif name in SUSPICIOUS_CALLS and SUSPICIOUS_CALLS[name]:
                add(node.lineno, _("calls {name}() ({why})").format(
                    name=name, why=_(SUSPICIOUS_CALLS[name])))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                node.name in ALWAYS_AGREE_HOOKS:
            add(node.lineno, _("defines {name} (a result that fakes comparisons?)").format(
                name=node.name))
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
        out.append(("timeout", message if status == "timeout"
                    else _("{n} check(s) timed out").format(n=n)))
    if status == "crashed" or any(c["outcome"] == "crashed" for c in checks):
        n = sum(c["outcome"] == "crashed" for c in checks)
        out.append(("crash", message if status == "crashed"
                    else _("{n} check(s) crashed").format(n=n)))
    broken = [c for c in checks if c["outcome"] == "constraint"]
    if broken:
        out.append(("constraint", broken[0]["message"].split("\n")[0]
                    + (_(" (and {n} more)").format(n=len(broken) - 1) if len(broken) > 1
                       else "")))
    for line in tamper:
        out.append(("tamper", line))
    return out
