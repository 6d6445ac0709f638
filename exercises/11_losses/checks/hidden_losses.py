"""Hidden checks for 11_losses.

Expected values are computed with plain torch (in float64), never taken from
the reference solution; support_losses names the common mistakes.
"""
import math

import torch

from grader.checks import assert_tensor, fail, hint, points, target, title
from grader.i18n import pick
from support_losses import (call_loss, ce_gradient, ce_variants, expect_accuracy, expect_ce,
                            expect_mse, claims_graph, mse_variants, name_variant, require_0d_loss,
                            scalar, show, student_grad)


# ----------------------------------------------------------------- mse

@points(1)
@target("mse")
@title(zh="随机 (i, j) float32 矩阵的 mse()")
@hint("((pred - target) ** 2).mean() is the whole function.",
      zh="整个函数就是 ((pred - target) ** 2).mean()。")
def check_mse_random_matrix(student, case):
    """mse() of random (i, j) float32 matrices"""
    pred, tgt = case.randn("i", "j"), case.randn("i", "j")
    expect_mse(student, pred, tgt)


@points(1)
@target("mse")
@title(zh="随机三维 float64 张量的 mse()，以及 0 维张量的 mse()")
@hint("Don't convert dtypes: the result must have the dtype of the inputs.",
      zh="不要转换数据类型：结果的数据类型必须与输入相同。")
def check_mse_float64_3d(student, case):
    """mse() of random 3-d float64 tensors, and of 0-d tensors"""
    pred = case.randn("a", "b", "c", dtype=torch.float64)
    tgt = case.randn("a", "b", "c", dtype=torch.float64)
    expect_mse(student, pred, tgt)
    p0, t0 = torch.tensor(1.5, dtype=torch.float64), torch.tensor(-0.5, dtype=torch.float64)
    expect_mse(student, p0, t0)


@points(1)
@target("mse")
@title(zh="pred 需要梯度时，mse() 的结果在计算图中")
@hint("Keep everything as tensor operations: no .item(), no torch.tensor(...) around a result.",
      zh="全程使用张量运算：不要调用 .item()，也不要用 torch.tensor(...) 包装结果。")
def check_mse_gradient_flows(student, case):
    """mse() of a prediction that requires grad is part of the autograd graph"""
    pred = case.randn("i", "j").requires_grad_()
    tgt = case.randn("i", "j")
    result = student.mse(pred, tgt)
    require_0d_loss(result, "mse", (pred.detach(), tgt))
    expected, variants = mse_variants(pred.detach(), tgt)
    name_variant(result, expected, variants, (pred.detach(), tgt))
    assert_tensor(result.detach(), torch.tensor(expected, dtype=pred.dtype), inputs=(pred, tgt),
                  name=pick("mse", "mse 的结果"))
    g = student_grad(student, "mse", pred, tgt, "pred", " pred")
    want = 2 * (pred.detach() - tgt) / pred.numel()
    assert_tensor(g, want, device=None, inputs=(pred.detach(), tgt),
                  name=pick("gradient of your mse with respect to pred", "你的 mse 对 pred 的梯度"))
    claims_graph(result, "pred", "pred ")


# ----------------------------------------------------------------- cross_entropy

def _labels(case, n, c):
    return torch.randint(0, c, (n,), generator=case.generator)


@points(1)
@target("cross_entropy")
@title(zh="随机 (N, C) float32 logits 的 cross_entropy()")
@hint("loss_i = log(sum_j exp(z_ij - m_i)) + m_i - z_i,label_i  with m_i the max of row i.",
      zh="loss_i = log(sum_j exp(z_ij - m_i)) + m_i - z_i,label_i，其中 m_i 是第 i 行的最大值。")
def check_cross_entropy_random(student, case):
    """cross_entropy() of random (N, C) float32 logits"""
    logits = case.randn("n", "c") * 3
    expect_ce(student, logits, _labels(case, *logits.shape))


@points(1)
@target("cross_entropy")
@title(zh="随机 float64 logits 的 cross_entropy()，以及只有一行时的 cross_entropy()")
@hint("Don't convert dtypes: the loss must have the dtype of the logits.",
      zh="不要转换数据类型：损失的数据类型必须与 logits 相同。")
def check_cross_entropy_float64(student, case):
    """cross_entropy() of random float64 logits, and of a single row"""
    logits = case.randn("n", "c", dtype=torch.float64) * 2
    expect_ce(student, logits, _labels(case, *logits.shape))
    one = case.randn(1, "c", dtype=torch.float64)
    expect_ce(student, one, torch.tensor([case.size("c") - 1]))


@points(1)
@target("cross_entropy")
@title(zh="logits 在 +1000 附近时，cross_entropy() 仍然有限且精确")
@hint("exp(1000.) is inf in float32. Subtract the max of each row (dim=1, keepdim=True) before exp().",
      zh="在 float32 中 exp(1000.) 是 inf。在 exp() 之前先减去每一行的最大值（dim=1, keepdim=True）。")
def check_cross_entropy_huge_positive_logits(student, case):
    """cross_entropy() stays finite and exact for logits around +1000"""
    logits = case.randn("n", "c") * 4 + 1000.0
    expect_ce(student, logits, _labels(case, *logits.shape))


@points(1)
@target("cross_entropy")
@title(zh="logits 在 -1000 附近时，cross_entropy() 仍然有限且精确")
@hint("exp(-1000.) is 0, and log(0) is -inf. After subtracting the row max, one entry of every "
      "row is exp(0) = 1.",
      zh="exp(-1000.) 是 0，而 log(0) 是 -inf。减去每行的最大值之后，每一行都有一项是 exp(0) = 1。")
def check_cross_entropy_huge_negative_logits(student, case):
    """cross_entropy() stays finite and exact for logits around -1000"""
    logits = case.randn("n", "c") * 4 - 1000.0
    expect_ce(student, logits, _labels(case, *logits.shape))


@points(1)
@target("cross_entropy")
@title(zh="一行在 +1000 附近、一行在 -1000 附近、一行在 0 附近时的 cross_entropy()")
@hint("One max PER ROW: logits.max(dim=1, keepdim=True).values, not logits.max().",
      zh="每一行各取一个最大值：logits.max(dim=1, keepdim=True).values，而不是 logits.max()。")
def check_cross_entropy_rows_on_different_scales(student, case):
    """cross_entropy() with one row near +1000, one near -1000 and one near 0"""
    c = case.size("c")
    base = case.randn(3, "c") * 2
    offsets = torch.tensor([[1000.0], [-1000.0], [0.0]])
    logits = base + offsets
    labels = _labels(case, 3, c)
    result = call_loss(student, "cross_entropy", logits, labels)
    value = scalar(result)
    if value is not None and not math.isfinite(value):
        expected, _ = ce_variants(logits, labels)
        fail("your cross_entropy gives inf or nan when the rows are on very different scales:"
             " each row needs its own max; one max for the whole batch (logits.max()) leaves a"
             " low row at exp() of a huge negative number, which is zero, and the log of zero is"
             " -inf",
             zh="各行的数值范围相差很大时，你的 cross_entropy 得到了 inf 或 nan：每一行都需要自己的"
                "最大值；整个批次只取一个最大值（logits.max()）会让数值小的那一行变成 exp(很大的负数)"
                "，也就是零，而零的 log 是 -inf",
             evidence=f"yours {value}, expected {expected:.6g}\n" + show(logits, labels))
    expect_ce(student, logits, labels)


@points(1)
@target("cross_entropy")
@title(zh="标签所在的 logit 比该行最大值低 2000 时的 cross_entropy()")
@hint("A confident wrong answer costs a lot: row [1000, -1000] with label 1 has loss 2000, exactly.",
      zh="很自信却答错的代价很大：行 [1000, -1000]、标签为 1 时，损失恰好是 2000。")
def check_cross_entropy_extreme_spread(student, case):
    """cross_entropy() when the label sits on a logit 2000 below the row max"""
    c = case.size("c")
    logits = torch.full((2, c), -1000.0)
    logits[0, 0] = 1000.0
    logits[1, c - 1] = 1000.0
    labels = torch.tensor([c - 1, c - 1])   # row 0: badly wrong, row 1: right
    expect_ce(student, logits, labels)


@points(1)
@target("cross_entropy")
@title(zh="logits 需要梯度时，cross_entropy() 的结果在计算图中")
@hint("Use tensor operations all the way: no .item(), no torch.tensor(...) around the result.",
      zh="全程使用张量运算：不要调用 .item()，也不要用 torch.tensor(...) 包装结果。")
def check_cross_entropy_gradient_flows(student, case):
    """cross_entropy() of logits that require grad is part of the autograd graph"""
    logits = (case.randn("n", "c") * 2).requires_grad_()
    labels = _labels(case, *logits.shape)
    plain = logits.detach()
    result = call_loss(student, "cross_entropy", logits, labels)
    require_0d_loss(result, "cross_entropy", (plain, labels))
    expected, variants = ce_variants(plain, labels)
    name_variant(result, expected, variants, (plain, labels))
    assert_tensor(result.detach(), torch.tensor(expected, dtype=logits.dtype), inputs=(logits, labels),
                  name=pick("cross_entropy", "cross_entropy 的结果"))
    # The gradient is (softmax(logits) - one_hot(labels)) / N: a detached term shows here.
    g = student_grad(student, "cross_entropy", logits, labels, "logits", " logits")
    want = ce_gradient(plain, labels)
    if isinstance(g, torch.Tensor) and g.shape == want.shape and not torch.allclose(
            g.double(), want.double(), rtol=1e-4, atol=1e-6):
        fail("your loss has the right value but the wrong gradient, so part of the computation"
             " is cut off from autograd: don't use .detach(), .data, .item() or torch.tensor(...)"
             " on any term (detaching the max alone is fine: it cancels)",
             zh="你的损失数值是对的，但梯度不对，说明有一部分计算脱离了计算图：不要对任何一项使用"
                " .detach()、.data、.item() 或 torch.tensor(...)（只 detach 最大值没有关系，它会被抵消）",
             evidence=f"your gradient:\n{g}\nexpected (softmax(logits) - one_hot(labels)) / N:\n{want}")
    assert_tensor(g, want, rtol=1e-4, atol=1e-6, device=None, inputs=(),
                  name=pick("gradient of your cross_entropy with respect to the logits",
                            "你的 cross_entropy 对 logits 的梯度"))
    claims_graph(result, "the logits", "logits ")


# ----------------------------------------------------------------- accuracy

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
@title(zh="N != C 的随机 (N, C) logits 的 accuracy()")
@hint("(logits.argmax(dim=1) == labels).float().mean().item()",
      zh="(logits.argmax(dim=1) == labels).float().mean().item()")
def check_accuracy_random(student, case):
    """accuracy() of random (N, C) logits with N != C"""
    n, c = 3 * case.size("n") + 1, case.size("c")
    k = case.rng.randint(2, n - 1)
    logits, labels = _logits_with_accuracy(case, n, c, k)
    expect_accuracy(student, logits, labels)
    expect_accuracy(student, logits.double(), labels)


@points(1)
@target("accuracy")
@title(zh="N == C 时的 accuracy()：这时在错误的维度上取 argmax 也能运行")
@hint("argmax over dim=1: one prediction per row (per sample), not per column.",
      zh="在 dim=1 上取 argmax：每一行（每个样本）一个预测，而不是每一列一个。")
def check_accuracy_square_logits(student, case):
    """accuracy() when N == C, where argmax over the wrong dim still runs"""
    n = case.size("n") + 4
    for _ in range(20):   # pick a case where the wrong dim gives a different answer
        logits, labels = _logits_with_accuracy(case, n, n, case.rng.randint(1, n - 1))
        if not math.isclose((logits.argmax(dim=0) == labels).float().mean().item(),
                            (logits.argmax(dim=1) == labels).float().mean().item()):
            break
    expect_accuracy(student, logits, labels)


@points(1)
@target("accuracy")
@title(zh="全部正确时 accuracy() 是 1.0，全部错误时是 0.0（每次都是 float）")
@hint("The result is a Python float: 1.0 when every row is right, 0.0 when none is.",
      zh="结果是 Python 的 float：每一行都对时是 1.0，一行都不对时是 0.0。")
def check_accuracy_all_and_none(student, case):
    """accuracy() is 1.0 when all rows are right and 0.0 when none is (a float each time)"""
    n, c = case.size("n"), case.size("c")
    logits, labels = _logits_with_accuracy(case, n, c, n)
    expect_accuracy(student, logits, labels)
    logits, labels = _logits_with_accuracy(case, n, c, 0)
    expect_accuracy(student, logits, labels)
