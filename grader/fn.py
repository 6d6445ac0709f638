"""Functions as data: what a check hands to the student's code as `f`.

A check that needs the student to differentiate or call "some f" writes it
with ordinary operators on `fn.x`:

    from grader.checks import fn
    f = fn.sin(fn.x) * fn.x ** 2          # t -> sin(t) * t ** 2
    g = (fn.x ** 3).sum()                 # t -> (t ** 3).sum()
    h = fn.const(A) @ fn.x                # t -> A @ t (A a tensor the check chose)

`f` is a tree of operation names from the fixed list below; it crosses the
pipe as data (never as source text), the jail rebuilds a callable from it
(grader.jail.builders.JailFn), and the check evaluates the very same tree in
its own process for the expected values: `f(x)`.
"""

from __future__ import annotations

import torch

UNARY = {
    "neg": torch.neg, "sin": torch.sin, "cos": torch.cos, "tan": torch.tan, "exp": torch.exp,
    "log": torch.log, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu,
    "sqrt": torch.sqrt, "abs": torch.abs, "square": torch.square,
    "sum": torch.sum, "mean": torch.mean, "softplus": torch.nn.functional.softplus,
}
BINARY = {
    "add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
    "pow": torch.pow, "matmul": torch.matmul,
}


class Fn:
    """A function of one tensor, as a tree: ["x"], ["const", v], [op, *children]."""

    __slots__ = ("tree",)

    def __init__(self, tree):
        self.tree = tree

    def __call__(self, x):
        return evaluate(self.tree, x)

    # -- building
    def _bin(self, op, other, swap=False):
        other = other.tree if isinstance(other, Fn) else ["const", other]
        return Fn([op, other, self.tree] if swap else [op, self.tree, other])

    def __add__(self, o): return self._bin("add", o)
    def __radd__(self, o): return self._bin("add", o, swap=True)
    def __sub__(self, o): return self._bin("sub", o)
    def __rsub__(self, o): return self._bin("sub", o, swap=True)
    def __mul__(self, o): return self._bin("mul", o)
    def __rmul__(self, o): return self._bin("mul", o, swap=True)
    def __truediv__(self, o): return self._bin("div", o)
    def __rtruediv__(self, o): return self._bin("div", o, swap=True)
    def __pow__(self, o): return self._bin("pow", o)
    def __matmul__(self, o): return self._bin("matmul", o)
    def __rmatmul__(self, o): return self._bin("matmul", o, swap=True)
    def __neg__(self): return Fn(["neg", self.tree])

    def sum(self): return Fn(["sum", self.tree])
    def mean(self): return Fn(["mean", self.tree])

    def __repr__(self):
        return f"fn({describe(self.tree)})"


def evaluate(tree, x):
    """The value of the function `tree` at x, with torch's own operations."""
    op = tree[0]
    if op == "x":
        return x
    if op == "const":
        value = tree[1]
        if isinstance(value, torch.Tensor) and isinstance(x, torch.Tensor):
            value = value.to(x.device)
        return value
    if op in UNARY:
        return UNARY[op](evaluate(tree[1], x))
    if op in BINARY:
        return BINARY[op](evaluate(tree[1], x), evaluate(tree[2], x))
    raise ValueError(f"unknown operation {op!r} in a function tree")


def describe(tree) -> str:
    """Readable text for a learner: sin(x) * x ** 2."""
    op = tree[0]
    if op == "x":
        return "x"
    if op == "const":
        v = tree[1]
        return f"<tensor of shape {tuple(v.shape)}>" if isinstance(v, torch.Tensor) else repr(v)
    symbols = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**", "matmul": "@"}
    if op in symbols:
        return f"({describe(tree[1])} {symbols[op]} {describe(tree[2])})"
    if op in ("sum", "mean"):
        return f"{describe(tree[1])}.{op}()"
    return f"{op}({describe(tree[1])})"


x = Fn(["x"])


def const(value) -> Fn:
    return Fn(["const", value])


def _unary(name):
    def apply(f):
        return Fn([name, f.tree if isinstance(f, Fn) else ["const", f]])
    apply.__name__ = name
    return apply


for _name in UNARY:
    globals()[_name] = _unary(_name)
