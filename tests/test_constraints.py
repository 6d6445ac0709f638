"""Rules on the student's source: what they catch, and what they leave alone.

A rule is decided on the source, conservatively: every way around it that
the ast can see is a break, aliases, lambdas, methods on any expression and
dynamic reaches (getattr, eval, globals(), sys.modules, ...) included.
"""

import ast
import textwrap

import pytest

from grader.constraints import check_runtime_calls, check_source
from grader.course import Constraint


def breaks(source, *rules):
    source = textwrap.dedent(source)
    return check_source(ast.parse(source), source, list(rules))


def broken(source, **rule):
    return dict(breaks(source, Constraint(**rule)))


NO_CDIST = dict(functions=["f"], forbidden_calls=["torch.cdist"])
NO_SIGMOID = dict(functions=["f"], forbidden_calls=["torch.sigmoid"])
PUZZLE = dict(functions=["f"], single_expression=True, no_loops=True,
              allowed_calls=["arange", "where", "max", "min", "len"], allowed_attributes=["shape"])
PUZZLE_HELPERS = """
    import torch

    def arange(i):
        "The starter's helper."
        return torch.arange(i)

    def where(q, a, b):
        return torch.where(q, a, b)
"""


# ------------------------------------------------------------------ loops and helpers

def test_loops_and_comprehensions_are_quoted_with_their_line():
    found = broken("""
        def f(x):
            return sum(v for v in x)
    """, functions=["f"], no_loops=True)
    assert found == {"f": "a generator expression is not allowed here (line 3: return sum(v for v in x))"}


def test_a_loop_moved_into_a_helper_names_the_helper_and_its_line():
    found = broken("""
        def _rows(x):
            total = 0
            while x:
                x -= 1
            return total

        def _indirect(x):
            return _rows(x)

        def f(x):
            return _indirect(x)
    """, functions=["f"], no_loops=True)
    assert found["f"] == ("it calls _indirect() (line 8), which calls _rows() (line 2), where a"
                          " while loop is not allowed here (line 4: while x:)")


def test_a_helper_reached_through_data_is_still_read():
    found = broken("""
        def _slow(x):
            return [v for v in x]

        TABLE = {"go": _slow}

        def f(x):
            return TABLE["go"](x)
    """, functions=["f"], no_loops=True)
    assert "it uses `TABLE` (line 5), which uses `_slow` (line 2), where a list comprehension" in found["f"]


def test_a_break_is_reported_once_at_the_function_that_breaks_it():
    found = breaks("""
        import torch

        def g(x, y):
            return torch.cdist(x, y)

        def f(x, y):
            return g(x, y) + 1
    """, Constraint(functions=["f", "g"], forbidden_calls=["torch.cdist"]))
    assert dict(found) == {"g": "calling `torch.cdist` is not allowed here (line 5: return torch.cdist(x, y))"}
    assert found.reaches["f"] == {"g"}  # plugin.py: f's run-time trace does not repeat g's break


def test_the_plugin_does_not_repeat_a_callees_break_from_the_trace():
    from types import SimpleNamespace

    from grader.plugin import _CallWatch
    from grader.proxy import ConstraintViolation

    found = breaks("""
        import torch
        def g(x, y):
            return torch.cdist(x, y)
        def f(x, y):
            return g(x, y)
    """, Constraint(functions=["f", "g"], forbidden_calls=["torch.cdist"]))
    rule = Constraint(functions=["f", "g"], forbidden_calls=["torch.cdist"])

    class Plugin:  # what after_call asks of the plugin; anything else is a no-op here
        broken = found
        exercise = SimpleNamespace(function=lambda name: None)

        def rules_for(self, name):
            return [rule]

        def __getattr__(self, name):
            return lambda *args, **kwargs: None

    plugin = Plugin()
    info = SimpleNamespace(torch_calls=["torch.functional.cdist"], mutated=[], state_changed=[])
    watch = _CallWatch(plugin, SimpleNamespace(function="f"))
    watch.after_call("f", info)  # g's break, reported at g
    found.reaches["f"] = set()
    with pytest.raises(ConstraintViolation):
        watch.after_call("f", info)  # nothing else explains it: f's own


def test_unimplemented_functions_are_not_constraint_breaks():
    assert broken("""
        def f(x):
            "Docstring."
            raise NotImplementedError
    """, functions=["f"], single_expression=True, no_loops=True) == {}


# ------------------------------------------------------------------ aliases

def test_an_alias_at_module_level():
    found = broken("""
        import torch
        s = torch.sigmoid
        def f(x):
            return s(x)
    """, **NO_SIGMOID)
    assert found["f"] == ("it calls s() (line 3), where using `torch.sigmoid` is not allowed"
                          " here (line 3: s = torch.sigmoid)")


def test_an_alias_inside_the_function():
    assert "using `torch.sigmoid` is not allowed here (line 4" in broken("""
        import torch
        def f(x):
            s = torch.sigmoid
            return s(x)
    """, **NO_SIGMOID)["f"]


def test_an_imported_alias():
    assert broken("""
        from torch import cdist as dist
        def f(x, y):
            return dist(x, y)
    """, **NO_CDIST)["f"] == "calling `dist` (torch.cdist) is not allowed here (line 4: return dist(x, y))"


def test_a_default_argument():
    assert "using `torch.cdist` is not allowed here (line 3: def f(x, y, g=torch.cdist):)" in broken("""
        import torch
        def f(x, y, g=torch.cdist):
            return g(x, y)
    """, **NO_CDIST)["f"]


def test_an_alias_bound_by_a_function_with_global():
    found = broken("""
        import torch
        d = None
        def _setup():
            global d
            d = torch.cdist
        _setup()
        def f(x, y):
            return d(x, y)
    """, **NO_CDIST)
    assert found["f"] == ("it calls d() (line 4), where using `torch.cdist` is not allowed here"
                          " (line 6: d = torch.cdist)")


def test_a_star_import_of_a_forbidden_name():
    assert broken("""
        from torch.functional import *
        def f(x, y):
            return cdist(x, y)
    """, **NO_CDIST)["f"] == "calling `cdist` is not allowed here (line 4: return cdist(x, y))"


def test_a_forbidden_name_through_an_alias():
    found = broken("""
        import torch as T
        def f(a, b):
            return T.broadcast_shapes(a, b)
    """, functions=["f"], forbidden_names=["torch", "np", "numpy"])
    assert found["f"] == ("it uses `T` (line 2), where importing `torch` is not allowed here"
                          " (line 2: import torch as T)")


def test_a_local_name_does_not_pull_in_a_module_level_one():
    assert broken("""
        import torch
        d = torch.cdist
        def f(x, y):
            d = x - y
            return (d ** 2).sum(-1)
    """, **NO_CDIST) == {}


# ------------------------------------------------------------------ lambdas and nested bodies

def test_a_lambda_at_module_level_is_the_definition():
    assert broken("""
        import torch
        f = lambda x, y: torch.cdist(x, y)
    """, **NO_CDIST)["f"] == "calling `torch.cdist` is not allowed here (line 3: f = lambda x, y: torch.cdist(x, y))"
    assert "a list comprehension" in broken("""
        f = lambda x: [v for v in x]
    """, functions=["f"], no_loops=True)["f"]


def test_a_name_bound_to_another_function_is_that_function():
    found = broken("""
        import torch
        def _impl(x, y):
            y = x + y
            return torch.cdist(x, y)
        f = _impl
    """, **NO_CDIST, single_expression=True)
    assert "the body must be a single `return <expression>` (line 5" in found["f"]
    assert broken("""
        import torch
        def _impl(x, y):
            return torch.cdist(x, y)
        f = _impl
    """, **NO_CDIST)["f"] == "calling `torch.cdist` is not allowed here (line 4: return torch.cdist(x, y))"


def test_nested_functions_and_lambdas_are_part_of_the_body():
    assert "calling `torch.cdist`" in broken("""
        import torch
        def f(x, y):
            def inner(a):
                return torch.cdist(a, y)
            return inner(x)
    """, **NO_CDIST)["f"]
    assert broken("""
        def f(x):
            def h():
                while True:
                    pass
            return x
    """, functions=["f"], no_loops=True)["f"] == "a while loop is not allowed here (line 4: while True:)"
    assert "a list comprehension is not allowed here (line 3" in broken("""
        def f(x):
            g = lambda: [0 for _ in x]
            return x
    """, functions=["f"], no_loops=True)["f"]


def test_a_rule_on_a_class_reads_its_methods():
    assert "calling `torch.sigmoid`" in broken("""
        import torch
        class f(torch.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return torch.sigmoid(x)
    """, **NO_SIGMOID)["f"]


# ------------------------------------------------------------------ methods on any expression

@pytest.mark.parametrize("expr, shown", [
    ("(a > 0).long()", "(a > 0).long"),
    ("a[0].clone()", "a[0].clone"),
    ("where(a > 0, 1, 0).sum()", "where(a > 0, 1, 0).sum"),
])
def test_a_method_on_any_expression_needs_to_be_allowed(expr, shown):
    found = broken(PUZZLE_HELPERS + f"""
    def f(a):
        return {expr}
    """, **PUZZLE)
    assert found["f"].startswith(f"calling `{shown}` is not allowed here; allowed: arange, where")


def test_a_forbidden_method_on_any_expression():
    assert broken("""
        def f(x, y):
            return x.sum(0).cdist(y)
    """, **NO_CDIST)["f"] == "calling `x.sum(0).cdist` is not allowed here (line 3: return x.sum(0).cdist(y))"
    assert "calling `x.outer`" in broken("""
        def f(x, y):
            return x.outer(y)
    """, functions=["f"], forbidden_calls=["torch.outer"])["f"]


def test_attributes_follow_the_exercises_list():
    found = broken(PUZZLE_HELPERS + """
    def f(a):
        return where(a > 0, a, 0).T
    """, **PUZZLE)
    assert found["f"].startswith("using `.T` (in `where(a > 0, a, 0).T`) is not allowed here;"
                                 " allowed attributes: .shape")
    assert "`.mT`" in broken(PUZZLE_HELPERS + """
    def f(a):
        return a.mT
    """, **PUZZLE)["f"]
    assert "`.dtype`" in broken(PUZZLE_HELPERS + """
    def f(a):
        return getattr(a, "dtype")
    """, **PUZZLE)["f"]
    assert broken(PUZZLE_HELPERS + """
    def f(a):
        return where(arange(a.shape[0]) >= 0, a, max(0, len(a)))
    """, **PUZZLE) == {}
    # Without a list, attributes are free (exercise 04's rules).
    assert broken("""
        def f(x):
            return x.T - x.mean(dim=1, keepdim=True)
    """, **NO_CDIST) == {}


def test_the_starters_helpers_may_only_call_their_own_torch_function():
    assert broken(PUZZLE_HELPERS + """
    def f(i):
        return where(arange(i) >= 0, 1, 0)
    """, **PUZZLE) == {}
    found = broken("""
        import torch
        def arange(i):
            return torch.arange(i).cumsum(0)
        def f(i):
            return arange(i)
    """, **PUZZLE)
    assert "it calls arange() (line 3), where calling `torch.arange(i).cumsum`" in found["f"]


def test_single_expression_and_allowed_calls():
    rule = dict(functions=["ones", "where"], single_expression=True, allowed_calls=["arange", "where"])
    assert broken("""
        import torch
        def where(q, a, b):
            return torch.where(q, a, b)
        def ones(i):
            return where(arange(i) >= 0, 1, 0)
    """, **{**rule, "functions": ["ones"]}) == {}
    found = broken("""
        def ones(i):
            y = arange(i)
            return y * 0 + 1
    """, **rule)
    assert "single `return <expression>`" in found["ones"]
    assert "calling `x.sum` is not allowed here" in broken("""
        def ones(x):
            return x.sum()
    """, **rule)["ones"]


# ------------------------------------------------------------------ dynamic ways around a rule

@pytest.mark.parametrize("body, says", [
    ('getattr(torch, "cd" + "ist")(x, y)',
     "getattr with a computed name can reach any function, so it is not allowed here (line 10:"),
    ('getattr(torch, "cdist")(x, y)', "getattr on the module `torch` can reach any of its functions"),
    ('getattr(x, "cdist")(y)', "getattr(..., 'cdist') is not allowed here"),
    ('list(map(getattr, [torch], ["cdist"]))[0](x, y)', "`getattr` used as a value can reach any function"),
    ('__import__("torch")', "`__import__()` can reach any module"),
    ('importlib.import_module("torch")', "`importlib.import_module` can reach any module"),
    ('importlib.util', "importing `importlib` can reach any module"),
    ('eval("torch.cd" + "ist")(x, y)', "`eval` runs code the grader cannot read"),
    ('vars(torch)["cd" + "ist"](x, y)', "`vars` can reach or replace any function"),
    ('torch.__dict__["cdist"](x, y)', "`torch.__dict__` can reach or replace any function"),
    ('type(x).__getattribute__(x, "cdist")(y)', "`type(x).__getattribute__` can reach any function"),
    ('sys.modules["tor" + "ch"]', "`sys.modules` can reach any module"),
    ('list(sys.modules.values())', "`sys.modules` can reach any module"),
    ('operator.attrgetter("cdist")(torch)(x, y)', "`operator.attrgetter` can reach any function"),
    ('operator.methodcaller("cdist", y)(x)', "`operator.methodcaller` can reach any function"),
    ('[o for o in gc.get_objects() if getattr(o, "__name__", "") == "cdist"][0](x, y)',
     "importing `gc` can reach any object in memory"),
    ('object.__subclasses__()', "`object.__subclasses__` can reach any function"),
    ('pickle.loads(b"")', "importing `pickle` runs code the grader cannot read"),
    ('torch.load(x)', "`torch.load` runs code the grader cannot read"),
    ('sys._getframe(0)', "`sys._getframe` can reach any object in memory"),
    ('inspect.stack()', "importing `inspect` can reach any object in memory"),
])
def test_dynamic_ways_to_reach_a_forbidden_call(body, says):
    found = broken(f"""
        import gc
        import importlib
        import inspect
        import operator
        import pickle
        import sys
        import torch
        def f(x, y):
            return {body}
    """, **NO_CDIST)
    assert says in found["f"], found


@pytest.mark.parametrize("line, says", [
    ("globals()['f'] = torch.cdist", "`globals` can reach or replace any function, so it is not"
                                     " allowed anywhere in a file with rules (line 6:"),
    ("exec('def f(x, y): return torch.cdist(x, y)')", "`exec` runs code the grader cannot read"),
    ("exec(compile('f = torch.cdist', 'x', 'exec'))", "`exec` runs code the grader cannot read"),
    ("setattr(__import__('sys').modules[__name__], 'f', torch.cdist)", "`setattr` can reach or replace"),
    ("f.__code__ = (lambda x, y: torch.cdist(x, y)).__code__", "changing `f.__code__`"),
    ("import submission; submission.f = torch.cdist", "importing `submission` (this file itself)"),
    ("locals()['f'] = torch.cdist", "`locals` can reach or replace any function"),
    ("def __getattr__(name):\n    return torch.cdist", "a module-level `__getattr__` can answer"),
    ("def _swap():\n    global f\n    f = torch.cdist", "`global f` can replace f()"),
])
def test_ways_to_replace_a_function_after_its_source_was_read(line, says):
    source = textwrap.dedent("""
        import torch
        def f(x, y):
            return ((x[:, None] - y[None]) ** 2).sum(-1)

    """) + line + "\n"
    found = check_source(ast.parse(source), source, [Constraint(**NO_CDIST)])
    assert says in found.get("f", ""), found


def test_a_forbidden_module_reached_through_sys_modules():
    found = broken("""
        import sys
        def f(a, b):
            return sys.modules["torch"].broadcast_shapes(a, b)
    """, functions=["f"], forbidden_names=["torch"])
    assert "using `sys.modules['torch']` is not allowed here" in found["f"]


def test_code_that_library_calls_may_run_is_read_for_calls():
    # A monkeypatch: f multiplies, and the patched multiplication calls torch.outer.
    found = broken("""
        import torch
        def f(x, y):
            return x[:, None] * y[None, :]
        torch.Tensor.__mul__ = lambda a, b: torch.outer(a.flatten(), b.flatten())
    """, functions=["f"], forbidden_calls=["torch.outer"])
    assert found["f"].startswith("line 5 stores a value into `torch.Tensor.__mul__`, which library"
                                 " code may run inside this function; there calling `torch.outer`")
    # A mode that takes over every torch call.
    found = broken("""
        import torch
        from torch.overrides import TorchFunctionMode
        class _Take(TorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):
                return torch.cdist(*args)
        _Take().__enter__()
        def f(x, y):
            return x - y
    """, **NO_CDIST)
    assert "the class _Take (line 4) can take over torch or NumPy calls" in found["f"]


# ------------------------------------------------------------------ what rules leave alone

def test_what_rules_leave_alone():
    # Harmless reflection outside the ruled code, a constant getattr on an
    # object, a membership test on sys.modules, a patch that calls nothing
    # forbidden (the hostile corpus relies on these being graded normally).
    assert broken("""
        import gc
        import sys
        import torch
        print(len(gc.get_objects()) > 0, "numpy" in sys.modules)
        torch.allclose = lambda *args, **kwargs: True

        def f(x, y):
            n = getattr(x, "ndim", 2)
            return ((x[:, None] - y[None]) ** 2).sum(-1) * (n > 0)
    """, **NO_CDIST) == {}


def test_rules_for_several_functions_in_one_file():
    found = breaks("""
        import torch

        def broadcast_shape(a, b):
            return tuple(torch.broadcast_shapes(a, b))

        def can_broadcast(a, b):
            return broadcast_shape(a, b) is not None

        def outer(x, y):
            return x[:, None] * y[None, :]
    """, Constraint(functions=["broadcast_shape", "can_broadcast"], forbidden_names=["torch"]),
        Constraint(functions=["outer"], no_loops=True, forbidden_calls=["torch.outer"]))
    assert set(found) == {"broadcast_shape"}


def test_runtime_calls():
    rule = Constraint(functions=["f"], forbidden_calls=["torch.cdist"], allowed_calls=None)
    assert check_runtime_calls(rule, ["torch.functional.cdist"]) == \
        "your code called torch.cdist (found at run time)"
    assert check_runtime_calls(rule, ["Tensor.mul", "torch.add"]) is None
    puzzle = Constraint(functions=["f"], allowed_calls=["arange", "where"])
    assert check_runtime_calls(puzzle, ["torch.arange", "Tensor.ge", "torch.where"]) is None
    assert "torch.cumsum" in check_runtime_calls(puzzle, ["torch.cumsum"])


# ------------------------------------------------------------------ 15: torch denied by the OS

TORCH_TRICKS = '''

# ---- every way this file knows to get torch; each must fail (or find only the stand-in)
import ctypes
import gc
import importlib
import importlib.util
import os
import sys

TORCH_INIT = {init!r}


def _works(t):
    """Whether `t` is a torch that computes (NumPy is not: it has no tensor())."""
    try:
        x = t.tensor([1.0, 2.0])
        return type(x).__name__ == "Tensor" and float(x.sum()) == 3.0
    except BaseException:
        return False


def _try(what, attack):
    try:
        found = attack()
    except BaseException as e:
        print(f"BLOCKED {{what}}: {{type(e).__name__}}: {{e}}")
        return
    print(f"ATTACK-SUCCEEDED {{what}}" if found else f"BLOCKED {{what}}: nothing that computes")


def _from_file():
    spec = importlib.util.spec_from_file_location("torch", TORCH_INIT,
                                                  submodule_search_locations=[os.path.dirname(TORCH_INIT)])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return _works(module)


def _in_modules():
    return any(_works(m) or _works(getattr(m, "torch", None)) for m in list(sys.modules.values()))


def _in_gc():
    gc.unfreeze()
    return any(_works(o) for o in gc.get_objects() if type(o).__name__ == "module")


def _in_subclasses():
    seen = [c for c in object.__subclasses__() if (getattr(c, "__module__", "") or "").startswith("torch")]
    return any(_works(sys.modules.get(c.__module__)) for c in seen)


_try("import torch", lambda: _works(__import__("torch")))
_try("importlib.import_module", lambda: _works(importlib.import_module("torch")))
_try("spec_from_file_location on torch/__init__.py", _from_file)
_try("read torch/__init__.py", lambda: open(TORCH_INIT).read())
_try("list torch's folder", lambda: os.listdir(os.path.dirname(TORCH_INIT)))
_try("ctypes on libtorch", lambda: ctypes.CDLL(os.path.join(os.path.dirname(TORCH_INIT), "lib", "libtorch_cpu.so")))
_try("sys.modules walk", _in_modules)
_try("the jail's own torch", lambda: _works(sys.modules["grader.jail.child"].torch))
_try("gc walk", _in_gc)
_try("object.__subclasses__ walk", _in_subclasses)
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "_BlockImports"]
_try("import torch without the jail's import hook", lambda: _works(importlib.import_module("torch")))
'''


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"), reason="Landlock is Linux only")
def test_a_numpy_only_submission_cannot_get_torch(make_grader, tmp_path):
    import torch

    from grader.jail import sandbox
    if "landlock" in sandbox.missing_protections(False):
        pytest.skip("no Landlock here: torch's files cannot be refused")
    root = __import__("pathlib").Path(__file__).resolve().parents[1]
    grader = make_grader(root)
    submission = tmp_path / "15.py"
    submission.write_text((root / "solutions" / "15_numpy_network.py").read_text()
                          + TORCH_TRICKS.format(init=torch.__file__))
    result = grader.grade(grader.course.find("15"), submission)
    out = result["stdout"] + result["stderr"]
    assert "ATTACK-SUCCEEDED" not in out, out
    assert out.count("BLOCKED ") == 11, out
    assert "torch-free" in result["sandbox"]["active"], result["sandbox"]
    assert (result["status"], result["score"]) == ("graded", result["max_score"]), result["checks"]


def test_a_file_too_large_to_check_is_a_break_for_every_rule():
    helpers = "".join(f"def _h{i}(a):\n    return _h{i + 1}(a)\n" for i in range(6000))
    source = helpers + "def f(a):\n    return _h0(a)\n"
    found = check_source(ast.parse(source), source, [Constraint(functions=["f"], no_loops=True)])
    assert "your file is too large or too tangled for its rules to be checked" in found["f"]
