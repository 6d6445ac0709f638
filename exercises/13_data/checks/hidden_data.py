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
                           hint, points, raises_student, target, title)
from grader.i18n import pick
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
        claim_fail("your process reports that make_loader does not return a "
                   "torch.utils.data.DataLoader: return DataLoader(...)",
                   zh="你的进程报告 make_loader 返回的不是 torch.utils.data.DataLoader："
                      "请返回 DataLoader(...)",
                   evidence=f"{what}: {describe(loader)}")


# ----------------------------------------------------------------- PairsDataset

@points(1)
@target("PairsDataset")
@hint("len(ds) is the number of pairs (len(x), the first dimension), and ds[i] is (x[i], y[i]) for every i.",
      zh="len(ds) 是样本对的个数（len(x)，即第一个维度的大小），对每个 i，ds[i] 都是 (x[i], y[i])。")
@title(zh="随机三维 x 和 int64 y 的 PairsDataset：每一项（包括负索引）以及它的长度")
def check_pairs_dataset_random(student, case):
    """PairsDataset of random 3-d x and int64 y: every item, negative index included, and its length"""
    x = case.randn("n", "c", "d")
    y = case.randint(0, 10, "n")
    n = len(x)
    ds = student.PairsDataset(x, y)
    for i in list(range(n)) + [-1]:
        item = ds[i]
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            fail("ds[i] should be the pair (x[i], y[i])", zh="ds[i] 应该是样本对 (x[i], y[i])",
                 evidence=f"ds[{i}] is {describe(item)}")
        if isinstance(item[0], torch.Tensor) and isinstance(item[1], torch.Tensor) and \
                item[0].shape == y[i].shape and item[1].shape == x[i].shape:
            fail("ds[i] is (y[i], x[i]): the pair is swapped; return (x[i], y[i])",
                 zh="ds[i] 是 (y[i], x[i])：两者顺序反了；应返回 (x[i], y[i])",
                 evidence=f"ds[{i}] = ({describe(item[0])}, {describe(item[1])})")
        assert_tensor(item[0], x[i], name=f"ds[{i}][0]", device=None)
        if isinstance(item[1], torch.Tensor) and item[1].shape == y.shape:
            fail("the label in ds[i] is the whole y: return y[i], one label",
                 zh="ds[i] 中的标签是整个 y：应返回 y[i]，即一个标签",
                 evidence=f"ds[{i}][1] has shape {tuple(item[1].shape)} = y.shape")
        assert_tensor(item[1], y[i], name=f"ds[{i}][1]", device=None)
    try:
        with raises_student(IndexError):
            ds[n]
    except AssertionError as e:
        fail("ds[len(x)] should raise IndexError, as x[len(x)] does: there is no such pair",
             zh="ds[len(x)] 应该像 x[len(x)] 一样抛出 IndexError：不存在这个样本对",
             evidence=f"ds[{n}] with {n} pairs: {getattr(e, 'diagnosis', e)} {getattr(e, 'evidence', '')}")
    # The length, by behaviour: a DataLoader over ds asks len(ds) and reads that many items.
    got = count_items(student, ds, x, f"PairsDataset(x, y) of {n} pairs")
    assert_equal([int(yb[0]) for _, yb in got], y.tolist(),
                 what=pick("labels a DataLoader read, in order", "DataLoader 按顺序读出的标签"))
    claim_len(ds, n, "PairsDataset(x, y)")


@points(1)
@target("PairsDataset")
@hint("class PairsDataset(Dataset): a DataLoader over it stacks the items into batches, and ds + ds joins two of them.",
      zh="class PairsDataset(Dataset)：DataLoader 会把它的各项堆叠成批次，ds + ds 会把两个数据集拼接起来。")
@title(zh="PairsDataset 是 torch Dataset：DataLoader 能把它分批，ds + ds 能拼接")
def check_pairs_dataset_in_a_dataloader(student, case):
    """PairsDataset is a torch Dataset: a DataLoader batches it, and ds + ds concatenates"""
    x, y = data(case.size("n") + 5, case.size("d"))
    n = len(y)
    ds = student.PairsDataset(x, y)
    loader = student.build("data.DataLoader", ds, batch_size=4)
    what = "DataLoader(PairsDataset(x, y), batch_size=4)"
    got = batches(loader, what, n)
    assert_equal([len(b[1]) for b in got], sizes(n, 4), what=pick("batch sizes", "批次大小"))
    assert_equal(order(got, x, y, what), list(range(n)), what=pick("order of the samples", "样本顺序"))
    # What subclassing Dataset gives: `+` makes a ConcatDataset of the two.
    try:
        both = student.build("data.plus", ds, ds)
    except StudentError as e:
        if e.not_implemented:
            raise
        fail(f"ds + ds raised {e.type_name}: a torch Dataset supports + (it makes a "
             "ConcatDataset); subclass it: class PairsDataset(Dataset)",
             zh=f"ds + ds 抛出了 {e.type_name}：torch 的 Dataset 支持 +（得到一个 ConcatDataset）；"
                "请继承它：class PairsDataset(Dataset)",
             evidence=f"{e.type_name}: {e.message}")
    what = "DataLoader(ds + ds, batch_size=len(x))"
    twice = batches(student.build("data.DataLoader", both, batch_size=n), what, 2 * n)
    assert_equal(order(twice, x, y, what), list(range(n)) * 2,
                 what=pick(f"order of the samples of {what}", f"{what} 的样本顺序"))
    if student.build("probe.is_instance", ds, "data.Dataset").value is not True:
        claim_fail("your process reports that PairsDataset is not a subclass of "
                   "torch.utils.data.Dataset: class PairsDataset(Dataset)",
                   zh="你的进程报告 PairsDataset 不是 torch.utils.data.Dataset 的子类："
                      "class PairsDataset(Dataset)")


# ----------------------------------------------------------------- make_loader

@points(1)
@target("make_loader")
@hint("Keep the last, smaller batch (no drop_last=True), and use batch_size as given.",
      zh="保留最后那个较小的批次（不要 drop_last=True），并原样使用 batch_size。")
@title(zh="make_loader 返回批次大小正确的 DataLoader，包括最后不满的一批")
def check_make_loader_batch_sizes(student, case):
    """make_loader returns a DataLoader with the right batch sizes, last partial batch included"""
    n = case.size("n") + 10
    x, y = data(n, case.size("d"))
    loaders = []
    for bs in (3, case.size("b"), 1, n + 2):
        loader = _make(student, x, y, bs, False, 5)
        what = f"make_loader(x, y, batch_size={bs}, shuffle=False, seed=5) with {n} samples"
        got = batches(loader, what, n)
        what_zh = f"make_loader(x, y, batch_size={bs}, shuffle=False, seed=5)（{n} 个样本）"
        assert_equal([len(b[1]) for b in got], sizes(n, bs),
                     what=pick(f"batch sizes of {what}", f"{what_zh}的批次大小"))
        loaders.append((loader, bs, what))
    # Claims: what the process says about the loaders.
    for loader, bs, what in loaders:
        said = claimed_len(loader)
        if said != len(sizes(n, bs)):
            claim_fail("your process reports a len() of the loader that is not the number of "
                       "batches it gave",
                       zh="你的进程报告的 loader 的 len() 不等于它实际给出的批次数",
                       evidence=f"len() = {said} for {what}, but it gave {len(sizes(n, bs))} batches")
    _claim_dataloader(student, loaders[0][0], "what make_loader returns")


@points(1)
@target("make_loader")
@hint("shuffle=False must give the samples in their original order, whatever the seed.",
      zh="shuffle=False 时，不管 seed 是多少，都必须按原来的顺序给出样本。")
@title(zh="shuffle=False 的 make_loader：每个 epoch 都按顺序把每个样本给出一次，样本对保持完整")
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
            fail("with shuffle=False the samples came shuffled: pass shuffle=shuffle to the "
                 "DataLoader (don't always shuffle)",
                 zh="shuffle=False 时样本却被打乱了：请把 shuffle=shuffle 传给 DataLoader（不要总是打乱）",
                 evidence=f"{what}, epoch {epoch}: order {got}")
        assert_equal(got, list(range(n)),
                     what=pick(f"order of the samples from {what} in epoch {epoch}",
                               f"{what} 在第 {epoch} 个 epoch 给出的样本顺序"))


@points(1)
@target("make_loader")
@hint("shuffle=True: DataLoader(..., shuffle=True) draws a new random order every epoch; each sample still comes exactly once.",
      zh="shuffle=True：DataLoader(..., shuffle=True) 每个 epoch 都抽取新的随机顺序；每个样本仍然恰好出现一次。")
@title(zh="shuffle=True 的 make_loader：每个 epoch 每个样本恰好出现一次，且每个 epoch 顺序不同")
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
            fail("with shuffle=True the samples still came in order: pass shuffle=shuffle to "
                 "the DataLoader",
                 zh="shuffle=True 时样本仍然是按顺序给出的：请把 shuffle=shuffle 传给 DataLoader",
                 evidence=f"{what}, epoch {epoch}")
        if sorted(got) != list(range(n)):
            missing = sorted(set(range(n)) - set(got))
            if len(set(got)) < len(got):
                why = ("some samples came twice: don't sample with replacement",
                       "有些样本出现了两次：不要有放回地抽样")
            elif len(got) < n:
                why = ("samples are missing: keep the last, smaller batch (no drop_last=True)",
                       "缺少了一些样本：保留最后那个较小的批次（不要 drop_last=True）")
            else:
                why = ("the samples are not the ones given", "给出的样本不是传入的那些")
            fail("with shuffle=True each sample should come exactly once per epoch; " + why[0],
                 zh="shuffle=True 时每个 epoch 每个样本应该恰好出现一次；" + why[1],
                 evidence=f"{what}: {len(got)} of {n} samples in epoch {epoch}, missing {missing}, "
                          f"order {got}")
        epochs.append(got)
    if epochs[0] == epochs[1]:
        fail("the loader gave the same order in two epochs: a DataLoader with shuffle=True "
             "draws a new order each time it is iterated; return the DataLoader itself, not a "
             "list of its batches or a fixed permutation",
             zh="loader 在两个 epoch 中给出了相同的顺序：shuffle=True 的 DataLoader 每次遍历都会"
                "抽取新的顺序；请返回 DataLoader 本身，而不是它的批次列表或一个固定的排列",
             evidence=f"{what}: both epochs {epochs[0]}")


@points(1)
@target("make_loader")
@hint("Make a NEW torch.Generator().manual_seed(seed) inside make_loader for each loader; don't call torch.manual_seed.",
      zh="在 make_loader 内部为每个 loader 新建一个 torch.Generator().manual_seed(seed)；不要调用 torch.manual_seed。")
@title(zh="用相同 seed 创建的两个 loader 给出相同的顺序（且不改动全局随机数状态）")
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
        fail("two loaders made with the same seed gave different orders. Create the generator "
             "inside make_loader: torch.Generator().manual_seed(seed) (a generator shared "
             "between calls, torch.manual_seed, or no generator, gives a new order each time)",
             zh="用相同 seed 创建的两个 loader 给出了不同的顺序。请在 make_loader 内部创建生成器："
                "torch.Generator().manual_seed(seed)（在多次调用之间共用一个生成器、"
                "调用 torch.manual_seed 或不传生成器，每次都会得到新的顺序）",
             evidence=f"{what}, twice:\n  {a}\n  {b}")
    third = _epoch(_make(student, x, y, 4, True, seed), x, y, what)
    if third != a:
        fail("a third loader with the same seed gave yet another order: the order must "
             "depend only on the seed",
             zh="用相同 seed 创建的第三个 loader 又给出了另一种顺序：顺序必须只取决于 seed",
             evidence=f"{what}: {a}, then {third}")
    # A claim: the RNG state as the student's process reports it.
    if not (isinstance(before.value, torch.Tensor) and isinstance(after.value, torch.Tensor)
            and torch.equal(before.value, after.value)):
        claim_fail("your process reports that make_loader changed PyTorch's global random state "
                   "(torch.manual_seed?). Seed a private generator instead: DataLoader(..., "
                   "generator=torch.Generator().manual_seed(seed)); then the order does not "
                   "depend on what else the program draws",
                   zh="你的进程报告 make_loader 改变了 PyTorch 的全局随机数状态（调用了 torch.manual_seed？）。"
                      "请改用专属的生成器：DataLoader(..., generator=torch.Generator().manual_seed(seed))；"
                      "这样顺序就不会受程序中其他随机抽取的影响")


@points(1)
@target("make_loader")
@hint("Use the seed argument: torch.Generator().manual_seed(seed), not a fixed number.",
      zh="使用 seed 参数：torch.Generator().manual_seed(seed)，而不是一个固定的数。")
@title(zh="用不同 seed 创建的 loader 给出不同的顺序")
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
        fail("different seeds all gave the same order: the seed argument is ignored (a fixed "
             "seed inside make_loader?)",
             zh="不同的 seed 都给出了相同的顺序：seed 参数被忽略了（make_loader 里用了固定的种子？）",
             evidence=f"seeds {seeds}, order {orders[0]}")
    if len({tuple(o) for o in orders}) < 3:
        fail("two different seeds gave the same order; each seed should give its own",
             zh="两个不同的 seed 给出了相同的顺序；每个 seed 应该给出各自的顺序",
             evidence=f"seeds {seeds}: orders {orders}")


@points(1)
@target("make_loader")
@hint("DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, generator=torch.Generator().manual_seed(seed))",
      zh="DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, generator=torch.Generator().manual_seed(seed))")
@title(zh="两个 epoch 的打乱顺序与 generator=torch.Generator().manual_seed(seed) 的 DataLoader 给出的一致")
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
            fail("the loader gave the right order in its first epoch but not in the second: "
                 "return the DataLoader itself, and let it draw each epoch's order from its "
                 "generator",
                 zh="loader 第一个 epoch 的顺序正确，第二个却不对：请返回 DataLoader 本身，"
                    "让它每个 epoch 都用自己的生成器抽取顺序",
                 evidence=f"{what}, epoch 2: {got[1]}; DataLoader(dataset, batch_size={bs}, "
                          f"shuffle=True, generator=torch.Generator().manual_seed({seed})) gives "
                          f"{accepted[0][1]}")
        fail("the shuffled order is not the one a DataLoader with generator=torch.Generator()"
             ".manual_seed(seed) draws: seed a new torch.Generator with the seed and pass it as "
             "generator=",
             zh="打乱后的顺序与 generator=torch.Generator().manual_seed(seed) 的 DataLoader 给出的不一致："
                "请用 seed 初始化一个新的 torch.Generator，并作为 generator= 传入",
             evidence=f"{what}: {got[0]}; DataLoader(dataset, batch_size={bs}, shuffle=True, "
                      f"generator=torch.Generator().manual_seed({seed})) gives {accepted[0][0]}")
