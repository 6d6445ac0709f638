"""Hidden checks for puzzles 12-21: compress, pad_to, sequence_mask, bincount,
scatter_add, flatten, linspace, heaviside, repeat, bucketize.

Every expected value is computed here with plain torch (loops are fine in a
check); integer inputs are int64 like in the original puzzles. A diagnosis
names the mistake without the inputs; the call and the values are evidence.
"""
import torch

from grader.checks import fail, hint, points, target, title
from support_puzzles import evidence, expect, show

I64 = torch.int64


def _nonzero_ints(case, n):
    """Values in -9..9 without 0, so padding zeros cannot hide a mistake."""
    v = case.randint(1, 10, n)
    sign = case.randint(0, 2, n) * 2 - 1
    return v * sign


# ------------------------------------------------------------ 12. compress

def _compress_expected(g, v):
    out = torch.zeros_like(v)
    kept = v[g]
    out[: kept.shape[0]] = kept
    return out


def _compress_call(student, g, v):
    n = v.shape[0]
    out = student.compress(g, v, n)
    expected = _compress_expected(g, v)
    shifted = torch.zeros_like(v)
    kept = v[g]
    if kept.shape[0] < n:
        shifted[1: kept.shape[0] + 1] = kept
    expect(out, expected, call=f"compress(g={show(g)}, v={show(v)}, {n})",
           name="compress(g, v, i)", inputs=(g, v), mistakes=[
               (torch.where(g, v, 0),
                "the dropped entries are zeroed, but the kept ones must also move to the "
                "FRONT (left-aligned), in order, followed by zeros",
                "你把去掉的元素置成了 0，但保留下来的元素还必须按原顺序移到最前面（左对齐），"
                "后面再补 0"),
               (shifted,
                "the kept values start one place too late (at position 1, not 0): cumsum "
                "counts 1 for the first kept entry, so its position is cumsum(...) - 1",
                "保留下来的值晚了一位才开始（从位置 1 而不是 0 开始）：cumsum 在第一个保留的"
                "元素处数到 1，所以它的位置是 cumsum(...) - 1"),
           ])


@target("compress")
@points(1)
@title(zh="compress(g, v, i)：随机的掩码")
@hint("The k-th kept entry (counting from 0) goes to position cumsum(1 * g)[k] - 1. "
      "Build an (i, i) 0/1 matrix that sends each kept v[r] to its position and use @.",
      zh="第 k 个保留的元素（从 0 开始数）要放到位置 cumsum(1 * g)[k] - 1。构造一个 (i, i) 的 "
         "0/1 矩阵，把每个保留的 v[r] 送到它的位置上，再用 @。")
def check_compress_random(student, case):
    """compress(g, v, i) with random masks"""
    for n in (case.size("i"), case.size("j"), 4):
        v = _nonzero_ints(case, n)
        g = case.randint(0, 2, n) == 1
        g[0] = False                               # at least one dropped entry ...
        g[-1] = True                               # ... and one kept one
        _compress_call(student, g, v)


@target("compress")
@points(1)
@title(zh="compress：什么都不保留、全部保留，以及长度为 1")
@hint("Check the corners: nothing kept gives all zeros, everything kept gives v back, "
      "and a vector of length 1 must work too.",
      zh="检查边界情况：什么都不保留时全是 0，全部保留时结果就是 v，长度为 1 的向量也必须能处理。")
def check_compress_edges(student, case):
    """compress with nothing kept, everything kept, and length 1"""
    n = case.size("i")
    v = _nonzero_ints(case, n)
    _compress_call(student, torch.zeros(n, dtype=torch.bool), v)
    _compress_call(student, torch.ones(n, dtype=torch.bool), v)
    one = _nonzero_ints(case, 1)
    _compress_call(student, torch.tensor([True]), one)
    _compress_call(student, torch.tensor([False]), one)


# -------------------------------------------------------------- 13. pad_to

def _pad_to_call(student, a, j):
    i = a.shape[0]
    out = student.pad_to(a, i, j)
    expected = torch.zeros(j, dtype=a.dtype)
    m = min(i, j)
    expected[:m] = a[:m]
    expect(out, expected, call=f"pad_to({show(a)}, {i}, {j})", name="pad_to(a, i, j)",
           inputs=(a,))


@target("pad_to")
@points(1)
@title(zh="pad_to(a, i, j)：j >= i 时在末尾补 0（包括空的 a）")
@hint("a[arange(j)] alone fails when j > i (there is no a[i]). An (i, j) 0/1 matrix with a 1 "
      "where row == column copies a into the first min(i, j) places and leaves 0 elsewhere.",
      zh="j > i 时只写 a[arange(j)] 会出错（不存在 a[i]）。一个 (i, j) 的 0/1 矩阵，在行号 == 列号"
         "处为 1，就能把 a 复制到前 min(i, j) 个位置，其余位置保持 0。")
def check_pad_to_longer(student, case):
    """pad_to(a, i, j) with j >= i adds zeros at the end (an empty a included)"""
    i = case.size("i")
    for j in (i + 3, i + 1, i):
        _pad_to_call(student, _nonzero_ints(case, i), j)
    _pad_to_call(student, torch.zeros(0, dtype=I64), 3)


@target("pad_to")
@points(1)
@title(zh="pad_to(a, i, j)：j < i 时只保留前 j 个元素（包括 j = 0）")
@hint("When j < i, pad_to keeps only the first j entries of a (and j = 0 gives an empty vector).",
      zh="j < i 时，pad_to 只保留 a 的前 j 个元素（j = 0 时得到空向量）。")
def check_pad_to_shorter(student, case):
    """pad_to(a, i, j) with j < i keeps the first j entries (j = 0 included)"""
    i = case.size("i")
    for j in (i - 1, 1, 0):
        _pad_to_call(student, _nonzero_ints(case, i), j)


# ------------------------------------------------------- 14. sequence_mask

def _mask_call(student, values, length):
    j = values.shape[1]
    out = student.sequence_mask(values, length)
    cols = torch.arange(j)
    expected = torch.where(cols[None, :] < length[:, None], values, 0)
    expect(out, expected, call=f"sequence_mask({show(values)}, length={show(length)})",
           name="sequence_mask(values, length)", inputs=(values, length), mistakes=[
               (torch.where(cols[None, :] <= length[:, None], values, 0),
                "off by one: keep the columns c < length[r] (a row with length 2 keeps "
                "columns 0 and 1), not c <= length[r]",
                "差了一位：应保留 c < length[r] 的列（长度为 2 的行保留第 0 和第 1 列），"
                "而不是 c <= length[r]"),
               (torch.where(cols[None, :] >= length[:, None], values, 0),
                "the mask is inverted: keep the FIRST length[r] entries of row r, zero the rest",
                "掩码反了：应保留第 r 行的前 length[r] 个元素，把其余的置 0"),
           ])


@target("sequence_mask")
@points(1)
@title(zh="sequence_mask：随机的值和长度")
@hint("Compare a row of column indices with a column of lengths: "
      "arange(j) < length[:, None] has shape (i, j); then where(mask, values, 0).",
      zh="把一行列号和一列长度作比较：arange(j) < length[:, None] 的形状是 (i, j)；"
         "然后 where(mask, values, 0)。")
def check_sequence_mask_random(student, case):
    """sequence_mask with random values and lengths"""
    i, j = case.size("i"), case.size("j")
    values = _nonzero_ints(case, i * j).reshape(i, j)
    length = case.randint(0, j + 1, i)
    length[0], length[-1] = 1, j - 1
    _mask_call(student, values, length)


@target("sequence_mask")
@points(1)
@title(zh="sequence_mask：长度为 0 和 j，以及只有一行或一列")
@hint("length[r] can be 0 (nothing kept) or j (the whole row kept).",
      zh="length[r] 可以是 0（什么都不保留），也可以是 j（整行保留）。")
def check_sequence_mask_edges(student, case):
    """sequence_mask with lengths 0 and j, and with a single row or column"""
    i, j = case.size("i"), case.size("j")
    values = _nonzero_ints(case, i * j).reshape(i, j)
    _mask_call(student, values, torch.zeros(i, dtype=I64))
    _mask_call(student, values, torch.full((i,), j, dtype=I64))
    _mask_call(student, values[:1].clone(), torch.tensor([j // 2]))
    _mask_call(student, values[:, :1].contiguous(), case.randint(0, 2, i))


# ------------------------------------------------------------ 15. bincount

def _bincount_call(student, a, j):
    out = student.bincount(a, j)
    expected = torch.bincount(a, minlength=j)
    expect(out, expected, call=f"bincount({show(a)}, {j})", name="bincount(a, j)", inputs=(a,),
           mistakes=[
               (torch.ones(j, dtype=I64) * a.shape[0],
                "every bin got len(a): compare each entry of a with each bin index, "
                "a[:, None] == arange(j)",
                "每个桶都等于 len(a)：要把 a 的每个元素和每个桶的编号比较，a[:, None] == arange(j)"),
           ])


@target("bincount")
@points(1)
@title(zh="bincount(a, j)：0..j-1 之间的随机值")
@hint("a[:, None] == arange(j) is an (i, j) table with one True per row; "
      "count the Trues of each column with ones(i) @ ...",
      zh="a[:, None] == arange(j) 是一张 (i, j) 的表，每行恰好一个 True；"
         "用 ones(i) @ ... 数出每一列有几个 True。")
def check_bincount_random(student, case):
    """bincount(a, j) of random values in 0..j-1"""
    j = case.size("j")
    for n in (case.size("i"), 1, 12):
        _bincount_call(student, case.randint(0, j, n), j)


@target("bincount")
@points(1)
@title(zh="bincount：空的 a、重复的值，以及最后几个桶没有用到")
@hint("The result always has length j, even when a is empty or some bins are never hit.",
      zh="结果的长度总是 j，即使 a 是空的，或者有些桶一次也没用到。")
def check_bincount_edges(student, case):
    """bincount with an empty a, a repeated value, and unused last bins"""
    j = case.size("j")
    _bincount_call(student, torch.zeros(0, dtype=I64), j)
    _bincount_call(student, torch.full((5,), j - 1, dtype=I64), j)
    _bincount_call(student, torch.tensor([0, 1, 0, 1]), j)


# --------------------------------------------------------- 16. scatter_add

def _scatter_call(student, values, link, j):
    out = student.scatter_add(values, link, j)
    expected = torch.zeros(j, dtype=values.dtype).index_add(0, link, values)
    expect(out, expected, call=f"scatter_add({show(values)}, {show(link)}, {j})",
           name="scatter_add(values, link, j)", inputs=(values, link), mistakes=[
               (torch.bincount(link, minlength=j),
                "it COUNTS how many values link to each place; scatter_add ADDS the values "
                "themselves",
                "它数的是有多少个值链接到每个位置；scatter_add 要把这些值本身加起来"),
           ])


@target("scatter_add")
@points(1)
@title(zh="scatter_add：随机的值和链接")
@hint("Like bincount, but weight each match by its value: values @ (an (i, j) 0/1 table "
      "of link[:, None] == arange(j)).",
      zh="和 bincount 类似，但每次匹配都要乘上它的值：values @（由 link[:, None] == arange(j) "
         "得到的 (i, j) 0/1 表）。")
def check_scatter_add_random(student, case):
    """scatter_add with random values and links"""
    j = case.size("j")
    for n in (case.size("i"), 1, 11):
        values = _nonzero_ints(case, n)
        values[0] = 7                              # never equal to a count of 1
        _scatter_call(student, values, case.randint(0, j, n), j)


@target("scatter_add")
@points(1)
@title(zh="scatter_add：没有值（空向量），以及所有值都链接到同一个位置")
@hint("The result always has length j; bins nothing links to stay 0.",
      zh="结果的长度总是 j；没有任何值链接到的桶保持为 0。")
def check_scatter_add_edges(student, case):
    """scatter_add with no values (empty vectors), and with everything linked to one place"""
    j = case.size("j")
    _scatter_call(student, torch.zeros(0, dtype=I64), torch.zeros(0, dtype=I64), j)
    values = _nonzero_ints(case, 6)
    values[0] = 9
    _scatter_call(student, values, torch.full((6,), j - 1, dtype=I64), j)


# ------------------------------------------------------------- 17. flatten

@target("flatten")
@points(1)
@title(zh="flatten(a, i, j)：随机矩阵（行数和列数不同）")
@hint("Entry k of the result is a[k // j, k % j]: index with two index vectors built "
      "from arange(i * j).",
      zh="结果的第 k 个元素是 a[k // j, k % j]：用由 arange(i * j) 得到的两个下标向量来索引。")
def check_flatten_random(student, case):
    """flatten(a, i, j) of random matrices (different row and column counts)"""
    i, j = case.size("i"), case.size("j")
    for r, c in ((i, j), (1, j), (i, 1)):
        a = case.randperm(r * c).reshape(r, c) + 1
        out = student.flatten(a, r, c)
        expect(out, a.reshape(-1), call=f"flatten({show(a)}, {r}, {c})", name="flatten(a, i, j)",
               inputs=(a,), mistakes=[
                   (a.T.reshape(-1),
                    "it reads the matrix column by column; flatten goes row by row: "
                    "out[k] = a[k // j, k % j]",
                    "它是按列读取矩阵的；flatten 要按行读取：out[k] = a[k // j, k % j]"),
               ])


# ------------------------------------------------------------ 18. linspace

def _linspace_expected(i, j, n):
    k = torch.arange(n, dtype=torch.float64)
    out = i.double() + (j.double() - i.double()) * k / max(1, n - 1)
    return out.to(i.dtype)


def _linspace_call(student, i, j, n):
    out = student.linspace(i, j, n)
    expected = _linspace_expected(i, j, n)
    call = f"linspace({show(i)}, {show(j)}, {n})"
    if isinstance(out, torch.Tensor) and out.is_floating_point() and out.numel() and not bool(
        torch.isfinite(out).all()
    ):
        if n == 1:
            fail("your linspace(i, j, n) gives nan or inf for a single point: there n - 1 is "
                 "0, so divide by max(1, n - 1)",
                 zh="只有一个点时，你的 linspace(i, j, n) 得到了 nan 或 inf：这时 n - 1 等于 0，"
                    "所以要除以 max(1, n - 1)",
                 evidence=evidence(call, expected, out))
        fail("your linspace(i, j, n) contains nan or inf",
             zh="你的 linspace(i, j, n) 结果里有 nan 或 inf",
             evidence=evidence(call, expected, out))
    if n >= 2:
        by_n = (i.double() + (j.double() - i.double()) * torch.arange(n, dtype=torch.float64) / n)
        if (
            isinstance(out, torch.Tensor)
            and out.shape == expected.shape
            and torch.allclose(out.double(), by_n, atol=1e-5)
            and not torch.allclose(out.double(), expected.double(), atol=1e-5)
        ):
            fail("your linspace(i, j, n) divides by n: its last value falls short of j. There "
                 "are n - 1 gaps between n points: divide by n - 1",
                 zh="你的 linspace(i, j, n) 除以的是 n，所以最后一个值到不了 j。n 个点之间有 "
                    "n - 1 个间隔：要除以 n - 1",
                 evidence=evidence(call, expected, out))
    expect(out, expected, call=call, name="linspace(i, j, n)", inputs=(i, j))


@target("linspace")
@points(1)
@title(zh="linspace(i, j, n)：随机的 float32 端点")
@hint("i + (j - i) * arange(n) / max(1, n - 1): the k-th point is k steps of size "
      "(j - i) / (n - 1) away from i.",
      zh="i + (j - i) * arange(n) / max(1, n - 1)：第 k 个点距离 i 有 k 步，每步的大小是 "
         "(j - i) / (n - 1)。")
def check_linspace_random(student, case):
    """linspace(i, j, n) between random float32 end points"""
    for n in (case.size("n"), 2, case.size("m")):
        ends = case.randn(2) * 5
        _linspace_call(student, ends[:1].clone(), ends[1:].clone(), n)


@target("linspace")
@points(1)
@title(zh="linspace：n = 1、n = 0、两个端点相等，以及 float64 端点")
@hint("For n = 1 the answer is just [i] (divide by max(1, n - 1)); for n = 0 it is empty. "
      "The dtype follows i and j, so float64 ends give a float64 result.",
      zh="n = 1 时答案就是 [i]（除以 max(1, n - 1)）；n = 0 时是空的。dtype 跟随 i 和 j，"
         "所以 float64 端点得到 float64 结果。")
def check_linspace_edges(student, case):
    """linspace with n = 1, n = 0, equal end points, and float64 end points"""
    ends = case.randn(2) * 5
    i, j = ends[:1].clone(), ends[1:].clone()
    _linspace_call(student, i, j, 1)
    _linspace_call(student, i, j, 0)
    _linspace_call(student, i, i.clone(), 4)
    _linspace_call(student, i.double(), j.double(), case.size("n"))


# ----------------------------------------------------------- 19. heaviside

@target("heaviside")
@points(1)
@title(zh="heaviside(a, b)：a 里有负数、零和正数")
@hint("Two cases: where a == 0 take b, elsewhere take 1 * (a > 0): "
      "where(a == 0, b, 1 * (a > 0)).",
      zh="分两种情况：a == 0 处取 b，其他地方取 1 * (a > 0)：where(a == 0, b, 1 * (a > 0))。")
def check_heaviside_random(student, case):
    """heaviside(a, b) with negative, zero and positive entries in a"""
    for n in (case.size("i"), case.size("j")):
        a = case.randint(-3, 4, n)
        a[0], a[1] = 0, -2                         # make sure every case appears
        b = case.randint(2, 10, n)
        out = student.heaviside(a, b)
        expected = torch.where(a == 0, b, (a > 0).to(I64))
        expect(out, expected, call=f"heaviside(a={show(a)}, b={show(b)})",
               name="heaviside(a, b)", inputs=(a, b), mistakes=[
                   ((a > 0).to(I64), "where a == 0 the answer must be b (you gave 0)",
                    "a == 0 处的结果应该是 b（你给的是 0）"),
                   ((a >= 0).to(I64), "where a == 0 the answer must be b (you gave 1)",
                    "a == 0 处的结果应该是 b（你给的是 1）"),
                   (torch.where(a == 0, b, torch.sign(a)),
                    "where a < 0 the answer is 0, not -1",
                    "a < 0 处的结果是 0，不是 -1"),
                   (torch.where(a > 0, 1, b),
                    "only where a == 0 is the answer b; where a < 0 it is 0",
                    "只有 a == 0 处的结果才是 b；a < 0 处是 0"),
                   (torch.where(a == 0, b, 1),
                    "where a < 0 the answer is 0 (you gave 1): use 1 * (a > 0) for the "
                    "entries that are not 0",
                    "a < 0 处的结果是 0（你给的是 1）：不为 0 的元素用 1 * (a > 0)"),
               ])


# -------------------------------------------------------------- 20. repeat

@target("repeat")
@points(1)
@title(zh="repeat(a, d)：随机的 a，d 取 0、1、2 和更大的值")
@hint("A column of d ones times a row a: ones(d)[:, None] @ a[None, :] has shape (d, i).",
      zh="一列 d 个 1 乘以一行 a：ones(d)[:, None] @ a[None, :] 的形状是 (d, i)。")
def check_repeat_random(student, case):
    """repeat(a, d) for random a and d = 0, 1, 2 and more"""
    i = case.size("i")
    for d in (case.size("d"), 1, 2, 0):
        a = _nonzero_ints(case, i)
        out = student.repeat(a, d)
        expected = a[None, :].expand(d, i).clone()
        expect(out, expected, call=f"repeat({show(a)}, {d})", name="repeat(a, d)", inputs=(a,),
               mistakes=[
                   (expected.T, "a is repeated as COLUMNS (shape (i, d)); every ROW must be a "
                                "copy of a, shape (d, i)",
                    "a 被重复成了若干列（形状 (i, d)）；应该是每一行都是 a 的拷贝，形状 (d, i)"),
               ])


# ----------------------------------------------------------- 21. bucketize

def _bucketize_call(student, v, boundaries):
    out = student.bucketize(v, boundaries)
    expected = (v[:, None] >= boundaries[None, :]).to(I64).sum(1)
    strict = (v[:, None] > boundaries[None, :]).to(I64).sum(1)
    expect(out, expected, call=f"bucketize({show(v)}, boundaries={show(boundaries)})",
           name="bucketize(v, boundaries)", inputs=(v, boundaries), mistakes=[
               (strict, "a value equal to a boundary belongs to the bucket on its RIGHT: count "
                        "the boundaries b with b <= v (>=, not >)",
                "等于某个边界的值属于它右边的桶：要数满足 b <= v 的边界 b（用 >=，不是 >）"),
           ])


def _sorted_boundaries(case, j):
    return torch.sort(case.randperm(19)[:j] - 9).values


@target("bucketize")
@points(1)
@title(zh="bucketize：随机的值和随机的有序边界")
@hint("out[k] is how many boundaries are <= v[k]: compare v[:, None] >= boundaries, "
      "make it 0/1, and count each row with @ ones(j).",
      zh="out[k] 是 <= v[k] 的边界个数：比较 v[:, None] >= boundaries，变成 0/1，"
         "再用 @ ones(j) 数出每一行。")
def check_bucketize_random(student, case):
    """bucketize of random values with random sorted boundaries"""
    for n, j in ((case.size("i"), case.size("j")), (1, 1), (case.size("k"), 2)):
        _bucketize_call(student, case.randint(-11, 12, n), _sorted_boundaries(case, j))


@target("bucketize")
@points(1)
@title(zh="bucketize：值等于边界、比所有边界都小、比所有边界都大")
@hint("Values below every boundary go to bucket 0, values >= the last boundary to bucket j, "
      "and a value equal to a boundary goes to the right of it.",
      zh="比所有边界都小的值进 0 号桶，>= 最后一个边界的值进 j 号桶，等于某个边界的值归入它右边的桶。")
def check_bucketize_edges(student, case):
    """bucketize with values equal to the boundaries, below all and above all"""
    b = _sorted_boundaries(case, case.size("j"))
    _bucketize_call(student, b.clone(), b)
    _bucketize_call(student, torch.cat([b[:1] - 5, b[-1:] + 5, b[-1:]]), b)
