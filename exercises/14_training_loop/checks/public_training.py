"""Visible checks for 14_training_loop: the worked examples from the instructions."""
import math

import torch
import torch.nn as nn

from grader.checks import assert_number, assert_tensor, describe, fail, hint, points, target, title
from grader.i18n import pick


@points(1)
@target("train_epoch")
@hint("For every batch: optimizer.zero_grad(); loss = loss_fn(model(xb), yb); loss.backward(); optimizer.step().",
      zh="对每一批：optimizer.zero_grad(); loss = loss_fn(model(xb), yb); loss.backward(); optimizer.step()。")
@title(zh="示例中的 train_epoch：Linear(3, 1)，10 个样本，每批 4 个，SGD lr=0.1")
def check_train_epoch_worked_example(student, device):
    """train_epoch on the worked example: Linear(3, 1), 10 samples in batches of 4, SGD lr=0.1"""
    x = torch.arange(30.0).reshape(10, 3) / 30
    y = x.sum(dim=1, keepdim=True)
    state = {"weight": torch.zeros(1, 3), "bias": torch.zeros(1)}
    # Built in your process by the grader's builders (torch's own classes, by name).
    model = student.build("model.loaded", student.build("nn.Linear", 3, 1), state, device)
    opt = student.build("optim.SGD", model.parameters(), lr=0.1)
    loss_fn = student.build("nn.MSELoss")
    loader = student.build("data.DataLoader", student.build("data.TensorDataset", x, y), batch_size=4)
    result = student.train_epoch(model, loader, loss_fn, opt)
    # The trained model is read by what it computes: its outputs on inputs chosen here.
    probe = torch.eye(3)
    outputs = student.build("model.outputs", model, probe)

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
    with torch.no_grad():
        expected = ref(probe)
    if isinstance(outputs, torch.Tensor) and torch.equal(outputs, torch.zeros(3, 1)):
        fail("the model still computes 0 for every input, as before train_epoch: its parameters "
             "did not change. Call optimizer.step() after loss.backward() for every batch",
             zh="模型对每个输入仍然输出 0，和 train_epoch 之前一样：它的参数没有变化。"
                "请在每一批的 loss.backward() 之后调用 optimizer.step()")
    assert_tensor(outputs, expected, rtol=1e-4, atol=1e-5, device=None, inputs=(probe,),
                  name=pick("model's outputs on the rows of torch.eye(3) after one epoch",
                            "训练一个 epoch 后模型在 torch.eye(3) 各行上的输出"))
    if isinstance(result, torch.Tensor):
        fail("train_epoch returned a tensor; return a Python float (use loss.item())",
             zh="train_epoch 返回了张量；应返回 Python float（用 loss.item()）",
             evidence=f"train_epoch returned {describe(result)}")
    assert_number(result, sum(losses) / len(losses), rel=1e-4, abs=1e-6,
                  name=pick("mean batch loss", "批次平均损失"))


@points(1)
@target("fit_line")
@hint("model = nn.Linear(1, 1), weight and bias set to 0; for each epoch: zero_grad, F.mse_loss(model(x[:, None]), y[:, None]), backward, step.",
      zh="model = nn.Linear(1, 1)，weight 和 bias 置为 0；每个 epoch：zero_grad，F.mse_loss(model(x[:, None]), y[:, None])，backward，step。")
@title(zh="在 y = 2x + 1 的点上用 'sgd'、lr=0.1、300 个 epoch 的 fit_line 得到约 (2, 1)")
def check_fit_line_worked_example(student):
    """fit_line on points of y = 2x + 1 with 'sgd', lr=0.1, 300 epochs gives about (2, 1)"""
    x = torch.linspace(-1, 1, 8)
    y = 2 * x + 1
    result = student.fit_line(x, y, "sgd", 0.1, 300)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail("fit_line should return the tuple (slope, intercept)",
             zh="fit_line 应该返回元组 (slope, intercept)",
             evidence=f"fit_line returned {describe(result)}")
    slope, intercept = result
    if isinstance(slope, torch.Tensor) or isinstance(intercept, torch.Tensor):
        fail("fit_line returned tensors; return Python floats: model.weight.item(), model.bias.item()",
             zh="fit_line 返回了张量；应返回 Python float：model.weight.item()、model.bias.item()")
    if math.isclose(slope, 1.0, abs_tol=1e-2) and math.isclose(intercept, 2.0, abs_tol=1e-2):
        fail("fit_line returned (intercept, slope); return (slope, intercept)",
             zh="fit_line 返回的是 (intercept, slope)；应返回 (slope, intercept)",
             evidence=f"fit_line returned {tuple(result)}")
    assert_number(slope, 2.0, rel=0, abs=1e-3, name="slope")
    assert_number(intercept, 1.0, rel=0, abs=1e-3, name="intercept")
