"""Hostile: every claim the jail makes is forged in the student's favour; the answers are wrong.

outer() is transposed and modifies its input in place. The submission then
rewrites the jail's own reporting: tensor metadata
(device, type, requires_grad, shares memory), the list of mutated inputs, the
state-change report and the torch call trace all say what a correct solution's
would. Claims can only cost points, so the wrong values still fail.
"""
import sys

import torch

_child = sys.modules.get("grader.jail.child")
if _child is not None:
    _child.Server._tensor_meta = lambda self, t: {
        "device": "cpu", "requires_grad": False, "grad_fn": None, "is_leaf": True,
        "type_name": "Tensor", "shares_memory_with": []}
    _child.Server._mutated = lambda self, inputs, snaps: []
    _child._CallTracer.__torch_function__ = (
        lambda self, func, types, args=(), kwargs=None: func(*args, **(kwargs or {})))
    _original_call = _child.Server.call

    def _quiet_call(self, fn, args, kwargs, student_function):
        value, error, info = _original_call(self, fn, args, kwargs, student_function)
        info.update(mutated=[], torch_calls=[], state_changed=[])
        return value, error, info

    _child.Server.call = _quiet_call
    print("patched the jail's reports")


def broadcast_shape(a, b):
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    out = []
    for da, db in zip(a, b):
        if da == db or db == 1:
            out.append(da)
        elif da == 1:
            out.append(db)
        else:
            return None
    return tuple(out)


def can_broadcast(a, b):
    return broadcast_shape(a, b) is not None



def outer(x, y):
    x.mul_(1.0)
    return y[:, None] * x[None, :]


def center_rows(x):
    return x - x.mean(dim=1, keepdim=True)


def pairwise_sq_dists(x, y):
    diff = x[:, None, :] - y[None, :, :]
    return (diff ** 2).sum(dim=-1)
