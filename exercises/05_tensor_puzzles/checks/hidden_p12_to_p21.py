"""Hidden checks for puzzles 12-21: compress, pad_to, sequence_mask, bincount,
scatter_add, flatten, linspace, heaviside, repeat, bucketize.

Every expected value is computed here with plain torch (loops are fine in a
check); integer inputs are int64 like in the original puzzles.
"""
import torch

from grader.checks import assert_tensor, fail, hint, points, target




I64 = torch.int64


def _same(actual, candidate):
    """True when `actual` is a tensor with the shape and values of `candidate`
    (dtype aside): used to recognise a known mistake and name it."""
    if not isinstance(actual, torch.Tensor) or tuple(actual.shape) != tuple(candidate.shape):
        return False
    try:
        return bool(torch.equal(actual.to(torch.float64), candidate.to(torch.float64)))
    except Exception:
        return False


def _expect(actual, expected, name, inputs=(), mistakes=()):
    """Name a known mistake when the answer matches one, else compare fully."""
    if (
        isinstance(actual, torch.Tensor)
        and actual.dtype == torch.bool
        and expected.dtype != torch.bool
    ):
        fail(
            f"{name}: your result is a bool tensor (True/False), the puzzle wants "
            f"{expected.dtype} numbers. A comparison gives booleans: turn them into "
            "0/1 with where(q, 1, 0) or 1 * q."
        )
    if not _same(actual, expected):
        for candidate, message in mistakes:
            if _same(actual, candidate):
                fail(f"{name}: {message}")
    assert_tensor(actual, expected, inputs=inputs, name=name)


def _show(t):
    return str(t.tolist())


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
    _expect(out, expected, f"compress(g={_show(g)}, v={_show(v)}, {n})", inputs=(g, v), mistakes=[
        (torch.where(g, v, 0), "you zeroed the dropped entries, but the kept ones must also move "
                               "to the FRONT (left-aligned), in order, followed by zeros."),
        (shifted, "your kept values start at position 1 instead of 0: cumsum counts 1 for the "
                  "first kept entry, so its position is cumsum(...) - 1."),
    ])


@target("compress")
@points(1)
@hint("The k-th kept entry (counting from 0) goes to position cumsum(1 * g)[k] - 1. "
      "Build an (i, i) 0/1 matrix that sends each kept v[r] to its position and use @.")
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
@hint("Check the corners: nothing kept gives all zeros, everything kept gives v back, "
      "and a vector of length 1 must work too.")
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
    _expect(out, expected, f"pad_to({_show(a)}, {i}, {j})", inputs=(a,))


@target("pad_to")
@points(1)
@hint("a[arange(j)] alone fails when j > i (there is no a[i]). An (i, j) 0/1 matrix with a 1 "
      "where row == column copies a into the first min(i, j) places and leaves 0 elsewhere.")
def check_pad_to_longer(student, case):
    """pad_to(a, i, j) with j >= i adds zeros at the end"""
    i = case.size("i")
    for j in (i + 3, i + 1, i):
        _pad_to_call(student, _nonzero_ints(case, i), j)
    _pad_to_call(student, torch.zeros(0, dtype=I64), 3)


@target("pad_to")
@points(1)
@hint("When j < i, pad_to keeps only the first j entries of a (and j = 0 gives an empty vector).")
def check_pad_to_shorter(student, case):
    """pad_to(a, i, j) with j < i keeps the first j entries"""
    i = case.size("i")
    for j in (i - 1, 1, 0):
        _pad_to_call(student, _nonzero_ints(case, i), j)


# ------------------------------------------------------- 14. sequence_mask

def _mask_call(student, values, length):
    j = values.shape[1]
    out = student.sequence_mask(values, length)
    cols = torch.arange(j)
    expected = torch.where(cols[None, :] < length[:, None], values, 0)
    _expect(out, expected,
            f"sequence_mask(values of shape {tuple(values.shape)}, length={_show(length)})",
            inputs=(values, length), mistakes=[
                (torch.where(cols[None, :] <= length[:, None], values, 0),
                 "off by one: keep the columns c < length[r] (a row with length 2 keeps "
                 "columns 0 and 1), not c <= length[r]."),
                (torch.where(cols[None, :] >= length[:, None], values, 0),
                 "the mask is inverted: keep the FIRST length[r] entries of row r, zero the rest."),
            ])


@target("sequence_mask")
@points(1)
@hint("Compare a row of column indices with a column of lengths: "
      "arange(j) < length[:, None] has shape (i, j); then where(mask, values, 0).")
def check_sequence_mask_random(student, case):
    """sequence_mask with random values and lengths"""
    i, j = case.size("i"), case.size("j")
    values = _nonzero_ints(case, i * j).reshape(i, j)
    length = case.randint(0, j + 1, i)
    length[0], length[-1] = 1, j - 1
    _mask_call(student, values, length)


@target("sequence_mask")
@points(1)
@hint("length[r] can be 0 (nothing kept) or j (the whole row kept).")
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
    _expect(out, expected, f"bincount({_show(a)}, {j})", inputs=(a,), mistakes=[
        (torch.ones(j, dtype=I64) * a.shape[0], "every bin got len(a): compare each entry of a "
                                                 "with each bin index, a[:, None] == arange(j)."),
    ])


@target("bincount")
@points(1)
@hint("a[:, None] == arange(j) is an (i, j) table with one True per row; "
      "count the Trues of each column with ones(i) @ ...")
def check_bincount_random(student, case):
    """bincount(a, j) of random values in 0..j-1"""
    j = case.size("j")
    for n in (case.size("i"), 1, 12):
        _bincount_call(student, case.randint(0, j, n), j)


@target("bincount")
@points(1)
@hint("The result always has length j, even when a is empty or some bins are never hit.")
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
    _expect(out, expected, f"scatter_add({_show(values)}, {_show(link)}, {j})",
            inputs=(values, link), mistakes=[
                (torch.bincount(link, minlength=j), "you COUNTED how many values link to each "
                                                    "place; scatter_add ADDS the values themselves."),
            ])


@target("scatter_add")
@points(1)
@hint("Like bincount, but weight each match by its value: values @ (an (i, j) 0/1 table "
      "of link[:, None] == arange(j)).")
def check_scatter_add_random(student, case):
    """scatter_add with random values and links"""
    j = case.size("j")
    for n in (case.size("i"), 1, 11):
        values = _nonzero_ints(case, n)
        values[0] = 7                              # never equal to a count of 1
        _scatter_call(student, values, case.randint(0, j, n), j)


@target("scatter_add")
@points(1)
@hint("The result always has length j; bins nothing links to stay 0.")
def check_scatter_add_edges(student, case):
    """scatter_add with no values, and with everything linked to one place"""
    j = case.size("j")
    _scatter_call(student, torch.zeros(0, dtype=I64), torch.zeros(0, dtype=I64), j)
    values = _nonzero_ints(case, 6)
    values[0] = 9
    _scatter_call(student, values, torch.full((6,), j - 1, dtype=I64), j)


# ------------------------------------------------------------- 17. flatten

@target("flatten")
@points(1)
@hint("Entry k of the result is a[k // j, k % j]: index with two index vectors built "
      "from arange(i * j).")
def check_flatten_random(student, case):
    """flatten(a, i, j) of random matrices (different row and column counts)"""
    i, j = case.size("i"), case.size("j")
    for r, c in ((i, j), (1, j), (i, 1)):
        a = case.randperm(r * c).reshape(r, c) + 1
        out = student.flatten(a, r, c)
        _expect(out, a.reshape(-1), f"flatten(a of shape ({r}, {c}), {r}, {c})", inputs=(a,),
                mistakes=[
                    (a.T.reshape(-1), "you read the matrix column by column; flatten goes row by "
                                      "row: out[k] = a[k // j, k % j]."),
                ])


# ------------------------------------------------------------ 18. linspace

def _linspace_expected(i, j, n):
    k = torch.arange(n, dtype=torch.float64)
    out = i.double() + (j.double() - i.double()) * k / max(1, n - 1)
    return out.to(i.dtype)


def _linspace_call(student, i, j, n):
    out = student.linspace(i, j, n)
    expected = _linspace_expected(i, j, n)
    name = f"linspace({_show(i)}, {_show(j)}, {n})"
    if isinstance(out, torch.Tensor) and out.is_floating_point() and out.numel() and not bool(
        torch.isfinite(out).all()
    ):
        fail(
            f"{name}: your result contains nan or inf. With n = 1 there are n - 1 = 0 steps: "
            "divide by max(1, n - 1)."
        )
    if n >= 2:
        by_n = (i.double() + (j.double() - i.double()) * torch.arange(n, dtype=torch.float64) / n)
        if (
            isinstance(out, torch.Tensor)
            and out.shape == expected.shape
            and torch.allclose(out.double(), by_n, atol=1e-5)
            and not torch.allclose(out.double(), expected.double(), atol=1e-5)
        ):
            fail(
                f"{name}: the last value must equal j. There are n - 1 gaps between n points: "
                "divide by n - 1, not n."
            )
    assert_tensor(out, expected, inputs=(i, j), name=name)


@target("linspace")
@points(1)
@hint("i + (j - i) * arange(n) / max(1, n - 1): the k-th point is k steps of size "
      "(j - i) / (n - 1) away from i.")
def check_linspace_random(student, case):
    """linspace(i, j, n) between random float32 end points"""
    for n in (case.size("n"), 2, case.size("m")):
        ends = case.randn(2) * 5
        _linspace_call(student, ends[:1].clone(), ends[1:].clone(), n)


@target("linspace")
@points(1)
@hint("For n = 1 the answer is just [i] (divide by max(1, n - 1)); for n = 0 it is empty. "
      "The dtype follows i and j, so float64 ends give a float64 result.")
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
@hint("Two cases: where a == 0 take b, elsewhere take 1 * (a > 0): "
      "where(a == 0, b, 1 * (a > 0)).")
def check_heaviside_random(student, case):
    """heaviside(a, b) with negative, zero and positive entries in a"""
    for n in (case.size("i"), case.size("j")):
        a = case.randint(-3, 4, n)
        a[0], a[1] = 0, -2                         # make sure every case appears
        b = case.randint(2, 10, n)
        out = student.heaviside(a, b)
        expected = torch.where(a == 0, b, (a > 0).to(I64))
        _expect(out, expected, f"heaviside(a={_show(a)}, b={_show(b)})", inputs=(a, b), mistakes=[
            ((a > 0).to(I64), "where a == 0 the answer must be b (you gave 0)."),
            ((a >= 0).to(I64), "where a == 0 the answer must be b (you gave 1)."),
            (torch.where(a == 0, b, torch.sign(a)), "where a < 0 the answer is 0, not -1."),
            (torch.where(a > 0, 1, b), "only where a == 0 is the answer b; where a < 0 it is 0."),
            (torch.where(a == 0, b, 1), "where a < 0 the answer is 0 (you gave 1): use 1 * (a > 0) "
                                        "for the entries that are not 0."),
        ])


# -------------------------------------------------------------- 20. repeat

@target("repeat")
@points(1)
@hint("A column of d ones times a row a: ones(d)[:, None] @ a[None, :] has shape (d, i).")
def check_repeat_random(student, case):
    """repeat(a, d) for random a and d = 1, 2, and more"""
    i = case.size("i")
    for d in (case.size("d"), 1, 2, 0):
        a = _nonzero_ints(case, i)
        out = student.repeat(a, d)
        expected = a[None, :].expand(d, i).clone()
        _expect(out, expected, f"repeat({_show(a)}, {d})", inputs=(a,), mistakes=[
            (expected.T, "you repeated a as COLUMNS (shape (i, d)); every ROW must be a copy "
                         "of a, shape (d, i)."),
        ])


# ----------------------------------------------------------- 21. bucketize

def _bucketize_call(student, v, boundaries):
    out = student.bucketize(v, boundaries)
    expected = (v[:, None] >= boundaries[None, :]).to(I64).sum(1)
    strict = (v[:, None] > boundaries[None, :]).to(I64).sum(1)
    _expect(out, expected, f"bucketize({_show(v)}, boundaries={_show(boundaries)})",
            inputs=(v, boundaries), mistakes=[
                (strict, "a value equal to a boundary belongs to the bucket on its RIGHT: count "
                         "the boundaries b with b <= v (>=, not >)."),
            ])


def _sorted_boundaries(case, j):
    return torch.sort(case.randperm(19)[:j] - 9).values


@target("bucketize")
@points(1)
@hint("out[k] is how many boundaries are <= v[k]: compare v[:, None] >= boundaries, "
      "make it 0/1, and count each row with @ ones(j).")
def check_bucketize_random(student, case):
    """bucketize of random values with random sorted boundaries"""
    for n, j in ((case.size("i"), case.size("j")), (1, 1), (case.size("k"), 2)):
        _bucketize_call(student, case.randint(-11, 12, n), _sorted_boundaries(case, j))


@target("bucketize")
@points(1)
@hint("Values below every boundary go to bucket 0, values >= the last boundary to bucket j, "
      "and a value equal to a boundary goes to the right of it.")
def check_bucketize_edges(student, case):
    """bucketize with values equal to the boundaries, below all and above all"""
    b = _sorted_boundaries(case, case.size("j"))
    _bucketize_call(student, b.clone(), b)
    _bucketize_call(student, torch.cat([b[:1] - 5, b[-1:] + 5, b[-1:]]), b)
