"""Rules on the student's source: what they catch, and what they leave alone."""

import ast
import textwrap

from grader.constraints import check_runtime_calls, check_source
from grader.course import Constraint


def broken(source, **rule):
    source = textwrap.dedent(source)
    return check_source(ast.parse(source), source, [Constraint(**rule)])


def test_loops_and_comprehensions_are_quoted_with_their_line():
    found = broken("""
        def f(x):
            return sum(v for v in x)
    """, functions=["f"], no_loops=True)
    assert found == {"f": "a generator expression is not allowed here (line 3: return sum(v for v in x))"}


def test_a_loop_moved_into_a_helper_is_still_a_loop():
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
    assert "it calls _rows(), where a while loop is not allowed here (line 4" in found["f"]


def test_forbidden_calls_through_aliases_and_methods():
    assert "calling `dist` is not allowed" in broken("""
        from torch import cdist as dist
        def f(x, y):
            return dist(x, y)
    """, functions=["f"], forbidden_calls=["torch.cdist"])["f"]
    assert "calling `x.outer`" in broken("""
        def f(x, y):
            return x.outer(y)
    """, functions=["f"], forbidden_calls=["torch.outer"])["f"]


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


def test_unimplemented_functions_are_not_constraint_breaks():
    assert broken("""
        def f(x):
            "Docstring."
            raise NotImplementedError
    """, functions=["f"], single_expression=True, no_loops=True) == {}


def test_runtime_calls():
    rule = Constraint(functions=["f"], forbidden_calls=["torch.cdist"], allowed_calls=None)
    assert check_runtime_calls(rule, ["torch.functional.cdist"]) == \
        "your code called torch.cdist (found at run time)"
    assert check_runtime_calls(rule, ["Tensor.mul", "torch.add"]) is None
    puzzle = Constraint(functions=["f"], allowed_calls=["arange", "where"])
    assert check_runtime_calls(puzzle, ["torch.arange", "Tensor.ge", "torch.where"]) is None
    assert "torch.cumsum" in check_runtime_calls(puzzle, ["torch.cumsum"])
