"""Hidden checks for 11_losses.

Expected values are computed here with plain torch (in float64), never taken
from the reference solution. When a wrong answer matches a common mistake, the
message names that mistake.
"""
import math

import torch
import torch.nn.functional as F

from grader.checks import (StudentError, assert_number, assert_tensor, claim_fail, claims, fail, hint,
                           points, target)


# ----------------------------------------------------------------- helpers

def _is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _scalar(result):
    """The value of a 0-d (or 1-element) tensor / number, else None."""
    if isinstance(result, torch.Tensor) and result.numel() == 1:
        return float(result.double().reshape(()))
    if _is_number(result):
        return float(result)
    return None


def _close(a, b, rel=1e-4, abs_=1e-6):
    return a is not None and math.isfinite(a) and math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def _require_0d_loss(result, fn):
    """Name the common type/shape mistakes of a loss before comparing values."""
    if _is_number(result):
        raise AssertionError(
            f"{fn}() returned a Python {type(result).__name__} ({result!r}); a loss must be a "
            "0-d tensor so that loss.backward() works: don't call .item() or float() on it")
    if isinstance(result, torch.Tensor) and result.dim() > 0 and result.numel() > 1:
        raise AssertionError(
            f"{fn}() returned a tensor of shape {tuple(result.shape)}; a loss is ONE number, "
            "a 0-d tensor of shape (): take .mean() over all elements, not over one dim")


def _name_variant(result, expected, variants, fn):
    """If `result` is wrong but matches a known wrong variant, say which one."""
    value = _scalar(result)
    if value is None or _close(value, expected):
        return
    if not math.isfinite(value):
        return  # the caller says something specific about inf/nan
    for wrong, message in variants:
        if _close(value, wrong) and not _close(wrong, expected):
            raise AssertionError(
                f"{fn}() gave {value:.6g}, expected {expected:.6g}: {message}")


def _student_grad(student, fn, inp, other, what):
    """d fn(inp, other) / d inp, by a backward pass through the student's own graph.

    The grader's builder (autograd.call) calls the student's function in the
    student's process and runs loss.backward() there; the gradient that lands
    in inp.grad comes back as data, compared here with the check's own: a
    gradient that matches was computed by autograd. None means that nothing
    reached inp.
    """
    _, grads, _ = student.build("autograd.call", getattr(student, fn), inp, other,
                                backward=torch.ones((), dtype=inp.dtype))
    grad = grads[0]
    if grad is None:
        fail(f"no gradient reached {what} through your {fn}(): after loss.backward(), "
             f"{what}.grad is still empty, so the loss is not part of the autograd graph. "
             "Did you call .item()/.detach(), use torch.no_grad(), or rebuild the result "
             "with torch.tensor(...)?")
    return grad


def _claims_graph(result, what):
    """After the values and the gradient are verified: what the process says of the loss."""
    info = claims(result)
    if not info.requires_grad or info.grad_fn is None:
        claim_fail(f"your process reports that the loss does not require grad (or has no "
                   f"grad_fn) although {what} does: loss.backward() would fail. Keep every step "
                   "a tensor operation.")


# ----------------------------------------------------------------- mse

def _mse_variants(pred, tgt):
    d = (pred.double() - tgt.double())
    expected = (d ** 2).mean().item()
    n = d.numel()
    variants = [
        ((d ** 2).sum().item(),
         f"that is {n} times too large ({n} elements): did you sum instead of average? Use .mean()"),
        (2 * expected, "that is 2x too large: did you multiply by 2 (or add the loss twice)?"),
        (expected / 2, "that is half the mean squared error: no factor 1/2 here"),
        (math.sqrt(expected), "that is the square root of the MSE (RMSE): don't take .sqrt()"),
        (d.abs().mean().item(), "that is the mean ABSOLUTE error: square the differences instead of .abs()"),
        (d.mean().item(), "that is the mean of the differences: you forgot to square them"),
        (d.mean().item() ** 2, "you squared the mean difference; square each difference first, then average"),
    ]
    if d.dim() == 2:
        variants.append(((d ** 2).sum(dim=1).mean().item(),
                         "you summed over the last dim and averaged over the first: average over ALL elements"))
    return expected, variants


def _check_mse(student, pred, tgt):
    result = student.mse(pred, tgt)
    _require_0d_loss(result, "mse")
    expected, variants = _mse_variants(pred, tgt)
    _name_variant(result, expected, variants, "mse")
    assert_tensor(result, torch.tensor(expected, dtype=pred.dtype), inputs=(pred, tgt))


@points(1)
@target("mse")
@hint("((pred - target) ** 2).mean() is the whole function.")
def check_mse_random_matrix(student, case):
    """mse() of random (i, j) float32 matrices"""
    pred, tgt = case.randn("i", "j"), case.randn("i", "j")
    _check_mse(student, pred, tgt)


@points(1)
@target("mse")
@hint("Don't convert dtypes: the result must have the dtype of the inputs.")
def check_mse_float64_3d(student, case):
    """mse() of random 3-d float64 tensors, and of 0-d tensors"""
    pred = case.randn("a", "b", "c", dtype=torch.float64)
    tgt = case.randn("a", "b", "c", dtype=torch.float64)
    _check_mse(student, pred, tgt)
    p0, t0 = torch.tensor(1.5, dtype=torch.float64), torch.tensor(-0.5, dtype=torch.float64)
    _check_mse(student, p0, t0)


@points(1)
@target("mse")
@hint("Keep everything as tensor operations: no .item(), no torch.tensor(...) around a result.")
def check_mse_gradient_flows(student, case):
    """mse() of a prediction that requires grad is part of the autograd graph"""
    pred = case.randn("i", "j").requires_grad_()
    tgt = case.randn("i", "j")
    result = student.mse(pred, tgt)
    _require_0d_loss(result, "mse")
    expected, variants = _mse_variants(pred.detach(), tgt)
    _name_variant(result, expected, variants, "mse")
    assert_tensor(result.detach(), torch.tensor(expected, dtype=pred.dtype), inputs=(pred, tgt))
    g = _student_grad(student, "mse", pred, tgt, "pred")
    want = 2 * (pred.detach() - tgt) / pred.numel()
    assert_tensor(g, want, name="gradient of your mse with respect to pred", device=None,
                  inputs=(pred.detach(), tgt))
    _claims_graph(result, "pred")


# ----------------------------------------------------------------- cross_entropy

def _ce_expected(logits, labels):
    """Per-row losses and their mean, in float64, by the log-sum-exp trick."""
    z = logits.double()
    m = z.max(dim=1, keepdim=True).values
    lse = (z - m).exp().sum(dim=1).log() + m.squeeze(1)
    picked = z.gather(1, labels[:, None]).squeeze(1)
    return lse, picked, (lse - picked)


def _ce_variants(logits, labels):
    lse, picked, rows = _ce_expected(logits, labels)
    z = logits.double()
    n, c = z.shape
    m = z.max(dim=1).values
    expected = rows.mean().item()
    variants = [
        (rows.sum().item(),
         f"that is {n} times too large ({n} rows): did you sum instead of average over the rows?"),
        (-expected, "the sign is wrong: the loss is  logsumexp(row) - row[label]  (it is never negative)"),
        (expected / c,
         f"that is {c} times too small: average over the N={n} rows only, not over all N*C entries"),
        ((rows - m).mean().item(),
         "it is off by the row max: after subtracting the max for exp(), add it back "
         "(or pick row[label] from the shifted logits as well)"),
        ((rows + m).mean().item(),
         "it is off by the row max: subtract the max from BOTH terms, or from neither"),
        ((lse.mean() - z[:, labels].mean()).item(),
         "logits[:, labels] picks a whole (N, N) block; pick one entry per row: "
         "logits[torch.arange(N), labels] or logits.gather(1, labels[:, None])"),
        ((-(z.exp() / z.exp().sum(dim=0, keepdim=True)).log().gather(1, labels[:, None])).mean().item(),
         "the softmax is taken over the wrong dim: normalise each ROW (dim=1), not each column"),
    ]
    col_max = z.max(dim=0, keepdim=True).values
    variants.append((
        ((z - col_max).exp().sum(dim=1).log()
         - (z - col_max).gather(1, labels[:, None]).squeeze(1)).mean().item(),
        "that is what you get with the max taken down each COLUMN (dim=0); "
        "take the max along each row: logits.max(dim=1, keepdim=True).values"))
    return expected, variants


def _check_ce(student, logits, labels, *, huge=None):
    result = student.cross_entropy(logits, labels)
    _require_0d_loss(result, "cross_entropy")
    expected, variants = _ce_variants(logits, labels)
    value = _scalar(result)
    if value is not None and not math.isfinite(value):
        where = f" for logits around {huge}" if huge is not None else ""
        raise AssertionError(
            f"cross_entropy() gave {value}{where}, expected {expected:.6g}: exp() overflows to inf "
            "(or underflows to 0, and log(0) = -inf). Subtract each row's max first: "
            "m = logits.max(dim=1, keepdim=True).values; exp(logits - m) never overflows, "
            "and every row then has at least one exp(0) = 1 so the sum is never 0")
    _name_variant(result, expected, variants, "cross_entropy")
    assert_tensor(result, torch.tensor(expected, dtype=logits.dtype), inputs=(logits, labels))


def _labels(case, n, c):
    return torch.randint(0, c, (n,), generator=case.generator)


@points(1)
@target("cross_entropy")
@hint("loss_i = log(sum_j exp(z_ij - m_i)) + m_i - z_i,label_i  with m_i the max of row i.")
def check_cross_entropy_random(student, case):
    """cross_entropy() of random (N, C) float32 logits"""
    logits = case.randn("n", "c") * 3
    labels = _labels(case, *logits.shape)
    _check_ce(student, logits, labels)


@points(1)
@target("cross_entropy")
@hint("Don't convert dtypes: the loss must have the dtype of the logits.")
def check_cross_entropy_float64(student, case):
    """cross_entropy() of random float64 logits, and of a single row"""
    logits = case.randn("n", "c", dtype=torch.float64) * 2
    _check_ce(student, logits, _labels(case, *logits.shape))
    one = case.randn(1, "c", dtype=torch.float64)
    _check_ce(student, one, torch.tensor([case.size("c") - 1]))


@points(1)
@target("cross_entropy")
@hint("exp(1000.) is inf in float32. Subtract the max of each row (dim=1, keepdim=True) before exp().")
def check_cross_entropy_huge_positive_logits(student, case):
    """cross_entropy() stays finite and exact for logits around +1000"""
    logits = case.randn("n", "c") * 4 + 1000.0
    _check_ce(student, logits, _labels(case, *logits.shape), huge="+1000")


@points(1)
@target("cross_entropy")
@hint("exp(-1000.) is 0, and log(0) is -inf. After subtracting the row max, one entry of every row is exp(0) = 1.")
def check_cross_entropy_huge_negative_logits(student, case):
    """cross_entropy() stays finite and exact for logits around -1000"""
    logits = case.randn("n", "c") * 4 - 1000.0
    _check_ce(student, logits, _labels(case, *logits.shape), huge="-1000")


@points(1)
@target("cross_entropy")
@hint("One max PER ROW: logits.max(dim=1, keepdim=True).values, not logits.max().")
def check_cross_entropy_rows_on_different_scales(student, case):
    """cross_entropy() with one row near +1000, one near -1000 and one near 0"""
    c = case.size("c")
    base = case.randn(3, "c") * 2
    offsets = torch.tensor([[1000.0], [-1000.0], [0.0]])
    logits = base + offsets
    labels = _labels(case, 3, c)
    result = student.cross_entropy(logits, labels)
    value = _scalar(result)
    if value is not None and not math.isfinite(value):
        raise AssertionError(
            f"cross_entropy() gave {value} when one row is near +1000 and another near -1000: "
            "exp() overflowed or underflowed. Each row needs its OWN max, "
            "logits.max(dim=1, keepdim=True).values; one max for the whole batch (logits.max()) "
            "leaves the -1000 row at exp(-2000) = 0, and log(0) = -inf")
    _check_ce(student, logits, labels, huge="+1000 and -1000 in different rows")


@points(1)
@target("cross_entropy")
@hint("A confident wrong answer costs a lot: row [1000, -1000] with label 1 has loss 2000, exactly.")
def check_cross_entropy_extreme_spread(student, case):
    """cross_entropy() when the label sits on a logit 2000 below the row max"""
    c = case.size("c")
    logits = torch.full((2, c), -1000.0)
    logits[0, 0] = 1000.0
    logits[1, c - 1] = 1000.0
    labels = torch.tensor([c - 1, c - 1])   # row 0: badly wrong, row 1: right
    _check_ce(student, logits, labels, huge="+-1000")


@points(1)
@target("cross_entropy")
@hint("Use tensor operations all the way: no .item(), no torch.tensor(...) around the result.")
def check_cross_entropy_gradient_flows(student, case):
    """cross_entropy() of logits that require grad is part of the autograd graph"""
    logits = (case.randn("n", "c") * 2).requires_grad_()
    labels = _labels(case, *logits.shape)
    result = student.cross_entropy(logits, labels)
    _require_0d_loss(result, "cross_entropy")
    expected, variants = _ce_variants(logits.detach(), labels)
    _name_variant(result, expected, variants, "cross_entropy")
    assert_tensor(result.detach(), torch.tensor(expected, dtype=logits.dtype), inputs=(logits, labels))
    # The gradient is (softmax(logits) - one_hot(labels)) / N: a detached term shows here.
    g = _student_grad(student, "cross_entropy", logits, labels, "logits")
    z = logits.detach().double()
    p = (z - z.max(dim=1, keepdim=True).values).exp()
    p = p / p.sum(dim=1, keepdim=True)
    want = ((p - F.one_hot(labels, z.shape[1]).double()) / z.shape[0]).to(logits.dtype)
    if isinstance(g, torch.Tensor) and g.shape == want.shape and not torch.allclose(
            g.double(), want.double(), rtol=1e-4, atol=1e-6):
        raise AssertionError(
            "your loss has the right value but the wrong gradient, (softmax(logits) - "
            "one_hot(labels)) / N: part of the computation is cut off from autograd. Don't use "
            ".detach(), .data, .item() or torch.tensor(...) on any term (detaching the max alone "
            "is fine: it cancels)")
    assert_tensor(g, want, rtol=1e-4, atol=1e-6, name="gradient of your cross_entropy with respect to the logits",
                  device=None, inputs=())
    _claims_graph(result, "the logits")


# ----------------------------------------------------------------- accuracy

def _acc_check(student, logits, labels):
    n, c = logits.shape
    try:
        result = student.accuracy(logits, labels)
    except StudentError as e:
        if not e.not_implemented and "must match the size" in e.message:
            raise AssertionError(
                f"accuracy() raised {e.type_name}: {e.message}\n"
                f"With N={n} rows and C={c} classes, argmax over dim 0 gives {c} predictions "
                f"that cannot be compared with {n} labels: use logits.argmax(dim=1), one "
                "prediction per row") from None
        raise
    pred = logits.argmax(dim=1)
    correct = int((pred == labels).sum())
    expected = correct / n
    if isinstance(result, torch.Tensor):
        raise AssertionError(
            f"accuracy() returned a tensor of shape {tuple(result.shape)} and dtype {result.dtype}; "
            "return a plain Python float: call .item() on the final 0-d tensor")
    if isinstance(result, bool) or not _is_number(result):
        raise AssertionError(f"accuracy() returned {type(result).__name__} {result!r}; expected a Python float")
    if type(result) is int and not (0 < correct < n and result == 0) and not (correct > 0 and n > 1 and result == correct):
        raise AssertionError(
            f"accuracy() returned the int {result}; return a Python float (e.g. 1.0, not 1): "
            "divide with / or use .float().mean().item()")
    if correct > 0 and n > 1 and float(result) == float(correct):
        raise AssertionError(
            f"accuracy() returned {result}: that is the NUMBER of correct rows; divide by N = {n}")
    if n == c:
        wrong = (logits.argmax(dim=0) == labels).float().mean().item()
        if _close(float(result), wrong) and not _close(wrong, expected):
            raise AssertionError(
                f"accuracy() returned {result}, expected {expected:.6g}: that is argmax over dim 0 "
                "(down each column). Each ROW is one sample: use logits.argmax(dim=1)")
    if 0 < correct < n and result == 0 and type(result) is int:
        raise AssertionError(
            f"accuracy() returned {result}, expected {expected:.6g}: integer division (//) rounds "
            "down to 0; use / or .float().mean()")
    if expected != 0 and _close(float(result), 100 * expected):
        raise AssertionError(
            f"accuracy() returned {result}, expected {expected:.6g}: a fraction between 0 and 1, "
            "not a percentage")
    assert_number(result, expected, rel=1e-6, abs=1e-9)


def _logits_with_accuracy(case, n, c, n_right):
    """Random logits and labels with exactly n_right correct rows (rows chosen at random)."""
    logits = torch.randn(n, c, generator=case.generator)
    pred = logits.argmax(dim=1)
    labels = pred.clone()
    wrong_rows = torch.randperm(n, generator=case.generator)[: n - n_right]
    labels[wrong_rows] = (pred[wrong_rows] + 1) % c
    return logits, labels


@points(1)
@target("accuracy")
@hint("(logits.argmax(dim=1) == labels).float().mean().item()")
def check_accuracy_random(student, case):
    """accuracy() of random (N, C) logits with N != C"""
    n, c = 3 * case.size("n") + 1, case.size("c")
    k = case.rng.randint(2, n - 1)
    logits, labels = _logits_with_accuracy(case, n, c, k)
    _acc_check(student, logits, labels)
    _acc_check(student, logits.double(), labels)


@points(1)
@target("accuracy")
@hint("argmax over dim=1: one prediction per row (per sample), not per column.")
def check_accuracy_square_logits(student, case):
    """accuracy() when N == C, where argmax over the wrong dim still runs"""
    n = case.size("n") + 4
    for _ in range(20):   # pick a case where the wrong dim gives a different answer
        logits, labels = _logits_with_accuracy(case, n, n, case.rng.randint(1, n - 1))
        if not math.isclose((logits.argmax(dim=0) == labels).float().mean().item(),
                            (logits.argmax(dim=1) == labels).float().mean().item()):
            break
    _acc_check(student, logits, labels)


@points(1)
@target("accuracy")
@hint("The result is a Python float: 1.0 when every row is right, 0.0 when none is.")
def check_accuracy_all_and_none(student, case):
    """accuracy() is 1.0 when all rows are right and 0.0 when none is (a float each time)"""
    n, c = case.size("n"), case.size("c")
    logits, labels = _logits_with_accuracy(case, n, c, n)
    _acc_check(student, logits, labels)
    logits, labels = _logits_with_accuracy(case, n, c, 0)
    _acc_check(student, logits, labels)
