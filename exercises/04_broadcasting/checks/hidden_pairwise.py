"""Hidden checks for pairwise_sq_dists(x, y)."""
import torch
from grader.checks import points, hint, target, title
from support_broadcasting import expect_pairwise as _check

_HINT = ("x[:, None, :] has shape (n, 1, d) and y[None, :, :] has shape (1, m, d); their "
         "difference is (n, m, d). Square it and sum over the last dimension.")
_HINT_ZH = ("x[:, None, :] 的形状是 (n, 1, d)，y[None, :, :] 的形状是 (1, m, d)；两者的差是 "
            "(n, m, d)。先平方，再对最后一维求和。")


@points(1)
@target("pairwise_sq_dists")
@title(zh="对随机的 (n, d) 和 (m, d) 张量调用 pairwise_sq_dists")
@hint(_HINT, zh=_HINT_ZH)
def check_pairwise_random(student, case):
    """pairwise_sq_dists of random (n, d) and (m, d) tensors"""
    _check(student, case.randn("n", "d"), case.randn("m", "d"))


@points(1)
@target("pairwise_sq_dists")
@title(zh="pairwise_sq_dists(x, y) 每个 x 一行、每个 y 一列")
@hint("Rows of the result follow x, columns follow y.",
      zh="结果的行对应 x，列对应 y。")
def check_pairwise_orientation(student, case):
    """pairwise_sq_dists(x, y) has one row per x and one column per y"""
    x, y = case.randn("n", "d"), case.randn("m", "d")
    _check(student, y, x)
    _check(student, x[:1], y)


@points(1)
@target("pairwise_sq_dists")
@title(zh="float64 的 pairwise_sq_dists")
@hint("Work in the input's dtype: no torch.tensor(...) or .float() along the way.",
      zh="全程使用输入的 dtype：中间不要用 torch.tensor(...) 或 .float()。")
def check_pairwise_float64(student, case):
    """pairwise_sq_dists in float64"""
    _check(student, case.randn("n", "d", dtype=torch.float64) * 5,
           case.randn("m", "d", dtype=torch.float64) * 5)


@points(1)
@target("pairwise_sq_dists")
@title(zh="一组点与自身的 pairwise_sq_dists（对角线为零）")
@hint("The distance from a point to itself is 0, and d[i, j] == d[j, i] for x against x.",
      zh="一个点到自身的距离是 0；x 对 x 时 d[i, j] == d[j, i]。")
def check_pairwise_same_points(student, case):
    """pairwise_sq_dists of a set of points against itself (zero diagonal)"""
    x = case.randn("n", "d", dtype=torch.float64)
    _check(student, x, x)
    _check(student, x, x.flip(0))


@points(1)
@target("pairwise_sq_dists")
@title(zh="没有点、或者特征数为零时的 pairwise_sq_dists")
@hint("No points gives an empty result: (0, d) and (m, d) give (0, m). With d = 0 every distance is 0.",
      zh="没有点时结果为空：(0, d) 和 (m, d) 得到 (0, m)。d = 0 时所有距离都是 0。")
def check_pairwise_empty(student, case):
    """pairwise_sq_dists with no points, or with zero features"""
    d = case.size("d")
    _check(student, torch.zeros(0, d), case.randn("m", "d"))
    _check(student, case.randn("n", "d"), torch.zeros(0, d))
    _check(student, torch.zeros(case.size("n"), 0), torch.zeros(case.size("m"), 0))
