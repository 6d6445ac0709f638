"""Hidden checks for predict: labels, evaluation mode, no gradients.

Each check hands predict a model it built in the student's process with weights
it chose, and compares the labels with its own argmax: a predict that ignores
its model cannot pass. Evaluation mode and no_grad are verified by what they
do (a model with Dropout and BatchNorm is deterministic only in eval mode; a
model with an in-place first layer runs on an input that requires grad only
without a graph); what the student's process reports about modes is a claim
and only explains a failure.
"""
import torch

from grader.checks import StudentError, assert_tensor, claim_fail, fail, hint, points, target, title
from grader.i18n import pick
from support_digits import (
    assert_labels_shape, jail_model, known_model, local_outputs, mlp, random_inputs)


def dropout_bn_mlp(h):
    """BatchNorm and Dropout: in training mode its predictions are random and batch-dependent."""
    return [("Flatten",), ("Linear", 64, h), ("BatchNorm1d", h), ("ReLU",), ("Dropout", 0.5),
            ("Linear", h, 10)]


def inplace_mlp(h):
    """Starts with an in-place ReLU on (a view of) its input: on an input that requires grad it
    only runs when no graph is recorded (torch.no_grad() / inference_mode()); on inputs >= 0 it
    changes nothing."""
    return [("Flatten",), ("ReLU", True), ("Linear", 64, h), ("ReLU",), ("Linear", h, 10)]


def _modes(student, model, X):
    """[(grad enabled?, training?)] at each forward of `model` in predict: claims."""
    try:
        _, seen = student.build("probe.forward_modes", student.predict, model, X)
        return seen.value if isinstance(seen.value, list) else []
    except StudentError:
        return []


@points(2)
@target("predict")
@hint("logits = model(X) has shape (N, 10); the label of each row is logits.argmax(dim=1).",
      zh="logits = model(X) 的形状是 (N, 10)；每一行的标签是 logits.argmax(dim=1)。")
@title(zh="predict 返回已知模型的 argmax 标签（int64，形状 (N,)）")
def check_predict_labels(student, case, device):
    """predict returns the argmax label (int64, shape (N,)) of a known model"""
    spec = mlp(case.size("h") + 4)
    local, state = known_model(spec, case.generator)
    model = jail_model(student, device, spec, state, mode="eval")
    n = case.size("n") + 10
    X = random_inputs(case, n)
    labels = student.predict(model, X)
    assert_labels_shape(labels, n)
    assert_tensor(labels, local_outputs(local, X).argmax(dim=1), inputs=(X,), name="labels")


@points(1)
@target("predict")
@hint("Call model.eval() before running the model in predict.",
      zh="在 predict 中运行模型之前先调用 model.eval()。")
@title(zh="predict 在评估模式（model.eval()）下运行模型，即使模型原本处于训练模式")
def check_predict_uses_eval_mode(student, case, device):
    """predict runs the model in evaluation mode (model.eval()), even if it was training"""
    spec = dropout_bn_mlp(case.size("h") + 8)
    local, state = known_model(spec, case.generator)
    # Handed over in training mode: there Dropout is random and BatchNorm uses the batch's statistics.
    model = jail_model(student, device, spec, state, mode="train")
    X = random_inputs(case, 48)
    expected = local_outputs(local, X).argmax(dim=1)
    first = student.predict(model, X)
    assert_labels_shape(first, len(X))
    second = student.predict(model, X)
    assert_labels_shape(second, len(X))
    if first.shape == second.shape and not torch.equal(first, second):
        fail("predict gave different labels for the same images on two calls: the model ran in "
             "training mode, where Dropout drops random units (and BatchNorm uses the statistics "
             "of the batch). Call model.eval() first",
             zh="对同样的图像调用两次 predict，得到的标签不同：模型是在训练模式下运行的，"
                "这时 Dropout 会随机丢弃单元（BatchNorm 使用当前批次的统计量）。请先调用 model.eval()")
    if not torch.equal(first.to(torch.int64), expected):
        seen = _modes(student, model, X)
        if any(isinstance(s, list) and len(s) == 2 and s[1] for s in seen):
            claim_fail("predict's labels differ from the model's evaluation-mode predictions, and "
                       "your process reports the model ran in training mode: call model.eval() "
                       "first (in training mode Dropout drops random units and BatchNorm uses the "
                       "batch statistics)",
                       zh="predict 的标签与模型在评估模式下的预测不同，而且你的进程报告模型是在训练模式下运行的："
                          "请先调用 model.eval()（训练模式下 Dropout 会随机丢弃单元，BatchNorm 使用批次统计量）")
    assert_tensor(first, expected, inputs=(X,),
                  name=pick("labels of a model with Dropout and BatchNorm (in eval mode)",
                            "含 Dropout 和 BatchNorm 的模型（评估模式下）给出的标签"))


@points(1)
@target("predict")
@hint("Wrap the forward pass: with torch.no_grad(): logits = model(X)",
      zh="把前向传播包起来：with torch.no_grad(): logits = model(X)")
@title(zh="predict 在 torch.no_grad() 下运行模型（不记录计算图）")
def check_predict_uses_no_grad(student, case, device):
    """predict runs the model under torch.no_grad() (no graph is recorded)"""
    spec = inplace_mlp(case.size("h") + 4)
    local, state = known_model(spec, case.generator)
    model = jail_model(student, device, spec, state, mode="eval")
    X = random_inputs(case, case.size("n") + 6).abs()
    expected = local_outputs(local, X).argmax(dim=1)
    try:
        labels = student.predict(model, X.clone().requires_grad_(True))
    except StudentError as e:
        if e.not_implemented or "in-place operation" not in (e.message or ""):
            raise
        fail("predict ran the model with gradients enabled: this check's model starts with an "
             "in-place ReLU, which only runs on an input that requires grad when no graph is "
             "recorded. Wrap the forward pass in `with torch.no_grad():` (or "
             "torch.inference_mode()): predictions need no graph and no memory for it",
             zh="predict 在启用梯度的情况下运行了模型：这个检查的模型以一个原地（in-place）ReLU 开头，"
                "只有在不记录计算图时，它才能在 requires grad 的输入上运行。请把前向传播放进 "
                "`with torch.no_grad():`（或 torch.inference_mode()）：预测不需要计算图，也不需要为它占用内存",
             evidence=f"your code raised {e.type_name}: {e.message.splitlines()[0]}")
    assert_labels_shape(labels, len(X))
    assert_tensor(labels, expected, inputs=(X,), name="labels")
    # Verified so far; what the process reports about grad mode can only cost the point.
    seen = _modes(student, model, X)
    if any(isinstance(s, list) and len(s) == 2 and s[0] for s in seen):
        claim_fail("predict ran the model with gradients enabled (your process reports it): wrap "
                   "the forward pass in `with torch.no_grad():` (or torch.inference_mode()), so "
                   "no graph is recorded and no memory is wasted",
                   zh="predict 在启用梯度的情况下运行了模型（你的进程报告如此）：请把前向传播放进 "
                      "`with torch.no_grad():`（或 torch.inference_mode()），这样不会记录计算图，也不会浪费内存")


@points(1)
@target("predict")
@hint("model(X).argmax(dim=1) works for an empty batch too: no special case needed.",
      zh="model(X).argmax(dim=1) 对空批次同样适用：不需要特殊处理。")
@title(zh="对空批次 (0, 1, 8, 8) 调用 predict，返回空的 int64 张量 (0,)")
def check_predict_empty_batch(student, case, device):
    """predict on an empty batch (0, 1, 8, 8) returns an empty int64 tensor (0,)"""
    spec = mlp(case.size("h") + 4)
    _, state = known_model(spec, case.generator)
    model = jail_model(student, device, spec, state, mode="eval")
    X = torch.zeros(0, 1, 8, 8)
    labels = student.predict(model, X)
    assert_labels_shape(labels, 0)
    assert_tensor(labels, torch.zeros(0, dtype=torch.int64), inputs=(X,), name="labels")
