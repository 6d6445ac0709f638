"""Visible checks for 14_training_loop: the worked examples from the instructions."""
import math

import torch
import torch.nn as nn

from grader.checks import assert_number, assert_tensor, describe, fail, hint, points, target


@points(1)
@target("train_epoch")
@hint("For every batch: optimizer.zero_grad(); loss = loss_fn(model(xb), yb); loss.backward(); optimizer.step().")
def check_train_epoch_worked_example(student, device):
    """train_epoch on the worked example: Linear(3, 1), 10 samples in batches of 4, SGD lr=0.1"""
    x = torch.arange(30.0).reshape(10, 3) / 30
    y = x.sum(dim=1, keepdim=True)
    state = {"weight": torch.zeros(1, 3), "bias": torch.zeros(1)}
    model = student.evaluate("nn.Linear(3, 1).to(dev)", dev=device)
    model.load_state_dict(state)
    opt = student.evaluate("torch.optim.SGD(m.parameters(), lr=0.1)", m=model)
    loss_fn = student.evaluate("nn.MSELoss()")
    loader = student.evaluate(
        "torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=4)", x=x, y=y)
    result = student.train_epoch(model, loader, loss_fn, opt)
    final = student.evaluate("{k: v.detach().cpu().clone() for k, v in m.state_dict().items()}", m=model)

    # The same epoch, here.
    ref = nn.Linear(3, 1)
    ref.load_state_dict(state)
    ref_opt = torch.optim.SGD(ref.parameters(), lr=0.1)
    losses = []
    for i in range(0, 10, 4):
        ref_opt.zero_grad()
        loss = nn.functional.mse_loss(ref(x[i:i + 4]), y[i:i + 4])
        loss.backward()
        ref_opt.step()
        losses.append(loss.item())
    if torch.equal(final["weight"], state["weight"]) and torch.equal(final["bias"], state["bias"]):
        fail("the model's parameters did not change: call optimizer.step() after loss.backward() "
             "for every batch")
    assert_tensor(final["weight"], ref.weight.detach(), rtol=1e-4, atol=1e-5, device=None,
                  name="weight after one epoch")
    assert_tensor(final["bias"], ref.bias.detach(), rtol=1e-4, atol=1e-5, device=None,
                  name="bias after one epoch")
    if isinstance(result, torch.Tensor):
        fail(f"train_epoch returned {describe(result)}; return a Python float (use loss.item())")
    assert_number(result, sum(losses) / len(losses), rel=1e-4, abs=1e-6, name="mean batch loss")


@points(1)
@target("fit_line")
@hint("model = nn.Linear(1, 1), weight and bias set to 0; for each epoch: zero_grad, F.mse_loss(model(x[:, None]), y[:, None]), backward, step.")
def check_fit_line_worked_example(student):
    """fit_line on points of y = 2x + 1 with 'sgd', lr=0.1, 300 epochs gives about (2, 1)"""
    x = torch.linspace(-1, 1, 8)
    y = 2 * x + 1
    result = student.fit_line(x, y, "sgd", 0.1, 300)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail(f"fit_line should return (slope, intercept), but it returned {describe(result)}")
    slope, intercept = result
    if isinstance(slope, torch.Tensor) or isinstance(intercept, torch.Tensor):
        fail("fit_line returned tensors; return Python floats: model.weight.item(), model.bias.item()")
    if math.isclose(slope, 1.0, abs_tol=1e-2) and math.isclose(intercept, 2.0, abs_tol=1e-2):
        fail(f"fit_line returned {tuple(result)}: that is (intercept, slope); return (slope, intercept)")
    assert_number(slope, 2.0, rel=0, abs=1e-3, name="slope")
    assert_number(intercept, 1.0, rel=0, abs=1e-3, name="intercept")
