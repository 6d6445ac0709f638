"""Rules on the student's source, checked with `ast` in the check process.

A rule names functions (or classes) and what their bodies may not contain.
The same forbidden or allowed calls are also checked at run time from the
jail's trace of torch calls (see plugin.py), which catches a call hidden
behind getattr or an alias.
"""

from __future__ import annotations

import ast
import dataclasses

LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp,
         ast.GeneratorExp)
LOOP_WORDS = {ast.For: "a for loop", ast.AsyncFor: "a for loop", ast.While: "a while loop",
              ast.ListComp: "a list comprehension", ast.SetComp: "a set comprehension",
              ast.DictComp: "a dict comprehension", ast.GeneratorExp: "a generator expression"}


def dotted_name(node: ast.AST) -> str | None:
    """`torch.nn.functional.relu` for an Attribute chain, `f` for a Name."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def import_aliases(tree: ast.Module) -> dict[str, str]:
    """Local name -> full dotted name, from the module's imports."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    return aliases


def canonical(name: str, aliases: dict[str, str]) -> str:
    head, _, rest = name.partition(".")
    full = aliases.get(head, head)
    full = {"np": "numpy", "F": "torch.nn.functional"}.get(full, full)
    return f"{full}.{rest}" if rest else full


def call_matches(called: str, rule: str) -> bool:
    """`torch.cdist` matches a call of torch.cdist, x.cdist or an imported cdist."""
    return called == rule or called.rsplit(".", 1)[-1] == rule.rsplit(".", 1)[-1]


def _line(source_lines: list[str], node: ast.AST) -> str:
    n = getattr(node, "lineno", 0)
    text = source_lines[n - 1].strip() if 0 < n <= len(source_lines) else ""
    return f"line {n}: {text}"


def definitions(tree: ast.Module) -> dict[str, ast.AST]:
    return {n.name: n for n in tree.body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def _raises_not_implemented(stmt: ast.AST) -> bool:
    if not isinstance(stmt, ast.Raise) or stmt.exc is None:
        return False
    exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def check_rule(rule, node: ast.AST, aliases: dict, lines: list[str], helpers: set[str]) -> str | None:
    """The first way `node` breaks `rule`, as a message quoting the line; else None."""
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None),
                                                             ast.Constant):
        body = body[1:]  # the docstring
    if len(body) == 1 and _raises_not_implemented(body[0]):
        return None  # not attempted yet: the checks will say so
    if rule.single_expression and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        if len(body) != 1 or not isinstance(body[0], ast.Return):
            where = body[1] if len(body) > 1 else (body[0] if body else node)
            return f"the body must be a single `return <expression>` ({_line(lines, where)})"
    for child in ast.walk(node):
        if rule.no_loops and isinstance(child, LOOPS):
            return f"{LOOP_WORDS[type(child)]} is not allowed here ({_line(lines, child)})"
        if isinstance(child, ast.Name) and child.id in rule.forbidden_names:
            return f"using `{child.id}` is not allowed here ({_line(lines, child)})"
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in child.names] + ([child.module] if getattr(child, "module", None) else [])
            for name in names:
                if name.split(".")[0] in rule.forbidden_names:
                    return f"importing `{name}` is not allowed here ({_line(lines, child)})"
        if isinstance(child, ast.Call):
            raw = dotted_name(child.func)
            if raw is None:
                continue
            called = canonical(raw, aliases)
            for bad in rule.forbidden_calls:
                if call_matches(called, bad):
                    return f"calling `{raw}` is not allowed here ({_line(lines, child)})"
            if rule.allowed_calls is not None:
                ok = raw in helpers or any(called == a or raw == a or raw == a.rsplit(".", 1)[-1]
                                           for a in rule.allowed_calls)
                if not ok:
                    return (f"calling `{raw}` is not allowed here; allowed:"
                            f" {', '.join(rule.allowed_calls)} ({_line(lines, child)})")
    return None


def _called_helpers(node: ast.AST, defs: dict[str, ast.AST]) -> list[str]:
    """Names of the file's own top-level functions that `node` calls."""
    found = []
    for child in ast.walk(node):
        if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and \
                isinstance(defs.get(child.func.id), (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                child.func.id not in found:
            found.append(child.func.id)
    return found


def check_source(tree: ast.Module, source: str, rules) -> dict[str, str]:
    """Function name -> the message of the first rule its definition breaks.

    A rule also holds inside the file's own helper functions that a ruled
    function calls (a loop moved into a helper is still a loop), except the
    one-expression rule, which is about the ruled function's own body.
    """
    lines = source.splitlines()
    aliases = import_aliases(tree)
    defs = definitions(tree)
    own_functions = {n for n, d in defs.items() if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef))}
    broken: dict[str, str] = {}
    for rule in rules:
        callable_here = set(rule.functions) | own_functions
        helper_rule = dataclasses.replace(rule, single_expression=False)
        for name in rule.functions:
            node = defs.get(name)
            if node is None or name in broken:
                continue
            message = check_rule(rule, node, aliases, lines, callable_here)
            seen, queue = {name}, [(name, h) for h in _called_helpers(node, defs)]
            while not message and queue:
                caller, helper = queue.pop(0)
                if helper in seen or helper in rule.functions or helper in (rule.allowed_calls or ()):
                    continue  # checked on its own, or sanctioned by the rule (a starter helper)
                seen.add(helper)
                inner = check_rule(helper_rule, defs[helper], aliases, lines, callable_here)
                if inner:
                    message = f"it calls {helper}(), where {inner}"
                queue += [(helper, h) for h in _called_helpers(defs[helper], defs)]
            if message:
                broken[name] = message
    return broken


def check_runtime_calls(rule, torch_calls: list[str]) -> str | None:
    """The first traced torch call that breaks `rule`; else None.

    Tensor methods are skipped unless a rule names one (`Tensor.outer`): at run
    time `2 * x` and `x.mul(x)` look the same, and operators are always allowed.
    The ast check sees method calls in the source.
    """
    for called in torch_calls:
        method = called.startswith("Tensor.")
        for bad in rule.forbidden_calls:
            if (bad.startswith("Tensor.") or not method) and call_matches(called, bad):
                return f"your code called {bad} (found at run time)"
        if method or rule.allowed_calls is None:
            continue
        if not any(call_matches(called, a) for a in rule.allowed_calls):
            return f"your code called {called}, which is not allowed here (found at run time)"
    return None
