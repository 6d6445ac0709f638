"""predict_no_grad(model, x): model(x) under torch.no_grad()."""
import torch
from grader.checks import points, hint, target, assert_tensor, claims, fail


def _linear(student, case, device, n_in, n_out, dtype=torch.float32):
    W = case.randn(n_out, n_in, dtype=dtype)
    b = case.randn(n_out, dtype=dtype)
    model = student.evaluate("torch.nn.Linear(i, o, dtype=dtype).to(device)",
                             i=n_in, o=n_out, dtype=dtype, device=device)
    model.load_state_dict({"weight": W, "bias": b})
    return model, W, b


def _no_grad_result(out):
    if isinstance(out, torch.Tensor) and claims(out).requires_grad:
        raise AssertionError(
            "your result requires grad (grad_fn " + str(claims(out).grad_fn) + "): autograd "
            "recorded the forward pass. Run it inside `with torch.no_grad():` "
            "(model.eval() alone does not switch off gradient tracking).")


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


# Calls the student's function with the model's forward wrapped (on the
# instance, so model(x) and model.forward(x) both go through it) to record
# whether grad mode was on while the model ran; then unwraps it.
_PROBE = (
    "lambda fn, m, x: (lambda flags, orig: ("
    "m.__setattr__('forward', lambda *a, **k: (flags.append(torch.is_grad_enabled()), orig(*a, **k))[1]), "
    "fn(m, x), flags, m.__delattr__('forward'))[1:3])([], m.forward)"
)


@points(2)
@target("predict_no_grad")
@hint("Put the call model(x) itself inside the `with torch.no_grad():` block; detaching the "
      "result afterwards still builds (and then throws away) the whole graph.")
def check_model_runs_with_grad_off(student, case, device):
    """grad mode is off while the model runs (not just detached afterwards)"""
    model, W, b = _linear(student, case, device, case.size("i"), case.size("j"))
    x = case.randn("n", case.size("i"))
    out, flags = student.evaluate(_PROBE)(student.predict_no_grad, model, x)
    if not flags:
        fail("your function never called the model: return model(x).")
    if any(flags):
        fail("the model ran with gradient tracking on: "
            + ("you detached the result afterwards; " if isinstance(out, torch.Tensor)
               and not claims(out).requires_grad else "")
            + "call model(x) inside `with torch.no_grad():`.")
    assert_tensor(out, x @ W.T + b, inputs=(x,))


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
    _no_grad_result(out1)
    x0 = torch.zeros(0, n_in)
    assert_tensor(student.predict_no_grad(model, x0), torch.zeros(0, n_out), inputs=(x0,))
