"""Hidden checks for linear_forward, batched_matvec and gram.

Every size in a case is distinct (so a missing transpose cannot pass by
accident), expected values are computed here in float64 and cast back to the
input dtype, and the results must be on the device of the inputs.
"""
import torch

from grader.checks import StudentError, assert_tensor, fail, hint, points, target


def _shape(t):
    return "(" + ", ".join(str(s) for s in t.shape) + ("," if t.dim() == 1 else "") + ")"


def _call(fn, args, advice):
    """Call the student; when their code raises, add advice for the error we recognise."""
    try:
        return fn(*args)
    except StudentError as e:
        if e.not_implemented:
            raise
        for needles, text in advice:
            if any(n in e.message for n in needles):
                fail(f"{e}\n{text}")
        raise


def _same_values(actual, candidate):
    if not isinstance(actual, torch.Tensor) or tuple(actual.shape) != tuple(candidate.shape):
        return False
    try:
        return bool(torch.allclose(actual.double().cpu(), candidate.double(), rtol=1e-4, atol=1e-4))
    except Exception:
        return False


# ------------------------------------------------------------ linear_forward

def _linear_expected(x, W, b):
    return (x.double() @ W.double().T + b.double()).to(x.dtype)


LINEAR_ADVICE = [
    (("cannot be multiplied",),
     "The shapes do not fit for the matrix product. W has shape (out, in): each ROW holds the "
     "weights of one output, so x (..., in) must be multiplied by W.T, shape (in, out)."),
    (("must be a matrix", "2D", "2-D", "expected 2D"),
     "torch.mm (and .mm) only accept 2-D matrices. Use @ (torch.matmul): it treats every "
     "leading dimension of x as a batch dimension, and works for 1-D x too."),
    (("must match the size of tensor",),
     "Broadcasting failed when adding b. x @ W.T has shape (..., out) and b has shape (out,): "
     "they line up on the LAST axis as they are, so add b without adding axes to it."),
]


def _linear_call(student, x, W, b):
    out = _call(student.linear_forward, (x, W, b), LINEAR_ADVICE)
    name = f"linear_forward(x of shape {_shape(x)}, W of shape {_shape(W)}, b)"
    expected = _linear_expected(x, W, b)
    if not _same_values(out, expected):
        if W.shape[0] == W.shape[1] and _same_values(out, (x.double() @ W.double() + b.double())):
            fail(f"{name}: you computed x @ W + b. W has shape (out, in), one row per output, "
                 "so the product is x @ W.T; with a square W both fit, but only W.T is right.")
        if _same_values(out, x.double() @ W.double().T):
            fail(f"{name}: the bias b is missing: add + b at the end.")
    assert_tensor(out, expected, inputs=(x, W, b), name=f"result of {name}")
    return out


@target("linear_forward")
@points(2)
@hint("nn.Linear stores W as (out, in). x @ W.T has shape (N, out); b (out,) then "
      "broadcasts over the rows.")
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
@hint("@ (torch.matmul) treats all leading dimensions as batch dimensions: "
      "(B, T, in) @ (in, out) gives (B, T, out). torch.mm only takes 2-D matrices.")
def check_linear_batched(student, case):
    """linear_forward with 3-D and 4-D x (leading batch dimensions)"""
    W = case.randn("o", "i")
    b = case.randn("o")
    _linear_call(student, case.randn("b", "t", "i"), W, b)
    _linear_call(student, case.randn(2, "b", "t", "i"), W, b)


@target("linear_forward")
@points(1)
@hint("With no leading dimension, x (in,) @ W.T (in, out) is already (out,).")
def check_linear_single_vector(student, case):
    """linear_forward on a single 1-D input vector"""
    _linear_call(student, case.randn("i"), case.randn("o", "i"), case.randn("o"))


@target("linear_forward")
@points(1)
@hint("Nothing about the sizes or the dtype should be hard-coded: an empty batch gives an "
      "empty (0, out) result, and float64 inputs give a float64 result.")
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
     "v has shape (B, m). To multiply each A[k] (n, m) by v[k], make v a batch of COLUMNS: "
     "v[:, :, None] (or v.unsqueeze(-1)) has shape (B, m, 1), A @ that has shape (B, n, 1), "
     "and [..., 0] (or .squeeze(-1)) removes the last axis."),
]


def _matvec_call(student, A, v):
    out = _call(student.batched_matvec, (A, v), MATVEC_ADVICE)
    name = f"batched_matvec(A of shape {_shape(A)}, v of shape {_shape(v)})"
    expected = (A.double() @ v.double()[:, :, None])[:, :, 0].to(A.dtype)
    if (
        isinstance(out, torch.Tensor)
        and tuple(out.shape) != tuple(expected.shape)
        and out.numel() == expected.numel()
        and out.dim() < expected.dim()
    ):
        fail(f"{name}: your result has shape {_shape(out)}, expected {_shape(expected)}. "
             ".squeeze() with no argument removes EVERY size-1 axis, here also B or n; "
             "remove only the last axis: .squeeze(-1) or [..., 0].")
    assert_tensor(out, expected, inputs=(A, v), name=f"result of {name}")


@target("batched_matvec")
@points(2)
@hint("Make v a batch of columns, v[:, :, None] (B, m, 1); then A @ it is (B, n, 1).")
def check_matvec_random(student, case):
    """batched_matvec with batch, rows and columns all of different sizes"""
    _matvec_call(student, case.randn("b", "n", "m"), case.randn("b", "m"))
    _matvec_call(student, case.randn("c", "m", "n"), case.randn("c", "n"))


@target("batched_matvec")
@points(1)
@hint("Size-1 axes are where .squeeze() bites: it drops every size-1 axis, not just the last.")
def check_matvec_size_one(student, case):
    """batched_matvec with a batch of one, one row, and one column"""
    _matvec_call(student, case.randn(1, "n", "m"), case.randn(1, "m"))
    _matvec_call(student, case.randn("b", 1, "m"), case.randn("b", "m"))
    _matvec_call(student, case.randn("b", "n", 1), case.randn("b", 1))


@target("batched_matvec")
@points(1)
@hint("An empty batch gives an empty (0, n) result; float64 inputs give a float64 result.")
def check_matvec_edges(student, case):
    """batched_matvec with an empty batch and with float64"""
    _matvec_call(student, case.randn(0, "n", "m"), case.randn(0, "m"))
    f64 = torch.float64
    _matvec_call(student, case.randn("b", "n", "m", dtype=f64), case.randn("b", "m", dtype=f64))


# ---------------------------------------------------------------------- gram

GRAM_ADVICE = [
    (("cannot be multiplied",),
     "x @ x does not fit: x has shape (n, d). The Gram matrix multiplies x by its transpose, "
     "x @ x.T, shape (n, n)."),
]


def _gram_call(student, x):
    out = _call(student.gram, (x,), GRAM_ADVICE)
    name = f"gram(x of shape {_shape(x)})"
    xd = x.double()
    expected = (xd @ xd.T).to(x.dtype)
    if not _same_values(out, expected):
        if _same_values(out, xd.T @ xd):
            fail(f"{name}: you computed x.T @ x, shape (d, d) = ({x.shape[1]}, {x.shape[1]}). "
                 "The Gram matrix compares the ROWS of x with each other: x @ x.T, shape (n, n).")
        if _same_values(out, (xd * xd).sum(1)):
            fail(f"{name}: you computed only the diagonal (each row with itself). The Gram matrix "
                 "holds the dot product of every pair of rows: x @ x.T, shape (n, n).")
    assert_tensor(out, expected, inputs=(x,), name=f"result of {name}")


@target("gram")
@points(2)
@hint("out[r][c] is the dot product of rows r and c of x: x @ x.T, shape (n, n).")
def check_gram_random(student, case):
    """gram of random (n, d) matrices, more rows than columns and the other way round"""
    tall, wide = max(case.size("n"), case.size("d")), min(case.size("n"), case.size("d"))
    _gram_call(student, case.randn(tall, wide))
    _gram_call(student, case.randn(wide, tall))


@target("gram")
@points(1)
@hint("A single row gives a (1, 1) result; zero columns give an (n, n) matrix of zeros; "
      "float64 in, float64 out.")
def check_gram_edges(student, case):
    """gram with one row, one column, no columns, no rows, and float64"""
    _gram_call(student, case.randn(1, "d"))
    _gram_call(student, case.randn("n", 1))
    _gram_call(student, case.randn("n", 0))
    _gram_call(student, case.randn(0, "d"))
    _gram_call(student, case.randn("n", "d", dtype=torch.float64))
