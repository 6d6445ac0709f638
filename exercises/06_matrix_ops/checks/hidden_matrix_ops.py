"""Hidden checks for linear_forward, batched_matvec and gram.

Every size in a case is distinct (so a missing transpose cannot pass by
accident), expected values are computed here in float64 and cast back to the
input dtype, and the results must be on the device of the inputs.

A diagnosis names the mistake and the function, never the shapes or values
of the case: those, with the call, go to the evidence (withheld for a hidden
check). A mistake is named only when the check computed that wrong answer
itself and the result equals it.
"""
import torch

from grader.checks import CheckFailure, StudentError, assert_tensor, fail, hint, points, target, title


def _shape(t):
    return "(" + ", ".join(str(s) for s in t.shape) + ("," if t.dim() == 1 else "") + ")"


def _call(fn, args, name, call, advice):
    """Call the student; when their code raises an error we recognise, name it.

    The exception's text is the student's process's (it goes to the evidence);
    the diagnosis is this check's own advice for the kind of error it matched.
    """
    try:
        return fn(*args)
    except StudentError as e:
        if e.not_implemented:
            raise
        for needles, en, zh in advice:
            if any(n in e.message for n in needles):
                fail(f"{name} raised an error: {en}", zh=f"{name} 抛出了异常：{zh}",
                     evidence=f"the call: {call}\n{e.evidence()}")
        raise


def _same_values(actual, candidate):
    if not isinstance(actual, torch.Tensor) or tuple(actual.shape) != tuple(candidate.shape):
        return False
    try:
        return bool(torch.allclose(actual.double().cpu(), candidate.double(), rtol=1e-4, atol=1e-4))
    except Exception:
        return False


def _evidence(call, expected, actual):
    text = f"the call: {call}\nexpected shape {_shape(expected)}"
    if isinstance(actual, torch.Tensor):
        text += f", yours {_shape(actual)} ({actual.dtype})"
    return text


def _compare(actual, expected, *, name, call, inputs):
    """assert_tensor, with the call that produced the result in the evidence."""
    try:
        assert_tensor(actual, expected, inputs=inputs, name=name)
    except CheckFailure as e:
        raise type(e)(e.diagnosis, f"the call: {call}\n{e.evidence}".rstrip()) from None


# ------------------------------------------------------------ linear_forward

def _linear_expected(x, W, b):
    return (x.double() @ W.double().T + b.double()).to(x.dtype)


LINEAR_ADVICE = [
    (("cannot be multiplied",),
     "the shapes do not fit for the matrix product. W has shape (out, in): each ROW holds the "
     "weights of one output, so x (..., in) must be multiplied by W.T, shape (in, out)",
     "矩阵乘法的形状对不上。W 的形状是 (out, in)：每一行是一个输出的权重，所以 x (..., in) "
     "要乘以 W.T，形状为 (in, out)"),
    (("must be a matrix", "2D", "2-D", "expected 2D"),
     "torch.mm (and .mm) only accept 2-D matrices. Use @ (torch.matmul): it treats every "
     "leading dimension of x as a batch dimension, and works for 1-D x too",
     "torch.mm（以及 .mm）只接受二维矩阵。请用 @（torch.matmul）：它把 x 前面的每个维度都当作"
     "批次维度，对一维的 x 也适用"),
    (("must match the size of tensor",),
     "broadcasting failed when adding b. x @ W.T has shape (..., out) and b has shape (out,): "
     "they line up on the LAST axis as they are, so add b without adding axes to it",
     "加 b 时广播失败。x @ W.T 的形状是 (..., out)，b 的形状是 (out,)：它们本来就在最后一个"
     "轴上对齐，所以直接加 b，不要给它增加轴"),
]


def _linear_call(student, x, W, b):
    name = "linear_forward(x, W, b)"
    call = f"linear_forward(x of shape {_shape(x)}, W of shape {_shape(W)}, b of shape {_shape(b)})"
    out = _call(student.linear_forward, (x, W, b), name, call, LINEAR_ADVICE)
    expected = _linear_expected(x, W, b)
    if not _same_values(out, expected):
        if W.shape[0] == W.shape[1] and _same_values(out, (x.double() @ W.double() + b.double())):
            fail(f"your {name} computed x @ W + b. W has shape (out, in), one row per output, "
                 "so the product is x @ W.T; with a square W both fit, but only W.T is right",
                 zh=f"你的 {name} 算的是 x @ W + b。W 的形状是 (out, in)，每个输出一行，所以应该"
                    "乘 W.T；W 是方阵时两种写法形状都对得上，但只有 W.T 是对的",
                 evidence=_evidence(call, expected, out))
        if _same_values(out, x.double() @ W.double().T):
            fail(f"your {name} equals x @ W.T without the bias: add + b at the end",
                 zh=f"你的 {name} 等于 x @ W.T，少了偏置：最后还要 + b",
                 evidence=_evidence(call, expected, out))
    _compare(out, expected, name=name, call=call, inputs=(x, W, b))
    return out


@target("linear_forward")
@points(2)
@title(zh="linear_forward：(N, in) 的批次，W 不是方阵，以及 W 是方阵")
@hint("nn.Linear stores W as (out, in). x @ W.T has shape (N, out); b (out,) then "
      "broadcasts over the rows.",
      zh="nn.Linear 按 (out, in) 存储 W。x @ W.T 的形状是 (N, out)；然后 b (out,) 沿着各行广播。")
def check_linear_2d(student, case):
    """linear_forward on a (N, in) batch with a non-square W, and with a square W"""
    x = case.randn("n", "i")
    W = case.randn("o", "i")
    b = case.randn("o")
    _linear_call(student, x, W, b)
    Wsq = case.randn("i", "i")
    _linear_call(student, x, Wsq, case.randn("i"))


@target("linear_forward")
@points(2)
@title(zh="linear_forward：三维和四维的 x（前面有批次维度）")
@hint("@ (torch.matmul) treats all leading dimensions as batch dimensions: "
      "(B, T, in) @ (in, out) gives (B, T, out). torch.mm only takes 2-D matrices.",
      zh="@（torch.matmul）把前面所有的维度都当作批次维度：(B, T, in) @ (in, out) 得到 "
         "(B, T, out)。torch.mm 只接受二维矩阵。")
def check_linear_batched(student, case):
    """linear_forward with 3-D and 4-D x (leading batch dimensions)"""
    W = case.randn("o", "i")
    b = case.randn("o")
    _linear_call(student, case.randn("b", "t", "i"), W, b)
    _linear_call(student, case.randn(2, "b", "t", "i"), W, b)


@target("linear_forward")
@points(1)
@title(zh="linear_forward：单个一维输入向量")
@hint("With no leading dimension, x (in,) @ W.T (in, out) is already (out,).",
      zh="没有前导维度时，x (in,) @ W.T (in, out) 直接就是 (out,)。")
def check_linear_single_vector(student, case):
    """linear_forward on a single 1-D input vector"""
    _linear_call(student, case.randn("i"), case.randn("o", "i"), case.randn("o"))


@target("linear_forward")
@points(1)
@title(zh="linear_forward：空批次、零个输入特征，以及 float64")
@hint("Nothing about the sizes or the dtype should be hard-coded: an empty batch gives an "
      "empty (0, out) result, and float64 inputs give a float64 result.",
      zh="大小和 dtype 都不要写死：空批次得到空的 (0, out) 结果，float64 输入得到 float64 结果。")
def check_linear_edges(student, case):
    """linear_forward with an empty batch, zero input features, and float64"""
    W = case.randn("o", "i")
    b = case.randn("o")
    _linear_call(student, case.randn(0, "i"), W, b)
    _linear_call(student, case.randn("n", 0), case.randn("o", 0), b)
    f64 = torch.float64
    _linear_call(student, case.randn("n", "i", dtype=f64), W.double(), b.double())


# ------------------------------------------------------------ batched_matvec

MATVEC_ADVICE = [
    (("Expected size for first two dimensions", "cannot be multiplied", "must match the size",
      "batch1 and batch2", "Expected batch2_sizes"),
     "the shapes do not fit. v has shape (B, m). To multiply each A[k] (n, m) by v[k], make v "
     "a batch of COLUMNS: v[:, :, None] (or v.unsqueeze(-1)) has shape (B, m, 1), A @ that "
     "has shape (B, n, 1), and [..., 0] (or .squeeze(-1)) removes the last axis",
     "形状对不上。v 的形状是 (B, m)。要让每个 A[k] (n, m) 乘以 v[k]，先把 v 变成一批列向量："
     "v[:, :, None]（或 v.unsqueeze(-1)）的形状是 (B, m, 1)，A @ 它的形状是 (B, n, 1)，"
     "再用 [..., 0]（或 .squeeze(-1)）去掉最后一个轴"),
]


def _matvec_call(student, A, v):
    name = "batched_matvec(A, v)"
    call = f"batched_matvec(A of shape {_shape(A)}, v of shape {_shape(v)})"
    out = _call(student.batched_matvec, (A, v), name, call, MATVEC_ADVICE)
    expected = (A.double() @ v.double()[:, :, None])[:, :, 0].to(A.dtype)
    if (
        isinstance(out, torch.Tensor)
        and tuple(out.shape) != tuple(expected.shape)
        and out.numel() == expected.numel()
        and out.dim() < expected.dim()
    ):
        fail(f"your {name} lost a size-1 axis of the result (fewer dimensions, the same number "
             "of values): .squeeze() with no argument removes EVERY size-1 axis, here also B or "
             "n; remove only the last axis: .squeeze(-1) or [..., 0]",
             zh=f"你的 {name} 丢掉了结果里一个大小为 1 的轴（维度变少了，元素个数不变）："
                "不带参数的 .squeeze() 会去掉所有大小为 1 的轴，这里连 B 或 n 也去掉了；"
                "只去掉最后一个轴：.squeeze(-1) 或 [..., 0]",
             evidence=_evidence(call, expected, out))
    _compare(out, expected, name=name, call=call, inputs=(A, v))


@target("batched_matvec")
@points(2)
@title(zh="batched_matvec：批次大小、行数和列数各不相同")
@hint("Make v a batch of columns, v[:, :, None] (B, m, 1); then A @ it is (B, n, 1).",
      zh="把 v 变成一批列向量，v[:, :, None] (B, m, 1)；这样 A @ 它就是 (B, n, 1)。")
def check_matvec_random(student, case):
    """batched_matvec with batch, rows and columns all of different sizes"""
    _matvec_call(student, case.randn("b", "n", "m"), case.randn("b", "m"))
    _matvec_call(student, case.randn("c", "m", "n"), case.randn("c", "n"))


@target("batched_matvec")
@points(1)
@title(zh="batched_matvec：批次大小为 1、只有一行、只有一列")
@hint("Size-1 axes are where .squeeze() bites: it drops every size-1 axis, not just the last.",
      zh="大小为 1 的轴正是 .squeeze() 出问题的地方：它会去掉所有大小为 1 的轴，而不只是最后一个。")
def check_matvec_size_one(student, case):
    """batched_matvec with a batch of one, one row, and one column"""
    _matvec_call(student, case.randn(1, "n", "m"), case.randn(1, "m"))
    _matvec_call(student, case.randn("b", 1, "m"), case.randn("b", "m"))
    _matvec_call(student, case.randn("b", "n", 1), case.randn("b", 1))


@target("batched_matvec")
@points(1)
@title(zh="batched_matvec：空批次，以及 float64")
@hint("An empty batch gives an empty (0, n) result; float64 inputs give a float64 result.",
      zh="空批次得到空的 (0, n) 结果；float64 输入得到 float64 结果。")
def check_matvec_edges(student, case):
    """batched_matvec with an empty batch and with float64"""
    _matvec_call(student, case.randn(0, "n", "m"), case.randn(0, "m"))
    f64 = torch.float64
    _matvec_call(student, case.randn("b", "n", "m", dtype=f64), case.randn("b", "m", dtype=f64))


# ---------------------------------------------------------------------- gram

GRAM_ADVICE = [
    (("cannot be multiplied",),
     "x @ x does not fit: x has shape (n, d). The Gram matrix multiplies x by its transpose, "
     "x @ x.T, shape (n, n)",
     "x @ x 的形状对不上：x 的形状是 (n, d)。Gram 矩阵是 x 乘以它的转置，x @ x.T，形状为 (n, n)"),
]


def _gram_call(student, x):
    name = "gram(x)"
    call = f"gram(x of shape {_shape(x)})"
    out = _call(student.gram, (x,), name, call, GRAM_ADVICE)
    xd = x.double()
    expected = (xd @ xd.T).to(x.dtype)
    if not _same_values(out, expected):
        if _same_values(out, xd.T @ xd):
            fail(f"your {name} computed x.T @ x, shape (d, d). The Gram matrix compares the ROWS "
                 "of x with each other: x @ x.T, shape (n, n)",
                 zh=f"你的 {name} 算的是 x.T @ x，形状为 (d, d)。Gram 矩阵是 x 的各行两两作点积："
                    "x @ x.T，形状为 (n, n)",
                 evidence=_evidence(call, expected, out))
        if _same_values(out, (xd * xd).sum(1)):
            fail(f"your {name} computed only the diagonal (each row with itself). The Gram "
                 "matrix holds the dot product of every pair of rows: x @ x.T, shape (n, n)",
                 zh=f"你的 {name} 只算了对角线（每一行和它自己的点积）。Gram 矩阵包含每一对行的"
                    "点积：x @ x.T，形状为 (n, n)",
                 evidence=_evidence(call, expected, out))
    _compare(out, expected, name=name, call=call, inputs=(x,))


@target("gram")
@points(2)
@title(zh="gram：随机的 (n, d) 矩阵，行比列多，以及列比行多")
@hint("out[r][c] is the dot product of rows r and c of x: x @ x.T, shape (n, n).",
      zh="out[r][c] 是 x 第 r 行和第 c 行的点积：x @ x.T，形状为 (n, n)。")
def check_gram_random(student, case):
    """gram of random (n, d) matrices, more rows than columns and the other way round"""
    tall, wide = max(case.size("n"), case.size("d")), min(case.size("n"), case.size("d"))
    _gram_call(student, case.randn(tall, wide))
    _gram_call(student, case.randn(wide, tall))


@target("gram")
@points(1)
@title(zh="gram：一行、一列、零列、零行，以及 float64")
@hint("A single row gives a (1, 1) result; zero columns give an (n, n) matrix of zeros; "
      "float64 in, float64 out.",
      zh="只有一行时结果是 (1, 1)；零列时得到 (n, n) 的全零矩阵；输入 float64，输出也是 float64。")
def check_gram_edges(student, case):
    """gram with one row, one column, no columns, no rows, and float64"""
    _gram_call(student, case.randn(1, "d"))
    _gram_call(student, case.randn("n", 1))
    _gram_call(student, case.randn("n", 0))
    _gram_call(student, case.randn(0, "d"))
    _gram_call(student, case.randn("n", "d", dtype=torch.float64))
