"""grad_after_k_backwards(f, x, k): k fresh forward/backward passes, no zeroing."""
import torch
from grader.checks import CheckFailure, assert_tensor, fail, fn, hint, points, target, title


def _grad(f, x):
    """The gradient of f at x, with the check's own autograd on the same function."""
    xl = x.detach().clone().requires_grad_(True)
    (g,) = torch.autograd.grad(f(xl), xl)
    return g


def _close(a, b):
    return (isinstance(a, torch.Tensor) and a.shape == b.shape
            and torch.allclose(a.double(), b.double(), rtol=1e-4, atol=1e-5))


def _shown(t):
    return str(t.tolist()) if t.numel() <= 12 else f"shape {tuple(t.shape)}"


def _diagnose(result, g, k, call):
    evidence = f"the call: {call}\nexpected {k} times the gradient: {_shown(k * g)}"
    if result is None:
        fail("grad_after_k_backwards returned None: return x.grad at the end",
             zh="grad_after_k_backwards 返回了 None：最后要返回 x.grad", evidence=evidence)
    if not isinstance(result, torch.Tensor) or _close(result, k * g):
        return
    evidence += f"\nyours: {_shown(result)}"
    for m in range(0, 2 * k + 2):
        if m != k and _close(result, m * g):
            evidence += f"\nyours is {m} times the gradient, expected {k} times"
            if m == 1:
                fail("your result is the gradient of a single backward pass, but k is larger "
                     "than one: gradients accumulate in x.grad. Do not zero x.grad (or set it to "
                     "None) between the passes, and call backward k times",
                     zh="你的结果只是一次反向传播的梯度，但 k 大于 1：梯度会在 x.grad 里累加。"
                        "两次反向传播之间不要把 x.grad 清零（或设为 None），并且要调用 k 次 backward",
                     evidence=evidence)
            if m == 0:
                fail("your result is all zeros: do not zero x.grad",
                     zh="你的结果全是 0：不要把 x.grad 清零", evidence=evidence)
            fail("your result is a multiple of the gradient, but not k times it: check how many "
                 "times your loop runs (range(k) runs k times)",
                 zh="你的结果是梯度的整数倍，但不是 k 倍：检查你的循环运行了几次（range(k) 运行 k 次）",
                 evidence=evidence)


def _run(student, f, x, k):
    # f is data (a grader.fn tree), evaluated here too for the expected gradient
    result = student.grad_after_k_backwards(f, x, k)
    g = _grad(f, x)
    call = f"grad_after_k_backwards({f!r}, x of shape {tuple(x.shape)} {x.dtype}, k={k})"
    _diagnose(result, g, k, call)
    try:
        assert_tensor(result, k * g, inputs=(x,), name="grad_after_k_backwards(f, x, k)")
    except CheckFailure as e:
        raise type(e)(e.diagnosis, f"the call: {call}\n{e.evidence}".rstrip()) from None


@points(2)
@target("grad_after_k_backwards")
@title(zh="随机向量，k 在 2 到 5 之间")
@hint("for _ in range(k): y = f(x); y.backward()   and never touch x.grad in between.",
      zh="for _ in range(k): y = f(x); y.backward()，中间不要动 x.grad。")
def check_random_k(student, case):
    """k between 2 and 5 on a random vector"""
    x = case.randn("i").requires_grad_(True)
    for k in (case.rng.randint(2, 3), case.rng.randint(4, 5)):
        _run(student, (fn.sin(fn.x) * fn.x ** 2).sum(), x, k)


@points(1)
@target("grad_after_k_backwards")
@title(zh="k = 1 时得到的就是普通的梯度")
@hint("With k = 1 the loop runs once and x.grad is just the gradient.",
      zh="k = 1 时循环只运行一次，x.grad 就是梯度本身。")
def check_k_is_one(student, case):
    """k = 1 gives the plain gradient"""
    x = case.randn("i", "j").requires_grad_(True)
    _run(student, (fn.x ** 3).mean(), x, 1)


@points(2)
@target("grad_after_k_backwards")
@title(zh="f 被调用 k 次，x.grad 本身保存的是 k 个梯度之和")
@hint("Call f(x) inside the loop, so each backward() has its own fresh graph, and let "
      "backward() do the accumulating: do not multiply by k yourself.",
      zh="在循环里调用 f(x)，让每次 backward() 都有一张新的计算图，并让 backward() 自己去累加："
         "不要自己乘以 k。")
def check_fresh_passes_accumulate_in_x_grad(student, case):
    """f is called k times and x.grad itself holds the sum of the k gradients"""
    k = case.rng.randint(3, 5)
    x = case.randn("j").requires_grad_(True)
    # An f that is a different function on each call: 2**n * (x ** 3).sum() on its n-th
    # call (n = 0, 1, ...). Fresh forward passes then show in the gradient's value.
    f = student.build("autograd.in_turn", *[2.0 ** n * (fn.x ** 3).sum() for n in range(k + 3)])
    result, grads, _ = student.build("autograd.call", student.grad_after_k_backwards, f, x, k)
    x_grad = grads[1]                      # x.grad after the call: a value, compared below
    g = 3 * x.detach() ** 2                # the gradient of (x ** 3).sum()
    expected = (2 ** k - 1) * g            # 1 + 2 + ... + 2**(k-1) times g
    about = ("this check's f is a different function on each call, 2**n * (x ** 3).sum() "
             "on call n = 0, 1, 2, ..., so the gradients show how many fresh forward passes "
             "were made")

    def evidence(*lines):
        return "\n".join([f"the call: grad_after_k_backwards(f, x of shape {tuple(x.shape)}, "
                           f"k={k})", about, *lines])

    if x_grad is None:
        fail("after your function x.grad is still None: call y.backward() on y = f(x)",
             zh="你的函数运行之后 x.grad 仍然是 None：要对 y = f(x) 调用 y.backward()",
             evidence=evidence())
    if not _close(x_grad, expected):
        seen = evidence(f"expected x.grad: {_shown(expected)}", f"your x.grad: {_shown(x_grad)}")
        if _close(x_grad, g) and _close(result, k * g):
            fail("you ran one backward pass and multiplied by k: the point is to watch autograd "
                 "accumulate. Call y = f(x); y.backward() k times and return x.grad",
                 zh="你只做了一次反向传播，然后乘以 k：这个练习的重点是观察自动求导如何累加梯度。"
                    "调用 k 次 y = f(x); y.backward()，然后返回 x.grad",
                 evidence=seen)
        if _close(x_grad, k * g):
            fail("x.grad is k times the gradient of f's first call (this check's f changes "
                 "on every call, so x.grad shows how many fresh forward passes ran): your "
                 "backward passes all went through one graph (retain_graph=True?). Run a fresh "
                 "forward pass y = f(x) inside the loop, before each backward()",
                 zh="x.grad 是 f 第一次调用的梯度的 k 倍（这个检查用的 f 每次调用都不一样，所以 "
                    "x.grad 能看出做了几次新的前向计算）：你的每次反向传播都经过同一张计算图"
                    "（用了 retain_graph=True？）。要在循环里、每次 backward() 之前重新做一次"
                    "前向计算 y = f(x)",
                 evidence=seen)
        if k > 1 and _close(x_grad, 2 ** (k - 1) * g):
            fail("x.grad holds only the gradient of the last pass: do not zero x.grad (or set "
                 "it to None) between the passes, let backward() accumulate",
                 zh="x.grad 只保存了最后一次反向传播的梯度：两次之间不要把 x.grad 清零（或设为 "
                    "None），让 backward() 自己累加",
                 evidence=seen)
        for m in range(0, k + 4):
            if m != k and _close(x_grad, (2 ** m - 1) * g):
                fail("x.grad is the sum of a different number of fresh forward/backward passes "
                     "than k: check how many times your loop runs (range(k) runs k times)",
                     zh="x.grad 是若干次前向/反向传播之和，但次数不是 k：检查你的循环运行了几次"
                        "（range(k) 运行 k 次）",
                     evidence=seen + f"\nyour x.grad is the sum of {m} passes, expected {k}")
    try:
        assert_tensor(x_grad, expected, name="x.grad", inputs=(x,))
    except CheckFailure as e:
        raise type(e)(e.diagnosis, evidence(e.evidence)) from None
    if _close(result, k * g) and not _close(result, expected):
        fail("your result is k times the gradient of f's first call, but x.grad holds the "
             "sum of the k passes: return x.grad itself",
             zh="你的返回值是 f 第一次调用的梯度的 k 倍，但 x.grad 保存的是 k 次传播之和："
                "直接返回 x.grad",
             evidence=evidence(f"expected: {_shown(expected)}", f"yours: {_shown(result)}"))
    try:
        assert_tensor(result, expected, inputs=(x,), name="grad_after_k_backwards(f, x, k)")
    except CheckFailure as e:
        raise type(e)(e.diagnosis, evidence(e.evidence)) from None


@points(1)
@target("grad_after_k_backwards")
@title(zh="float64 矩阵输入，k = 2")
@hint("x.grad has the dtype and shape of x; return it as it is.",
      zh="x.grad 的 dtype 和形状都和 x 相同；原样返回即可。")
def check_float64_matrix(student, case):
    """float64 matrix input, k = 2"""
    x = case.randn("i", "j", dtype=torch.float64).requires_grad_(True)
    _run(student, (fn.exp(fn.x) * fn.x).sum(), x, 2)
