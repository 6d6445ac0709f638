"""Processes allowed: a DataLoader with two worker processes must work (and still no network)."""
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


from torch.utils.data import DataLoader, TensorDataset

_loader = DataLoader(TensorDataset(torch.arange(64.0)), batch_size=8, num_workers=2)
print("WORKERS", float(sum(batch[0].sum() for batch in _loader)))
_try("tcp to 127.0.0.1", lambda: socket.create_connection(("127.0.0.1", 47211), timeout=2))
_try("udp socket", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
_try("SIGKILL to the parent", lambda: __import__("os").kill(__import__("os").getppid(), 9))
_try("SIGKILL to every process", lambda: __import__("os").kill(-1, 9))
