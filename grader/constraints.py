"""Rules on the student's source, decided with `ast` in the check process.

A rule names functions (or classes) and what their code may not contain: loops,
more than one expression, names, calls (or every call but an allowed few),
attributes (or every attribute but an allowed few). It is decided on the
source, never on what the student's process says, and conservatively: a way
to reach code the rule cannot see is itself a break.

What a rule reads, for one ruled function (its *reach*):

- every definition of the name: `def`, `class`, a module-level
  `f = lambda ...` or `f = other_function`, anything else bound to the name,
  decorators and default arguments included; nested functions and lambdas are
  part of the body;
- every function, class and module-level binding of the file that the reach
  names, transitively (an alias `s = torch.sigmoid` at module level, a
  helper with a loop, `from torch import cdist as c`). Another function under
  the same rule is not followed: it is checked on its own, and its break is
  reported there, once;
- code the file hands to library code, which a ruled function may then run
  without naming it: values stored into objects the file did not create
  (`torch.Tensor.__mul__ = ...`, `builtins.max = ...`), classes built on a
  library class (a TorchFunctionMode), functions passed to a library call or
  decorated by one at module level. These are read for calls (forbidden or
  not allowed) and for the dynamic ways below, not for loops or names.

Dynamic ways around a rule are breaks wherever the reach holds them: getattr
with a computed name, getattr on a module, getattr as a value, `eval`,
`exec`, `compile`, `__import__`, `importlib`, `globals()`, `vars()`,
`locals()`, `setattr`, `__dict__`, `__getattribute__`, `__globals__`,
`__code__`, `__subclasses__` and their kind, `sys.modules` with a computed
name, frames (`sys._getframe`, `f_locals`, `inspect`), `gc`, `pickle`,
`operator.attrgetter` / `methodcaller`, `pydoc.locate`, `ctypes.pythonapi`.
Some are breaks anywhere in a file with rules, since they can replace a
function after its source was read: `exec`/`eval`/`compile`,
`globals()`/`vars()`/`setattr`/`delattr`, `__dict__`/`__globals__`, storing
`__code__`, `__defaults__` or `__class__`, storing an attribute named like a
ruled function, `global` of a ruled name, a module-level `__getattr__`, and
the file importing itself.

Not decided here (see docs/security.md): code that rewrites the process's
memory at import time (ctypes, or gc used outside every reach) can still
swap a function object after the source was read; the run-time trace of torch
calls in the jail (plugin.py) may see what it then calls, but that trace is a
claim, and it only ever adds evidence of a break.
"""

from __future__ import annotations

import ast
import builtins
import collections
import dataclasses
from collections import defaultdict

from grader.i18n import N_, _

LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp,
         ast.GeneratorExp)
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
BUILTIN_NAMES = frozenset(dir(builtins)) | {"__builtins__"}

# Every sentence below is a msgid of the grader's catalogue (grader.po), translated
# with _() when the message is made: check_source runs once per grading, in the
# language of that grading (runner.py), and nothing here is kept across gradings.
# A loop, as the sentence that forbids it.
LOOP_MESSAGES = {
    ast.For: N_("a for loop is not allowed here"),
    ast.AsyncFor: N_("a for loop is not allowed here"),
    ast.While: N_("a while loop is not allowed here"),
    ast.ListComp: N_("a list comprehension is not allowed here"),
    ast.SetComp: N_("a set comprehension is not allowed here"),
    ast.DictComp: N_("a dict comprehension is not allowed here"),
    ast.GeneratorExp: N_("a generator expression is not allowed here"),
}

# Why each dynamic way is not allowed ("<what> <why>, so it is not allowed here"): the
# kinds of reason, each with its whole sentences below.
RUNS_CODE = "runs code the grader cannot read"
REACHES_ANY = "can reach any function"
REACHES_MODULE = "can reach any module"
REACHES_OBJECT = "can reach any object in memory"
REPLACES = "can reach or replace any function"
REACHES_ATTRIBUTE = "can reach any attribute"

# {code}: the code, as shown (`name`, `x.__dict__`, getattr(..., 'x')).
HERE = {
    RUNS_CODE: N_("{code} runs code the grader cannot read, so it is not allowed here"),
    REACHES_ANY: N_("{code} can reach any function, so it is not allowed here"),
    REACHES_MODULE: N_("{code} can reach any module, so it is not allowed here"),
    REACHES_OBJECT: N_("{code} can reach any object in memory, so it is not allowed here"),
    REPLACES: N_("{code} can reach or replace any function, so it is not allowed here"),
    REACHES_ATTRIBUTE: N_("{code} can reach any attribute, so it is not allowed here"),
}
IMPORTING_HERE = {
    RUNS_CODE: N_("importing {code} runs code the grader cannot read, so it is not allowed"
                  " here"),
    REACHES_ANY: N_("importing {code} can reach any function, so it is not allowed here"),
    REACHES_MODULE: N_("importing {code} can reach any module, so it is not allowed here"),
    REACHES_OBJECT: N_("importing {code} can reach any object in memory, so it is not allowed"
                       " here"),
    REPLACES: N_("importing {code} can reach or replace any function, so it is not allowed"
                 " here"),
    REACHES_ATTRIBUTE: N_("importing {code} can reach any attribute, so it is not allowed"
                          " here"),
}
IN_A_MATCH_HERE = {
    RUNS_CODE: N_("{code} in a match pattern runs code the grader cannot read, so it is not"
                  " allowed here"),
    REACHES_ANY: N_("{code} in a match pattern can reach any function, so it is not allowed"
                    " here"),
    REACHES_MODULE: N_("{code} in a match pattern can reach any module, so it is not allowed"
                       " here"),
    REACHES_OBJECT: N_("{code} in a match pattern can reach any object in memory, so it is"
                       " not allowed here"),
    REPLACES: N_("{code} in a match pattern can reach or replace any function, so it is not"
                 " allowed here"),
    REACHES_ATTRIBUTE: N_("{code} in a match pattern can reach any attribute, so it is not"
                          " allowed here"),
}
# ... and the ones that are breaks anywhere in a file with rules ({where}: the line).
ANYWHERE = {
    RUNS_CODE: N_("{code} runs code the grader cannot read, so it is not allowed anywhere in"
                  " a file with rules ({where})"),
    REACHES_ANY: N_("{code} can reach any function, so it is not allowed anywhere in a file"
                    " with rules ({where})"),
    REACHES_MODULE: N_("{code} can reach any module, so it is not allowed anywhere in a file"
                       " with rules ({where})"),
    REACHES_OBJECT: N_("{code} can reach any object in memory, so it is not allowed anywhere"
                       " in a file with rules ({where})"),
    REPLACES: N_("{code} can reach or replace any function, so it is not allowed anywhere in"
                 " a file with rules ({where})"),
    REACHES_ATTRIBUTE: N_("{code} can reach any attribute, so it is not allowed anywhere in a"
                          " file with rules ({where})"),
}


def _here(why: str, code: str, table=HERE) -> str:
    """The sentence for a dynamic way `code` that `why`, in the current language."""
    return _(table[why]).format(code=code)

# Builtins that reach code by a name, a string or a namespace.
DYNAMIC_BUILTINS = {
    "eval": RUNS_CODE, "exec": RUNS_CODE, "compile": RUNS_CODE,
    "__import__": REACHES_MODULE,
    "globals": REPLACES, "vars": REPLACES, "locals": REPLACES,
    "setattr": REPLACES, "delattr": REPLACES, "__builtins__": REPLACES,
}
# ... and the ones that are breaks anywhere in a file with rules.
NAMESPACE_BUILTINS = {"eval", "exec", "compile", "globals", "vars", "setattr", "delattr",
                      "__builtins__"}

DYNAMIC_ATTRIBUTES = {
    "__dict__": REACHES_ATTRIBUTE, "__getattribute__": REACHES_ANY,
    "__getattr__": REACHES_ANY, "__setattr__": REPLACES, "__delattr__": REPLACES,
    "__globals__": REPLACES, "__builtins__": REPLACES, "__code__": RUNS_CODE,
    "__closure__": REACHES_OBJECT, "__defaults__": REPLACES, "__kwdefaults__": REPLACES,
    "__subclasses__": REACHES_ANY, "__mro__": REACHES_ANY, "__bases__": REACHES_ANY,
    "__base__": REACHES_ANY, "__self__": REACHES_ANY, "__func__": REACHES_ANY,
    "__wrapped__": REACHES_ANY, "__reduce__": REACHES_ANY, "__reduce_ex__": REACHES_ANY,
    "__import__": REACHES_MODULE, "__loader__": REACHES_MODULE, "__spec__": REACHES_MODULE,
    "f_globals": REPLACES, "f_locals": REACHES_OBJECT, "f_builtins": REPLACES,
    "f_back": REACHES_OBJECT, "tb_frame": REACHES_OBJECT, "gi_frame": REACHES_OBJECT,
    "cr_frame": REACHES_OBJECT, "ag_frame": REACHES_OBJECT,
    "_getframe": REACHES_OBJECT, "_current_frames": REACHES_OBJECT,
    "meta_path": REACHES_MODULE, "path_hooks": REACHES_MODULE,
    "attrgetter": REACHES_ANY, "methodcaller": REACHES_ANY,
    "import_module": REACHES_MODULE, "locate": REACHES_ANY, "resolve_name": REACHES_ANY,
    "get_type_hints": RUNS_CODE, "get_field": REACHES_ANY, "CompilationUnit": RUNS_CODE,
    "pythonapi": REACHES_OBJECT, "py_object": REACHES_OBJECT, "PyDLL": REACHES_OBJECT,
    "pydll": REACHES_OBJECT,
}
# Attributes that are breaks anywhere in a file with rules: read ...
NAMESPACE_ATTRIBUTES = {"__dict__", "__globals__", "__builtins__", "f_globals", "f_builtins",
                        "f_locals"}
# ... or stored (these replace what a function is, after its source was read).
NAMESPACE_STORES = {"__code__", "__defaults__", "__kwdefaults__", "__class__", "__dict__",
                    "__globals__", "__closure__", "__call__", "__getattr__",
                    "__getattribute__"}

# Modules whose point is to reach objects by name or by memory, or to run
# code from data: importing one in a ruled function's reach is a break.
DYNAMIC_MODULES = {
    "importlib": REACHES_MODULE, "imp": REACHES_MODULE, "zipimport": REACHES_MODULE,
    "pkgutil": REACHES_MODULE, "runpy": RUNS_CODE, "builtins": REPLACES,
    "__builtin__": REPLACES, "gc": REACHES_OBJECT, "inspect": REACHES_OBJECT,
    "pydoc": REACHES_ANY, "pickle": RUNS_CODE, "_pickle": RUNS_CODE, "cPickle": RUNS_CODE,
    "marshal": RUNS_CODE, "copyreg": RUNS_CODE, "shelve": RUNS_CODE, "dill": RUNS_CODE,
    "cloudpickle": RUNS_CODE, "joblib": RUNS_CODE, "code": RUNS_CODE, "codeop": RUNS_CODE,
}
# Fully named things that unpickle (so call any function by name) or walk the process.
DYNAMIC_DOTTED = {"torch.load": RUNS_CODE, "numpy.load": RUNS_CODE,
                  "torch.serialization.load": RUNS_CODE, "numpy.lib.npyio.load": RUNS_CODE,
                  "sys.settrace": REACHES_OBJECT, "sys.setprofile": REACHES_OBJECT,
                  "threading.settrace": REACHES_OBJECT, "threading.setprofile": REACHES_OBJECT}
SELF_MODULES = {"submission", "__main__"}
# The most work (nodes read, summed over rules) one file may cost: a submission
# many times larger than any solution, built to make its rules slow, is refused.
MAX_STEPS = 1_000_000
MAX_RULED_SOURCE = 128 * 1024   # characters of a file with rules (a solution has a few thousand)


class _TooLarge(Exception):
    """The file would take too long to check."""


# ------------------------------------------------------------------ names

def dotted_name(node: ast.AST) -> str | None:
    """`torch.nn.functional.relu` for an Attribute chain, `f` for a Name; else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def describe(node: ast.AST, limit: int = 60) -> str:
    """How to name a callee in a message: `x.sum`, `(x > 0).long`, `torch.where(...).T`."""
    name = dotted_name(node)
    if name is not None:
        return name
    try:
        text = ast.unparse(node)
    except Exception:  # noqa: BLE001 (a message must never fail)
        text = "..."
    return text if len(text) <= limit else text[:limit - 3] + "..."


def import_aliases(tree: ast.AST) -> dict[str, str]:
    """Local name -> full dotted name, from every import in the file."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                if a.name != "*":
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    return aliases


def canonical(name: str, aliases: dict[str, str]) -> str:
    head, _dot, rest = name.partition(".")
    full = aliases.get(head, head)
    full = {"np": "numpy", "F": "torch.nn.functional"}.get(full, full)
    return f"{full}.{rest}" if rest else full


def call_matches(called: str, rule: str) -> bool:
    """`torch.cdist` matches a call of torch.cdist, x.cdist or an imported cdist."""
    return called == rule or called.rsplit(".", 1)[-1] == rule.rsplit(".", 1)[-1]


def _last(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _line(source_lines: list[str], node: ast.AST) -> str:
    n = getattr(node, "lineno", 0)
    text = source_lines[n - 1].strip() if 0 < n <= len(source_lines) else ""
    if len(text) > 120:
        text = text[:117] + "..."
    return _("line {line}: {code}").format(line=n, code=text)


def _raises_not_implemented(stmt: ast.AST) -> bool:
    if not isinstance(stmt, ast.Raise) or stmt.exc is None:
        return False
    exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def _body_without_docstring(node) -> list:
    body = list(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    return body


def _not_attempted(node) -> bool:
    """A function whose body only raises NotImplementedError: the checks will say so."""
    if not isinstance(node, FUNCTIONS):
        return False
    body = _body_without_docstring(node)
    return len(body) == 1 and _raises_not_implemented(body[0])


# ------------------------------------------------------------------ scopes

def _outer_parts(node) -> list:
    """The parts of a def, lambda or class evaluated in the scope around it."""
    parts = []
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        a = node.args
        parts += list(a.defaults) + [d for d in a.kw_defaults if d is not None]
        if not isinstance(node, ast.Lambda):
            parts += list(node.decorator_list)
            parts += [x.annotation for x in [*a.posonlyargs, *a.args, *a.kwonlyargs,
                                             a.vararg, a.kwarg] if x is not None and x.annotation]
            if node.returns is not None:
                parts.append(node.returns)
    elif isinstance(node, ast.ClassDef):
        parts += list(node.decorator_list) + list(node.bases) + [k.value for k in node.keywords]
    return parts


def _inner_parts(node) -> list:
    if isinstance(node, ast.Lambda):
        return [node.body]
    if isinstance(node, SCOPES):
        return list(node.body)
    return list(ast.iter_child_nodes(node))


def _locals_of(scope) -> frozenset:
    """The names local to a function, lambda, class body or comprehension."""
    names: set[str] = set()
    if isinstance(scope, COMPREHENSIONS):
        for gen in scope.generators:
            names |= {n.id for n in ast.walk(gen.target) if isinstance(n, ast.Name)}
        return frozenset(names)
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        a = scope.args
        names |= {x.arg for x in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]
                  if x is not None}
    declared: set[str] = set()
    stack = _inner_parts(scope)
    while stack:
        n = stack.pop()
        if isinstance(n, (ast.Global, ast.Nonlocal)):
            declared |= set(n.names)
            continue
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            names.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(n.name)
            stack += _outer_parts(n)
            continue
        elif isinstance(n, ast.Lambda):
            stack += _outer_parts(n)
            continue
        elif isinstance(n, COMPREHENSIONS):
            stack.append(n.generators[0].iter)
            names |= {w.target.id for w in ast.walk(n) if isinstance(w, ast.NamedExpr)}
            continue
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            names |= {a.asname or a.name.split(".")[0] for a in n.names if a.name != "*"}
        elif isinstance(n, ast.ExceptHandler) and n.name:
            names.add(n.name)
        elif isinstance(n, (ast.MatchAs, ast.MatchStar)) and n.name:
            names.add(n.name)
        elif isinstance(n, ast.MatchMapping) and n.rest:
            names.add(n.rest)
        stack += list(ast.iter_child_nodes(n))
    return frozenset(names - declared)


def _walk(root, env: tuple = ()):
    """Every node under `root`, each with the local names around it.

    `env` is a tuple of (names, is_class_body): a function nested in a class
    does not see the class body's names, as in Python.
    """
    stack = [(root, env)]
    while stack:
        node, env = stack.pop()
        yield node, env
        if isinstance(node, SCOPES) or isinstance(node, COMPREHENSIONS):
            if isinstance(node, COMPREHENSIONS):
                inner = env + ((_locals_of(node), False),)
                stack += [(c, inner) for c in ast.iter_child_nodes(node)]
                continue
            stack += [(p, env) for p in _outer_parts(node)]
            is_class = isinstance(node, ast.ClassDef)
            around = env if is_class else tuple(e for e in env if not e[1])
            inner = around + ((_locals_of(node), is_class),)
            stack += [(c, inner) for c in _inner_parts(node)]
        else:
            stack += [(c, env) for c in ast.iter_child_nodes(node)]


def _is_local(name: str, env: tuple) -> bool:
    return any(name in names for names, _is_class in env)


# ------------------------------------------------------------------ the file

def _stored_names(stmt) -> set[str]:
    """Names a module-level statement binds, not counting the statements inside it."""
    if isinstance(stmt, (ast.For, ast.AsyncFor)):
        parts = [stmt.target, stmt.iter]
    elif isinstance(stmt, (ast.With, ast.AsyncWith)):
        parts = [i for item in stmt.items for i in (item.context_expr, item.optional_vars) if i]
    elif isinstance(stmt, (ast.If, ast.While)):
        parts = [stmt.test]
    elif isinstance(stmt, ast.Match):
        parts = [stmt.subject] + [c.pattern for c in stmt.cases]
    elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
        return {h.name for h in stmt.handlers if h.name}
    else:
        parts = [stmt]
    names = set()
    for part in parts:
        for node, env in _walk(part):
            if env:
                if isinstance(node, ast.NamedExpr) and all(not c for _names, c in env):
                    names.add(node.target.id)  # a walrus in a comprehension binds here
                continue
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                names.add(node.id)
            elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
                names.add(node.name)
            elif isinstance(node, ast.MatchMapping) and node.rest:
                names.add(node.rest)
    return names


@dataclasses.dataclass
class _File:
    tree: ast.Module
    lines: list[str]
    aliases: dict[str, str]
    bindings: dict[str, list]      # module-level name -> the statements that bind it
    stars: list                    # `from x import *` statements
    module_names: set[str]         # names bound by an import (module or a thing in one)
    own: set[str]                  # names of the file's own functions and classes

    @classmethod
    def read(cls, tree: ast.Module, source: str) -> "_File":
        bindings: dict[str, list] = defaultdict(list)
        stars, module_names = [], set()

        def visit(stmts):
            for s in stmts:
                if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    bindings[s.name].append(s)
                    continue
                if isinstance(s, (ast.Import, ast.ImportFrom)):
                    for a in s.names:
                        if a.name == "*":
                            stars.append(s)
                        else:
                            name = a.asname or a.name.split(".")[0]
                            bindings[name].append(s)
                            module_names.add(name)
                    continue
                for name in _stored_names(s):
                    bindings[name].append(s)
                for field in ("body", "orelse", "finalbody"):
                    visit(getattr(s, field, None) or [])
                for handler in getattr(s, "handlers", None) or []:
                    visit(handler.body)
                for case in getattr(s, "cases", None) or []:
                    visit(case.body)

        visit(tree.body)
        # A function that declares `global x` and assigns it binds the module's x:
        # the whole top-level statement that holds it counts as the binding.
        for stmt in tree.body:
            for node in ast.walk(stmt):
                if isinstance(node, ast.Global):
                    for name in node.names:
                        if stmt not in bindings[name]:
                            bindings[name].append(stmt)
        own = {name for name, nodes in bindings.items()
               if any(isinstance(n, SCOPES) or (isinstance(n, ast.Assign)
                                                and isinstance(n.value, ast.Lambda))
                      for n in nodes)}
        return cls(tree, source.splitlines(), import_aliases(tree), dict(bindings), stars,
                   module_names, own)

    def line(self, node) -> str:
        return _line(self.lines, node)

    def walked(self, root):
        """(every node under root with its scopes, ids of call targets, parents), once per root."""
        cache = self.__dict__.setdefault("_walked", {})
        found = cache.get(id(root))
        if found is None:
            nodes = list(_walk(root))
            self.spend(len(nodes))
            calls, parents = set(), {}
            for node, _env in nodes:
                if isinstance(node, ast.Call):
                    calls.add(id(node.func))
                for child in ast.iter_child_nodes(node):
                    parents[id(child)] = node
            found = cache[id(root)] = (nodes, calls, parents)
        return found

    def everything(self) -> list:
        """Every node of the file with its scopes (walked once, statement by statement)."""
        return [pair for stmt in self.tree.body for pair in self.walked(stmt)[0]]

    def spend(self, steps: int) -> None:
        """Count the work: a file that would take too long to read is itself a break."""
        self.__dict__["_spent"] = self.__dict__.get("_spent", 0) + steps
        if self.__dict__["_spent"] > MAX_STEPS:
            raise _TooLarge

    def findings(self, rule, node, *, implicit: bool, helper: str):
        """(the first break of `rule` in `node` itself, as a message, or None; the
        globals it names), once per rule and piece of code."""
        facts_of = self.__dict__.setdefault("_facts", {})
        facts = facts_of.get(id(node))
        if facts is None:
            facts = facts_of[id(node)] = _Facts(self, node)
        cache = self.__dict__.setdefault("_judged", {})
        key = (id(rule), id(node), implicit, helper)
        if key not in cache:
            self.spend(facts.size)
            found = _judge(rule, self, facts, implicit=implicit, helper=helper)
            cache[key] = (_("{message} ({where})").format(message=found[1],
                                                          where=self.line(found[0]))
                          if found else None,
                          facts.globals, found)
        return cache[key]

    def definitions(self, name: str, seen=None) -> list:
        """The statements that define `name`, through `name = other_function` aliases."""
        seen = seen if seen is not None else {name}
        found = []
        for node in self.bindings.get(name, []):
            found.append(node)
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and \
                    node.value.id in self.own and node.value.id not in seen:
                seen.add(node.value.id)
                found += self.definitions(node.value.id, seen)
        return found

    def resolves_to_module(self, node) -> str | None:
        """The imported name an expression starts from (`torch` in torch.nn.functional)."""
        while isinstance(node, ast.Attribute):
            node = node.value
        if isinstance(node, ast.Name) and node.id in self.module_names:
            return self.aliases.get(node.id, node.id)
        return None


def definitions(tree: ast.Module) -> dict[str, ast.AST]:
    """Top-level function and class definitions by name (the last one wins)."""
    return {n.name: n for n in tree.body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


# ------------------------------------------------------------------ one rule on one node

@dataclasses.dataclass
class _Finding:
    node: ast.AST
    message: str

    @property
    def key(self):
        return (getattr(self.node, "lineno", 0), getattr(self.node, "col_offset", 0))


def _module_of_import(node) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""]
    return []


def _dynamic_module(name: str) -> str | None:
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        why = DYNAMIC_MODULES.get(".".join(parts[:i]))
        if why:
            return why
    return None


def _const_str(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


class _Facts:
    """What one piece of code holds, the same under every rule: read once per piece.

    `dynamic` are the ways around any rule (getattr with a computed name,
    eval, sys.modules, ...); the rest is what a rule's own lists decide.
    """

    def __init__(self, file: _File, root):
        nodes, call_funcs, parents = file.walked(root)
        self.dynamic: list[tuple[ast.AST, str]] = []
        self.loops: list[tuple[ast.AST, str]] = []
        self.names: list[ast.Name] = []
        self.globals: list[tuple[str, ast.Name, bool]] = []   # (name, node, called)
        self.imports: list[tuple[ast.AST, list[str], list[str]]] = []  # node, modules, from-names
        self.attrs: list[tuple[ast.AST, str, str]] = []   # read, not called: (node, raw, attr)
        self.calls: list[tuple[ast.Call, str, str, str]] = []  # (node, raw, called, kind)
        self.getattrs: list[tuple[ast.Call, str, str | None]] = []  # (node, attr, module)
        self.module_names: list[tuple[ast.AST, str, str]] = []  # sys.modules['x']: (node, x, what)
        self.match_attrs: list[tuple[ast.AST, str]] = []
        self.size = len(nodes) + 1
        for node, env in nodes:
            if isinstance(node, LOOPS):
                self.loops.append((node, _(LOOP_MESSAGES[type(node)])))
            if isinstance(node, ast.Name):
                self.names.append(node)
                if isinstance(node.ctx, ast.Load) and not _is_local(node.id, env):
                    called = id(node) in call_funcs
                    self.globals.append((node.id, node, called))
                    self._dynamic_name(file, node, called)
            elif isinstance(node, ast.Attribute):
                self._attribute(file, node, id(node) in call_funcs, parents)
            elif isinstance(node, ast.Call):
                self._call(file, node, env)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                self._import(node)
            elif isinstance(node, ast.MatchClass):
                for attr in node.kwd_attrs:  # `case C(cdist=c)` reads C.cdist
                    why = DYNAMIC_ATTRIBUTES.get(attr)
                    if why:
                        self.dynamic.append((node, _here(why, f"`{attr}`", IN_A_MATCH_HERE)))
                    else:
                        self.match_attrs.append((node, attr))

    def _dynamic_name(self, file, node: ast.Name, called: bool) -> None:
        name = node.id
        if name in file.bindings or name not in BUILTIN_NAMES:
            return  # the file's own name (followed), or not a builtin at all
        if name == "getattr":
            if not called:
                self.dynamic.append((node, _("`getattr` used as a value can reach any"
                                             " function, so it is not allowed here")))
            return  # a call: decided in _call
        if name == "locals" and not called:
            return
        why = DYNAMIC_BUILTINS.get(name)
        if why:
            what = f"`{name}()`" if called else f"`{name}`"
            self.dynamic.append((node, _here(why, what)))

    def _module_named(self, node, name: str, what: str, table=HERE) -> bool:
        """`what` (the code, or the module's name with IMPORTING_HERE) names a module
        that reaches code by name: a break."""
        why = REPLACES if name.split(".")[0] in SELF_MODULES else _dynamic_module(name)
        if why:
            self.dynamic.append((node, _here(why, what, table)))
        return bool(why)

    def _attribute(self, file, node: ast.Attribute, called: bool, parents) -> None:
        dotted = dotted_name(node)
        raw = dotted if dotted is not None else describe(node)
        full = canonical(raw, file.aliases) if dotted is not None else raw
        if full == "sys.modules":
            parent = parents.get(id(node))
            name = None
            if isinstance(parent, ast.Subscript) and parent.value is node:
                name = _const_str(parent.slice)
            elif isinstance(parent, ast.Attribute) and parent.attr == "get":
                call = parents.get(id(parent))
                if isinstance(call, ast.Call) and call.func is parent and call.args:
                    name = _const_str(call.args[0])
            if isinstance(parent, ast.Compare) and node in parent.comparators and \
                    all(isinstance(op, (ast.In, ast.NotIn)) for op in parent.ops):
                return  # `name in sys.modules`: a yes or no, no module
            if name is None:
                self.dynamic.append((node, _here(REACHES_MODULE, "`sys.modules`")))
            elif not self._module_named(node, name, f"`sys.modules[{name!r}]`"):
                self.module_names.append((node, name, f"`sys.modules[{name!r}]`"))
            return
        if full in DYNAMIC_DOTTED:
            self.dynamic.append((node, _here(DYNAMIC_DOTTED[full], f"`{full}`")))
            return
        why = DYNAMIC_ATTRIBUTES.get(node.attr)
        if why:
            self.dynamic.append((node, _here(why, f"`{raw}`")))
            return
        if not called:  # a call is decided with the call
            self.attrs.append((node, raw, node.attr))

    def _call(self, file, node: ast.Call, env) -> None:
        func = node.func
        if isinstance(func, ast.Name) and _is_local(func.id, env):
            self.calls.append((node, func.id, func.id, "local"))
            return
        if isinstance(func, ast.Name) and func.id == "getattr" and func.id not in file.bindings:
            attr = _const_str(node.args[1]) if len(node.args) >= 2 else None
            if attr is None:
                self.dynamic.append((node, _("getattr with a computed name can reach any"
                                             " function, so it is not allowed here")))
                return
            why = DYNAMIC_ATTRIBUTES.get(attr)
            if why:
                self.dynamic.append((node, _here(why, f"getattr(..., {attr!r})")))
                return
            self.getattrs.append((node, attr, file.resolves_to_module(node.args[0])))
            return
        dotted = dotted_name(func)
        raw = dotted if dotted is not None else describe(func)
        called = canonical(raw, file.aliases) if dotted is not None else raw
        own = isinstance(func, ast.Name) and func.id in file.own and func.id not in file.aliases
        self.calls.append((node, raw, called, "own" if own else "other"))

    def _import(self, node) -> None:
        modules = [m for m in _module_of_import(node) if m]
        for module in modules:
            self._module_named(node, module, f"`{module}`", IMPORTING_HERE)
        names = []
        if isinstance(node, ast.ImportFrom):
            for a in node.names:
                if a.name == "*":
                    continue
                full = f"{node.module}.{a.name}" if node.module else a.name
                why = DYNAMIC_ATTRIBUTES.get(a.name) or DYNAMIC_BUILTINS.get(a.name) or \
                    _dynamic_module(full) or DYNAMIC_DOTTED.get(canonical(full, {})) or \
                    (REACHES_MODULE if full == "sys.modules" else None)
                if why:
                    self.dynamic.append((node, _here(why, f"`{full}`", IMPORTING_HERE)))
                else:
                    names.append(full)
        first = [a.name for a in node.names] + modules[:1]
        self.imports.append((node, first, names))


class _RuleView:
    """What a rule's lists come to, worked out once per rule."""

    def __init__(self, rule):
        self.rule = rule
        self.forbidden = list(rule.forbidden_calls)
        self.bad_last = {_last(b) for b in self.forbidden}
        self.banned = set(rule.forbidden_names)
        self.allowed = rule.allowed_calls
        self.attributes = getattr(rule, "allowed_attributes", None)
        self.listed = ", ".join(f".{a}" for a in self.attributes or ())  # "" is none
        self.restricts_calls = bool(self.forbidden) or self.allowed is not None


_VIEWS: dict[int, tuple] = {}


def _view(rule) -> _RuleView:
    held = _VIEWS.get(id(rule))
    if held is None or held[0] is not rule:
        if len(_VIEWS) > 4096:
            _VIEWS.clear()
        held = _VIEWS[id(rule)] = (rule, _RuleView(rule))
    return held[1]


def _judge(rule, file: _File, facts: _Facts, *, implicit: bool, helper: str):
    """The first break of `rule` in what `facts` hold, as (node, message); else None."""
    v = _view(rule)
    found = list(facts.dynamic)
    add = found.append
    if not implicit:
        if rule.no_loops and facts.loops:
            found += facts.loops
        if v.banned:
            found += [(n, _("using {code} is not allowed here").format(code=f"`{n.id}`"))
                      for n in facts.names if n.id in v.banned]
            for node, names, _from in facts.imports:
                for name in names:
                    if name and name.split(".")[0] in v.banned:
                        add((node, _("importing {code} is not allowed here").format(
                            code=f"`{name}`")))
                        break
            found += [(node, _("using {code} is not allowed here").format(code=what))
                      for node, name, what in facts.module_names if name.split(".")[0] in v.banned]
    check_attributes = v.attributes is not None and not implicit

    def attribute(node, attr, what, raw=None):
        """`what`: the code as shown; `raw`: the expression the attribute is read in
        (None: through getattr)."""
        if attr in v.bad_last:
            add((node, _("using {code} is not allowed here").format(code=what)))
        elif check_attributes and attr not in v.attributes:
            listed = v.listed or _("none")
            if raw is None:
                text = _("using `.{attr}` (through getattr) is not allowed here; allowed"
                         " attributes: {allowed}").format(attr=attr, allowed=listed)
            else:
                text = _("using `.{attr}` (in `{code}`) is not allowed here; allowed"
                         " attributes: {allowed}").format(attr=attr, code=raw, allowed=listed)
            add((node, text))

    for node, attr, module in facts.getattrs:
        if module and v.restricts_calls:
            add((node, _("getattr on the module `{module}` can reach any of its functions,"
                         " so it is not allowed here").format(module=module)))
        else:
            attribute(node, attr, f"getattr(..., {attr!r})")
    if v.bad_last or check_attributes:
        for node, raw, attr in facts.attrs:
            attribute(node, attr, f"`{raw}`", raw)
        for node, attr in facts.match_attrs:
            if attr in v.bad_last:
                add((node, _("using `{attr}` in a match pattern is not allowed here").format(
                    attr=attr)))
    if v.restricts_calls:
        forbidden, allowed = v.forbidden, v.allowed
        for node, raw, called, kind in facts.calls:
            if kind == "own":
                continue  # the file's own function: followed and checked where it is defined
            func = node.func
            own_torch_call = helper and isinstance(func, ast.Attribute) and func.attr == helper
            if kind == "local":
                if allowed is not None and not implicit:
                    add((node, _("calling `{call}` is not allowed here; allowed: {allowed}")
                         .format(call=raw, allowed=", ".join(allowed))))
                continue
            if forbidden and not own_torch_call and any(call_matches(called, b) for b in forbidden):
                if isinstance(func, ast.Name) and called != raw:   # an imported alias
                    text = _("calling `{call}` ({name}) is not allowed here").format(
                        call=raw, name=called)
                else:
                    text = _("calling `{call}` is not allowed here").format(call=raw)
                add((node, text))
                continue
            if allowed is not None and not own_torch_call and \
                    not _allowed_call(func, raw, called, allowed):
                add((node, _("calling `{call}` is not allowed here; allowed: {allowed}")
                     .format(call=raw, allowed=", ".join(allowed))))
        if forbidden:
            for node, _modules, names in facts.imports:
                for full in names:
                    if any(call_matches(full, b) for b in forbidden):
                        add((node, _("importing {code} is not allowed here").format(
                            code=f"`{full}`")))
                        break
    if not found:
        return None
    return min(found, key=lambda f: (getattr(f[0], "lineno", 0), getattr(f[0], "col_offset", 0)))


def _allowed_call(func, raw: str, called: str, allowed) -> bool:
    if isinstance(func, ast.Name):
        return any(called == a or raw == a or raw == _last(a) for a in allowed)
    for a in allowed:
        if called == a or raw == a:
            return True
        if a.startswith(("Tensor.", "torch.Tensor.", ".")) and \
                isinstance(func, ast.Attribute) and func.attr == _last(a):
            return True
    return False


# ------------------------------------------------------------------ reaches

@dataclasses.dataclass
class _Step:
    name: str
    node: ast.AST
    called: bool

    def words(self, file: _File) -> str:
        line = getattr(self.node, "lineno", 0)
        if self.called:
            return _("calls {name}() (line {line})").format(name=self.name, line=line)
        return _("uses `{name}` (line {line})").format(name=self.name, line=line)


class Breaks(dict):
    """Function name -> the message of the first rule its definition breaks.

    `reaches[name]`: the other ruled functions that function's code uses; their
    own breaks are reported at them, once (plugin.py does not repeat them from
    the run-time trace of a caller).
    """

    def __init__(self):
        super().__init__()
        self.reaches: dict[str, set[str]] = {}


INTERCEPTING_METHODS = {"__torch_function__", "__torch_dispatch__", "__array_function__",
                        "__array_ufunc__"}


def _intercepts(node: ast.ClassDef) -> bool:
    """A class whose methods torch or NumPy call for other code: a mode, an override."""
    if any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and
           s.name in INTERCEPTING_METHODS for s in node.body):
        return True
    if any(isinstance(t, ast.Name) and t.id in INTERCEPTING_METHODS
           for s in node.body if isinstance(s, ast.Assign) for t in s.targets):
        return True
    return any((dotted_name(b) or "").endswith("Mode") for b in node.bases)


def _implicit_roots(file: _File) -> list[tuple[ast.AST, str]]:
    """Code library calls may run without a ruled function naming it, with how it got there."""
    roots = []
    for node, env in file.everything():
        targets, value = [], None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and node.value is not None:
            targets, value = [node.target], node.value
        for target in targets:
            for t in ast.walk(target):
                if isinstance(t, (ast.Attribute, ast.Subscript)) and isinstance(t.ctx, ast.Store):
                    base = t.value
                    while isinstance(base, (ast.Attribute, ast.Subscript)):
                        base = base.value
                    if not (isinstance(base, ast.Name) and _is_local(base.id, env)):
                        roots.append((value, _("line {line} stores a value into `{code}`,"
                                               " which library code may run inside this"
                                               " function").format(line=node.lineno,
                                                                   code=describe(t))))
                        break
        if isinstance(node, ast.ClassDef) and _intercepts(node):
            roots.append((node, _("the class {name} (line {line}) can take over torch or"
                                  " NumPy calls, so its methods may run inside this function")
                          .format(name=node.name, line=node.lineno)))
    # Own functions handed to library code at import: callbacks, registrations, decorators.
    for stmt in file.tree.body:
        for node, env in file.walked(stmt)[0]:
            if env:
                continue  # code at module level only: what runs at import
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if any(not (isinstance(d, ast.Name) and d.id in file.own)
                       for d in node.decorator_list):
                    roots.append((node, _("{name}() (line {line}) is decorated by library"
                                          " code, which may run it inside this function")
                                  .format(name=node.name, line=node.lineno)))
            if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name)
                                                   and node.func.id in file.own):
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    if isinstance(arg, ast.Name) and arg.id in file.own:
                        for d in file.bindings.get(arg.id, []):
                            roots.append((d, _("line {line} hands {name}() to library"
                                               " code, which may run it inside this function")
                                          .format(line=node.lineno, name=arg.id)))
                    elif isinstance(arg, ast.Lambda):
                        roots.append((arg, _("line {line} hands a lambda to library code,"
                                             " which may run it inside this function")
                                      .format(line=node.lineno)))
    return roots


def _reach(rule, file: _File, name: str, *, roots, implicit: bool, ruled: set[str],
           all_ruled: set[str], reached: set[str]) -> str | None:
    """The first break of `rule` in the code reachable from `roots`, as a message.

    Breadth first: the break nearest the ruled function's own code wins (then
    the first in the file). A path is a linked list (step, rest): a long chain
    of helpers costs its length, not its square.
    """
    queue = collections.deque((r, 0, None) for r in roots)
    seen = {id(r) for r in roots}
    allowed_helpers = set(rule.allowed_calls or ())
    best: tuple | None = None
    while queue:
        node, depth, path = queue.popleft()
        file.spend(1)
        if best is not None and depth > best[0][0]:
            break  # everything left is farther than the break found
        if _not_attempted(node):
            continue
        helper = ""
        if path is not None and path[0].name in allowed_helpers and isinstance(node, FUNCTIONS):
            helper = path[0].name  # a starter helper the rule names (arange, where)
        message, names, found = file.findings(rule, node, implicit=implicit, helper=helper)
        if message:
            key = (depth, getattr(found[0], "lineno", 0), getattr(found[0], "col_offset", 0))
            if best is None or key < best[0]:
                steps = []
                while path is not None:
                    steps.append(path[0])
                    path = path[1]
                if steps:
                    steps.reverse()
                    chain = steps[0].words(file)
                    for step in steps[1:]:
                        chain = _("{steps}, which {step}").format(steps=chain,
                                                                  step=step.words(file))
                    message = _("it {steps}, where {message}").format(steps=chain,
                                                                     message=message)
                best = (key, message)
            if depth == 0:
                break  # a break in the function's own code comes first
            continue
        for ref, ref_node, called in names:
            if ref == name or ref not in file.bindings and not file.stars:
                continue
            if ref in all_ruled:
                reached.add(ref)
            if ref in ruled:
                continue  # checked on its own; its break is reported there
            for target in file.bindings.get(ref) or file.stars:
                if id(target) not in seen:
                    seen.add(id(target))
                    queue.append((target, depth + 1, (_Step(ref, target, called), path)))
    return best[1] if best else None


def _file_wide(file: _File, ruled: set[str]) -> str | None:
    """The first way anywhere in the file to replace a function after its source was read."""
    findings = []

    def add(node, sentence, **fields):
        """`sentence`: a msgid that ends "... anywhere in a file with rules ({where})"."""
        findings.append(_Finding(node, _(sentence).format(where=file.line(node), **fields)))

    for node, env in file.everything():
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and \
                not _is_local(node.id, env) and node.id not in file.bindings:
            if node.id in NAMESPACE_BUILTINS or (node.id == "locals" and not env):
                add(node, ANYWHERE[DYNAMIC_BUILTINS[node.id]], code=f"`{node.id}`")
        elif isinstance(node, ast.Attribute):
            if node.attr in NAMESPACE_ATTRIBUTES:
                add(node, ANYWHERE[REPLACES], code=f"`{describe(node)}`")
            elif isinstance(node.ctx, (ast.Store, ast.Del)):
                if node.attr in NAMESPACE_STORES:
                    add(node, N_("changing `{code}` can reach or replace any function, so"
                                 " it is not allowed anywhere in a file with rules ({where})"),
                        code=describe(node))
                elif node.attr in ruled:
                    add(node, N_("changing `{code}` can replace {name}(), so it is not"
                                 " allowed anywhere in a file with rules ({where})"),
                        code=describe(node), name=node.attr)
        elif isinstance(node, ast.Global):
            for name in node.names:
                if name in ruled:
                    add(node, N_("`global {name}` can replace {name}(), so it is not allowed"
                                 " anywhere in a file with rules ({where})"), name=name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for module in _module_of_import(node) + [a.name for a in node.names
                                                     if isinstance(node, ast.Import)]:
                if module and module.split(".")[0] in SELF_MODULES:
                    add(node, N_("importing `{module}` (this file itself) can reach or"
                                 " replace any function, so it is not allowed anywhere in a"
                                 " file with rules ({where})"), module=module)
    for node in file.bindings.get("__getattr__", []):
        add(node, N_("a module-level `__getattr__` can answer for any function, so it is"
                     " not allowed anywhere in a file with rules ({where})"))
    return min(findings, key=lambda f: f.key).message if findings else None


def check_source(tree: ast.Module, source: str, rules) -> Breaks:
    """Function name -> the message of the first rule its definition breaks.

    A rule holds in everything the ruled function's code reaches (see the
    module's docstring); a break is reported once, at the ruled function whose
    code holds it: another function under the same rule that it calls is not
    read again for it. The one-expression rule is about the ruled function's
    own body.
    """
    breaks = Breaks()
    rules = list(rules)
    if not rules:
        return breaks
    try:
        if len(source) > MAX_RULED_SOURCE:
            raise _TooLarge
        return _check(tree, source, rules, breaks)
    except _TooLarge:
        message = _("your file is too large or too tangled for its rules to be checked"
                    " (over {kb} KB, or more than {steps} steps); a solution needs far less"
                    " code").format(kb=MAX_RULED_SOURCE // 1024, steps=f"{MAX_STEPS:,}")
        for rule in rules:
            for name in rule.functions:
                breaks[name] = message
        return breaks


def _check(tree: ast.Module, source: str, rules, breaks: Breaks) -> Breaks:
    file = _File.read(tree, source)
    all_ruled = {n for r in rules for n in r.functions}
    everywhere = _file_wide(file, all_ruled)
    implicit = None
    implicit_found: dict[tuple[int, int], str | None] = {}
    for rule in rules:
        ruled = set(rule.functions)
        for name in rule.functions:
            if name in breaks:
                continue
            if everywhere:
                breaks[name] = everywhere
                continue
            defs = file.definitions(name)
            if not defs:
                continue  # not defined: the checks will say so
            reached: set[str] = set()
            message = _single_expression(file, defs) if rule.single_expression else None
            if not message:
                message = _reach(rule, file, name, roots=defs, implicit=False,
                                 ruled=ruled - {name}, all_ruled=all_ruled, reached=reached)
            if not message and (rule.forbidden_calls or rule.allowed_calls is not None):
                if implicit is None:
                    implicit = _implicit_roots(file)
                for root, how in implicit:
                    key = (id(rule), id(root))
                    if key not in implicit_found:
                        implicit_found[key] = _reach(rule, file, "", roots=[root], implicit=True,
                                                     ruled=set(), all_ruled=set(), reached=set())
                    if implicit_found[key]:
                        message = _("{how}; there {message}").format(
                            how=how, message=implicit_found[key])
                        break
            breaks.reaches[name] = reached
            if message:
                breaks[name] = message
    return breaks


def _single_expression(file: _File, defs) -> str | None:
    for node in defs:
        if not isinstance(node, FUNCTIONS) or _not_attempted(node):
            continue
        body = _body_without_docstring(node)
        if len(body) != 1 or not isinstance(body[0], ast.Return):
            where = body[1] if len(body) > 1 else (body[0] if body else node)
            return _("the body must be a single `return <expression>` ({where})").format(
                where=file.line(where))
    return None


def check_runtime_calls(rule, torch_calls: list[str]) -> str | None:
    """The first traced torch call that breaks `rule`; else None.

    Tensor methods are skipped unless a rule names one (`Tensor.outer` or
    `torch.Tensor.outer`): at run time `2 * x` and `x.mul(x)` look the same, and
    operators are always allowed. The ast check sees method calls in the source.
    """
    for called in torch_calls:
        method = called.startswith("Tensor.")
        for bad in rule.forbidden_calls:
            if (bad.startswith(("Tensor.", "torch.Tensor.")) or not method) and \
                    call_matches(called, bad):
                return _("your code called {name} (found at run time)").format(name=bad)
        if method or rule.allowed_calls is None:
            continue
        if not any(call_matches(called, a) for a in rule.allowed_calls):
            return _("your code called {name}, which is not allowed here (found at run"
                     " time)").format(name=called)
    return None
