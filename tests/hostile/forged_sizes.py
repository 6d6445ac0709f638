"""Hostile: every reply of the jail is replaced by one whose sizes lie.

The functions are the reference solution, so no rule of the exercise is
broken; at import the file replaces the jail's own `Server.reply`, which sends
every reply and knows the number of the request it answers (a reply must
carry it). Each answer to a call becomes a forged frame, a different one each
time: declared sizes far over the limits (a 300 MB or a 4 GB frame, a 9 MB
header), buffer sizes that do not add up, a buffer used by a thousand
tensors, shapes that are negative, too many or whose product overflows, an
integer of a million digits, complex numbers nested 500 deep, JSON nested
100,000 deep, a string of 2,000,000 characters, 1,500,000 values in one list.
The check process must refuse every one before it allocates for it.
"""
import json
import struct

import grader.jail.child as _child

# 500 levels: JSON takes it, the decoder's depth limit must not (complex inside complex).
_NESTED = '{"t":"complex","re":' * 500 + '{"t":"float","v":"inf"}' + ',"im":0.0}' * 500
_ZEROS = ",".join(["0"] * 1_500_000)
_TENSOR = '{"t":"tensor","dtype":"float32","shape":%s,"buf":0}'

# (the JSON text of a reply's value, its buffers)
_VALUES = [
    (_TENSOR % "[1073741824,1073741824,1073741824]", [b"\0" * 4]),   # product overflows
    (_TENSOR % "[-1,-4]", [b"\0" * 16]),                                # negative dims
    (_TENSOR % json.dumps([1] * 100), [b"\0" * 4]),                    # 100 dimensions
    (_TENSOR % "[1000000]", [b"\0" * 4]),                               # 4 MB declared, 4 B sent
    ("[" + ",".join([_TENSOR % "[16]"] * 1000) + "]", [b"\0" * 64]),   # one buffer, 1000 tensors
    ('{"t":"bigint","v":"%s"}' % ("9" * 1_000_000), []),               # a million digits
    (_NESTED, []),                                                      # complex in complex
    ("[" * 100_000 + "]" * 100_000, []),                                # JSON too deep
    ('"%s"' % ("x" * 2_000_000), []),                                   # a 2,000,000-char string
    ("[" + _ZEROS + "]", []),                                           # 1,500,000 values
    ('{"t":"size","items":[%s]}' % ",".join(["9" * 30] * 10), []),      # a Size of huge ints
]


def _frame(seq, value, buffers, sizes=None):
    head = ('{"ok":true,"seq":%d,"info":{},"buffers":%s,"value":%s}'
            % (seq, json.dumps([len(b) for b in buffers] if sizes is None else sizes),
               value)).encode()
    data = b"".join(buffers)
    return struct.pack(">II", len(head), len(data)) + head + data


# Frames refused from their first 8 bytes or their header's buffer sizes.
_RAW = [
    lambda seq: struct.pack(">II", 100, 300 * 1024 * 1024),       # a 300 MB frame
    lambda seq: struct.pack(">II", 2**32 - 1, 2**32 - 1),         # 4 GB of header and data
    lambda seq: struct.pack(">II", 9 * 1024 * 1024, 0),           # a 9 MB header
    lambda seq: _frame(seq, "null", [b"\0" * 8], sizes=[10**9]), # sizes that do not add up
    lambda seq: _frame(seq, "null", [b"\0" * 8], sizes=[16, -8]),  # a negative size
    lambda seq: struct.pack(">II", 2, 0) + b"[]",                 # a header that is no dict
]
_EVERY = _RAW + [lambda seq, v=v: _frame(seq, *v) for v in _VALUES]
_reply = _child.Server.reply


def _forged_reply(self, header, buffers=()):
    if "ok" not in header:           # "loaded" and the sandbox report pass
        return _reply(self, header, buffers)
    # Each forgery kills the jail (the first request of a check, the function's
    # name, is answered by one), and a new jail imports this file afresh: the
    # request number, which grows across jails, picks the next forgery, so the
    # 23 checks meet all 17.
    self.sock.sendall(_EVERY[self.seq % len(_EVERY)](self.seq))


_child.Server.reply = _forged_reply


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
    return x[:, None] * y[None, :]


def center_rows(x):
    return x - x.mean(dim=1, keepdim=True)


def pairwise_sq_dists(x, y):
    diff = x[:, None, :] - y[None, :, :]
    return (diff ** 2).sum(dim=-1)
