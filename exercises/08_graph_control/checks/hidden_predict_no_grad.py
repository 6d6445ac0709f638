"""predict_no_grad(model, x): model(x) under torch.no_grad().

The values are verified: a Linear with weights the check chose, loaded through
the grader's builder, must give the check's own x @ W.T + b. Whether autograd
recorded the forward pass (the result's requires_grad, grad mode while the
model ran) is only the student's process's account of itself: it can cost
points (claim_fail), after the values passed, and never earns them.
"""
import torch
from grader.checks import (CheckFailure, assert_tensor, claim_fail, claims, hint, points, target,
                           title)


def _linear(student, case, device, n_in, n_out, dtype=torch.float32):
    W = case.randn(n_out, n_in, dtype=dtype)
    b = case.randn(n_out, dtype=dtype)
    model = student.build("model.loaded", student.build("nn.Linear", n_in, n_out, dtype=dtype),
                          {"weight": W, "bias": b}, device)
    return model, W, b


def _no_grad_result(out):
    """A claim: what the process says about the result's graph."""
    if isinstance(out, torch.Tensor) and claims(out).requires_grad:
        claim_fail(
            "your process reports that your result requires grad: autograd recorded the forward "
            "pass. Run it inside `with torch.no_grad():` (model.eval() alone does not switch off "
            "gradient tracking)",
            zh="你的进程报告说结果 requires grad：自动求导记录了这次前向计算。请在 "
               "`with torch.no_grad():` 里运行它（只调用 model.eval() 并不会关闭梯度跟踪）",
            evidence=f"grad_fn reported: {str(claims(out).grad_fn)[:200]}")


def _compare(out, expected, x, what):
    """assert_tensor, with the input's shape and dtype in the evidence."""
    try:
        assert_tensor(out, expected, inputs=(x,), name="predict_no_grad(model, x)")
    except CheckFailure as e:
        raise type(e)(e.diagnosis, f"the call: predict_no_grad(model, x): {what}, x of shape "
                                   f"{tuple(x.shape)} {x.dtype}\n{e.evidence}".rstrip()) from None


@points(2)
@target("predict_no_grad")
@title(zh="状态已知的 Linear(i, j)，随机批次：数值正确且不需要梯度")
@hint("with torch.no_grad():\n    return model(x)", zh="with torch.no_grad():\n    return model(x)")
def check_random_linear(student, case, device):
    """a Linear(i, j) with a known state on a random batch: values and no grad"""
    n_in, n_out = case.size("i"), case.size("j")
    model, W, b = _linear(student, case, device, n_in, n_out)
    x = case.randn("n", n_in)
    out = student.predict_no_grad(model, x)
    _compare(out, x @ W.T + b, x, f"model = Linear({n_in}, {n_out})")
    _no_grad_result(out)


@points(2)
@target("predict_no_grad")
@title(zh="模型运行时梯度模式是关闭的（而不只是事后 detach）")
@hint("Put the call model(x) itself inside the `with torch.no_grad():` block; detaching the "
      "result afterwards still builds (and then throws away) the whole graph.",
      zh="把 model(x) 这次调用本身放进 `with torch.no_grad():` 代码块；事后再对结果 detach，"
         "仍然会先建立整张计算图（然后再丢掉）。")
def check_model_runs_with_grad_off(student, case, device):
    """grad mode is off while the model runs (not just detached afterwards)"""
    model, W, b = _linear(student, case, device, case.size("i"), case.size("j"))
    x = case.randn("n", case.size("i"))
    out, modes = student.build("autograd.grad_mode_in_forward", student.predict_no_grad, model, x)
    _compare(out, x @ W.T + b, x, "model = Linear(i, j)")
    # Grad mode during the forward pass cannot be seen in the values: a claim.
    seen = modes.value if isinstance(modes.value, list) else []
    if any(seen):
        detached = isinstance(out, torch.Tensor) and not claims(out).requires_grad
        if detached:
            claim_fail("your process reports that the model ran with gradient tracking on and "
                       "that you detached the result afterwards: call model(x) inside "
                       "`with torch.no_grad():`",
                       zh="你的进程报告说模型运行时梯度跟踪是开着的，你是事后才对结果 detach 的："
                          "请在 `with torch.no_grad():` 里调用 model(x)",
                       evidence=f"grad mode reported during the forward pass: {seen[:20]}")
        claim_fail("your process reports that the model ran with gradient tracking on: call "
                   "model(x) inside `with torch.no_grad():`",
                   zh="你的进程报告说模型运行时梯度跟踪是开着的：请在 `with torch.no_grad():` "
                      "里调用 model(x)",
                   evidence=f"grad mode reported during the forward pass: {seen[:20]}")


@points(1)
@target("predict_no_grad")
@title(zh="float64 模型，输入本身也 requires grad")
@hint("Do not convert the input: a float64 model takes float64 input and returns float64.",
      zh="不要转换输入：float64 的模型接收 float64 输入，返回 float64 结果。")
def check_float64_and_input_requiring_grad(student, case, device):
    """float64 model and an input that itself requires grad"""
    n_in, n_out = case.size("i"), case.size("j")
    model, W, b = _linear(student, case, device, n_in, n_out, dtype=torch.float64)
    x = case.randn("n", n_in, dtype=torch.float64).requires_grad_(True)
    out = student.predict_no_grad(model, x)
    _compare(out, x.detach() @ W.T + b, x, "a float64 Linear(i, j)")
    _no_grad_result(out)


@points(1)
@target("predict_no_grad")
@title(zh="形状为 (i,) 的单个样本，以及形状为 (0, i) 的空批次")
@hint("nn.Linear accepts a single sample of shape (in_features,) and an empty batch of shape "
      "(0, in_features); just pass x through.",
      zh="nn.Linear 可以接收形状为 (in_features,) 的单个样本，也可以接收形状为 (0, in_features) "
         "的空批次；直接把 x 传进去即可。")
def check_single_sample_and_empty_batch(student, case, device):
    """a single sample of shape (i,) and an empty batch of shape (0, i)"""
    n_in, n_out = case.size("i"), case.size("j")
    model, W, b = _linear(student, case, device, n_in, n_out)
    x1 = case.randn(n_in)
    out1 = student.predict_no_grad(model, x1)
    _compare(out1, W @ x1 + b, x1, "a single sample")
    x0 = torch.zeros(0, n_in)
    _compare(student.predict_no_grad(model, x0), torch.zeros(0, n_out), x0, "an empty batch")
    _no_grad_result(out1)
