"""Hidden checks for 13_data.

Every sample carries its own index (y[i] = 3*i + 1, and x[i] holds i too), so a
check can read the order a loader produced straight from its batches. The
expected shuffled orders are computed here with the check's own DataLoader.
What the checks believe is what they receive: the items ds[i] returns and the
batches a loader yields (read with a bound). len() of the student's objects,
isinstance and the global RNG state are what the student's process says: they
can cost a point, never earn one.
"""
import torch
from torch.utils.data import DataLoader, RandomSampler, TensorDataset

from grader.checks import (StudentError, assert_equal, assert_tensor, claim_fail, describe, fail,
                           hint, points, raises_student, target)
from support_pairs import batches, claim_len, claimed_len, count_items, data, order, sizes


# ----------------------------------------------------------------- helpers

def _loader_epochs(n, batch_size, seed, epochs=2):
    """The orders DataLoader(..., shuffle=True, generator=Generator().manual_seed(seed)) gives, epoch by epoch."""
    dl = DataLoader(TensorDataset(torch.arange(n)), batch_size=batch_size, shuffle=True,
                    generator=torch.Generator().manual_seed(seed))
    return [[int(i) for (b,) in dl for i in b] for _ in range(epochs)]


def _sampler_epochs(n, seed, epochs=2):
    """RandomSampler(generator=Generator().manual_seed(seed)) passed as sampler=, epoch by epoch."""
    sampler = RandomSampler(range(n), generator=torch.Generator().manual_seed(seed))
    return [list(sampler) for _ in range(epochs)]


def _make(student, x, y, batch_size, shuffle, seed):
    return student.make_loader(x, y, batch_size, shuffle, seed)


def _epoch(loader, x, y, what):
    """One epoch of the loader: the sample indices in the order they came."""
    return order(batches(loader, what, len(y)), x, y, what)


def _claim_dataloader(student, loader, what):
    """Claim: the student's process says the loader is a torch DataLoader."""
    if student.build("probe.is_instance", loader, "data.DataLoader").value is not True:
        claim_fail(f"your process reports that {what} is not a torch.utils.data.DataLoader "
                   f"(it says {describe(loader)}): return DataLoader(...)")


# ----------------------------------------------------------------- PairsDataset

@points(1)
@target("PairsDataset")
@hint("len(ds) is the number of pairs (len(x), the first dimension), and ds[i] is (x[i], y[i]) for every i.")
def check_pairs_dataset_random(student, case):
    """PairsDataset of random 3-d x and int64 y: every item, negative index included, and its length"""
    x = case.randn("n", "c", "d")
    y = case.randint(0, 10, "n")
    n = len(x)
    ds = student.PairsDataset(x, y)
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
    try:
        with raises_student(IndexError):
            ds[n]
    except AssertionError as e:
        fail(f"ds[{n}] should raise IndexError: there are only {n} pairs (x[{n}] raises it); {e}")
    # The length, by behaviour: a DataLoader over ds asks len(ds) and reads that many items.
    got = count_items(student, ds, x, f"PairsDataset(x, y) of {n} pairs")
    assert_equal([int(yb[0]) for _, yb in got], y.tolist(), what="labels a DataLoader read, in order")
    claim_len(ds, n, "PairsDataset(x, y)")


@points(1)
@target("PairsDataset")
@hint("class PairsDataset(Dataset): a DataLoader over it stacks the items into batches, and ds + ds joins two of them.")
def check_pairs_dataset_in_a_dataloader(student, case):
    """PairsDataset is a torch Dataset: a DataLoader batches it, and ds + ds concatenates"""
    x, y = data(case.size("n") + 5, case.size("d"))
    n = len(y)
    ds = student.PairsDataset(x, y)
    loader = student.build("data.DataLoader", ds, batch_size=4)
    what = "DataLoader(PairsDataset(x, y), batch_size=4)"
    got = batches(loader, what, n)
    assert_equal([len(b[1]) for b in got], sizes(n, 4), what="batch sizes")
    assert_equal(order(got, x, y, what), list(range(n)), what="order of the samples")
    # What subclassing Dataset gives: `+` makes a ConcatDataset of the two.
    try:
        both = student.build("data.plus", ds, ds)
    except StudentError as e:
        if e.not_implemented:
            raise
        fail(f"ds + ds raised {e.type_name}: {e.message}\nA torch Dataset supports + (it makes a "
             "ConcatDataset): subclass it, class PairsDataset(Dataset)")
    what = "DataLoader(ds + ds, batch_size=len(x))"
    twice = batches(student.build("data.DataLoader", both, batch_size=n), what, 2 * n)
    assert_equal(order(twice, x, y, what), list(range(n)) * 2, what=f"order of the samples of {what}")
    if student.build("probe.is_instance", ds, "data.Dataset").value is not True:
        claim_fail("your process reports that PairsDataset is not a subclass of "
                   "torch.utils.data.Dataset: class PairsDataset(Dataset)")


# ----------------------------------------------------------------- make_loader

@points(1)
@target("make_loader")
@hint("Keep the last, smaller batch (no drop_last=True), and use batch_size as given.")
def check_make_loader_batch_sizes(student, case):
    """make_loader returns a DataLoader with the right batch sizes, last partial batch included"""
    n = case.size("n") + 10
    x, y = data(n, case.size("d"))
    loaders = []
    for bs in (3, case.size("b"), 1, n + 2):
        loader = _make(student, x, y, bs, False, 5)
        what = f"make_loader(x, y, batch_size={bs}, shuffle=False, seed=5) with {n} samples"
        got = batches(loader, what, n)
        assert_equal([len(b[1]) for b in got], sizes(n, bs), what=f"batch sizes of {what}")
        loaders.append((loader, bs, what))
    # Claims: what the process says about the loaders.
    for loader, bs, what in loaders:
        said = claimed_len(loader)
        if said != len(sizes(n, bs)):
            claim_fail(f"your process reports len() = {said} for {what}, but it gave "
                       f"{len(sizes(n, bs))} batches")
    _claim_dataloader(student, loaders[0][0], "what make_loader returns")


@points(1)
@target("make_loader")
@hint("shuffle=False must give the samples in their original order, whatever the seed.")
def check_make_loader_no_shuffle_in_order(student, case):
    """make_loader with shuffle=False gives every sample once, in order, pairs intact, every epoch"""
    n = case.size("n") + 7
    x, y = data(n, case.size("d"), dtype=torch.float64)
    seed = case.rng.randint(0, 10_000)
    what = f"make_loader(x, y, 4, shuffle=False, seed={seed})"
    loader = _make(student, x, y, 4, False, seed)
    for epoch in (1, 2):
        got = _epoch(loader, x, y, what + f", epoch {epoch}")
        if sorted(got) == list(range(n)) and got != list(range(n)):
            fail(f"with shuffle=False the samples came in the order {got} (epoch {epoch}): pass "
                 "shuffle=shuffle to the DataLoader (don't always shuffle)")
        assert_equal(got, list(range(n)), what=f"order of the samples from {what} in epoch {epoch}")


@points(1)
@target("make_loader")
@hint("shuffle=True: DataLoader(..., shuffle=True) draws a new random order every epoch; each sample still comes exactly once.")
def check_make_loader_shuffle_is_a_permutation(student, case):
    """make_loader with shuffle=True gives every sample exactly once per epoch, in a new order each epoch"""
    n = case.size("n") + 12
    x, y = data(n, case.size("d"))
    seed = case.rng.randint(0, 10_000)
    what = f"make_loader(x, y, 5, shuffle=True, seed={seed})"
    loader = _make(student, x, y, 5, True, seed)
    epochs = []
    for epoch in (1, 2):
        got = _epoch(loader, x, y, what + f", epoch {epoch}")
        if got == list(range(n)):
            fail(f"with shuffle=True the samples still came in order (epoch {epoch}): pass "
                 "shuffle=shuffle to the DataLoader")
        if sorted(got) != list(range(n)):
            missing = sorted(set(range(n)) - set(got))
            if len(set(got)) < len(got):
                why = "some samples came twice: don't sample with replacement"
            elif len(got) < n:
                why = "samples are missing: keep the last, smaller batch (no drop_last=True)"
            else:
                why = "the samples are not the ones given"
            fail(f"with shuffle=True each of the {n} samples should come exactly once per epoch; "
                 f"you gave {len(got)} samples in epoch {epoch}, missing {missing}: {why}")
        epochs.append(got)
    if epochs[0] == epochs[1]:
        fail(f"{what} gave the same order in two epochs ({epochs[0]}): a DataLoader with "
             "shuffle=True draws a new order each time it is iterated; return the DataLoader "
             "itself, not a list of its batches or a fixed permutation")


@points(1)
@target("make_loader")
@hint("Make a NEW torch.Generator().manual_seed(seed) inside make_loader for each loader; don't call torch.manual_seed.")
def check_make_loader_same_seed_same_order(student, case):
    """Two loaders made with the same seed give the same order (and the global RNG is left alone)"""
    n = case.size("n") + 12
    x, y = data(n, case.size("d"))
    seed = case.rng.randint(0, 10_000)
    # Draw from the global RNG first (a state no earlier call left behind), then
    # read it around the two calls.
    student.build("data.draw_global", case.rng.randint(1, 50))
    before = student.build("probe.rng_state")
    first = _make(student, x, y, 4, True, seed)
    second = _make(student, x, y, 4, True, seed)
    after = student.build("probe.rng_state")
    what = f"make_loader(x, y, 4, shuffle=True, seed={seed})"
    # Both loaders exist before either is iterated, as in a real program.
    a = _epoch(first, x, y, what)
    b = _epoch(second, x, y, what)
    if a != b:
        fail(f"two loaders made with the same seed {seed} gave different orders:\n  {a}\n  {b}\n"
             "Create the generator inside make_loader: torch.Generator().manual_seed(seed) "
             "(a generator shared between calls, torch.manual_seed, or no generator, gives a new "
             "order each time)")
    third = _epoch(_make(student, x, y, 4, True, seed), x, y, what)
    if third != a:
        fail(f"a third loader with the same seed {seed} gave yet another order: the order must "
             "depend only on the seed")
    # A claim: the RNG state as the student's process reports it.
    if not (isinstance(before.value, torch.Tensor) and isinstance(after.value, torch.Tensor)
            and torch.equal(before.value, after.value)):
        claim_fail("your process reports that make_loader changed PyTorch's global random state "
                   "(torch.manual_seed?). Seed a private generator instead: DataLoader(..., "
                   "generator=torch.Generator().manual_seed(seed)); then the order does not "
                   "depend on what else the program draws")


@points(1)
@target("make_loader")
@hint("Use the seed argument: torch.Generator().manual_seed(seed), not a fixed number.")
def check_make_loader_different_seeds_differ(student, case):
    """Loaders made with different seeds give different orders"""
    n = case.size("n") + 12
    x, y = data(n, case.size("d"))
    seeds = case.rng.sample(range(10_000), 3)
    orders = []
    for seed in seeds:
        what = f"make_loader(x, y, 6, shuffle=True, seed={seed})"
        orders.append(_epoch(_make(student, x, y, 6, True, seed), x, y, what))
    if orders[0] == orders[1] == orders[2]:
        fail(f"the seeds {seeds} all gave the same order {orders[0]}: the seed argument is "
             "ignored (a fixed seed inside make_loader?)")
    if len({tuple(o) for o in orders}) < 3:
        fail(f"two of the seeds {seeds} gave the same order; each seed should give its own")


@points(1)
@target("make_loader")
@hint("DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, generator=torch.Generator().manual_seed(seed))")
def check_make_loader_order_from_generator(student, case):
    """The shuffled orders of two epochs are the ones a DataLoader with generator=torch.Generator().manual_seed(seed) draws"""
    n = case.size("n") + 10
    x, y = data(n, case.size("d"))
    for bs, seed in ((3, case.rng.randint(0, 10_000)), (7, 0)):
        what = f"make_loader(x, y, {bs}, shuffle=True, seed={seed})"
        loader = _make(student, x, y, bs, True, seed)
        got = [_epoch(loader, x, y, what + f", epoch {e}") for e in (1, 2)]
        accepted = (_loader_epochs(n, bs, seed), _sampler_epochs(n, seed))
        if got in accepted:
            continue
        if got[0] in (a[0] for a in accepted):
            fail(f"{what} gave the right order in its first epoch but {got[1]} in the second; "
                 f"DataLoader(dataset, batch_size={bs}, shuffle=True, generator=torch.Generator()"
                 f".manual_seed({seed})) gives {accepted[0][1]}: return that DataLoader itself, "
                 "and let it draw each epoch's order from its generator")
        fail(f"{what} gave the order {got[0]}; DataLoader(dataset, batch_size={bs}, shuffle=True, "
             f"generator=torch.Generator().manual_seed({seed})) gives {accepted[0][0]}. "
             "Seed a new torch.Generator with the seed and pass it as generator=")
