"""Hidden checks for puzzles 1-11: ones, sum, outer, diag, eye, triu, cumsum,
diff, vstack, roll, flip.

Every expected value is computed here with plain torch; the inputs are int64
(whole numbers), like in the original puzzles. A diagnosis names the mistake
without the inputs; the call and the values are evidence.
"""
import torch

from grader.checks import fail, hint, points, target, title
from support_puzzles import evidence, expect, same, show

I64 = torch.int64


def _ints(case, n, low=-9, high=10):
    return case.randint(low, high, n)


# ---------------------------------------------------------------- 1. ones

@target("ones")
@points(1)
@title(zh="ones(i)：几种长度，包括空的情况 i = 0")
@hint("ones(i) is int64 with shape (i,). Start from arange(i) and turn every "
      "entry into 1, e.g. with where(arange(i) >= 0, 1, 0).",
      zh="ones(i) 是形状为 (i,) 的 int64 张量。从 arange(i) 出发，把每个元素都变成 1，"
         "例如 where(arange(i) >= 0, 1, 0)。")
def check_ones_many_sizes(student, case):
    """ones(i) for several lengths, and the empty case i = 0"""
    for i in (case.size("i"), 1, case.size("j"), 0):
        out = student.ones(i)
        expect(out, torch.ones(i, dtype=I64), call=f"ones({i})", name="ones(i)", mistakes=[
            (torch.ones(i + 1, dtype=I64), "one entry too many: the result has length i",
             "多了一个元素：结果的长度应该是 i"),
        ])


# ----------------------------------------------------------------- 2. sum

def _sum_call(student, a):
    out = student.sum(a)
    expected = a.sum().reshape(1)
    call = f"sum({show(a)})"
    if isinstance(out, torch.Tensor) and out.dim() == 0 and same(out.reshape(1), expected):
        fail("your sum(a) has the right value, but it is a zero-dimensional tensor (shape ()); "
             "the puzzle returns a vector with one entry, shape (1,): multiply by a column "
             "instead, ones(n) @ a[:, None]",
             zh="你的 sum(a) 数值正确，但它是零维张量（形状 ()）；这道题要返回只有一个元素的向量，"
                "形状为 (1,)：改为乘以一列，ones(n) @ a[:, None]",
             evidence=evidence(call, expected, out))
    expect(out, expected, call=call, name="sum(a)", inputs=(a,))


@target("sum")
@points(1)
@title(zh="随机整数向量的 sum(a)：结果是形状为 (1,) 的张量")
@hint("ones(n) @ a is a 0-d tensor; the puzzle wants shape (1,): "
      "ones(a.shape[0]) @ a[:, None]",
      zh="ones(n) @ a 是 0 维张量；这道题要的是形状 (1,)：ones(a.shape[0]) @ a[:, None]")
def check_sum_random(student, case):
    """sum(a) of random int vectors is a shape-(1,) tensor"""
    for n in (case.size("i"), 1, case.size("j")):
        _sum_call(student, _ints(case, n))


@target("sum")
@points(1)
@title(zh="空向量的 sum(a) 是 tensor([0])")
@hint("The sum of nothing is 0: sum of an empty vector is tensor([0]), still shape (1,).",
      zh="什么都不加，和就是 0：空向量的 sum 是 tensor([0])，形状仍然是 (1,)。")
def check_sum_empty(student):
    """sum(a) of an empty vector is tensor([0])"""
    _sum_call(student, torch.zeros(0, dtype=I64))


# --------------------------------------------------------------- 3. outer

@target("outer")
@points(1)
@title(zh="outer(a, b)：长度不同的向量，以及空向量")
@hint("Make a a column and b a row: a[:, None] * b[None, :] has shape (i, j).",
      zh="把 a 变成一列、b 变成一行：a[:, None] * b[None, :] 的形状是 (i, j)。")
def check_outer_random(student, case):
    """outer(a, b) of vectors of different lengths, and with an empty vector"""
    cases = [
        (_ints(case, case.size("i")), _ints(case, case.size("j"))),
        (_ints(case, 1), _ints(case, case.size("k"))),
        (_ints(case, 0), _ints(case, 3)),
    ]
    for a, b in cases:
        out = student.outer(a, b)
        expected = a[:, None] * b[None, :]
        expect(out, expected, call=f"outer(a={show(a)}, b={show(b)})", name="outer(a, b)",
               inputs=(a, b), mistakes=[
                   (expected.T,
                    "it is built the wrong way round (shape (len(b), len(a))): row r must be "
                    "a[r] * b, so a goes down the rows: a[:, None] * b[None, :]",
                    "方向反了（形状是 (len(b), len(a))）：第 r 行应该是 a[r] * b，所以 a 要沿着"
                    "行排列：a[:, None] * b[None, :]"),
               ])


# ---------------------------------------------------------------- 4. diag

@target("diag")
@points(1)
@title(zh="diag(a)：随机方阵，包括 1 × 1 的")
@hint("Index rows and columns with the same index vector: a[arange(n), arange(n)].",
      zh="用同一个下标向量同时索引行和列：a[arange(n), arange(n)]。")
def check_diag_random(student, case):
    """diag(a) of random square matrices, 1 x 1 included"""
    for n in (case.size("i"), 1, case.size("j")):
        a = case.randint(-9, 10, n, n)
        out = student.diag(a)
        idx = torch.arange(n)
        expect(out, a[idx, idx], call=f"diag({show(a)})", name="diag(a)", inputs=(a,),
               mistakes=[
                   (a[idx, n - 1 - idx],
                    "this is the anti-diagonal (top right to bottom left); diag takes a[k][k]",
                    "这是副对角线（从右上到左下）；diag 取的是 a[k][k]"),
                   (a[0], "this is the first row; diag takes a[k][k] for every k",
                    "这是第一行；diag 要对每个 k 取 a[k][k]"),
                   (a[:, 0], "this is the first column; diag takes a[k][k] for every k",
                    "这是第一列；diag 要对每个 k 取 a[k][k]"),
               ])


# ----------------------------------------------------------------- 5. eye

@target("eye")
@points(1)
@title(zh="eye(j)：几种大小，包括 j = 0")
@hint("Compare a column of indices with a row of indices: arange(j)[:, None] == arange(j) "
      "is True on the diagonal; then make it 0/1 with where(..., 1, 0).",
      zh="把一列下标和一行下标作比较：arange(j)[:, None] == arange(j) 在对角线上为 True；"
         "再用 where(..., 1, 0) 变成 0/1。")
def check_eye_sizes(student, case):
    """eye(j) for several sizes, j = 0 included"""
    for j in (1, case.size("j"), case.size("k"), 0):
        out = student.eye(j)
        expect(out, torch.eye(j, dtype=I64), call=f"eye({j})", name="eye(j)", mistakes=[
            (torch.ones(j, j, dtype=I64),
             "every entry is 1; only the diagonal (row == column) is 1",
             "所有元素都是 1；只有对角线（行号 == 列号）才是 1"),
        ])


# ---------------------------------------------------------------- 6. triu

@target("triu")
@points(1)
@title(zh="triu(j)：几种大小，包括 j = 0")
@hint("out[r][c] = 1 when r <= c: arange(j)[:, None] <= arange(j) (rows down, columns across).",
      zh="r <= c 时 out[r][c] = 1：arange(j)[:, None] <= arange(j)（行号竖着排，列号横着排）。")
def check_triu_sizes(student, case):
    """triu(j) for several sizes, j = 0 included"""
    for j in (1, case.size("j"), case.size("k"), 0):
        out = student.triu(j)
        full = torch.ones(j, j, dtype=I64)
        expect(out, torch.triu(full), call=f"triu({j})", name="triu(j)", mistakes=[
            (torch.triu(full, 1), "the diagonal is 0 but must be 1: keep r <= c, not r < c",
             "对角线是 0，但应该是 1：条件是 r <= c，不是 r < c"),
            (torch.tril(full), "this is the LOWER triangle (r >= c); triu keeps the entries "
                               "with row r <= column c, the upper right half",
             "这是下三角（r >= c）；triu 保留行号 r <= 列号 c 的元素，也就是右上那一半"),
            (torch.tril(full, -1), "this is the lower triangle without its diagonal; triu "
                                   "keeps row r <= column c, diagonal included",
             "这是不含对角线的下三角；triu 保留行号 r <= 列号 c 的元素，包括对角线"),
        ])


# -------------------------------------------------------------- 7. cumsum

@target("cumsum")
@points(1)
@title(zh="cumsum(a)：随机整数向量（长度从 1 开始）")
@hint("out[k] = a[0] + ... + a[k] = sum over r of a[r] * (r <= k): that is a @ triu(n).",
      zh="out[k] = a[0] + ... + a[k] = 对 r 求和 a[r] * (r <= k)：这就是 a @ triu(n)。")
def check_cumsum_random(student, case):
    """cumsum(a) of random int vectors (lengths 1 and up)"""
    for n in (case.size("i"), 1, case.size("j"), 2):
        a = _ints(case, n)
        out = student.cumsum(a)
        expected = torch.cumsum(a, 0)
        suffix = torch.flip(torch.cumsum(torch.flip(a, (0,)), 0), (0,))
        exclusive = expected - a
        expect(out, expected, call=f"cumsum({show(a)})", name="cumsum(a)", inputs=(a,),
               mistakes=[
                   (suffix, "it sums from the right (out[k] = a[k] + ... + a[-1]). With triu, "
                            "put a on the LEFT: a @ triu(n), not triu(n) @ a",
                    "它是从右往左累加的（out[k] = a[k] + ... + a[-1]）。用 triu 时要把 a 放在"
                    "左边：a @ triu(n)，而不是 triu(n) @ a"),
                   (exclusive, "off by one: out[k] must include a[k] itself (the first entry "
                               "is a[0], not 0)",
                    "差了一位：out[k] 必须包含 a[k] 本身（第一个元素是 a[0]，不是 0）"),
               ])


# ---------------------------------------------------------------- 8. diff

@target("diff")
@points(1)
@title(zh="diff(a, i)：随机整数向量，out[0] = a[0]，之后是 a[k] - a[k-1]")
@hint("a[arange(i) - 1] is the previous element, but at k = 0 it wraps around to a[-1]: "
      "mask that spot with where(arange(i) > 0, ..., 0).",
      zh="a[arange(i) - 1] 是前一个元素，但在 k = 0 处它会绕回到 a[-1]：用 "
         "where(arange(i) > 0, ..., 0) 把这个位置遮掉。")
def check_diff_random(student, case):
    """diff(a, i) of random int vectors: out[0] = a[0], then a[k] - a[k-1]"""
    for n in (case.size("i"), 1, case.size("j")):
        a = _ints(case, n)
        a[0] = a[-1] + 3 if n > 1 else 4          # so the wrap-around mistake shows
        out = student.diff(a, n)
        prev = torch.cat([torch.zeros(1, dtype=I64), a[:-1]])
        expected = a - prev
        wrapped = a - a[torch.arange(n) - 1]
        zero_first = expected.clone()
        zero_first[0] = 0
        expect(out, expected, call=f"diff({show(a)}, {n})", name="diff(a, i)", inputs=(a,),
               mistakes=[
                   (wrapped, "the first entry is wrong: it must be a[0] itself, but it is "
                             "a[0] - a[-1] (a[arange(i) - 1] wraps around at the start)",
                    "第一个元素不对：它应该就是 a[0]，而你算的是 a[0] - a[-1]"
                    "（a[arange(i) - 1] 在开头会绕回到末尾）"),
                   (zero_first, "the first entry must be a[0] itself (as if a[-1] were 0), "
                                "not 0",
                    "第一个元素应该是 a[0] 本身（相当于 a[-1] 为 0），而不是 0"),
                   (-expected, "the sign is flipped: out[k] = a[k] - a[k-1], not "
                               "a[k-1] - a[k]",
                    "符号反了：out[k] = a[k] - a[k-1]，不是 a[k-1] - a[k]"),
               ])


# -------------------------------------------------------------- 9. vstack

@target("vstack")
@points(1)
@title(zh="vstack(a, b)：随机整数向量，结果形状为 (2, i)")
@hint("Pick row by row: where(arange(2)[:, None] == 0, a, b) has shape (2, i).",
      zh="逐行选取：where(arange(2)[:, None] == 0, a, b) 的形状是 (2, i)。")
def check_vstack_random(student, case):
    """vstack(a, b) of random int vectors gives shape (2, i)"""
    for n in (case.size("i"), 1, case.size("j")):
        a, b = _ints(case, n), _ints(case, n)
        a[0] = b[0] + 1                            # a and b always differ
        out = student.vstack(a, b)
        expected = torch.stack([a, b])
        expect(out, expected, call=f"vstack({show(a)}, {show(b)})", name="vstack(a, b)",
               inputs=(a, b), mistakes=[
                   (torch.stack([b, a]), "the rows are swapped: row 0 is a, row 1 is b",
                    "两行放反了：第 0 行是 a，第 1 行是 b"),
                   (expected.T, "a and b are stacked side by side (shape (i, 2)); vstack "
                                "puts them as ROWS, shape (2, i)",
                    "a 和 b 被并排放成了两列（形状 (i, 2)）；vstack 要把它们作为两行，形状 (2, i)"),
               ])


# ---------------------------------------------------------------- 10. roll

@target("roll")
@points(1)
@title(zh="roll(a, i) 向左移一位，第一个元素移到末尾")
@hint("Shift the indices and wrap around: a[(arange(i) + 1) % i].",
      zh="移动下标并绕回开头：a[(arange(i) + 1) % i]。")
def check_roll_random(student, case):
    """roll(a, i) shifts left by one, the first element goes to the end"""
    for n in (case.size("i"), 1, 2, case.size("j")):
        a = case.randperm(n) + 1                   # distinct values
        out = student.roll(a, n)
        expect(out, torch.roll(a, -1), call=f"roll({show(a)}, {n})", name="roll(a, i)",
               inputs=(a,), mistakes=[
                   (torch.roll(a, 1), "it rolls to the RIGHT (out[k] = a[k-1]); this puzzle "
                                      "rolls to the left: out[k] = a[k+1], and the first "
                                      "entry goes to the end",
                    "它是向右移的（out[k] = a[k-1]）；这道题要向左移：out[k] = a[k+1]，"
                    "第一个元素移到末尾"),
               ])


# ---------------------------------------------------------------- 11. flip

@target("flip")
@points(1)
@title(zh="flip(a, i) 反转随机向量")
@hint("Read the indices backwards: a[i - 1 - arange(i)].",
      zh="倒着读下标：a[i - 1 - arange(i)]。")
def check_flip_random(student, case):
    """flip(a, i) reverses random vectors"""
    for n in (case.size("i"), 1, case.size("j")):
        a = case.randperm(n) + 1
        out = student.flip(a, n)
        expect(out, torch.flip(a, (0,)), call=f"flip({show(a)}, {n})", name="flip(a, i)",
               inputs=(a,), mistakes=[
                   (a[-torch.arange(n)], "off by one: the first entry must be a[i-1], but "
                                         "-arange(i) starts at index 0, so yours is a[0]",
                    "差了一位：第一个元素应该是 a[i-1]，但 -arange(i) 从下标 0 开始，所以你的"
                    "第一个元素是 a[0]"),
               ])
