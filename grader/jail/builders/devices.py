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


# ------------------------------------------------------------------ another device, simulated

OTHER = torch.device("cuda", 0)          # how the simulated device presents itself
_SAME_DEVICE = ("Expected all tensors to be on the same device, but found at least two devices,"
                " cuda:0 and cpu!")
# Indexing a GPU tensor with a CPU index or mask is allowed by torch.
_MIXING_ALLOWED = {"__getitem__", "__setitem__", "__repr__", "__format__", "__str__"}


def _plain_tensors(value, out):
    if isinstance(value, torch.Tensor) and not isinstance(value, Elsewhere):
        out.append(value)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _plain_tensors(v, out)
    return out


def _tag(value):
    if isinstance(value, torch.Tensor) and not isinstance(value, Elsewhere):
        return value.as_subclass(Elsewhere)
    if isinstance(value, tuple):
        return tuple(_tag(v) for v in value)
    if isinstance(value, list):
        return [_tag(v) for v in value]
    return value


def _untag(value):
    return value.as_subclass(torch.Tensor) if isinstance(value, Elsewhere) else value


def _is_other(device) -> bool:
    return device is not None and torch.device(device).type == "cuda"


class Elsewhere(torch.Tensor):
    """A CPU tensor that behaves as if it lived on a GPU, where device mistakes show.

    Its .device says cuda:0; mixing it with a CPU tensor (not a 0-d one) raises
    what torch raises on a GPU; .cpu() and .to("cpu") give a plain tensor;
    .numpy() refuses; results of its operations stay "on the GPU".
    """

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = getattr(func, "__name__", "")
        owner = getattr(func, "__self__", None)   # a property's getter: its descriptor
        if owner is torch.Tensor.device or owner is torch._C.TensorBase.device:
            return OTHER
        if owner is torch.Tensor.is_cuda or owner is torch._C.TensorBase.is_cuda:
            return True
        if func in (torch.Tensor.numpy, torch.Tensor.__array__):
            raise TypeError(_NO_NUMPY)
        if func is torch.Tensor.cpu or (func is torch.Tensor.to and not _to_other(args, kwargs)):
            with torch._C.DisableTorchFunctionSubclass():
                out = func(*[_untag(a) for a in args], **kwargs)
            return _untag(out)
        if func in (torch.Tensor.cuda, torch.Tensor.to):
            return args[0]
        if name not in _MIXING_ALLOWED and any(
                t.dim() > 0 for t in _plain_tensors(list(args) + list(kwargs.values()), [])):
            raise RuntimeError(_SAME_DEVICE)
        with torch._C.DisableTorchFunctionSubclass():
            out = func(*args, **kwargs)
        return _tag(out)


def _to_other(args, kwargs) -> bool:
    target = kwargs.get("device")
    for a in args[1:]:
        if isinstance(a, (str, torch.device)):
            target = a
        elif isinstance(a, torch.Tensor):
            return isinstance(a, Elsewhere)
    if target is None:
        return isinstance(args[0], Elsewhere) if args else False   # .to(dtype) keeps the device
    return _is_other(target)


class _MadeElsewhere(torch.overrides.TorchFunctionMode):
    """Factory calls asked for the simulated device (device=x.device) make tensors there."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        if _is_other(kwargs.get("device")) and not any(isinstance(a, Elsewhere) for a in args):
            kwargs["device"] = "cpu"
            return _tag(func(*args, **kwargs))
        if func in (torch.Tensor.to, torch.Tensor.cuda) and args and \
                not isinstance(args[0], Elsewhere) and (func is torch.Tensor.cuda or
                                                        _to_other(args, kwargs)):
            rest = [a for a in args[1:] if not isinstance(a, (str, torch.device))]
            kwargs.pop("device", None)
            moved = args[0].to(*rest, **kwargs) if func is torch.Tensor.to else args[0]
            return _tag(moved)
        if any(isinstance(a, Elsewhere) for a in args) or \
                any(isinstance(v, Elsewhere) for v in kwargs.values()):
            # A mode sees the call first; the simulated device's own rules then apply.
            return Elsewhere.__torch_function__(func, (Elsewhere,), args, kwargs)
        return func(*args, **kwargs)


@builder("devices.device_probe")
def device_probe(name: str, args, kwargs):
    """Call the student's function `name` again with its tensors "on a GPU" (simulated).

    A device-agnostic function gives results on that device too; `torch.zeros(n)`
    without `device=x.device`, a mask built on the CPU or a `.cpu()` shows up as a
    result on the CPU or as torch's same-device error. Reports, as a claim,
    {"devices": [...]} of the tensors returned, or {"error": message}.
    """
    import sys

    fn = getattr(sys.modules["submission"], name)

    def move(v):
        if isinstance(v, torch.Tensor):
            return v.detach().as_subclass(Elsewhere)
        if isinstance(v, (list, tuple)) and any(isinstance(x, torch.Tensor) for x in v):
            return type(v)(move(x) for x in v)
        return v

    try:
        with _MadeElsewhere():
            out = fn(*[move(a) for a in args], **{k: move(v) for k, v in kwargs.items()})
    except Exception as exc:   # noqa: BLE001  (reported; the check decides what it means)
        return Claimed({"error": f"{type(exc).__name__}: {exc}"[:500]})
    found = out if isinstance(out, (tuple, list)) else [out]
    def where(v):
        if isinstance(v, Elsewhere):
            return "cuda:0"
        # A subclass of the student's own lost the tag: no verdict on its device.
        return str(v.device) if type(v) is torch.Tensor else "subclass"

    return Claimed({"devices": [where(v) for v in found if isinstance(v, torch.Tensor)]})
