"""A stand-in for torch, for a jail that must not have torch at all.

An exercise with `jail: block_imports: [torch]` (15, NumPy only) is served by
a fresh interpreter that never imported torch (grader/jail/fresh.py), and
Landlock refuses it any read of torch's installation. The jail's own modules
(child.py, wire.py, the builders) import torch at the top, for the tensor
exercises; in that interpreter they get this stand-in instead, which has no
code of torch in it: any attribute is another stand-in, calling one gives an
inert value, classes can subclass it, `isinstance(x, torch.Tensor)` is False
for everything. Once the jail's modules are loaded the stand-in leaves
sys.modules, and `import torch` in the student's code meets the friendly
ImportError of child.py's import hook; reaching the stand-in through the
jail's modules gives the student nothing to compute with.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys

NAME = "torch"


class _Inert(type):
    """The type of every stand-in class: any attribute is another stand-in."""

    def __getattr__(cls, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        value = _Inert(name, (Stub,), {"_stand_in": True, "__module__": NAME,
                                       "__qualname__": f"{cls.__qualname__}.{name}"})
        type.__setattr__(cls, name, value)
        return value

    def __call__(cls, *args, **kwargs):
        if cls.__dict__.get("_stand_in") and len(args) == 1 and not kwargs and \
                callable(args[0]) and not isinstance(args[0], _Inert):
            return args[0]  # used as a decorator (@torch.no_grad, @torch.jit.script)
        return super().__call__(*args, **kwargs)

    def __repr__(cls):
        return f"<{cls.__qualname__}: torch is not available in this exercise>"

    def __or__(cls, other):
        return cls

    __ror__ = __or__


class Stub(metaclass=_Inert):
    """An inert value: every use of it gives it back, or nothing."""

    _stand_in = True

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        if len(args) == 1 and not kwargs and callable(args[0]):
            return args[0]  # used as a decorator (@torch.no_grad())
        return self

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __eq__(self, other):
        return isinstance(other, Stub)

    def __ne__(self, other):
        return not isinstance(other, Stub)

    def __hash__(self):
        return 0

    def __bool__(self):
        return False

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0

    def __repr__(self):
        return "<torch is not available in this exercise>"

    def _same(self, *args):
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = _same
    __rtruediv__ = __floordiv__ = __pow__ = __neg__ = __matmul__ = __getitem__ = _same

    def __lt__(self, other):
        return False

    __le__ = __gt__ = __ge__ = __lt__


torch = _Inert(NAME, (Stub,), {"_stand_in": True, "__module__": NAME, "__qualname__": NAME})


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves `torch` and every `torch.*` from the stand-in, while the jail's modules load."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname == NAME or fullname.startswith(NAME + "."):
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        obj = torch
        for part in spec.name.split(".")[1:]:
            obj = getattr(obj, part)
        return obj

    def exec_module(self, module):
        pass


FINDER = _Finder()


def install() -> None:
    """From now on `import torch` (and any torch.*) gives the stand-in."""
    for name in [n for n in sys.modules if n == NAME or n.startswith(NAME + ".")]:
        del sys.modules[name]
    sys.meta_path.insert(0, FINDER)


def uninstall() -> None:
    """The stand-in leaves the import system (the modules that hold it keep it)."""
    while FINDER in sys.meta_path:
        sys.meta_path.remove(FINDER)
    for name in [n for n in sys.modules if n == NAME or n.startswith(NAME + ".")]:
        del sys.modules[name]
