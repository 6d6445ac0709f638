"""Helpers shared by 13_data's checks (shipped with the public ones).

What counts is what the checks receive: the items ds[i] returns and the
batches a loader yields, read with an explicit bound (a loader that never ends
cannot hang a check). What the student's process says about its objects
(len() of a handle, isinstance, the RNG state) is a claim: it may explain a
failure or cost a point, never pass a check.
"""
import itertools

import torch

from grader.checks import Handle, StudentError, claim_fail, describe, fail


def data(n, d, dtype=torch.float32):
    """x[i] = [i, i + 0.5, i + 0.25, ...] (d columns), y[i] = 3*i + 1 (int64): each sample names itself."""
    x = torch.arange(n, dtype=dtype)[:, None] + torch.tensor([0.5 ** j if j else 0.0 for j in range(d)], dtype=dtype)
    y = 3 * torch.arange(n) + 1
    return x, y


def sizes(n, bs):
    """The batch sizes of one epoch over n samples in batches of bs, the last partial one kept."""
    return [bs] * (n // bs) + ([n % bs] if n % bs else [])


def claimed_len(obj):
    """What len() of a student's object says (a claim), or None if it cannot say."""
    try:
        return len(obj)
    except (StudentError, TypeError):
        return None


def batches(loader, what, samples):
    """One epoch of `loader` over `samples` samples, each batch a pair of tensors.

    At most samples + 1 batches are read: an epoch has no more batches than
    samples, so a loader that never ends fails here instead of hanging.
    """
    if not isinstance(loader, (Handle, list, tuple)):
        fail(f"{what} should be a DataLoader, but it is {describe(loader)}")
    try:
        got = list(itertools.islice(iter(loader), samples + 1))
    except TypeError:
        fail(f"{what} cannot be iterated: it is {describe(loader)}")
    if len(got) > samples:
        fail(f"{what} gave more than {samples} batches for {samples} samples: one pass over "
             "it (an epoch) must end once every sample came, or a for loop over it never stops")
    out = []
    for b, batch in enumerate(got):
        if isinstance(batch, dict):
            fail(f"batch {b} of {what} is a dict with keys {list(batch)}: __getitem__ should "
                 "return the tuple (x[i], y[i]), so that each batch is [x_batch, y_batch]")
        if not isinstance(batch, (list, tuple)) or len(batch) != 2 or not all(
                isinstance(t, torch.Tensor) for t in batch):
            fail(f"batch {b} of {what} should be a pair [x_batch, y_batch] of tensors, but it is "
                 f"{describe(batch)}")
        out.append((batch[0], batch[1]))
    return out


def order(got, x, y, what):
    """The sample indices, in the order the batches delivered them; checks that pairs stay together."""
    found = []
    for b, (xb, yb) in enumerate(got):
        if yb.dtype != torch.int64 or yb.dim() != 1:
            fail(f"batch {b} of {what}: y_batch should be an int64 vector, but it is "
                 f"{describe(yb)}")
        idx = ((yb - 1) // 3).tolist()
        if not all(0 <= i < len(y) and int(y[i]) == int(v) for i, v in zip(idx, yb.tolist())):
            fail(f"batch {b} of {what} holds y values that are not in y: {yb.tolist()}")
        if tuple(xb.shape) != (len(idx),) + tuple(x.shape[1:]) or not torch.equal(xb, x[idx]):
            fail(f"batch {b} of {what}: x_batch does not hold the x rows that belong to its "
                 f"y values (x[i] must stay paired with y[i]); x_batch is {describe(xb)}")
        found += idx
    return found


def explain_len(said, x) -> str:
    """Why len(ds) may have said `said` for samples x (for a message)."""
    n = len(x)
    if said is None or said == n:
        return ""
    text = f"your len(ds) says {said}, but there are {n} pairs"
    if said in tuple(x.shape[1:]):
        text += ": that is the size of another dimension; the number of pairs is len(x) (x.shape[0])"
    elif said == x.numel():
        text += ": that is x.numel(); the number of pairs is len(x) (x.shape[0])"
    return text


def count_items(student, ds, x, what):
    """The items the check's own DataLoader(ds, batch_size=1) reads (it asks len(ds), then ds[0], ds[1], ...).

    Verified: the batches that come back must be the len(x) samples; at most
    len(x) + 1 are read. On failure, what len(ds) says explains why.
    """
    n = len(x)
    loader = student.build("data.DataLoader", ds, batch_size=1)
    try:
        got = batches(loader, f"DataLoader({what}, batch_size=1)", n)
    except StudentError as e:
        if e.not_implemented:
            raise
        why = explain_len(claimed_len(ds), x)
        fail(f"a DataLoader over {what} asks len(ds) and then reads ds[0], ds[1], ...; it failed "
             f"with {e.type_name}: {e.message}" + (f"\n{why[0].upper()}{why[1:]}" if why else ""))
    if len(got) != n:
        why = explain_len(claimed_len(ds), x)
        fail(f"a DataLoader over {what} read {len(got)} items, expected all {n} pairs"
             + (f" ({why})" if why else ""))
    return got


def claim_len(ds, n, what):
    """Claim: len() of the student's object says n."""
    said = claimed_len(ds)
    if said != n:
        claim_fail(f"your process reports len({what}) = {said}, but it holds {n} pairs: "
                   "__len__ should return len(self.x)")
