"""Plain data across the pipe between the check process and the jail.

Nothing here ever unpickles: a frame is a JSON header plus raw byte buffers,
and the only things rebuilt from it are builtins, tensors (from dtype, shape
and bytes), NumPy arrays, dtypes and devices. Anything else stays on its side
of the pipe and is named by a handle id.

A frame on the socket:  >II (header length, buffers length) | header | buffers
"""

from __future__ import annotations

import json
import math
import re
import socket
import struct
import time
from dataclasses import dataclass

import numpy as np
import torch

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one frame may hold. The check process's decoder checks every one of
    these before it allocates anything for it: the jail must not be able to make
    the trusted process allocate or compute without bound. The jail's encoder
    applies the same numbers first, so an honest jail's replies always pass.
    """
    frame_bytes: int = 64 * MB      # the data (tensors, arrays, bytes) of one frame
    header_bytes: int = 8 * MB      # its JSON header
    values: int = 1_000_000         # values in one frame, at every level together
    depth: int = 64                 # nesting of lists, tuples, dicts
    string_chars: int = 1_000_000   # one string
    int_digits: int = 4300          # one big integer (Python's own limit for int(str))
    dims: int = 64                  # dimensions of one tensor or array

    @classmethod
    def for_results(cls, limits: dict | None) -> "Limits":
        """The limits of a reply, from a course's limits (`result_mb`)."""
        result_mb = (limits or {}).get("result_mb") or cls.frame_bytes // MB
        return cls(frame_bytes=int(float(result_mb) * MB))


# What a receiver that trusts its sender accepts (the jail reading the checks'
# requests): only the framing's own bounds.
TRUSTED = Limits(frame_bytes=2**32 - 1, header_bytes=2**32 - 1, values=2**62, depth=200,
                 string_chars=2**62, int_digits=100_000, dims=64)
RESULTS = Limits()
MAX_FRAME_BYTES = RESULTS.frame_bytes
_INT_TEXT = re.compile(r"-?[0-9]+")
_FLOAT_TEXT = re.compile(r"[-+0-9a-zA-Z.]{1,40}")

TORCH_DTYPES = {
    str(d).removeprefix("torch."): d
    for d in (
        torch.float16, torch.bfloat16, torch.float32, torch.float64,
        torch.complex64, torch.complex128, torch.uint8, torch.int8,
        torch.int16, torch.int32, torch.int64, torch.bool,
    )
}
NUMPY_DTYPES = {
    name: np.dtype(name)
    for name in (
        "float16", "float32", "float64", "complex64", "complex128", "uint8",
        "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64", "bool",
    )
}


class ProtocolError(Exception):
    """The other side sent something that is not a valid frame."""


class TooLarge(ProtocolError):
    """A frame, or a value in it, is over one of the `Limits`; the message says which."""


def size_text(n: int) -> str:
    """300 MB, 1.5 MB, 812 bytes: sizes as a learner reads them."""
    if n >= 10 * MB:
        return f"{n / MB:,.0f} MB"
    if n >= MB:
        return f"{n / MB:.1f} MB"
    return f"{n:,} bytes"


# --------------------------------------------------------------- framing

def send_frame(sock: socket.socket, header: dict, buffers: list[bytes] = (),
               limits: Limits | None = None) -> None:
    """Send one frame; with `limits`, refuse (TooLarge, nothing sent) one the receiver would."""
    header = dict(header, buffers=[len(b) for b in buffers])
    head = json.dumps(header, separators=(",", ":")).encode()
    total = sum(len(b) for b in buffers)
    if limits is not None:
        _check_sizes(len(head), total, limits)
    _send_all(sock, [struct.pack(">II", len(head), total) + head, *buffers])


IOV_MAX = 512   # pieces per sendmsg (Linux takes 1024)


def _send_all(sock: socket.socket, pieces) -> None:
    """All of `pieces` in as few system calls as the socket takes: one, for a frame that
    fits its buffer. One write wakes the reader once, where a write per piece woke it
    (and switched to it) once per piece."""
    views = [memoryview(p).cast("B") for p in pieces if len(p)]
    while views:
        sent = sock.sendmsg(views[:IOV_MAX])
        while sent:
            if sent >= views[0].nbytes:
                sent -= views[0].nbytes
                views.pop(0)
            else:
                views[0] = views[0][sent:]
                sent = 0


def _check_sizes(head_len: int, total: int, limits: Limits) -> None:
    if total > limits.frame_bytes:
        raise TooLarge(f"your result is {size_text(total)}; the limit is"
                       f" {size_text(limits.frame_bytes)}")
    if head_len > limits.header_bytes:
        raise TooLarge(f"your result's lists, numbers and strings take {size_text(head_len)};"
                       f" the limit is {size_text(limits.header_bytes)}")


def _recv_exact(sock: socket.socket, n: int, deadline: float | None = None) -> bytearray:
    """Exactly n bytes, into one buffer allocated once (n is checked by the caller).

    `deadline` (time.monotonic()) bounds the whole read, not each recv: a
    sender that trickles a byte at a time still runs out of time.
    """
    data = bytearray(n)
    view, got = memoryview(data), 0
    while got < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout("the deadline passed")
            sock.settimeout(left)
        count = sock.recv_into(view[got:], min(n - got, 1 << 20))
        if not count:
            raise EOFError("the other side closed the pipe")
        got += count
    return data


def recv_frame(sock: socket.socket, limits: Limits = RESULTS,
               deadline: float | None = None) -> tuple[dict, list]:
    """One frame: (header, buffers), all of it by `deadline` (time.monotonic()).

    Sizes are checked against `limits` before anything is read past the 8-byte
    prefix; the buffers are views of one block.
    """
    head_len, total = struct.unpack(">II", _recv_exact(sock, 8, deadline))
    _check_sizes(head_len, total, limits)
    head = bytes(_recv_exact(sock, head_len, deadline))
    # JSON values number at most one per comma and per bracket or brace, plus
    # one: count them (in C, fast) before json.loads builds every one of them.
    upper = head.count(b",") + head.count(b"[") + head.count(b"{") + 1
    if upper > 2 * limits.values:
        raise _too_many(limits)
    try:
        header = json.loads(head)
    except RecursionError:
        raise TooLarge(f"your result is nested more than {limits.depth} levels deep") from None
    except ValueError:
        raise ProtocolError("malformed frame header") from None
    sizes = header.get("buffers") if type(header) is dict else None
    if type(sizes) is not list or len(sizes) > limits.values or \
            not all(type(n) is int and n >= 0 for n in sizes) or sum(sizes) != total:
        raise ProtocolError("malformed frame header (its buffer sizes do not add up)")
    blob = memoryview(_recv_exact(sock, total, deadline))
    buffers, at = [], 0
    for size in sizes:
        buffers.append(blob[at:at + size])
        at += size
    return header, buffers


# --------------------------------------------------------------- encoding

def tensor_bytes(t: torch.Tensor) -> bytes:
    """The raw bytes of a plain CPU tensor, in C order (whatever its strides)."""
    if t.numel() == 0:
        return b""
    if t.dtype is not torch.bfloat16:      # NumPy knows every other dtype we send
        return t.numpy().tobytes()
    # A fresh 1-D buffer: reshape alone may keep an odd stride on a size-1
    # dimension, which a dtype view refuses.
    flat = torch.empty(t.numel(), dtype=t.dtype)
    flat.copy_(t.reshape(-1))
    return flat.view(torch.uint8).numpy().tobytes()


class Encoder:
    """Turns a Python value into a JSON tree plus buffers.

    `on_tensor(t)` may return extra metadata for a tensor; `on_other(obj)`
    turns a value that is not plain data into a node (a handle) or raises
    TypeError. With `limits` (the jail encoding a result), a value over them
    raises TooLarge as soon as it is met: a list of 10**8 items stops at the
    first item over the limit, a tensor over it is never copied.
    """

    def __init__(self, on_other, on_tensor=None, on_array=None, limits: Limits | None = None):
        self.buffers: list[bytes] = []
        self.on_other = on_other
        self.on_tensor = on_tensor
        self.on_array = on_array
        self.limits = limits
        self.values = 0
        self.nbytes = 0

    def _buffer(self, data: bytes) -> int:
        self._reserve(len(data))
        self.buffers.append(data)
        return len(self.buffers) - 1

    def _reserve(self, nbytes: int) -> None:
        """Count `nbytes` of data before they are produced."""
        self.nbytes += nbytes
        if self.limits is not None and self.nbytes > self.limits.frame_bytes:
            raise TooLarge(f"your result is {size_text(self.nbytes)} or more; the limit is"
                           f" {size_text(self.limits.frame_bytes)}")

    def _count(self, obj) -> None:
        self.values += 1
        limits = self.limits
        if limits is None:
            return
        # A container's items are counted up front: a list of 10**8 stops here.
        items = len(obj) if type(obj) in (list, tuple, dict) else 0
        if self.values + items > limits.values:
            raise _too_many(limits)
        if type(obj) is str and len(obj) > limits.string_chars:
            raise TooLarge(f"your result holds a string of {len(obj):,} characters; the limit"
                           f" is {limits.string_chars:,}")
        if type(obj) is int and obj.bit_length() > 3.33 * limits.int_digits:
            raise TooLarge(f"your result holds an integer of about {int(obj.bit_length() / 3.32):,}"
                           f" digits; the limit is {limits.int_digits:,}")

    def encode(self, obj, depth: int = 0):
        if depth > 64:
            raise TypeError("the value is nested too deeply")
        kind = type(obj)
        if self.limits is not None:
            if kind is float or kind is bool or obj is None or (kind is int and -2**63 < obj < 2**63):
                self.values += 1   # the common case, kept cheap
                if self.values > self.limits.values:
                    raise _too_many(self.limits)
            else:
                self._count(obj)
        if obj is None or kind in (bool, str):
            return obj
        if kind is int:
            return obj if abs(obj) < 2**63 else {"t": "bigint", "v": str(obj)}
        if kind is float:
            return obj if math.isfinite(obj) else {"t": "float", "v": repr(obj)}
        if kind is complex:
            return {"t": "complex", "re": self.encode(obj.real, depth + 1),
                    "im": self.encode(obj.imag, depth + 1)}
        if kind is list:
            return [self.encode(v, depth + 1) for v in obj]
        if kind is tuple:
            return {"t": "tuple", "items": [self.encode(v, depth + 1) for v in obj]}
        if kind is torch.Size:
            self.values += len(obj)
            return {"t": "size", "items": [int(v) for v in obj]}
        if kind is dict:
            return {"t": "dict", "items": [[self.encode(k, depth + 1), self.encode(v, depth + 1)]
                                           for k, v in obj.items()]}
        if kind is bytes:
            return {"t": "bytes", "buf": self._buffer(obj)}
        if kind is torch.dtype:
            return {"t": "dtype", "name": str(obj).removeprefix("torch.")}
        if kind is torch.device:
            return {"t": "device", "name": str(obj)}
        if isinstance(obj, torch.Tensor) and not obj.is_sparse and not obj.is_quantized \
                and str(obj.dtype).removeprefix("torch.") in TORCH_DTYPES:
            return self._tensor(obj)
        if kind is np.ndarray and obj.dtype.name in NUMPY_DTYPES:
            self._reserve(obj.nbytes)
            self.nbytes -= obj.nbytes  # counted again, exactly, by _buffer
            data = np.ascontiguousarray(obj).tobytes()
            node = {"t": "ndarray", "dtype": obj.dtype.name, "shape": list(obj.shape),
                    "buf": self._buffer(data)}
            if self.on_array:
                node["meta"] = self.on_array(obj)
            return node
        if isinstance(obj, np.generic) and obj.dtype.name in NUMPY_DTYPES:
            return {"t": "npscalar", "dtype": obj.dtype.name, "v": self.encode(obj.item(), depth + 1)}
        return self.on_other(obj)

    def _tensor(self, obj: torch.Tensor):
        # Read the values through plain torch.Tensor: a subclass does not get
        # to choose what its bytes look like.
        with torch._C.DisableTorchFunctionSubclass():
            plain = obj.detach()
            # Counted before anything is copied: a 10**9-element expand() of a
            # one-element tensor is refused, not made contiguous.
            self._reserve(plain.numel() * plain.element_size())
            self.nbytes -= plain.numel() * plain.element_size()
            if plain.is_conj():
                plain = plain.resolve_conj()
            if plain.is_neg():
                plain = plain.resolve_neg()
            if plain.device.type != "cpu":
                plain = plain.to("cpu")
            data = tensor_bytes(plain)
        node = {"t": "tensor", "dtype": str(plain.dtype).removeprefix("torch."),
                "shape": list(plain.shape), "buf": self._buffer(data)}
        if obj.requires_grad and obj.is_leaf:
            node["requires_grad"] = True
        if self.on_tensor:
            node["meta"] = self.on_tensor(obj)
        return node


def _too_many(limits: Limits) -> TooLarge:
    return TooLarge(f"your result holds more than {limits.values:,} values (items of lists,"
                    f" tuples and dicts, numbers, strings); the limit is {limits.values:,}")


def _shape(node, limits: Limits) -> tuple[int, ...]:
    """A shape, checked without allocating: ints, not negative, not too many, and
    a product (ignoring zeros, which would hide an overflow) torch can index."""
    shape = node.get("shape")
    if type(shape) is not list or len(shape) > limits.dims:
        raise ProtocolError(f"bad shape (at most {limits.dims} dimensions)")
    if not all(type(s) is int and 0 <= s < 2**62 for s in shape) or \
            math.prod(max(s, 1) for s in shape) >= 2**62:
        raise ProtocolError("bad shape (negative, not an int, or far too large)")
    return tuple(shape)


class Decoder:
    """Rebuilds values from a JSON tree plus buffers, accepting only plain data.

    `on_handle(node)` turns a handle node into an object; `on_tensor(t, node)`
    may post-process a rebuilt tensor (attach metadata, move to a device).
    Every node is checked against `limits` before anything is built for it,
    and each buffer may be used once: the sizes recv_frame checked are all a
    decoding can allocate.
    """

    def __init__(self, buffers, on_handle, on_tensor=None, on_claim=None,
                 limits: Limits = RESULTS):
        self.buffers = buffers
        self.on_handle = on_handle
        self.on_tensor = on_tensor
        self.on_claim = on_claim
        self.limits = limits
        self.values = 0
        self.used: set[int] = set()

    def _buf(self, node):
        index = node.get("buf")
        if type(index) is not int or not 0 <= index < len(self.buffers):
            raise ProtocolError("bad buffer index")
        if index in self.used:
            raise ProtocolError("a buffer used twice")
        self.used.add(index)
        return self.buffers[index]

    def _items(self, node, key="items") -> list:
        items = node.get(key)
        if type(items) is not list:
            raise ProtocolError(f"bad {node.get('t')} node")
        return items

    def _number(self, node, depth):
        value = self.decode(node, depth + 1)
        if type(value) not in (int, float):
            raise ProtocolError("a complex number made of something else than numbers")
        return value

    def decode(self, node, depth: int = 0):
        limits = self.limits
        if depth > limits.depth:
            raise TooLarge(f"your result is nested more than {limits.depth} levels deep")
        self.values += 1
        if self.values > limits.values:
            raise _too_many(limits)
        kind = type(node)
        if node is None or kind in (bool, int, float):
            return node
        if kind is str:
            if len(node) > limits.string_chars:
                raise TooLarge(f"your result holds a string of {len(node):,} characters;"
                               f" the limit is {limits.string_chars:,}")
            return node
        if kind is list:
            if self.values + len(node) > limits.values:
                raise _too_many(limits)
            return [self.decode(v, depth + 1) for v in node]
        if kind is not dict:
            raise ProtocolError(f"unexpected {kind.__name__}")
        tag = node.get("t")
        if tag == "tuple":
            return tuple(self.decode(v, depth + 1) for v in self._items(node))
        if tag == "size":
            items = self._items(node)
            if len(items) > limits.dims or not all(type(v) is int and 0 <= v < 2**62 for v in items):
                raise ProtocolError("bad torch.Size")
            self.values += len(items)
            return torch.Size(items)
        if tag == "dict":
            out = {}
            for pair in self._items(node):
                if type(pair) is not list or len(pair) != 2:
                    raise ProtocolError("bad dict item")
                out[self._key(pair[0], depth)] = self.decode(pair[1], depth + 1)
            return out
        if tag == "bigint":
            # int() of a long string costs time quadratic in its length: check first.
            text = node.get("v")
            if type(text) is not str or len(text) > limits.int_digits + 1 or \
                    not _INT_TEXT.fullmatch(text):
                raise TooLarge(f"your result holds an integer of more than"
                               f" {limits.int_digits:,} digits, or a malformed one")
            return int(text)
        if tag == "float":
            text = node.get("v")
            try:
                if type(text) is not str or not _FLOAT_TEXT.fullmatch(text):
                    raise ValueError
                return float(text)
            except ValueError:
                raise ProtocolError("bad float") from None
        if tag == "complex":
            return complex(self._number(node.get("re"), depth), self._number(node.get("im"), depth))
        if tag == "bytes":
            return bytes(self._buf(node))
        if tag == "dtype":
            if node.get("name") not in TORCH_DTYPES:
                raise ProtocolError("unknown dtype")
            return TORCH_DTYPES[node["name"]]
        if tag == "device":
            name = node.get("name")
            if type(name) is not str or len(name) > 64:
                raise ProtocolError("bad device")
            return torch.device(name)
        if tag == "tensor":
            return self._tensor(node)
        if tag == "ndarray":
            dtype = NUMPY_DTYPES.get(node.get("dtype"))
            if dtype is None:
                raise ProtocolError("unknown array dtype")
            shape, data = _shape(node, limits), self._buf(node)
            if math.prod(shape) * dtype.itemsize != len(data):
                raise ProtocolError("array size does not match its shape")
            return np.frombuffer(data, dtype=dtype).reshape(shape).copy()
        if tag == "npscalar":
            dtype = NUMPY_DTYPES.get(node.get("dtype"))
            if dtype is None:
                raise ProtocolError("unknown scalar dtype")
            value = self.decode(node.get("v"), depth + 1)
            if type(value) not in (bool, int, float, complex):
                raise ProtocolError("bad NumPy scalar")
            return dtype.type(value)
        if tag in ("handle", "ref"):
            return self.on_handle(node)
        if tag == "claim" and self.on_claim is not None:
            # What the other side says about itself (grader.proxy.Claim).
            return self.on_claim(self.decode(node.get("v"), depth + 1))
        raise ProtocolError(f"unknown tag {tag!r}")

    def _key(self, node, depth):
        key = self.decode(node, depth + 1)
        try:
            hash(key)
        except TypeError:
            raise ProtocolError("unhashable dict key") from None
        return key

    def _tensor(self, node) -> torch.Tensor:
        dtype = TORCH_DTYPES.get(node.get("dtype"))
        if dtype is None:
            raise ProtocolError("unknown tensor dtype")
        shape, data = _shape(node, self.limits), self._buf(node)
        if math.prod(shape) * dtype.itemsize != len(data):
            raise ProtocolError("tensor size does not match its shape")
        if not len(data):
            t = torch.empty(shape, dtype=dtype)
        else:
            # One copy of exactly the bytes already received, in a fresh (aligned) buffer.
            t = torch.frombuffer(bytearray(data), dtype=dtype).reshape(shape)
        if node.get("requires_grad") and (t.is_floating_point() or t.is_complex()):
            t.requires_grad_(True)
        return self.on_tensor(t, node) if self.on_tensor else t
