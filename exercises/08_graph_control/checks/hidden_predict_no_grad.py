"""predict_no_grad(model, x): model(x) under torch.no_grad().

The values are verified: a Linear with weights the check chose, loaded through
the grader's builder, must give the check's own x @ W.T + b. Whether autograd
recorded the forward pass (the result's requires_grad, grad mode while the
model ran) is only the student's process's account of itself: it can cost
points (claim_fail), after the values passed, and never earns them.
"""
import torch
from grader.checks import points, hint, target, assert_tensor, claims, claim_fail


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
            "your process reports that your result requires grad (grad_fn "
            + str(claims(out).grad_fn) + "): autograd recorded the forward pass. Run it inside "
            "`with torch.no_grad():` (model.eval() alone does not switch off gradient tracking).")


@points(2)
@target("predict_no_grad")
@hint("with torch.no_grad():\n    return model(x)")
def check_random_linear(student, case, device):
    """a Linear(i, j) with a known state on a random batch: values and no grad"""
    n_in, n_out = case.size("i"), case.size("j")
    model, W, b = _linear(student, case, device, n_in, n_out)
    x = case.randn("n", n_in)
    out = student.predict_no_grad(model, x)
    assert_tensor(out, x @ W.T + b, inputs=(x,))
    _no_grad_result(out)


@points(2)
@target("predict_no_grad")
@hint("Put the call model(x) itself inside the `with torch.no_grad():` block; detaching the "
      "result afterwards still builds (and then throws away) the whole graph.")
def check_model_runs_with_grad_off(student, case, device):
    """grad mode is off while the model runs (not just detached afterwards)"""
    model, W, b = _linear(student, case, device, case.size("i"), case.size("j"))
    x = case.randn("n", case.size("i"))
    out, modes = student.build("autograd.grad_mode_in_forward", student.predict_no_grad, model, x)
    assert_tensor(out, x @ W.T + b, inputs=(x,))
    # Grad mode during the forward pass cannot be seen in the values: a claim.
    seen = modes.value if isinstance(modes.value, list) else []
    if any(seen):
        detached = isinstance(out, torch.Tensor) and not claims(out).requires_grad
        claim_fail("your process reports that the model ran with gradient tracking on: "
                   + ("you detached the result afterwards; " if detached else "")
                   + "call model(x) inside `with torch.no_grad():`.")


@points(1)
@target("predict_no_grad")
@hint("Do not convert the input: a float64 model takes float64 input and returns float64.")
def check_float64_and_input_requiring_grad(student, case, device):
    """float64 model and an input that itself requires grad"""
    n_in, n_out = case.size("i"), case.size("j")
    model, W, b = _linear(student, case, device, n_in, n_out, dtype=torch.float64)
    x = case.randn("n", n_in, dtype=torch.float64).requires_grad_(True)
    out = student.predict_no_grad(model, x)
    assert_tensor(out, x.detach() @ W.T + b, inputs=(x,))
    _no_grad_result(out)


@points(1)
@target("predict_no_grad")
@hint("nn.Linear accepts a single sample of shape (in_features,) and an empty batch of shape (0, in_features); just pass x through.")
def check_single_sample_and_empty_batch(student, case, device):
    """a single sample of shape (i,) and an empty batch of shape (0, i)"""
    n_in, n_out = case.size("i"), case.size("j")
    model, W, b = _linear(student, case, device, n_in, n_out)
    x1 = case.randn(n_in)
    out1 = student.predict_no_grad(model, x1)
    assert_tensor(out1, W @ x1 + b, inputs=(x1,))
    x0 = torch.zeros(0, n_in)
    assert_tensor(student.predict_no_grad(model, x0), torch.zeros(0, n_out), inputs=(x0,))
    _no_grad_result(out1)
