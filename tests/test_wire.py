"""The wire format: plain data only, rebuilt exactly, malformed input refused."""

import socket

import numpy as np
import pytest
import torch

from grader import wire


def roundtrip(value):
    handles = []
    enc = wire.Encoder(lambda obj: handles.append(obj) or {"t": "handle", "id": len(handles)})
    node = enc.encode(value)
    return wire.Decoder(enc.buffers, lambda n: ("handle", n["id"])).decode(node)


@pytest.mark.parametrize("value", [
    None, True, 3, -2**70, 1.5, float("inf"), "héllo", [1, [2, 3]], (1, (2,)), {"a": 1, 2: (3,)},
    complex(1, -2), b"\x00\x01", torch.float64, torch.device("cpu"), torch.Size([2, 3]),
    np.float32(1.25), np.int64(7),
])
def test_plain_values_round_trip(value):
    got = roundtrip(value)
    assert got == value and type(got) is type(value)


def test_nan_round_trips():
    assert np.isnan(roundtrip(float("nan")))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64, torch.bool,
                                   torch.bfloat16, torch.complex64, torch.uint8])
def test_tensors_round_trip_bit_for_bit(dtype):
    t = (torch.randn(3, 4) * 10).to(dtype)
    got = roundtrip(t)
    assert type(got) is torch.Tensor and got.dtype == dtype and got.shape == t.shape
    assert torch.equal(got, t)


def test_views_empty_and_zero_dim_tensors():
    base = torch.arange(12.0).reshape(3, 4)
    for t in (base.T, base[:, 1], torch.empty(0, 5), torch.tensor(3.5)):
        got = roundtrip(t)
        assert got.shape == t.shape and torch.equal(got, t)


def test_requires_grad_travels_and_subclasses_become_plain():
    p = torch.nn.Parameter(torch.ones(2))
    got = roundtrip(p)
    assert type(got) is torch.Tensor and got.requires_grad


def test_arrays_round_trip_and_objects_become_handles():
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    got = roundtrip(a)
    assert isinstance(got, np.ndarray) and np.array_equal(got, a)
    assert roundtrip(object()) == ("handle", 1)
    assert roundtrip(np.array([object()], dtype=object)) == ("handle", 1)


@pytest.mark.parametrize("node,buffers", [
    ({"t": "tensor", "dtype": "float32", "shape": [2], "buf": 0}, [b"\x00" * 7]),
    ({"t": "tensor", "dtype": "object", "shape": [1], "buf": 0}, [b"\x00" * 8]),
    ({"t": "tensor", "dtype": "float32", "shape": [-1], "buf": 0}, [b""]),
    ({"t": "tensor", "dtype": "float32", "shape": [1], "buf": 5}, []),
    ({"t": "pickle", "data": "gASV"}, []),
    ({"t": "dtype", "name": "os.system"}, []),
    ({"t": "dict", "items": [[[1], 2]]}, []),
])
def test_malformed_nodes_are_refused(node, buffers):
    with pytest.raises(wire.ProtocolError):
        wire.Decoder(buffers, lambda n: None).decode(node)


def test_frames_over_a_socket_and_oversized_frames_refused():
    a, b = socket.socketpair()
    wire.send_frame(a, {"x": 1}, [b"abc", b"de"])
    header, buffers = wire.recv_frame(b)
    assert header["x"] == 1 and buffers == [b"abc", b"de"]
    a.sendall((wire.MAX_FRAME_BYTES).to_bytes(4, "big") + (1).to_bytes(4, "big"))
    with pytest.raises(wire.ProtocolError):
        wire.recv_frame(b)
    a.close()
    with pytest.raises(EOFError):
        wire.recv_frame(b)


def test_odd_strides_on_size_1_dimensions():
    t = torch.randn(1, 5, dtype=torch.float64)[:, -1]
    assert torch.equal(roundtrip(t), t)
    b = torch.randn(4, 1, 3, dtype=torch.bfloat16).transpose(0, 2)
    assert torch.equal(roundtrip(b), b)
