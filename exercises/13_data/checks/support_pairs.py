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
        fail("make_loader should return a DataLoader, but it returned something else",
             zh="make_loader 应该返回一个 DataLoader，但它返回了别的东西",
             evidence=f"{what}: {describe(loader)}")
    try:
        got = list(itertools.islice(iter(loader), samples + 1))
    except TypeError:
        fail("the loader cannot be iterated: return a DataLoader",
             zh="返回的 loader 无法遍历：请返回一个 DataLoader",
             evidence=f"{what}: {describe(loader)}")
    if len(got) > samples:
        fail("one pass over the loader (an epoch) never ends: it must stop once every sample "
             "came, or a for loop over it never stops",
             zh="遍历一次 loader（一个 epoch）永远不会结束：所有样本都给出后就必须停止，"
                "否则对它的 for 循环永远停不下来",
             evidence=f"{what}: more than {samples} batches for {samples} samples")
    out = []
    for b, batch in enumerate(got):
        if isinstance(batch, dict):
            fail("each batch is a dict: __getitem__ should return the tuple (x[i], y[i]), so "
                 "that each batch is [x_batch, y_batch]",
                 zh="每一批都是 dict：__getitem__ 应该返回元组 (x[i], y[i])，"
                    "这样每一批才是 [x_batch, y_batch]",
                 evidence=f"batch {b} of {what}: dict with keys {list(batch)}")
        if not isinstance(batch, (list, tuple)) or len(batch) != 2 or not all(
                isinstance(t, torch.Tensor) for t in batch):
            fail("a batch is not a pair [x_batch, y_batch] of tensors: __getitem__ should "
                 "return the tuple (x[i], y[i])",
                 zh="有一批不是由两个张量组成的 [x_batch, y_batch]：__getitem__ 应该返回元组 (x[i], y[i])",
                 evidence=f"batch {b} of {what}: {describe(batch)}")
        out.append((batch[0], batch[1]))
    return out


def order(got, x, y, what):
    """The sample indices, in the order the batches delivered them; checks that pairs stay together."""
    found = []
    for b, (xb, yb) in enumerate(got):
        if yb.dtype != torch.int64 or yb.dim() != 1:
            fail("y_batch is not an int64 vector of labels: the labels should be y[i], "
                 "unchanged (is the pair swapped?)",
                 zh="y_batch 不是 int64 的标签向量：标签应该原样是 y[i]（是不是把顺序弄反了？）",
                 evidence=f"batch {b} of {what}: y_batch is {describe(yb)}")
        idx = ((yb - 1) // 3).tolist()
        if not all(0 <= i < len(y) and int(y[i]) == int(v) for i, v in zip(idx, yb.tolist())):
            fail("a batch holds labels that are not in y: the labels should be y[i], unchanged",
                 zh="有一批里的标签不在 y 中：标签应该原样是 y[i]",
                 evidence=f"batch {b} of {what}: y_batch = {yb.tolist()}")
        if tuple(xb.shape) != (len(idx),) + tuple(x.shape[1:]) or not torch.equal(xb, x[idx]):
            fail("x_batch does not hold the x rows that belong to its labels: x[i] must stay "
                 "paired with y[i]",
                 zh="x_batch 中的行与它的标签对不上：x[i] 必须始终和 y[i] 配对",
                 evidence=f"batch {b} of {what}: y_batch = {yb.tolist()}, x_batch is {describe(xb)}")
        found += idx
    return found


def explain_len(said, x):
    """Why len(ds) may have said `said` for samples x: (en, zh) diagnosis tails and evidence."""
    n = len(x)
    if said is None or said == n:
        return "", "", ""
    evidence = f"your len(ds) says {said}, but there are {n} pairs"
    if said in tuple(x.shape[1:]):
        return ("; your len(ds) is the size of another dimension: the number of pairs is "
                "len(x) (x.shape[0])",
                "；你的 len(ds) 是另一个维度的大小：样本对的个数是 len(x)（x.shape[0]）", evidence)
    if said == x.numel():
        return ("; your len(ds) is x.numel(): the number of pairs is len(x) (x.shape[0])",
                "；你的 len(ds) 是 x.numel()：样本对的个数是 len(x)（x.shape[0]）", evidence)
    return ("; your len(ds) is not the number of pairs, len(x)",
            "；你的 len(ds) 不等于样本对的个数 len(x)", evidence)


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
        en, zh, ev = explain_len(claimed_len(ds), x)
        fail("a DataLoader over your dataset asks len(ds) and then reads ds[0], ds[1], ...; "
             f"it raised {e.type_name}" + en,
             zh=f"DataLoader 会先调用 len(ds)，再依次读取 ds[0]、ds[1]……；它抛出了 {e.type_name}" + zh,
             evidence=f"DataLoader({what}, batch_size=1): {e.type_name}: {e.message}"
                      + (f"\n{ev}" if ev else ""))
    if len(got) != n:
        en, zh, ev = explain_len(claimed_len(ds), x)
        fail("a DataLoader over your dataset did not read every pair exactly once" + en,
             zh="DataLoader 没有把每个样本对恰好读取一次" + zh,
             evidence=f"DataLoader({what}, batch_size=1) read {len(got)} items, expected all {n} pairs"
                      + (f"\n{ev}" if ev else ""))
    return got


def claim_len(ds, n, what):
    """Claim: len() of the student's object says n."""
    said = claimed_len(ds)
    if said != n:
        claim_fail("your process reports a len() that is not the number of pairs: "
                   "__len__ should return len(self.x)",
                   zh="你的进程报告的 len() 不等于样本对的个数：__len__ 应该返回 len(self.x)",
                   evidence=f"len({what}) = {said}, but it holds {n} pairs")
