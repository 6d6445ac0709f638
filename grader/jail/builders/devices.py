"""Builders for the devices exercises (see grader/jail/builders/core.py).

    student.build("devices.pretend_cuda", True)      # torch now says a GPU is there
    student.pick_device()                            # the returned torch.device is data
    student.build("devices.restore_cuda")            # torch's own answers again

    student.build("devices.on_gpu", student.to_numpy, x, requires_grad=True)
                                                     # to_numpy(x "on a GPU"): the array is data

    report = student.build("devices.placed", student.zeros_like_device, "meta", x, 5)
    report.value   # {"device": "meta", "dtype": "torch.float64", "shape": [5]}: a claim

What a student function returns (a torch.device, an array) is data the check
judges itself. What this process says about its own state (where a tensor
lives, what its dtype is when it has no bytes to send) is a claim.
"""

from __future__ import annotations

import torch

from grader.jail.builders.core import Claimed, builder

# ------------------------------------------------------------------ is a GPU there?

_SAVED: list = []   # torch's own functions, saved by the first pretend_cuda


def _accelerator():
    return getattr(torch, "accelerator", None)


@builder("devices.pretend_cuda")
def pretend_cuda(available: bool):
    """Make torch say that a CUDA GPU is (or is not) available, as torch itself would.

    Patches torch.cuda.is_available, torch.cuda.device_count and, where torch
    has them, torch.accelerator.is_available and current_accelerator. Nothing
    is allocated on a GPU: only the answers change. restore_cuda undoes it.
    """
    available = bool(available)
    acc = _accelerator()
    if not _SAVED:
        _SAVED.append({"is_available": torch.cuda.is_available,
                       "device_count": torch.cuda.device_count,
                       "acc_is_available": getattr(acc, "is_available", None),
                       "acc_current": getattr(acc, "current_accelerator", None)})
    torch.cuda.is_available = lambda: available
    torch.cuda.device_count = lambda: int(available)
    if acc is not None and hasattr(acc, "is_available"):
        acc.is_available = lambda *args, **kwargs: available
    if acc is not None and hasattr(acc, "current_accelerator"):
        acc.current_accelerator = lambda *args, **kwargs: (torch.device("cuda") if available
                                                           else None)
    return None


@builder("devices.restore_cuda")
def restore_cuda():
    """Put back what pretend_cuda replaced (nothing happens if it never ran)."""
    if not _SAVED:
        return None
    saved = _SAVED.pop()
    torch.cuda.is_available = saved["is_available"]
    torch.cuda.device_count = saved["device_count"]
    acc = _accelerator()
    if acc is not None and saved["acc_is_available"] is not None:
        acc.is_available = saved["acc_is_available"]
    if acc is not None and saved["acc_current"] is not None:
        acc.current_accelerator = saved["acc_current"]
    return None


# ------------------------------------------------------------------ a tensor "on a GPU"

_NO_NUMPY = ("can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to copy the"
             " tensor to host memory first.")


class SimulatedCudaTensor(torch.Tensor):
    """A CPU tensor that behaves like one on a GPU where it matters for NumPy.

    .numpy() and np.asarray() refuse it, as they refuse a CUDA tensor (except
    numpy(force=True), which a GPU tensor allows too); .cpu() and .to(...)
    give a plain tensor; every other operation keeps it "on the GPU".
    """

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func in (torch.Tensor.numpy, torch.Tensor.__array__) and not kwargs.get("force"):
            raise TypeError(_NO_NUMPY)
        if func in (torch.Tensor.cpu, torch.Tensor.to):
            with torch._C.DisableTorchFunctionSubclass():
                out = func(*args, **kwargs)
            return out.as_subclass(torch.Tensor) if isinstance(out, torch.Tensor) else out
        return super().__torch_function__(func, types, args, kwargs)


def simulated_gpu_tensor(x, requires_grad: bool = False):
    """x as a tensor on a GPU: a real CUDA tensor when x already is one, else simulated."""
    x = x.detach()
    if x.device.type != "cuda":
        x = x.as_subclass(SimulatedCudaTensor)
    return x.requires_grad_(bool(requires_grad)) if x.is_floating_point() else x


@builder("devices.on_gpu")
def on_gpu(fn, x, *args, requires_grad: bool = False, **kwargs):
    """fn(x on a GPU, *args): x is a real CUDA tensor when the grading has a GPU, else simulated.

    (A tensor sent back to the check travels as data, so the GPU-like tensor
    can only live here, in the call.) What fn returns goes back as usual.
    """
    return fn(simulated_gpu_tensor(x, requires_grad), *args, **kwargs)


# ------------------------------------------------------------------ where results land

def _describe(value):
    if isinstance(value, torch.Tensor):
        with torch._C.DisableTorchFunctionSubclass():
            return {"device": str(value.device), "dtype": str(value.dtype),
                    "shape": [int(s) for s in value.shape]}
    return {"type": type(value).__name__}


@builder("devices.placed")
def placed(fn, device: str, *args, **kwargs):
    """Call fn with every tensor argument moved to `device`; report what came back.

    `device` may be "meta", a real torch device without data that stands in
    for a GPU on any machine. The report (device, dtype and shape of a tensor
    result, or of each tensor in a tuple or list) is this process's account:
    a claim.
    """
    def move(v):
        return v.to(device) if isinstance(v, torch.Tensor) else v

    out = fn(*[move(a) for a in args], **{k: move(v) for k, v in kwargs.items()})
    if isinstance(out, (tuple, list)):
        return Claimed([_describe(v) for v in out])
    return Claimed(_describe(out))
