"""Visible checks for 13_data: the worked examples from the instructions."""
import torch

from grader.checks import assert_equal, assert_tensor, fail, hint, points, target, title
from grader.i18n import pick
from support_pairs import batches, claim_len, count_items


@points(1)
@target("PairsDataset")
@hint("__len__ returns len(self.x); __getitem__(i) returns (self.x[i], self.y[i]).",
      zh="__len__ 返回 len(self.x)；__getitem__(i) 返回 (self.x[i], self.y[i])。")
@title(zh="5 个样本对的 PairsDataset：第 1 项是 (x[1], y[1])，DataLoader 能读出全部 5 项")
def check_pairs_dataset_worked_example(student):
    """PairsDataset of 5 pairs: item 1 is (x[1], y[1]) and a DataLoader reads all 5"""
    x = torch.arange(10.0).reshape(5, 2)
    y = torch.tensor([0, 1, 0, 1, 1])
    ds = student.PairsDataset(x, y)
    item = ds[1]
    if not isinstance(item, (tuple, list)) or len(item) != 2:
        fail("ds[i] should be the pair (x[i], y[i])",
             zh="ds[i] 应该是样本对 (x[i], y[i])", evidence=f"ds[1] is {item!r}")
    assert_tensor(item[0], x[1], name="ds[1][0]", device=None)
    assert_tensor(item[1], y[1], name="ds[1][1]", device=None)
    # A DataLoader asks len(ds), then reads ds[0], ds[1], ...: all 5 pairs, in order.
    got = count_items(student, ds, x, "PairsDataset(x, y) of 5 pairs")
    for i, (xb, yb) in enumerate(got):
        assert_tensor(xb, x[i:i + 1], device=None,
                      name=pick(f"x of item {i} read by a DataLoader", f"DataLoader 读出的第 {i} 项的 x"))
        assert_tensor(yb, y[i:i + 1], device=None,
                      name=pick(f"y of item {i} read by a DataLoader", f"DataLoader 读出的第 {i} 项的 y"))
    claim_len(ds, 5, "PairsDataset(x, y)")


@points(1)
@target("make_loader")
@hint("DataLoader(PairsDataset(x, y), batch_size=batch_size, shuffle=shuffle, generator=torch.Generator().manual_seed(seed))",
      zh="DataLoader(PairsDataset(x, y), batch_size=batch_size, shuffle=shuffle, generator=torch.Generator().manual_seed(seed))")
@title(zh="make_loader 处理 10 个样本对，batch_size=4，不打乱：按顺序给出 4、4、2 个样本的批次")
def check_make_loader_worked_example(student):
    """make_loader on 10 pairs, batch_size=4, no shuffle: batches of 4, 4, 2 in order"""
    x = torch.arange(20.0).reshape(10, 2)
    y = torch.arange(10)
    loader = student.make_loader(x, y, 4, False, 0)
    got = batches(loader, "make_loader(x, y, 4, False, 0)", 10)
    assert_equal([len(b[1]) for b in got], [4, 4, 2],
                 what=pick("batch sizes (10 samples, batch_size=4)", "批次大小（10 个样本，batch_size=4）"))
    for b, (xb, yb) in enumerate(got):
        assert_tensor(xb, x[4 * b:4 * b + 4], device=None,
                      name=pick(f"x of batch {b}", f"第 {b} 个批次的 x"))
        assert_tensor(yb, y[4 * b:4 * b + 4], device=None,
                      name=pick(f"y of batch {b}", f"第 {b} 个批次的 y"))
