"""Hidden checks for 13_data.

Every sample carries its own index (y[i] = 3*i + 1, and x[i] holds i too), so a
check can read the order a loader produced straight from its batches. The
expected shuffled order is computed here with the check's own DataLoader.
"""
import torch
from torch.utils.data import DataLoader, TensorDataset

from grader.checks import assert_equal, assert_tensor, describe, fail, hint, points, target


# ----------------------------------------------------------------- helpers

def _data(n, d, dtype=torch.float32):
    """x[i] = [i, i + 0.5, i + 0.25, ...] (d columns), y[i] = 3*i + 1 (int64)."""
    x = torch.arange(n, dtype=dtype)[:, None] + torch.tensor([0.5 ** j if j else 0.0 for j in range(d)], dtype=dtype)
    y = 3 * torch.arange(n) + 1
    return x, y


def _batches(loader, what):
    """The loader's batches, each checked to be a pair (x_batch, y_batch) of tensors."""
    out = []
    for b, batch in enumerate(loader):
        if isinstance(batch, dict):
            fail(f"batch {b} of {what} is a dict with keys {list(batch)}: __getitem__ should "
                 "return the tuple (x[i], y[i]), so that each batch is [x_batch, y_batch]")
        if not isinstance(batch, (list, tuple)) or len(batch) != 2 or not all(
                isinstance(t, torch.Tensor) for t in batch):
            fail(f"batch {b} of {what} should be a pair [x_batch, y_batch] of tensors, but it is "
                 f"{describe(batch)}")
        out.append((batch[0], batch[1]))
    return out


def _order(batches, x, y, what):
    """The sample indices, in the order the batches delivered them; checks pairs stay together."""
    order = []
    for b, (xb, yb) in enumerate(batches):
        if yb.dtype != torch.int64 or yb.dim() != 1:
            fail(f"batch {b} of {what}: y_batch should be an int64 vector, but it is "
                 f"{describe(yb)}")
        idx = ((yb - 1) // 3).tolist()
        if not all(0 <= i < len(y) and int(y[i]) == int(v) for i, v in zip(idx, yb.tolist())):
            fail(f"batch {b} of {what} holds y values that are not in y: {yb.tolist()}")
        if tuple(xb.shape) != (len(idx),) + tuple(x.shape[1:]) or not torch.equal(xb, x[idx]):
            fail(f"batch {b} of {what}: x_batch does not hold the x rows that belong to its "
                 f"y values (x[i] must stay paired with y[i]); x_batch is {describe(xb)}")
        order += idx
    return order


def _loader_order(n, batch_size, seed):
    """The order DataLoader(..., shuffle=True, generator=Generator().manual_seed(seed)) gives."""
    dl = DataLoader(TensorDataset(torch.arange(n)), batch_size=batch_size, shuffle=True,
                    generator=torch.Generator().manual_seed(seed))
    return [int(i) for (b,) in dl for i in b]


def _sampler_order(n, seed):
    """torch.randperm with a fresh generator: RandomSampler(generator=...) or a manual shuffle."""
    return torch.randperm(n, generator=torch.Generator().manual_seed(seed)).tolist()


def _make(student, x, y, batch_size, shuffle, seed):
    loader = student.make_loader(x, y, batch_size, shuffle, seed)
    if not student.evaluate("isinstance(l, torch.utils.data.DataLoader)", l=loader):
        fail(f"make_loader should return a torch.utils.data.DataLoader, but it returned "
             f"{describe(loader)}")
    return loader


def _sizes(n, bs):
    return [bs] * (n // bs) + ([n % bs] if n % bs else [])


# ----------------------------------------------------------------- PairsDataset

@points(1)
@target("PairsDataset")
@hint("len(ds) is the number of pairs (len(x), the first dimension), and ds[i] is (x[i], y[i]) for every i.")
def check_pairs_dataset_random(student, case):
    """PairsDataset of random 3-d x and int64 y: len() and every item, negative index included"""
    x = case.randn("n", "c", "d")
    y = case.randint(0, 10, "n")
    n = len(x)
    ds = student.PairsDataset(x, y)
    length = len(ds)
    if length != n:
        hint_text = ""
        if length in (x.shape[1], x.shape[2]):
            hint_text = ": that is the size of another dimension; the number of pairs is len(x) (x.shape[0])"
        elif length == x.numel():
            hint_text = ": that is x.numel(); the number of pairs is len(x) (x.shape[0])"
        fail(f"len(ds) is {length}, expected {n} pairs{hint_text}")
    for i in list(range(n)) + [-1]:
        item = ds[i]
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            fail(f"ds[{i}] should be the pair (x[{i}], y[{i}]), but it is {describe(item)}")
        if isinstance(item[0], torch.Tensor) and isinstance(item[1], torch.Tensor) and \
                item[0].shape == y[i].shape and item[1].shape == x[i].shape:
            fail(f"ds[{i}] is (y[{i}], x[{i}]): the pair is swapped; return (x[i], y[i])")
        assert_tensor(item[0], x[i], name=f"ds[{i}][0]", device=None)
        if isinstance(item[1], torch.Tensor) and item[1].shape == y.shape:
            fail(f"ds[{i}][1] is the whole y (shape {tuple(y.shape)}); return y[i], one label")
        assert_tensor(item[1], y[i], name=f"ds[{i}][1]", device=None)


@points(1)
@target("PairsDataset")
@hint("class PairsDataset(Dataset): a DataLoader over it stacks the items into batches.")
def check_pairs_dataset_in_a_dataloader(student, case):
    """PairsDataset is a torch Dataset that a DataLoader can batch"""
    x, y = _data(case.size("n") + 5, case.size("d"))
    ds = student.PairsDataset(x, y)
    if not student.evaluate("isinstance(d, torch.utils.data.Dataset)", d=ds):
        fail("PairsDataset should be a subclass of torch.utils.data.Dataset: "
             "class PairsDataset(Dataset)")
    loader = student.evaluate("torch.utils.data.DataLoader(d, batch_size=4)", d=ds)
    batches = _batches(loader, "DataLoader(PairsDataset(x, y), batch_size=4)")
    assert_equal([len(b[1]) for b in batches], _sizes(len(y), 4), what="batch sizes")
    assert_equal(_order(batches, x, y, "the DataLoader"), list(range(len(y))),
                 what="order of the samples")


# ----------------------------------------------------------------- make_loader

@points(1)
@target("make_loader")
@hint("Keep the last, smaller batch (no drop_last=True), and use batch_size as given.")
def check_make_loader_batch_sizes(student, case):
    """make_loader returns a DataLoader with the right batch sizes, last partial batch included"""
    n = case.size("n") + 10
    x, y = _data(n, case.size("d"))
    for bs in (3, case.size("b"), 1, n + 2):
        loader = _make(student, x, y, bs, False, 5)
        what = f"make_loader(x, y, batch_size={bs}, shuffle=False, seed=5) with {n} samples"
        batches = _batches(loader, what)
        assert_equal([len(b[1]) for b in batches], _sizes(n, bs), what=f"batch sizes of {what}")
        assert_equal(len(loader), len(_sizes(n, bs)), what=f"len() of {what}")


@points(1)
@target("make_loader")
@hint("shuffle=False must give the samples in their original order, whatever the seed.")
def check_make_loader_no_shuffle_in_order(student, case):
    """make_loader with shuffle=False gives every sample once, in order, pairs intact"""
    n = case.size("n") + 7
    x, y = _data(n, case.size("d"), dtype=torch.float64)
    seed = case.rng.randint(0, 10_000)
    what = f"make_loader(x, y, 4, shuffle=False, seed={seed})"
    order = _order(_batches(_make(student, x, y, 4, False, seed), what), x, y, what)
    if sorted(order) == list(range(n)) and order != list(range(n)):
        fail(f"with shuffle=False the samples came in the order {order}: pass shuffle=shuffle "
             "to the DataLoader (don't always shuffle)")
    assert_equal(order, list(range(n)), what=f"order of the samples from {what}")


@points(1)
@target("make_loader")
@hint("shuffle=True: DataLoader(..., shuffle=True) draws a new random order; each sample still comes exactly once.")
def check_make_loader_shuffle_is_a_permutation(student, case):
    """make_loader with shuffle=True gives every sample exactly once, not in order, pairs intact"""
    n = case.size("n") + 12
    x, y = _data(n, case.size("d"))
    seed = case.rng.randint(0, 10_000)
    what = f"make_loader(x, y, 5, shuffle=True, seed={seed})"
    order = _order(_batches(_make(student, x, y, 5, True, seed), what), x, y, what)
    if order == list(range(n)):
        fail(f"with shuffle=True the samples still came in order: pass shuffle=shuffle to the "
             "DataLoader")
    if sorted(order) != list(range(n)):
        missing = sorted(set(range(n)) - set(order))
        if len(set(order)) < len(order):
            why = "some samples came twice: don't sample with replacement"
        elif len(order) < n:
            why = "samples are missing: keep the last, smaller batch (no drop_last=True)"
        else:
            why = "the samples are not the ones given"
        fail(f"with shuffle=True each of the {n} samples should come exactly once per epoch; "
             f"you gave {len(order)} samples, missing {missing}: {why}")


@points(1)
@target("make_loader")
@hint("Make a NEW torch.Generator().manual_seed(seed) inside make_loader for each loader; don't call torch.manual_seed.")
def check_make_loader_same_seed_same_order(student, case):
    """Two loaders made with the same seed give the same order (and the global RNG is left alone)"""
    n = case.size("n") + 12
    x, y = _data(n, case.size("d"))
    seed = case.rng.randint(0, 10_000)
    before = student.evaluate("torch.get_rng_state()")
    first = _make(student, x, y, 4, True, seed)
    second = _make(student, x, y, 4, True, seed)
    after = student.evaluate("torch.get_rng_state()")
    if not torch.equal(before, after):
        fail("make_loader changed PyTorch's global random state (torch.manual_seed?). Seed a "
             "private generator instead: DataLoader(..., generator=torch.Generator().manual_seed(seed)); "
             "then the order does not depend on what else the program draws")
    what = f"make_loader(x, y, 4, shuffle=True, seed={seed})"
    # Both loaders exist before either is iterated, as in a real program.
    a = _order(_batches(first, what), x, y, what)
    b = _order(_batches(second, what), x, y, what)
    if a != b:
        fail(f"two loaders made with the same seed {seed} gave different orders:\n  {a}\n  {b}\n"
             "Create the generator inside make_loader: torch.Generator().manual_seed(seed) "
             "(a generator shared between calls, or no generator, gives a new order each time)")
    third = _order(_batches(_make(student, x, y, 4, True, seed), what), x, y, what)
    if third != a:
        fail(f"a third loader with the same seed {seed} gave yet another order: the order must "
             "depend only on the seed")


@points(1)
@target("make_loader")
@hint("Use the seed argument: torch.Generator().manual_seed(seed), not a fixed number.")
def check_make_loader_different_seeds_differ(student, case):
    """Loaders made with different seeds give different orders"""
    n = case.size("n") + 12
    x, y = _data(n, case.size("d"))
    seeds = case.rng.sample(range(10_000), 3)
    orders = []
    for seed in seeds:
        what = f"make_loader(x, y, 6, shuffle=True, seed={seed})"
        orders.append(_order(_batches(_make(student, x, y, 6, True, seed), what), x, y, what))
    if orders[0] == orders[1] == orders[2]:
        fail(f"the seeds {seeds} all gave the same order {orders[0]}: the seed argument is "
             "ignored (a fixed seed inside make_loader?)")
    if len({tuple(o) for o in orders}) < 3:
        fail(f"two of the seeds {seeds} gave the same order; each seed should give its own")


@points(1)
@target("make_loader")
@hint("DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, generator=torch.Generator().manual_seed(seed))")
def check_make_loader_order_from_generator(student, case):
    """The shuffled order is the one a DataLoader with generator=torch.Generator().manual_seed(seed) draws"""
    n = case.size("n") + 10
    x, y = _data(n, case.size("d"))
    for bs, seed in ((3, case.rng.randint(0, 10_000)), (7, 0)):
        what = f"make_loader(x, y, {bs}, shuffle=True, seed={seed})"
        got = _order(_batches(_make(student, x, y, bs, True, seed), what), x, y, what)
        accepted = (_loader_order(n, bs, seed), _sampler_order(n, seed))
        if got not in accepted:
            fail(f"{what} gave the order {got}; DataLoader(dataset, batch_size={bs}, shuffle=True, "
                 f"generator=torch.Generator().manual_seed({seed})) gives {accepted[0]}. "
                 "Seed a new torch.Generator with the seed and pass it as generator=")
