"""Hidden checks for puzzles 1-11: ones, sum, outer, diag, eye, triu, cumsum,
diff, vstack, roll, flip.

Every expected value is computed here with plain torch; the inputs are int64
(whole numbers), like in the original puzzles.
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


def _ints(case, n, low=-9, high=10):
    return case.randint(low, high, n)


def _show(t):
    return str(t.tolist())


# ---------------------------------------------------------------- 1. ones

@target("ones")
@points(1)
@hint("ones(i) is int64 with shape (i,). Start from arange(i) and turn every "
      "entry into 1, e.g. with where(arange(i) >= 0, 1, 0).")
def check_ones_many_sizes(student):
    """ones(i) for i = 1, 5, 8 and the empty case i = 0"""
    for i in (1, 5, 8, 0):
        out = student.ones(i)
        _expect(out, torch.ones(i, dtype=I64), f"ones({i})", mistakes=[
            (torch.ones(i + 1, dtype=I64), "one entry too many: the result has length i."),
        ])


# ----------------------------------------------------------------- 2. sum

@target("sum")
@points(1)
@hint("ones(n) @ a is a 0-d tensor; the puzzle wants shape (1,): "
      "ones(a.shape[0]) @ a[:, None]")
def check_sum_random(student, case):
    """sum(a) of random int vectors is a shape-(1,) tensor"""
    for n in (case.size("i"), 1, case.size("j")):
        a = _ints(case, n)
        out = student.sum(a)
        expected = a.sum().reshape(1)
        if isinstance(out, torch.Tensor) and out.dim() == 0 and _same(out.reshape(1), expected):
            fail(
                f"sum({_show(a)}): the value {out.item()} is right but the shape is () "
                "(a 0-d tensor); the puzzle returns shape (1,), like out[0] in the spec. "
                "Multiply by a column instead: ones(n) @ a[:, None]."
            )
        _expect(out, expected, f"sum({_show(a)})", inputs=(a,))


@target("sum")
@points(1)
@hint("The sum of nothing is 0: sum of an empty vector is tensor([0]), still shape (1,).")
def check_sum_empty(student):
    """sum(a) of an empty vector is tensor([0])"""
    a = torch.zeros(0, dtype=I64)
    out = student.sum(a)
    _expect(out, torch.zeros(1, dtype=I64), "sum(tensor([]))", inputs=(a,))


# --------------------------------------------------------------- 3. outer

@target("outer")
@points(1)
@hint("Make a a column and b a row: a[:, None] * b[None, :] has shape (i, j).")
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
        _expect(out, expected, f"outer(a={_show(a)}, b={_show(b)})", inputs=(a, b), mistakes=[
            (expected.T, "you built it the wrong way round (shape (j, i)): "
                         "row r must be a[r] * b, so a goes down the rows: a[:, None] * b[None, :]."),
        ])


# ---------------------------------------------------------------- 4. diag

@target("diag")
@points(1)
@hint("Index rows and columns with the same index vector: a[arange(n), arange(n)].")
def check_diag_random(student, case):
    """diag(a) of random square matrices of sizes 1, 4 and 7"""
    for n in (case.size("i"), 1, case.size("j")):
        a = case.randint(-9, 10, n, n)
        out = student.diag(a)
        idx = torch.arange(n)
        _expect(out, a[idx, idx], f"diag(a) with a of shape ({n}, {n})", inputs=(a,), mistakes=[
            (a[idx, n - 1 - idx], "this is the anti-diagonal (top-right to bottom-left); "
                                  "diag takes a[k][k]."),
            (a[0], "this is the first row; diag takes a[k][k] for every k."),
            (a[:, 0], "this is the first column; diag takes a[k][k] for every k."),
        ])


# ----------------------------------------------------------------- 5. eye

@target("eye")
@points(1)
@hint("Compare a column of indices with a row of indices: arange(j)[:, None] == arange(j) "
      "is True on the diagonal; then make it 0/1 with where(..., 1, 0).")
def check_eye_sizes(student):
    """eye(j) for j = 1, 3, 6 and 0"""
    for j in (1, 3, 6, 0):
        out = student.eye(j)
        _expect(out, torch.eye(j, dtype=I64), f"eye({j})", mistakes=[
            (torch.ones(j, j, dtype=I64), "all entries are 1; only the diagonal (row == column) is 1."),
        ])


# ---------------------------------------------------------------- 6. triu

@target("triu")
@points(1)
@hint("out[r][c] = 1 when r <= c: arange(j)[:, None] <= arange(j) (rows down, columns across).")
def check_triu_sizes(student):
    """triu(j) for j = 1, 4, 6 and 0"""
    for j in (1, 4, 6, 0):
        out = student.triu(j)
        full = torch.ones(j, j, dtype=I64)
        _expect(out, torch.triu(full), f"triu({j})", mistakes=[
            (torch.triu(full, 1), "the diagonal is 0 but must be 1: keep r <= c, not r < c."),
            (torch.tril(full), "this is the LOWER triangle (r >= c); triu keeps the entries "
                               "with row r <= column c, the upper-right half."),
            (torch.tril(full, -1), "this is the lower triangle without its diagonal; triu keeps "
                                   "row r <= column c, diagonal included."),
        ])


# -------------------------------------------------------------- 7. cumsum

@target("cumsum")
@points(1)
@hint("out[k] = a[0] + ... + a[k] = sum over r of a[r] * (r <= k): that is a @ triu(n).")
def check_cumsum_random(student, case):
    """cumsum(a) of random int vectors (lengths 1 and up)"""
    for n in (case.size("i"), 1, case.size("j"), 2):
        a = _ints(case, n)
        out = student.cumsum(a)
        expected = torch.cumsum(a, 0)
        suffix = torch.flip(torch.cumsum(torch.flip(a, (0,)), 0), (0,))
        exclusive = expected - a
        _expect(out, expected, f"cumsum({_show(a)})", inputs=(a,), mistakes=[
            (suffix, "you summed from the right (out[k] = a[k] + ... + a[-1]). "
                     "With triu, put a on the LEFT: a @ triu(n), not triu(n) @ a."),
            (exclusive, "off by one: out[k] must include a[k] itself "
                        "(out[0] is a[0], not 0)."),
        ])


# ---------------------------------------------------------------- 8. diff

@target("diff")
@points(1)
@hint("a[arange(i) - 1] is the previous element, but at k = 0 it wraps around to a[-1]: "
      "mask that spot with where(arange(i) > 0, ..., 0).")
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
        _expect(out, expected, f"diff({_show(a)}, {n})", inputs=(a,), mistakes=[
            (wrapped, "out[0] is wrong: it must be a[0] itself, but you computed "
                      "a[0] - a[-1] (a[arange(i) - 1] wraps around at k = 0)."),
            (zero_first, "out[0] must be a[0] itself (as if a[-1] were 0), not 0."),
            (-expected, "the sign is flipped: out[k] = a[k] - a[k-1], not a[k-1] - a[k]."),
        ])


# -------------------------------------------------------------- 9. vstack

@target("vstack")
@points(1)
@hint("Pick row by row: where(arange(2)[:, None] == 0, a, b) has shape (2, i).")
def check_vstack_random(student, case):
    """vstack(a, b) of random int vectors gives shape (2, i)"""
    for n in (case.size("i"), 1, case.size("j")):
        a, b = _ints(case, n), _ints(case, n)
        a[0] = b[0] + 1                            # a and b always differ
        out = student.vstack(a, b)
        expected = torch.stack([a, b])
        _expect(out, expected, f"vstack({_show(a)}, {_show(b)})", inputs=(a, b), mistakes=[
            (torch.stack([b, a]), "the rows are swapped: row 0 is a, row 1 is b."),
            (expected.T, "you stacked them side by side (shape (i, 2)); vstack puts a and b "
                         "as ROWS, shape (2, i)."),
        ])


# ---------------------------------------------------------------- 10. roll

@target("roll")
@points(1)
@hint("Shift the indices and wrap around: a[(arange(i) + 1) % i].")
def check_roll_random(student, case):
    """roll(a, i) shifts left by one, the first element goes to the end"""
    for n in (case.size("i"), 1, 2, case.size("j")):
        a = case.randperm(n) + 1                   # distinct values
        out = student.roll(a, n)
        _expect(out, torch.roll(a, -1), f"roll({_show(a)}, {n})", inputs=(a,), mistakes=[
            (torch.roll(a, 1), "you rolled to the RIGHT (out[k] = a[k-1]); this puzzle rolls "
                               "to the left: out[k] = a[k+1], and a[0] goes to the end."),
        ])


# ---------------------------------------------------------------- 11. flip

@target("flip")
@points(1)
@hint("Read the indices backwards: a[i - 1 - arange(i)].")
def check_flip_random(student, case):
    """flip(a, i) reverses random vectors"""
    for n in (case.size("i"), 1, case.size("j")):
        a = case.randperm(n) + 1
        out = student.flip(a, n)
        _expect(out, torch.flip(a, (0,)), f"flip({_show(a)}, {n})", inputs=(a,), mistakes=[
            (a[-torch.arange(n)], "off by one: out[0] must be a[i-1]. -arange(i) gives "
                                  "0, -1, -2, ..., so your out[0] is a[0]."),
        ])
