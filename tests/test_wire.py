"""The wire format: plain data only, rebuilt exactly, malformed input refused."""

import json
import socket
import threading
import time

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


# ------------------------------------------------------------------ limits
# The decoder checks every size before it allocates for it (grader.wire.Limits);
# the encoder (the jail's) refuses the same values first.

def frame(head: bytes, data: bytes = b"", declared: tuple | None = None) -> bytes:
    head_len, total = declared or (len(head), len(data))
    return head_len.to_bytes(4, "big") + total.to_bytes(4, "big") + head + data


def receive(raw: bytes, limits=wire.RESULTS):
    a, b = socket.socketpair()

    def send():
        try:
            a.sendall(raw)
            a.shutdown(socket.SHUT_WR)
        except OSError:
            pass   # a refused frame is never read to its end

    sender = threading.Thread(target=send)
    sender.start()
    try:
        return wire.recv_frame(b, limits)
    finally:
        b.close()
        sender.join()
        a.close()


def decode(node, buffers=(), limits=wire.RESULTS):
    return wire.Decoder(list(buffers), lambda n: None, limits=limits).decode(node)


def test_frame_limits_come_from_the_course():
    assert wire.RESULTS.frame_bytes == 64 * wire.MB == wire.MAX_FRAME_BYTES
    assert wire.Limits.for_results({"result_mb": 2}).frame_bytes == 2 * wire.MB
    assert wire.Limits.for_results({}).frame_bytes == 64 * wire.MB


@pytest.mark.parametrize("declared,says", [
    ((100, 300 * wire.MB), "your result is 300 MB; the limit is 64 MB"),
    ((2**32 - 1, 2**32 - 1), "the limit is 64 MB"),
    ((9 * wire.MB, 0), "take 9.0 MB; the limit is 8.0 MB"),
])
def test_declared_sizes_over_the_limits_are_refused_from_the_prefix(declared, says):
    with pytest.raises(wire.TooLarge, match=says):
        receive(frame(b"", declared=declared))


def test_json_header_with_too_many_values_is_refused_before_parsing():
    head = b'{"buffers":[],"v":[' + b",".join([b"0"] * 2_100_000) + b"]}"
    with pytest.raises(wire.TooLarge, match="more than 1,000,000 values"):
        receive(frame(head))


def test_json_header_nested_too_deep():
    head = b'{"buffers":[],"v":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(wire.TooLarge, match="nested more than 64 levels"):
        receive(frame(head))


@pytest.mark.parametrize("sizes,data", [
    ([10**9], b"\0" * 8),          # declared more than sent
    ([4], b"\0" * 8),              # less
    ([16, -8], b"\0" * 8),         # a negative size adding up
    ([1.5], b"\0"),                # not an int
    ("8", b"\0" * 8),              # not a list
])
def test_buffer_sizes_must_add_up(sizes, data):
    head = json.dumps({"buffers": sizes}).encode()
    with pytest.raises(wire.ProtocolError):
        receive(frame(head, data))


def test_header_must_be_an_object_of_json():
    for head in (b"[]", b"\xff\xfe", b"{"):
        with pytest.raises(wire.ProtocolError):
            receive(frame(head))


def test_a_whole_frame_must_arrive_by_its_deadline():
    a, b = socket.socketpair()
    head = b'{"buffers":[]}'
    a.sendall(frame(head, declared=(len(head), 0))[:10])   # a trickle: never the whole header
    with pytest.raises(socket.timeout):
        wire.recv_frame(b, deadline=time.monotonic() + 0.3)
    a.close()
    b.close()


def test_values_count_strings_and_depth():
    with pytest.raises(wire.TooLarge, match="more than 1,000,000 values"):
        decode([0] * 1_000_001)
    with pytest.raises(wire.TooLarge, match="more than 10 values"):
        decode([[0] * 6, [0] * 6], limits=wire.Limits(values=10))
    with pytest.raises(wire.TooLarge, match="a string of 1,000,001 characters"):
        decode("x" * 1_000_001)
    nested = 0
    for _ in range(70):
        nested = [nested]
    with pytest.raises(wire.TooLarge, match="nested more than 64"):
        decode(nested)
    assert decode([0] * 999_999)[-1] == 0


def test_complex_and_numpy_scalars_cannot_bypass_the_depth():
    node = {"t": "float", "v": "inf"}
    for _ in range(100):
        node = {"t": "complex", "re": node, "im": 0.0}
    with pytest.raises(wire.ProtocolError):
        decode(node)
    with pytest.raises(wire.ProtocolError):   # complex(complex, complex) is Python's, not ours
        decode({"t": "complex", "re": {"t": "complex", "re": 1, "im": 2}, "im": 0})
    with pytest.raises(wire.ProtocolError):
        decode({"t": "npscalar", "dtype": "float64", "v": [1.0]})


@pytest.mark.parametrize("node", [
    {"t": "bigint", "v": "9" * 1_000_000},      # int() of it would take seconds
    {"t": "bigint", "v": "12 34"},
    {"t": "bigint", "v": 12},
    {"t": "float", "v": "1" * 1000},
    {"t": "float", "v": "pi"},
    {"t": "size", "items": [10**30]},
    {"t": "size", "items": [-1]},
    {"t": "size", "items": [1] * 65},
    {"t": "size", "items": "abc"},
    {"t": "tuple", "items": {"a": 1}},
    {"t": "dict", "items": [[1, 2, 3]]},
    {"t": "dict", "items": [1]},
    {"t": "device", "name": "cpu" * 100},
    {"t": "device", "name": ["cpu"]},
])
def test_malformed_or_huge_scalars_are_refused(node):
    with pytest.raises(wire.ProtocolError):
        decode(node)


def test_big_ints_within_the_limit_round_trip():
    assert decode({"t": "bigint", "v": "-" + "9" * 4300}) == -int("9" * 4300)


@pytest.mark.parametrize("shape,data", [
    ([2**30, 2**30, 2**30], b"\0" * 4),   # the product overflows any allocation
    ([0, 2**40, 2**40], b""),             # empty, but its strides overflow
    ([-1, -4], b"\0" * 16),               # the product of negatives is positive
    ([1] * 65, b"\0" * 4),                # too many dimensions
    ([1_000_000], b"\0" * 4),             # 4 MB declared, 4 bytes sent
    ([2.0], b"\0" * 8),
    ([True, True], b"\0" * 4),
])
def test_tensor_and_array_shapes_are_checked_against_their_bytes(shape, data):
    for tag, dtype in (("tensor", "float32"), ("ndarray", "float32")):
        with pytest.raises(wire.ProtocolError):
            decode({"t": tag, "dtype": dtype, "shape": shape, "buf": 0}, [data])


def test_a_buffer_serves_one_value_only():
    node = [{"t": "tensor", "dtype": "float32", "shape": [16], "buf": 0}] * 1000
    with pytest.raises(wire.ProtocolError, match="used twice"):
        decode(node, [b"\0" * 64])
    with pytest.raises(wire.ProtocolError, match="used twice"):
        decode([{"t": "bytes", "buf": 0}] * 2, [b"ab"])


def test_received_tensors_are_aligned_copies():
    a, b = socket.socketpair()
    enc = wire.Encoder(lambda o: None)
    node = enc.encode([b"abc", torch.arange(5, dtype=torch.float64)])
    wire.send_frame(a, {"v": node}, enc.buffers)
    header, buffers = wire.recv_frame(b)
    got = wire.Decoder(buffers, lambda n: None).decode(header["v"])
    assert got[0] == b"abc" and torch.equal(got[1], torch.arange(5, dtype=torch.float64))
    assert got[1].data_ptr() % 8 == 0
    a.close()
    b.close()


# ------------------------------------------------------------------ the encoder's limits

def encode(value, limits):
    return wire.Encoder(lambda o: {"t": "handle", "id": 1}, limits=limits).encode(value)


def test_the_encoder_stops_at_the_first_value_over_the_limit():
    started = time.perf_counter()
    with pytest.raises(wire.TooLarge, match="more than 1,000,000 values"):
        encode([0] * 10**7, wire.RESULTS)
    with pytest.raises(wire.TooLarge, match="more than 1,000,000 values"):
        encode([[0] * 1000] * 2000, wire.RESULTS)
    assert time.perf_counter() - started < 30   # not a speed test: it did not encode 10**7
    with pytest.raises(wire.TooLarge, match="a string of 2,000,000 characters"):
        encode("x" * 2_000_000, wire.RESULTS)
    with pytest.raises(wire.TooLarge, match="an integer of about"):
        encode(10**5000, wire.RESULTS)


def test_the_encoder_counts_bytes_before_copying_them():
    # 400 MB as a result, 4 bytes in memory: refused before it is made contiguous.
    with pytest.raises(wire.TooLarge, match="your result is 381 MB or more; the limit is 64 MB"):
        encode(torch.zeros(1).expand(100_000_000), wire.RESULTS)
    small = wire.Limits(frame_bytes=1 * wire.MB)
    with pytest.raises(wire.TooLarge, match="the limit is 1.0 MB"):
        encode(torch.zeros(20, 20_000).unbind(0), small)   # 80 KB each, 1.6 MB in all
    with pytest.raises(wire.TooLarge):
        encode(np.zeros(200_000), small)
    with pytest.raises(wire.TooLarge):
        encode([b"\0" * 600_000, b"\0" * 600_000], small)
    assert encode(torch.zeros(1000), small)["shape"] == [1000]


def test_send_frame_with_limits_refuses_before_sending():
    a, b = socket.socketpair()
    with pytest.raises(wire.TooLarge, match="your result is 2.0 MB; the limit is 1.0 MB"):
        wire.send_frame(a, {"x": 1}, [b"\0" * (2 * wire.MB)], limits=wire.Limits(frame_bytes=wire.MB))
    with pytest.raises(wire.TooLarge, match="the limit is 1,000 bytes"):
        wire.send_frame(a, {"x": "y" * 2000}, [], limits=wire.Limits(header_bytes=1000))
    wire.send_frame(a, {"x": 1}, [], limits=wire.RESULTS)
    assert wire.recv_frame(b)[0]["x"] == 1    # nothing of the refused frames was sent
    a.close()
    b.close()
