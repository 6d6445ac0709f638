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
import socket
import struct

import numpy as np
import torch

# Frames larger than this are refused: the jail must not be able to make the
# trusted process allocate without bound.
MAX_FRAME_BYTES = 256 * 1024 * 1024

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


# --------------------------------------------------------------- framing

def send_frame(sock: socket.socket, header: dict, buffers: list[bytes] = ()) -> None:
    header = dict(header, buffers=[len(b) for b in buffers])
    head = json.dumps(header, separators=(",", ":")).encode()
    total = sum(len(b) for b in buffers)
    sock.sendall(struct.pack(">II", len(head), total) + head)
    for b in buffers:
        sock.sendall(b)


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the pipe")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def recv_frame(sock: socket.socket) -> tuple[dict, list[bytes]]:
    head_len, total = struct.unpack(">II", _recv_exact(sock, 8))
    if head_len + total > MAX_FRAME_BYTES:
        raise ProtocolError(f"a frame of {head_len + total} bytes is over the limit")
    try:
        header = json.loads(_recv_exact(sock, head_len))
        sizes = header["buffers"]
        if not isinstance(header, dict) or sum(sizes) != total:
            raise ValueError
    except (ValueError, KeyError, TypeError):
        raise ProtocolError("malformed frame header") from None
    blob = _recv_exact(sock, total)
    buffers, at = [], 0
    for size in sizes:
        buffers.append(blob[at:at + size])
        at += size
    return header, buffers


# --------------------------------------------------------------- encoding

def tensor_bytes(t: torch.Tensor) -> bytes:
    """The raw bytes of a plain, contiguous CPU tensor."""
    if t.numel() == 0:
        return b""
    # A fresh 1-D buffer: reshape alone may keep an odd stride on a size-1
    # dimension, which a dtype view refuses.
    flat = torch.empty(t.numel(), dtype=t.dtype)
    flat.copy_(t.reshape(-1))
    return flat.view(torch.uint8).numpy().tobytes()


class Encoder:
    """Turns a Python value into a JSON tree plus buffers.

    `on_tensor(t)` may return extra metadata for a tensor; `on_other(obj)`
    turns a value that is not plain data into a node (a handle) or raises
    TypeError.
    """

    def __init__(self, on_other, on_tensor=None, on_array=None):
        self.buffers: list[bytes] = []
        self.on_other = on_other
        self.on_tensor = on_tensor
        self.on_array = on_array

    def _buffer(self, data: bytes) -> int:
        self.buffers.append(data)
        return len(self.buffers) - 1

    def encode(self, obj, depth: int = 0):
        if depth > 64:
            raise TypeError("the value is nested too deeply")
        kind = type(obj)
        if obj is None or kind in (bool, str):
            return obj
        if kind is int:
            return obj if abs(obj) < 2**63 else {"t": "bigint", "v": str(obj)}
        if kind is float:
            return obj if math.isfinite(obj) else {"t": "float", "v": repr(obj)}
        if kind is complex:
            return {"t": "complex", "re": self.encode(obj.real), "im": self.encode(obj.imag)}
        if kind is list:
            return [self.encode(v, depth + 1) for v in obj]
        if kind is tuple:
            return {"t": "tuple", "items": [self.encode(v, depth + 1) for v in obj]}
        if kind is torch.Size:
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
            data = np.ascontiguousarray(obj).tobytes()
            node = {"t": "ndarray", "dtype": obj.dtype.name, "shape": list(obj.shape),
                    "buf": self._buffer(data)}
            if self.on_array:
                node["meta"] = self.on_array(obj)
            return node
        if isinstance(obj, np.generic) and obj.dtype.name in NUMPY_DTYPES:
            return {"t": "npscalar", "dtype": obj.dtype.name, "v": self.encode(obj.item())}
        return self.on_other(obj)

    def _tensor(self, obj: torch.Tensor):
        # Read the values through plain torch.Tensor: a subclass does not get
        # to choose what its bytes look like.
        with torch._C.DisableTorchFunctionSubclass():
            plain = obj.detach()
            if plain.is_conj():
                plain = plain.resolve_conj()
            if plain.is_neg():
                plain = plain.resolve_neg()
            plain = plain.to("cpu").contiguous()
            data = tensor_bytes(plain)
        node = {"t": "tensor", "dtype": str(plain.dtype).removeprefix("torch."),
                "shape": list(plain.shape), "buf": self._buffer(data)}
        if obj.requires_grad and obj.is_leaf:
            node["requires_grad"] = True
        if self.on_tensor:
            node["meta"] = self.on_tensor(obj)
        return node


def _shape(node) -> tuple[int, ...]:
    shape = node.get("shape")
    if not isinstance(shape, list) or not all(type(s) is int and 0 <= s < 2**40 for s in shape):
        raise ProtocolError("bad shape")
    return tuple(shape)


class Decoder:
    """Rebuilds values from a JSON tree plus buffers, accepting only plain data.

    `on_handle(node)` turns a handle node into an object; `on_tensor(t, node)`
    may post-process a rebuilt tensor (attach metadata, move to a device).
    """

    def __init__(self, buffers, on_handle, on_tensor=None, on_claim=None):
        self.buffers = buffers
        self.on_handle = on_handle
        self.on_tensor = on_tensor
        self.on_claim = on_claim

    def _buf(self, node) -> bytes:
        index = node.get("buf")
        if type(index) is not int or not 0 <= index < len(self.buffers):
            raise ProtocolError("bad buffer index")
        return self.buffers[index]

    def decode(self, node, depth: int = 0):
        if depth > 64:
            raise ProtocolError("nested too deeply")
        if node is None or type(node) in (bool, int, float, str):
            return node
        if type(node) is list:
            return [self.decode(v, depth + 1) for v in node]
        if type(node) is not dict:
            raise ProtocolError(f"unexpected {type(node).__name__}")
        tag = node.get("t")
        if tag == "tuple":
            return tuple(self.decode(v, depth + 1) for v in node["items"])
        if tag == "size":
            return torch.Size(int(v) for v in node["items"])
        if tag == "dict":
            return {self._key(k, depth): self.decode(v, depth + 1) for k, v in node["items"]}
        if tag == "bigint":
            return int(node["v"])
        if tag == "float":
            return float(node["v"])
        if tag == "complex":
            return complex(self.decode(node["re"]), self.decode(node["im"]))
        if tag == "bytes":
            return bytes(self._buf(node))
        if tag == "dtype":
            if node.get("name") not in TORCH_DTYPES:
                raise ProtocolError("unknown dtype")
            return TORCH_DTYPES[node["name"]]
        if tag == "device":
            return torch.device(str(node["name"]))
        if tag == "tensor":
            return self._tensor(node)
        if tag == "ndarray":
            dtype = NUMPY_DTYPES.get(node.get("dtype"))
            if dtype is None:
                raise ProtocolError("unknown array dtype")
            shape, data = _shape(node), self._buf(node)
            if math.prod(shape) * dtype.itemsize != len(data):
                raise ProtocolError("array size does not match its shape")
            return np.frombuffer(data, dtype=dtype).reshape(shape).copy()
        if tag == "npscalar":
            dtype = NUMPY_DTYPES.get(node.get("dtype"))
            if dtype is None:
                raise ProtocolError("unknown scalar dtype")
            return dtype.type(self.decode(node["v"]))
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
        shape, data = _shape(node), self._buf(node)
        itemsize = torch.empty((), dtype=dtype).element_size()
        if math.prod(shape) * itemsize != len(data):
            raise ProtocolError("tensor size does not match its shape")
        if not data:
            t = torch.empty(shape, dtype=dtype)
        else:
            t = torch.frombuffer(bytearray(data), dtype=torch.uint8).view(dtype).reshape(shape)
        if node.get("requires_grad") and (t.is_floating_point() or t.is_complex()):
            t.requires_grad_(True)
        return self.on_tensor(t, node) if self.on_tensor else t
