"""Hidden checks for 14_training_loop.

train_epoch: the check builds a model, a loader, a loss and an optimizer inside
the student's process with the grader's builders (torch's own classes, by
name: no code crosses), loads a state it chose, runs the student's loop, and
then reads the trained model BY ITS OUTPUTS on probe inputs it chose. Those
outputs are compared with the same loop run here, in the check's own code,
from the same initial state; when they match one of the usual wrong loops
instead (no zero_grad, step before backward, one step after the loop...),
replayed here too, the message names it. The step and loss-call counts the
student's process reports are claims: they only explain a failure.

fit_line: replayed here from the zero initialisation with the same optimizer.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from grader.checks import (StudentError, assert_number, assert_tensor, claim_fail, describe, fail,
                           hint, points, target, title)
from grader.i18n import pick

# ----------------------------------------------------------------- train_epoch helpers

LOOPS = {
    "no_zero_grad": "this is what you get when gradients are never zeroed: they add up over the "
                    "batches. Call optimizer.zero_grad() at the start of every batch",
    "step_before_backward": "this is what you get when optimizer.step() comes before "
                            "loss.backward() (and gradients are never zeroed): every step uses the "
                            "previous batches' gradients. The order is zero_grad, forward, loss, "
                            "backward, step",
    "step_after_loop": "this is what you get when optimizer.step() runs once, after the loop, with "
                       "only the last batch's gradient: step() belongs inside the loop (check the "
                       "indentation)",
    "accumulate_then_step": "this is what you get with zero_grad() before the loop and step() after "
                            "it: one step with the summed gradients. Both belong inside the loop, "
                            "once per batch",
    "two_epochs": "this is what two passes over the loader give: train_epoch runs exactly one epoch",
    "last_batch_only": "this is what you get when only the last batch is trained on: is the "
                       "forward/backward/step inside the for loop?",
}
LOOPS_ZH = {
    "no_zero_grad": "这正是梯度从不清零时的结果：梯度在各批次之间不断累加。请在每一批开始时调用 "
                    "optimizer.zero_grad()",
    "step_before_backward": "这正是 optimizer.step() 放在 loss.backward() 之前（且梯度从不清零）时的结果："
                            "每一步用的都是之前批次的梯度。正确的顺序是 zero_grad、前向传播、损失、"
                            "backward、step",
    "step_after_loop": "这正是 optimizer.step() 只在循环结束后执行一次、只用到最后一批梯度时的结果："
                       "step() 应该放在循环里面（检查一下缩进）",
    "accumulate_then_step": "这正是 zero_grad() 放在循环之前、step() 放在循环之后时的结果：只用累加的梯度"
                            "走了一步。两者都应该放在循环里，每批一次",
    "two_epochs": "这正是遍历 loader 两遍的结果：train_epoch 只运行一个 epoch",
    "last_batch_only": "这正是只用最后一批训练时的结果：前向传播/backward/step 是否在 for 循环里面？",
}


def _tol(device, dtype=torch.float32):
    """(rtol, atol) for the model's outputs after an epoch."""
    if dtype == torch.float64:
        return (1e-9, 1e-9) if device == "cpu" else (1e-6, 1e-6)
    return (1e-4, 1e-4) if device == "cpu" else (1e-3, 1e-3)


def layer(name, *args, **kwargs):
    """One layer of a model, by the name of its class in torch.nn: built here and in the jail."""
    return (name, args, kwargs)


def _close(a, b, rtol, atol):
    return (isinstance(a, torch.Tensor) and a.shape == b.shape
            and torch.allclose(a.double(), b.double(), rtol=rtol, atol=atol))


class Setup:
    """One training problem, built both in the student's process and here.

    layers: [layer("Linear", 3, 2), ...]; optimizer: ("SGD", {"lr": 0.1});
    loss: ("MSELoss", {}). The model is read back by its outputs on `probe`.
    """

    def __init__(self, case, device, *, layers, optimizer, loss, x, y, batch_size,
                 dtype=torch.float32, probes=12):
        self.device, self.dtype = device, dtype
        self.layers, self.optimizer, self.loss = layers, optimizer, loss
        self.x, self.y, self.batch_size = x, y, batch_size
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(case.seed % (2 ** 31))
            self.state = {k: v.detach().clone() for k, v in self.local_model().state_dict().items()}
        self.batches = [(x[i:i + batch_size], y[i:i + batch_size]) for i in range(0, len(x), batch_size)]
        self.probe = torch.randn(probes, x.shape[1], generator=case.generator, dtype=dtype)
        self._replays = {}

    # -- here
    def local_model(self):
        with torch.random.fork_rng(devices=[]):
            made = [getattr(nn, name)(*args, **kwargs) for name, args, kwargs in self.layers]
        return made[0] if len(made) == 1 else nn.Sequential(*made)

    def outputs_of(self, model):
        with torch.no_grad():
            return model(self.probe).detach()

    def initial_outputs(self):
        model = self.local_model()
        model.load_state_dict(self.state)
        return self.outputs_of(model)

    def replay(self, loop="correct"):
        """(outputs on the probe inputs, batch losses, steps) after a correct or wrong loop, here."""
        if loop not in self._replays:
            self._replays[loop] = _replay(self, loop)
        return self._replays[loop]

    # -- in the student's process
    def build(self, student):
        """The model, loader, loss and optimizer inside the student's process, from data."""
        made = [student.build(f"nn.{name}", *args, **kwargs) for name, args, kwargs in self.layers]
        model = made[0] if len(made) == 1 else student.build("nn.Sequential", *made)
        model = student.build("model.loaded", model, self.state, self.device)
        name, options = self.optimizer
        opt = student.build("probe.counting",
                            student.build(f"optim.{name}", model.parameters(), **options))
        name, options = self.loss
        loss_fn = student.build("probe.counting", student.build(f"nn.{name}", **options))
        dataset = student.build("data.TensorDataset", self.x, self.y)
        loader = student.build("data.DataLoader", dataset, batch_size=self.batch_size, shuffle=False)
        return model, loader, loss_fn, opt

    def run(self, student):
        """Run the student's train_epoch; returns (its result, the model's outputs on the probe, run)."""
        model, loader, loss_fn, opt = self.build(student)
        result = student.train_epoch(model, loader, loss_fn, opt)
        outputs = student.build("model.outputs", model, self.probe)
        return result, outputs, Run(student, opt, loss_fn)


class Run:
    """What the student's process says about a run: claims, read only to explain a failure."""

    def __init__(self, student, opt, loss_fn):
        self.student, self.opt, self.loss_fn = student, opt, loss_fn

    def counts(self):
        """{'step': n, 'loss_fn': n} as the student's process reports them (claims)."""
        try:
            return {"step": self.student.build("probe.count", self.opt).value,
                    "loss_fn": self.student.build("probe.count", self.loss_fn).value}
        except StudentError:
            return {}


def _replay(setup, loop):
    model = setup.local_model()
    model.load_state_dict(setup.state)
    name, options = setup.optimizer
    opt = getattr(torch.optim, name)(model.parameters(), **options)
    name, options = setup.loss
    loss_fn = getattr(nn, name)(**options)
    batches = setup.batches
    losses, steps = [], 0

    def forward(xb, yb):
        loss = loss_fn(model(xb), yb)
        losses.append(loss.item())
        return loss

    epochs = 2 if loop == "two_epochs" else 1
    if loop == "accumulate_then_step":
        opt.zero_grad()
    for _ in range(epochs):
        for i, (xb, yb) in enumerate(batches):
            if loop in ("correct", "two_epochs", "step_after_loop"):
                opt.zero_grad()
                forward(xb, yb).backward()
                if loop != "step_after_loop":
                    opt.step()
                    steps += 1
            elif loop == "no_zero_grad":
                forward(xb, yb).backward()
                opt.step()
                steps += 1
            elif loop == "step_before_backward":
                loss = forward(xb, yb)
                opt.step()
                steps += 1
                loss.backward()
            elif loop == "accumulate_then_step":
                forward(xb, yb).backward()
            elif loop == "last_batch_only":
                if i == len(batches) - 1:
                    opt.zero_grad()
                    forward(xb, yb).backward()
                    opt.step()
                    steps += 1
    if loop in ("step_after_loop", "accumulate_then_step"):
        opt.step()
        steps += 1
    return setup.outputs_of(model), losses, steps


def _judge_model(setup, outputs, run):
    """Fail, naming the mistake when one is proven, unless the trained model computes what the
    correct loop gives (its outputs on the probe inputs, compared with the check's own replay)."""
    rtol, atol = _tol(setup.device, setup.dtype)
    expected, _, n_steps = setup.replay()
    if _close(outputs, expected, rtol, atol):
        return
    if not isinstance(outputs, torch.Tensor) or outputs.shape != expected.shape:
        fail("after train_epoch the model's outputs have the wrong shape: train_epoch must only "
             "train the model it is given, not change what it is",
             zh="train_epoch 之后模型输出的形状不对：train_epoch 只应训练传入的模型，而不是改变它的结构",
             evidence=f"probe inputs {tuple(setup.probe.shape)} -> {describe(outputs)}, "
                      f"expected shape {tuple(expected.shape)}")
    if _close(outputs, setup.initial_outputs(), 0, 0):
        fail("the model computes exactly what it computed before train_epoch: its parameters did "
             "not change at all. Is optimizer.step() called after loss.backward() for every batch, "
             "and zero_grad() called BEFORE backward (not between backward and step)? Did you use "
             "the optimizer that was passed in?",
             zh="模型的输出与 train_epoch 之前完全相同：它的参数根本没有变化。是否每一批都在 "
                "loss.backward() 之后调用了 optimizer.step()，并且在 backward 之前（而不是在 backward "
                "和 step 之间）调用了 zero_grad()？是否用了传入的优化器？")
    for loop, message in LOOPS.items():
        try:
            wrong, _, _ = setup.replay(loop)
        except RuntimeError:      # this wrong loop cannot even run on this model
            continue
        if _close(outputs, wrong, rtol, atol) and not _close(wrong, expected, rtol, atol):
            fail(f"the model after train_epoch computes the wrong outputs: {message}",
                 zh=f"train_epoch 之后模型的输出不对：{LOOPS_ZH[loop]}")
    # The outputs are wrong (verified); what the student's process reports may say why.
    counts = run.counts()
    if counts.get("loss_fn") == 0:
        claim_fail("the model after train_epoch computes the wrong outputs, and your process "
                   "reports that the loss_fn you were given was never called: compute the loss "
                   "with loss = loss_fn(model(xb), yb), not with a loss of your own choice",
                   zh="train_epoch 之后模型的输出不对，而且你的进程报告传入的 loss_fn 从未被调用："
                      "请用 loss = loss_fn(model(xb), yb) 计算损失，而不是自己选一个损失函数")
    if counts.get("step") == 0:
        claim_fail("the model after train_epoch computes the wrong outputs, and your process "
                   "reports that the optimizer you were given was never stepped (step() called "
                   "0 times): use the optimizer argument, don't create your own",
                   zh="train_epoch 之后模型的输出不对，而且你的进程报告传入的优化器从未执行过 step()："
                      "请使用 optimizer 参数，不要自己新建优化器")
    if isinstance(counts.get("step"), int) and counts["step"] != n_steps:
        claim_fail("the model after train_epoch computes the wrong outputs, and your process "
                   "reports optimizer.step() was not called once per batch: call it exactly once "
                   "per batch",
                   zh="train_epoch 之后模型的输出不对，而且你的进程报告 optimizer.step() 不是每批调用一次："
                      "每一批恰好调用一次",
                   evidence=f"step() called {counts['step']} time(s) for {len(setup.batches)} batches")
    if isinstance(counts.get("loss_fn"), int) and counts["loss_fn"] != len(setup.batches):
        claim_fail("the model after train_epoch computes the wrong outputs, and your process "
                   "reports loss_fn was not called once per batch: compute the loss once per batch",
                   zh="train_epoch 之后模型的输出不对，而且你的进程报告 loss_fn 不是每批调用一次："
                      "每一批计算一次损失",
                   evidence=f"loss_fn called {counts['loss_fn']} time(s) for {len(setup.batches)} batches")
    assert_tensor(outputs, expected, rtol=rtol, atol=atol, device=None, inputs=(setup.probe,),
                  name=pick("model's outputs on the check's inputs after one epoch",
                            "训练一个 epoch 后模型在检查所给输入上的输出"))


def _judge_loss(setup, result, outputs=None):
    _, losses, _ = setup.replay()
    expected = sum(losses) / len(losses)
    if isinstance(result, torch.Tensor):
        fail("train_epoch returned a tensor; return a Python float: collect loss.item() for "
             "every batch and return their mean",
             zh="train_epoch 返回了张量；应返回 Python float：收集每一批的 loss.item()，返回它们的平均值",
             evidence=f"train_epoch returned {describe(result)}")
    if isinstance(result, bool) or not isinstance(result, (int, float)):
        fail("train_epoch should return the mean batch loss as a float, but it returned "
             "something else",
             zh="train_epoch 应该以 float 返回各批次损失的平均值，但它返回了别的东西",
             evidence=f"train_epoch returned {describe(result)}")
    sizes = [len(yb) for _, yb in setup.batches]
    variants = [
        (losses[-1], "that is the LAST batch's loss; return the mean over all batches",
         "这是最后一批的损失；应返回所有批次的平均值"),
        (losses[0], "that is the FIRST batch's loss; return the mean over all batches",
         "这是第一批的损失；应返回所有批次的平均值"),
        (sum(losses), "that is the SUM of the batch losses; divide by the number of batches",
         "这是各批次损失之和；请除以批次数"),
        (sum(l * n for l, n in zip(losses, sizes)) / sum(sizes),
         "that weights each batch by its size; the task asks for the plain mean of the batch "
         "losses (sum of loss.item() / number of batches)",
         "这是按批次大小加权的平均；题目要求的是各批次损失的简单平均（loss.item() 之和 / 批次数）"),
        (sum(losses) / sum(sizes), "that divides by the number of samples; divide the sum of "
                                   "batch losses by the number of BATCHES",
         "这是除以了样本数；应把各批次损失之和除以批次数"),
    ]
    if not math.isclose(float(result), expected, rel_tol=1e-4, abs_tol=1e-6):
        for value, message, message_zh in variants:
            if math.isclose(float(result), value, rel_tol=1e-4, abs_tol=1e-6) and not math.isclose(
                    value, expected, rel_tol=1e-4, abs_tol=1e-6):
                fail(f"train_epoch returned the wrong mean loss: {message}",
                     zh=f"train_epoch 返回的平均损失不对：{message_zh}",
                     evidence=f"train_epoch returned {float(result):.6g}, expected {expected:.6g}")
    if not math.isclose(float(result), expected, rel_tol=1e-4, abs_tol=1e-6) and outputs is not None:
        rtol, atol = _tol(setup.device, setup.dtype)
        if not _close(outputs, setup.replay()[0], rtol, atol):
            fail("train_epoch returned the wrong mean loss, and the model after the epoch is "
                 "wrong too, so every batch after the first sees a different model and gets a "
                 "different loss. Fix the loop first (zero_grad, forward, loss, backward, step "
                 "for every batch)",
                 zh="train_epoch 返回的平均损失不对，而且这个 epoch 之后的模型也不对，所以第一批之后的"
                    "每一批看到的都是不同的模型，得到的损失也不同。请先修正训练循环（每一批："
                    "zero_grad、前向传播、损失、backward、step）",
                 evidence=f"train_epoch returned {float(result):.6g}, expected {expected:.6g}")
    assert_number(float(result), expected, rel=1e-4, abs=1e-6,
                  name=pick("mean batch loss", "批次平均损失"))


def _xy(case, n, d_in, d_out=None, classes=None, dtype=torch.float32):
    x = torch.randn(n, d_in, generator=case.generator, dtype=dtype)
    if classes is not None:
        y = torch.randint(0, classes, (n,), generator=case.generator)
    else:
        y = torch.randn(n, d_out, generator=case.generator, dtype=dtype)
    return x, y


# ----------------------------------------------------------------- train_epoch checks

@points(2)
@target("train_epoch")
@hint("For every batch: optimizer.zero_grad(); loss = loss_fn(model(xb), yb); loss.backward(); optimizer.step().",
      zh="对每一批：optimizer.zero_grad(); loss = loss_fn(model(xb), yb); loss.backward(); optimizer.step()。")
@title(zh="用 SGD 训练线性模型的 train_epoch：训练后的模型与参考训练循环得到的模型输出一致")
def check_train_epoch_sgd_parameters(student, case, device):
    """train_epoch with SGD on a linear model: the trained model computes what the reference loop's does"""
    a, b = case.size("a"), case.size("b")
    x, y = _xy(case, 13, a, b)
    setup = Setup(case, device, layers=[layer("Linear", a, b)], optimizer=("SGD", {"lr": 0.1}),
                  loss=("MSELoss", {}), x=x, y=y, batch_size=4)
    _, outputs, run = setup.run(student)
    _judge_model(setup, outputs, run)


@points(1)
@target("train_epoch")
@hint("losses.append(loss.item()) inside the loop; return sum(losses) / len(losses).",
      zh="在循环里 losses.append(loss.item())；最后 return sum(losses) / len(losses)。")
@title(zh="train_epoch 以 Python float 返回各批次损失的平均值")
def check_train_epoch_returns_mean_batch_loss(student, case, device):
    """train_epoch returns the mean of the batch losses as a Python float"""
    a, b = case.size("a"), case.size("b")
    x, y = _xy(case, 11, a, b)
    setup = Setup(case, device, layers=[layer("Linear", a, b)], optimizer=("SGD", {"lr": 0.05}),
                  loss=("MSELoss", {}), x=x, y=y, batch_size=3)
    result, outputs, _ = setup.run(student)
    _judge_loss(setup, result, outputs)


@points(1)
@target("train_epoch")
@hint("Use the loss_fn and optimizer you are given; nothing in train_epoch should assume MSE or SGD.",
      zh="使用传入的 loss_fn 和优化器；train_epoch 中不应假定损失函数是 MSE 或优化器是 SGD。")
@title(zh="train_epoch 用 Adam 和 CrossEntropyLoss 训练一个小分类器（每批一步）")
def check_train_epoch_adam_classifier(student, case, device):
    """train_epoch trains a small classifier with Adam and CrossEntropyLoss (one step per batch)"""
    a, h, c = case.size("a"), case.size("h"), case.size("c")
    x, y = _xy(case, 17, a, classes=c)
    setup = Setup(case, device,
                  layers=[layer("Linear", a, h), layer("ReLU"), layer("Linear", h, c)],
                  optimizer=("Adam", {"lr": 0.01}), loss=("CrossEntropyLoss", {}),
                  x=x, y=y, batch_size=5)
    result, outputs, run = setup.run(student)
    _judge_model(setup, outputs, run)
    _judge_loss(setup, result, outputs)


@points(1)
@target("train_epoch")
@hint("Nothing in the loop should depend on the dtype or the kind of loss: no .float(), no fixed loss.",
      zh="循环中的任何东西都不应依赖数据类型或损失函数的种类：不要 .float()，不要写死损失函数。")
@title(zh="train_epoch 配合 SGD+momentum、L1 损失和 float64 模型")
def check_train_epoch_momentum_float64(student, case, device):
    """train_epoch with SGD+momentum, L1 loss and a float64 model"""
    a, b = case.size("a"), case.size("b")
    x, y = _xy(case, 14, a, b, dtype=torch.float64)
    setup = Setup(case, device, layers=[layer("Linear", a, b, dtype=torch.float64)],
                  optimizer=("SGD", {"lr": 0.05, "momentum": 0.9}), loss=("L1Loss", {}),
                  x=x, y=y, batch_size=4, dtype=torch.float64)
    result, outputs, run = setup.run(student)
    _judge_model(setup, outputs, run)
    _judge_loss(setup, result, outputs)


# ----------------------------------------------------------------- fit_line helpers

def _make_opt(name, params, lr):
    return {
        "sgd": lambda: torch.optim.SGD(params, lr=lr),
        "momentum": lambda: torch.optim.SGD(params, lr=lr, momentum=0.9),
        "rmsprop": lambda: torch.optim.RMSprop(params, lr=lr),
        "adam": lambda: torch.optim.Adam(params, lr=lr),
        "plain_sgd": lambda: torch.optim.SGD(params, lr=lr),
        "nesterov": lambda: torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True),
        "adamw": lambda: torch.optim.AdamW(params, lr=lr),
        "adagrad": lambda: torch.optim.Adagrad(params, lr=lr),
    }[name]()


def _fit_replay(x, y, name, lr, epochs, loop="correct"):
    """The check's own fit: zero init, full batch, mean squared error; returns (slope, intercept)."""
    w = torch.zeros(1, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    opt = _make_opt(name, [w, b], lr)
    xs, ys = x[:, None], y[:, None]
    n = epochs + 1 if loop == "one_more_epoch" else epochs - 1 if loop == "one_less_epoch" else epochs
    for _ in range(n):
        if loop != "no_zero_grad":
            opt.zero_grad()
        pred = F.linear(xs, w, b)
        if loop == "broadcast":
            loss = ((pred - y) ** 2).mean()          # (N, 1) - (N,) -> (N, N)
        elif loop == "sum":
            loss = ((pred - ys) ** 2).sum()
        else:
            loss = ((pred - ys) ** 2).mean()
        loss.backward()
        opt.step()
    return w.item(), b.item()


FIT_MISTAKES = [
    ("no_zero_grad", "this is what you get without optimizer.zero_grad() in the loop: the "
                     "gradients add up over the epochs"),
    ("broadcast", "this is what you get when the prediction has shape (N, 1) and the target "
                  "(N,): the loss broadcasts to an (N, N) matrix. Reshape y too: y.reshape(-1, 1)"),
    ("sum", "this is what you get with the SUM of squared errors; use the mean (F.mse_loss or "
            "nn.MSELoss())"),
    ("one_more_epoch", "that is one epoch too many: run exactly `epochs` steps"),
    ("one_less_epoch", "that is one epoch too few: run exactly `epochs` steps"),
]
FIT_MISTAKES_ZH = {
    "no_zero_grad": "这正是循环中没有 optimizer.zero_grad() 时的结果：梯度在各个 epoch 之间不断累加",
    "broadcast": "这正是预测的形状为 (N, 1)、目标的形状为 (N,) 时的结果：损失被广播成 (N, N) 的矩阵。"
                 "把 y 也 reshape 一下：y.reshape(-1, 1)",
    "sum": "这正是用平方误差之和时的结果；请用平均值（F.mse_loss 或 nn.MSELoss()）",
    "one_more_epoch": "这多跑了一个 epoch：恰好运行 `epochs` 步",
    "one_less_epoch": "这少跑了一个 epoch：恰好运行 `epochs` 步",
}


def _fit_line(student, x, y, name, lr, epochs):
    call = f"fit_line(x, y, {name!r}, lr={lr}, epochs={epochs})"
    try:
        result = student.fit_line(x, y, name, lr, epochs)
    except StudentError as e:
        if e.not_implemented:
            raise
        if "cannot be multiplied" in e.message:
            fail(f"fit_line raised {e.type_name}: x has shape (N,); nn.Linear(1, 1) needs "
                 "one column per sample: x.reshape(-1, 1) (and y.reshape(-1, 1) for the loss)",
                 zh=f"fit_line 抛出了 {e.type_name}：x 的形状是 (N,)；nn.Linear(1, 1) 需要每个样本一列："
                    "x.reshape(-1, 1)（计算损失时 y 也要 y.reshape(-1, 1)）",
                 evidence=f"{call}: {e.type_name}: {e.message}")
        if "Expected all tensors to be on the same device" in e.message:
            fail(f"fit_line raised {e.type_name}: the model and the data are on different "
                 "devices. Create the model on the data's device: nn.Linear(1, 1).to(x.device)",
                 zh=f"fit_line 抛出了 {e.type_name}：模型和数据不在同一个设备上。请在数据所在的设备上"
                    "创建模型：nn.Linear(1, 1).to(x.device)",
                 evidence=f"{call}: {e.type_name}: {e.message}")
        raise
    if isinstance(result, list) and len(result) == 2:
        result = tuple(result)
    if not isinstance(result, tuple) or len(result) != 2:
        fail("fit_line should return a tuple (slope, intercept) of two floats, but it returned "
             "something else",
             zh="fit_line 应该返回由两个 float 组成的元组 (slope, intercept)，但它返回了别的东西",
             evidence=f"{call} returned {describe(result)}")
    for what, value in zip(("slope", "intercept"), result):
        if isinstance(value, torch.Tensor):
            fail("fit_line returned a tensor instead of a float; return Python floats: "
                 "model.weight.item(), model.bias.item()",
                 zh="fit_line 返回了张量而不是 float；应返回 Python float："
                    "model.weight.item()、model.bias.item()",
                 evidence=f"{call} returned {describe(value)} as the {what}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            fail("fit_line returned something that is not a Python float as the slope or the "
                 "intercept",
                 zh="fit_line 返回的斜率或截距不是 Python float",
                 evidence=f"{call} returned {describe(value)} as the {what}")
    return call, (float(result[0]), float(result[1]))


def _judge_fit(call, got, x, y, name, lr, epochs, device, others=()):
    rel, abs_ = (1e-4, 1e-5) if device == "cpu" else (1e-3, 1e-4)
    expected = _fit_replay(x, y, name, lr, epochs)

    def close(a, b):
        return all(math.isclose(p, q, rel_tol=rel, abs_tol=abs_) for p, q in zip(a, b))

    if close(got, expected):
        return
    if not all(math.isfinite(v) for v in got):
        fail("the fit diverged. Use the MEAN squared error (with the sum, every step is N times "
             "larger), and check the learning rate is the one given",
             zh="拟合发散了。请用均方误差（用平方误差之和时每一步都大 N 倍），并确认学习率用的是传入的那个",
             evidence=f"{call} returned {got}")
    if close(got, expected[::-1]) and not close(expected, expected[::-1]):
        fail("fit_line returned (intercept, slope); return (slope, intercept)",
             zh="fit_line 返回的是 (intercept, slope)；应返回 (slope, intercept)",
             evidence=f"{call} returned {got}, expected {expected}")
    for loop, message in FIT_MISTAKES:
        wrong = _fit_replay(x, y, name, lr, epochs, loop)
        if close(got, wrong) and not close(wrong, expected):
            fail(f"fit_line returned the wrong line: {message}",
                 zh=f"fit_line 返回的直线不对：{FIT_MISTAKES_ZH[loop]}",
                 evidence=f"{call} returned ({got[0]:.6g}, {got[1]:.6g}), expected "
                          f"({expected[0]:.6g}, {expected[1]:.6g})")
    for other, description in others:
        wrong = _fit_replay(x, y, other, lr, epochs)
        if close(got, wrong) and not close(wrong, expected):
            fail(f"fit_line returned the wrong line: that is what {description} gives",
                 zh=f"fit_line 返回的直线不对：这是 {OPTIMIZER_NAMES_ZH[other]} 给出的结果",
                 evidence=f"{call} returned ({got[0]:.6g}, {got[1]:.6g}), expected "
                          f"({expected[0]:.6g}, {expected[1]:.6g})")
    fail("fit_line returned a line other than the check's own loop gives (from weight = bias = "
         "0, full batch, mean squared error)",
         zh="fit_line 返回的直线与检查程序自己的训练循环（从 weight = bias = 0 开始，全批量，均方误差）"
            "得到的不同",
         evidence=f"{call} returned ({got[0]:.6g}, {got[1]:.6g}), expected ({expected[0]:.6g}, "
                  f"{expected[1]:.6g})")


def _line(case, n=16):
    slope = round(case.rng.uniform(-3.0, 3.0), 3)
    if abs(slope) < 0.5:
        slope += 1.0
    intercept = round(case.rng.uniform(-2.0, 2.0), 3)
    x = torch.linspace(-1.5, 1.5, n) + 0.1 * torch.randn(n, generator=case.generator)
    y = slope * x + intercept + 0.05 * torch.randn(n, generator=case.generator)
    return slope, intercept, x, y


OPTIMIZER_NAMES = {
    "sgd": "plain SGD (torch.optim.SGD(params, lr=lr))",
    "momentum": "SGD with momentum=0.9",
    "rmsprop": "torch.optim.RMSprop(params, lr=lr)",
    "adam": "torch.optim.Adam(params, lr=lr)",
    "nesterov": "SGD with momentum=0.9 and nesterov=True",
    "adamw": "torch.optim.AdamW",
    "adagrad": "torch.optim.Adagrad",
}
OPTIMIZER_NAMES_ZH = {
    "sgd": "普通 SGD（torch.optim.SGD(params, lr=lr)）",
    "momentum": "momentum=0.9 的 SGD",
    "rmsprop": "torch.optim.RMSprop(params, lr=lr)",
    "adam": "torch.optim.Adam(params, lr=lr)",
    "nesterov": "momentum=0.9 且 nesterov=True 的 SGD",
    "adamw": "torch.optim.AdamW",
    "adagrad": "torch.optim.Adagrad",
}


def _check_optimizer(student, case, device, name, lr, epochs):
    slope, intercept, x, y = _line(case)
    call, got = _fit_line(student, x, y, name, lr, epochs)
    others = [(o, OPTIMIZER_NAMES[o]) for o in OPTIMIZER_NAMES if o != name]
    _judge_fit(call, got, x, y, name, lr, epochs, device, others)


# ----------------------------------------------------------------- fit_line checks

@points(1)
@target("fit_line")
@hint("Start from weight = bias = 0, then for each epoch: zero_grad, MSE of the whole data set, backward, step.",
      zh="从 weight = bias = 0 开始，然后每个 epoch：zero_grad，整个数据集上的 MSE，backward，step。")
@title(zh="用 'sgd' 的 fit_line 找回一条隐藏的随机直线（最小二乘拟合）")
def check_fit_line_recovers_hidden_line(student, case, device):
    """fit_line with 'sgd' recovers a hidden random line (the least-squares fit)"""
    slope, intercept, x, y = _line(case)
    call, got = _fit_line(student, x, y, "sgd", 0.3, 60)
    a = torch.stack([x, torch.ones_like(x)], 1).double()
    best = torch.linalg.lstsq(a, y.double()[:, None]).solution.flatten().tolist()
    if not (math.isclose(got[0], best[0], abs_tol=1e-3) and math.isclose(got[1], best[1], abs_tol=1e-3)):
        if math.isclose(got[0], 2.0, abs_tol=1e-6) and math.isclose(got[1], 1.0, abs_tol=1e-6):
            fail("fit_line returned (2, 1), the line of the worked example: fit the data you are given",
                 zh="fit_line 返回了 (2, 1)，即示例中的那条直线：请拟合传入的数据",
                 evidence=f"{call} returned {got}")
        _judge_fit(call, got, x, y, "sgd", 0.3, 60, device)
        fail("fit_line did not find the best line through the data",
             zh="fit_line 没有找到穿过这些数据的最佳直线",
             evidence=f"{call} returned {got}; the best line through the data is about "
                      f"({best[0]:.4f}, {best[1]:.4f})")
    _judge_fit(call, got, x, y, "sgd", 0.3, 60, device)


@points(1)
@target("fit_line")
@hint("'sgd' is torch.optim.SGD(model.parameters(), lr=lr): one step per epoch on the whole data set, from zero.",
      zh="'sgd' 就是 torch.optim.SGD(model.parameters(), lr=lr)：从零开始，每个 epoch 在整个数据集上走一步。")
@title(zh="fit_line 从 (0, 0) 开始，前几步 SGD 与参考实现完全一致")
def check_fit_line_first_epochs_sgd(student, case, device):
    """fit_line starts at (0, 0) and its first SGD steps match the reference exactly"""
    slope, intercept, x, y = _line(case)
    call, got = _fit_line(student, x, y, "sgd", 0.1, 0)
    if got != (0.0, 0.0):
        fail("with 0 epochs the line must still be the starting point (0.0, 0.0). Set the "
             "weight and the bias to zero after creating nn.Linear(1, 1) "
             "(with torch.no_grad(): model.weight.zero_(); model.bias.zero_())",
             zh="epochs 为 0 时，直线必须仍是起点 (0.0, 0.0)。创建 nn.Linear(1, 1) 之后把 weight 和 "
                "bias 置零（with torch.no_grad(): model.weight.zero_(); model.bias.zero_()）",
             evidence=f"{call} returned {got}")
    for epochs in (1, 3):
        call, got = _fit_line(student, x, y, "sgd", 0.1, epochs)
        _judge_fit(call, got, x, y, "sgd", 0.1, epochs, device,
                   [(o, OPTIMIZER_NAMES[o]) for o in ("momentum", "rmsprop", "adam")])


@points(1)
@target("fit_line")
@hint("'momentum' is torch.optim.SGD(params, lr=lr, momentum=0.9).",
      zh="'momentum' 就是 torch.optim.SGD(params, lr=lr, momentum=0.9)。")
@title(zh="用 'momentum'（SGD，momentum=0.9）的 fit_line 与参考实现一致")
def check_fit_line_momentum(student, case, device):
    """fit_line with 'momentum' (SGD, momentum=0.9) matches the reference"""
    _check_optimizer(student, case, device, "momentum", 0.05, 20)


@points(1)
@target("fit_line")
@hint("'rmsprop' is torch.optim.RMSprop(params, lr=lr) with its default settings.",
      zh="'rmsprop' 就是使用默认设置的 torch.optim.RMSprop(params, lr=lr)。")
@title(zh="用 'rmsprop' 的 fit_line 与参考实现一致")
def check_fit_line_rmsprop(student, case, device):
    """fit_line with 'rmsprop' matches the reference"""
    _check_optimizer(student, case, device, "rmsprop", 0.01, 20)


@points(1)
@target("fit_line")
@hint("'adam' is torch.optim.Adam(params, lr=lr) with its default settings.",
      zh="'adam' 就是使用默认设置的 torch.optim.Adam(params, lr=lr)。")
@title(zh="用 'adam' 的 fit_line 与参考实现一致")
def check_fit_line_adam(student, case, device):
    """fit_line with 'adam' matches the reference"""
    _check_optimizer(student, case, device, "adam", 0.05, 20)
