"""Hostile: TCP and UDP to 127.0.0.1 (a listener the test runs), an outside address, and a Unix socket."""
import socket
from pathlib import Path
import torch


def _try(what, attack):
    """Run one attack; say whether the jail refused it."""
    try:
        attack()
    except BaseException as e:  # noqa: B036 (the jail's refusal is what we look for)
        print(f"BLOCKED {what}: {type(e).__name__}: {e}")
    else:
        print(f"ATTACK-SUCCEEDED {what}")


def _course_root():
    """The course folder above this file (stat works even where reading does not)."""
    here = Path(__file__).resolve().parent
    for folder in [here, *here.parents]:
        if (folder / "course.yaml").exists():
            return folder
    return here.parent


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


PORT = 47211  # tests/test_hostile.py listens here, on TCP and UDP


def _tcp():
    with socket.create_connection(("127.0.0.1", PORT), timeout=2) as s:
        s.sendall(b"ATTACK-SUCCEEDED tcp")


def _udp():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"ATTACK-SUCCEEDED udp", ("127.0.0.1", PORT))


def _outside():
    with socket.create_connection(("1.1.1.1", 53), timeout=2):
        pass


def _unix():
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.connect("\0drill-abstract")


_try("tcp to 127.0.0.1", _tcp)
_try("udp to 127.0.0.1", _udp)
_try("tcp to 1.1.1.1", _outside)
_try("a unix socket", _unix)
_try("socketpair", socket.socketpair)
