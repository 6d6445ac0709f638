"""Visible checks for 13_data: the worked examples from the instructions."""
import torch

from grader.checks import assert_equal, assert_tensor, fail, hint, points, target


@points(1)
@target("PairsDataset")
@hint("__len__ returns len(self.x); __getitem__(i) returns (self.x[i], self.y[i]).")
def check_pairs_dataset_worked_example(student):
    """PairsDataset of 5 pairs: len() is 5 and item 1 is (x[1], y[1])"""
    x = torch.arange(10.0).reshape(5, 2)
    y = torch.tensor([0, 1, 0, 1, 1])
    ds = student.PairsDataset(x, y)
    assert_equal(len(ds), 5, what="len(PairsDataset(x, y)) for 5 pairs")
    item = ds[1]
    if not isinstance(item, (tuple, list)) or len(item) != 2:
        fail(f"ds[1] should be the pair (x[1], y[1]), but it is {item!r}")
    assert_tensor(item[0], x[1], name="ds[1][0]", device=None)
    assert_tensor(item[1], y[1], name="ds[1][1]", device=None)


@points(1)
@target("make_loader")
@hint("DataLoader(PairsDataset(x, y), batch_size=batch_size, shuffle=shuffle, generator=torch.Generator().manual_seed(seed))")
def check_make_loader_worked_example(student):
    """make_loader on 10 pairs, batch_size=4, no shuffle: batches of 4, 4, 2 in order"""
    x = torch.arange(20.0).reshape(10, 2)
    y = torch.arange(10)
    loader = student.make_loader(x, y, 4, False, 0)
    batches = list(loader)
    sizes = [len(b[1]) if isinstance(b, (list, tuple)) and len(b) == 2 else None for b in batches]
    if None in sizes:
        fail(f"each batch should be a pair [x_batch, y_batch], but the first one is {batches[0]!r}")
    assert_equal(sizes, [4, 4, 2], what="batch sizes (10 samples, batch_size=4)")
    assert_tensor(batches[2][0], x[8:], name="x of the last batch", device=None)
    assert_tensor(batches[2][1], y[8:], name="y of the last batch", device=None)
