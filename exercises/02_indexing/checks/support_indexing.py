"""Helpers of exercise 02's checks: each names the mistakes it can prove.

A diagnosis says what kind of mistake it is and never quotes the inputs (the
same words whatever the inputs); the inputs and values go to the evidence,
which a hidden check withholds.
"""
import torch
from grader.checks import assert_tensor, fail, StudentError


def _shapes(got, want) -> str:
    return f"shape {tuple(got.shape)}, expected {tuple(want)}"


def expect_last_column(student, x):
    n, m = x.shape
    expected = x[:, m - 1] if m else x.new_zeros(n)
    evidence = f"x: shape {tuple(x.shape)}, dtype {x.dtype}"
    try:
        got = student.last_column(x)
    except StudentError as e:
        if "out of bounds" in str(e) and n > m:
            fail("your code indexed past the last column of a tensor with more rows than columns: "
                 "len(x) counts the rows, not the columns (the number of columns is the last size "
                 "in x.shape). A negative index counts from the end and needs neither.",
                 zh="对一个行数多于列数的张量，你的代码索引越过了最后一列：len(x) 数的是行数，"
                    "不是列数（列数是 x.shape 的最后一个值）。负数下标从末尾开始数，两者都用不着。",
                 evidence=evidence + "\n" + e.evidence())
        raise
    if isinstance(got, torch.Tensor) and n != m and n and m:
        if got.shape == x[-1].shape and torch.equal(got, x[-1]):
            fail("you returned the last row, x[-1]; the last column is x[:, -1] (all rows, last "
                 "column).",
                 zh="你返回的是最后一行 x[-1]；最后一列是 x[:, -1]（所有行，最后一列）。",
                 evidence=evidence)
        if got.shape == (n, 1) and torch.equal(got[:, 0], expected):
            fail("your result is the last column but keeps the column axis: a slice like "
                 "x[:, -1:] keeps it, an integer index (x[:, -1]) drops it.",
                 zh="你的结果是最后一列，但保留了列这一维：x[:, -1:] 这样的切片会保留这一维，"
                    "整数索引（x[:, -1]）则会去掉它。",
                 evidence=evidence + "\n" + _shapes(got, (n,)))
        if n < m and got.shape == (n,) and torch.equal(got, x[:, n - 1]) and \
                not torch.equal(got, expected):
            fail("you returned the column whose index is the number of rows minus one, not the "
                 "last column: len(x) counts the rows; the number of columns is the last size in "
                 "x.shape.",
                 zh="你返回的是下标为“行数减一”的那一列，而不是最后一列：len(x) 数的是行数，"
                    "列数是 x.shape 的最后一个值。",
                 evidence=evidence + f"\nyou returned column {n - 1}, the last one is {m - 1}")
    assert_tensor(got, expected, inputs=(x,))


def expect_selected_rows(student, x, mask):
    n, d = x.shape
    expected = x[mask]
    k = int(mask.sum())
    evidence = f"x: shape {tuple(x.shape)}, mask with {k} True of {n}"
    try:
        got = student.select_rows(x, mask)
    except StudentError as e:
        if "shape of the mask" in str(e) and n != d:
            fail("your code raised an IndexError about the mask's shape: the mask has one entry "
                 "per row, so it indexes the first dimension: x[mask], not x[:, mask].",
                 zh="你的代码抛出了与掩码形状有关的 IndexError：掩码每行对应一个元素，所以它索引的"
                    "是第一维：应写 x[mask]，而不是 x[:, mask]。",
                 evidence=evidence + "\n" + e.evidence())
        raise
    if isinstance(got, torch.Tensor) and tuple(got.shape) != (k, d):
        shape = tuple(got.shape)
        evidence += "\n" + _shapes(got, (k, d))
        if shape == (n, d) and k != n:
            if torch.equal(got, x * mask[:, None]):
                fail("you zeroed the unselected rows instead of removing them: x[mask] keeps only "
                     "the rows where mask is True.",
                     zh="你把没选中的行置成了零，而不是把它们去掉：x[mask] 只保留 mask 为 True "
                        "的那些行。",
                     evidence=evidence)
            if torch.equal(got, x[mask.long()]):
                fail("your result is what indexing with mask.long() gives: an integer mask reads "
                     "True/False as the row numbers one and zero. Index with the bool mask itself: "
                     "x[mask].",
                     zh="你的结果正是用 mask.long() 索引得到的：整数掩码会把 True/False 当成"
                        "行号一和零。请直接用布尔掩码索引：x[mask]。",
                     evidence=evidence)
        if k == 1 and shape == (d,) and torch.equal(got, expected[0]):
            fail("with exactly one True in the mask your result lost its row axis: the result "
                 "must stay two-dimensional (.squeeze() on the indices drops that axis; x[mask] "
                 "does not).",
                 zh="当掩码里恰好只有一个 True 时，你的结果丢掉了行这一维：结果必须保持二维。"
                    "（对下标用 .squeeze() 会去掉这一维；x[mask] 不会。）",
                 evidence=evidence)
        if shape == (k * d,) and torch.equal(got, expected.flatten()):
            fail("your result holds the right values but flattened, as torch.masked_select "
                 "gives them: x[mask] keeps whole rows.",
                 zh="你的结果值是对的，但被展平成了一维，就像 torch.masked_select 的结果："
                    "x[mask] 会保留整行。",
                 evidence=evidence)
        if shape == (k, 1, d) and torch.equal(got, expected[:, None]):
            fail("your result has an extra axis, as indexing with mask.nonzero() gives (its shape "
                 "is (k, 1)). Index with the bool mask itself: x[mask].",
                 zh="你的结果多了一维，就像用 mask.nonzero() 索引得到的那样（它的形状是 (k, 1)）。"
                    "请直接用布尔掩码索引：x[mask]。",
                 evidence=evidence)
    assert_tensor(got, expected, inputs=(x, mask))


def expected_diagonal(x, v):
    n = x.shape[0]
    eye = torch.eye(n, dtype=torch.bool)
    if isinstance(v, torch.Tensor):
        fill = v.to(x.dtype)[None, :].expand(n, n)   # column j holds v[j]; [i, i] is v[i]
    else:
        fill = torch.full((n, n), v, dtype=x.dtype)
    return torch.where(eye, fill, x)


def expect_diagonal(student, x, v):
    expected = expected_diagonal(x, v)
    inputs = (x, v) if isinstance(v, torch.Tensor) else (x,)
    evidence = f"x: shape {tuple(x.shape)}, dtype {x.dtype}; v: " + (
        f"a tensor of shape {tuple(v.shape)}" if isinstance(v, torch.Tensor) else repr(v))
    try:
        got = student.with_diagonal(x, v)
    except StudentError as e:
        if isinstance(v, torch.Tensor) and "fill_value" in str(e):
            fail("when v is a tensor your code raised an error about fill_value: fill_diagonal_ "
                 "takes only a number. Assign into the diagonal instead: y.diagonal()[:] = v.",
                 zh="v 是张量时，你的代码抛出了与 fill_value 有关的错误：fill_diagonal_ 只接受"
                    "一个数。请改为给对角线赋值：y.diagonal()[:] = v。",
                 evidence=evidence + "\n" + e.evidence())
        raise
    if isinstance(got, torch.Tensor) and got.dim() == 1 and \
            got.shape == expected.diagonal().shape and \
            torch.allclose(got.double(), expected.diagonal().double(), equal_nan=True):
        fail("you returned the new diagonal itself: set the diagonal of a copy y, then return "
             "the whole matrix y.",
             zh="你返回的是新的对角线本身：应在副本 y 上设置对角线，然后返回整个矩阵 y。",
             evidence=evidence + "\n" + _shapes(got, x.shape))
    if isinstance(got, torch.Tensor) and got.shape == expected.shape and got.dtype == x.dtype \
            and x.numel():
        diag = got.diagonal()
        if torch.isnan(diag).any() and not torch.isnan(expected.diagonal()).any() \
                and not torch.isfinite(x.diagonal()).all():
            fail("where x had inf or nan on its diagonal your result has nan: arithmetic cannot "
                 "erase them (zero times inf and inf minus inf are nan): neither a mask of zeros "
                 "and ones nor subtracting the old diagonal works. Assign: y.diagonal()[:] = v.",
                 zh="x 的对角线上是 inf 或 nan 的位置，你的结果是 nan：算术运算消除不了它们"
                    "（零乘 inf、inf 减 inf 都是 nan）：乘以由零和一组成的掩码、减去原来的对角线"
                    "都行不通。请直接赋值：y.diagonal()[:] = v。",
                 evidence=evidence)
        off = ~torch.eye(x.shape[0], dtype=torch.bool)
        if torch.equal(got[~off], expected[~off]) and not torch.equal(got[off], x[off]) \
                and torch.isfinite(x).all():
            fail("your diagonal is right but other elements changed: only the diagonal may "
                 "differ from x.",
                 zh="你的对角线是对的，但其他元素也变了：只有对角线可以和 x 不同。",
                 evidence=evidence)
        if torch.isfinite(x).all() and torch.allclose(got, x + expected_diagonal(torch.zeros_like(x), v)):
            fail("you added v to the diagonal; the diagonal must be replaced by v (whatever was "
                 "there before).",
                 zh="你把 v 加到了对角线上；对角线应该被替换成 v（不管原来是什么）。",
                 evidence=evidence)
    assert_tensor(got, expected, inputs=inputs)
    return got
