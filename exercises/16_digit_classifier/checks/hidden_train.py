"""Hidden checks for train_classifier: the same loop as the recipe, run here from the same start.

The check builds a model with weights it chose in the student's process, lets
train_classifier train it, and reads it back by its outputs on images chosen
here; the check's own run of the recipe (and of the usual mistakes) says what
they must be. Training mode is verified the same way, with a BatchNorm model
handed over in eval mode; leaving the global RNG alone by numbers drawn from it
after a seed the check set.
"""
import torch

from grader.checks import fail, hint, points, target, title
from support_digits import (
    TRAIN_MISTAKES, assert_losses_type, assert_trained_like_reference, reference,
    run_student_training)


def bn_mlp(h):
    """An MLP with BatchNorm: what it computes, and learns, depends on train() / eval()."""
    return [("Flatten",), ("Linear", 64, h), ("BatchNorm1d", h), ("ReLU",), ("Linear", h, 10)]


EVAL_MODE_MISTAKE = (
    dict(mode="eval"),
    "the model was left in evaluation mode while training: call model.train() at the start of "
    "train_classifier (it may come in eval mode, for instance after predict; BatchNorm and "
    "Dropout behave differently in the two modes)",
    "训练时模型一直处于评估模式：在 train_classifier 开头调用 model.train()（模型传进来时可能处于评估模式，"
    "比如调用过 predict 之后；BatchNorm 和 Dropout 在两种模式下的行为不同）")




@points(2)
@target("train_classifier")
@hint("loss = F.cross_entropy(model(xb), yb); optimizer.zero_grad(); loss.backward(); "
      "optimizer.step(), with optimizer = torch.optim.SGD(model.parameters(), lr=lr).",
      zh="loss = F.cross_entropy(model(xb), yb); optimizer.zero_grad(); loss.backward(); "
         "optimizer.step()，其中 optimizer = torch.optim.SGD(model.parameters(), lr=lr)。")
@title(zh="train_classifier：一步（一个 epoch、一个批次）与参考步骤一致")
def check_train_single_step(student, case, device):
    """train_classifier: one step (one epoch, one batch) matches the reference step"""
    n = 8 + case.size("n")
    run = run_student_training(student, case, device, n=n, epochs=1, lr=0.2, h=case.size("h") + 4)
    assert_losses_type(run["losses"], 1)
    assert_trained_like_reference(student, run, device, TRAIN_MISTAKES)


@points(3)
@target("train_classifier")
@hint("g = torch.Generator().manual_seed(seed) once; then per epoch perm = torch.randperm(len(X), "
      "generator=g) and batches perm[i:i + BATCH_SIZE] for i in range(0, len(X), BATCH_SIZE).",
      zh="只调用一次 g = torch.Generator().manual_seed(seed)；然后每个 epoch 取 perm = torch.randperm(len(X), "
         "generator=g)，批次为 perm[i:i + BATCH_SIZE]，其中 i in range(0, len(X), BATCH_SIZE)。")
@title(zh="train_classifier：在 44 张图像上训练两个 epoch（批次大小为 32 和 12），与参考结果一致")
def check_train_two_epochs_of_minibatches(student, case, device):
    """train_classifier: two epochs over 44 images (batches of 32 and 12) match the reference"""
    run = run_student_training(student, case, device, n=44, epochs=2, lr=0.1, h=case.size("h") + 4)
    assert_losses_type(run["losses"], 2)
    assert_trained_like_reference(student, run, device, TRAIN_MISTAKES)


@points(2)
@target("train_classifier")
@hint("Keep the batch losses of an epoch in a list (loss.item()) and append their mean.",
      zh="把一个 epoch 中各批次的损失（loss.item()）存进列表，再把它们的平均值追加到结果里。")
@title(zh="train_classifier 每个 epoch 返回一个 float：该 epoch 各批次损失的平均值")
def check_train_epoch_losses(student, case, device):
    """train_classifier returns one float per epoch: the mean of that epoch's batch losses"""
    run = run_student_training(student, case, device, n=40, epochs=3, lr=0.1, h=case.size("h") + 4)
    losses = run["losses"]
    assert_losses_type(losses, 3)
    expected, _ = reference(run)
    tol = 1e-4 if device == "cpu" else 1e-3

    def close(values, ref):
        return all(abs(float(v) - r) <= tol * max(1.0, abs(r)) for v, r in zip(values, ref))

    if close(losses, expected):
        return
    for mode, text, zh in (("weighted", "each batch loss is weighted by its batch size; the "
                                        "instructions ask for the plain mean of the batch losses",
                            "每个批次的损失按批次大小加权了；说明要求的是各批次损失的简单平均"),
                           ("sum", "you returned the SUM of the batch losses; return their mean",
                            "你返回的是各批次损失的总和；应返回它们的平均值"),
                           ("last", "you returned the loss of the last batch only; return the mean "
                                    "of all the batch losses of the epoch",
                            "你只返回了最后一个批次的损失；应返回该 epoch 所有批次损失的平均值")):
        ref, _ = reference(run, epoch_loss=mode)
        if close(losses, ref):
            fail(f"the epoch losses are wrong: {text}.", zh=f"每个 epoch 的损失不对：{zh}。")
    for mistake, text, zh in TRAIN_MISTAKES:
        ref, _ = reference(run, **mistake)
        if close(losses, ref):
            fail(f"the epoch losses are wrong because the training is: {text}.",
                 zh=f"每个 epoch 的损失不对，因为训练本身有错：{zh}。")
    shown = ", ".join(f"{float(v):.5f}" for v in losses)
    want = ", ".join(f"{r:.5f}" for r in expected)
    fail("the epoch losses are wrong", zh="每个 epoch 的损失不对",
         evidence=f"expected [{want}], got [{shown}]")


@points(1)
@target("train_classifier")
@hint("Call model.train() before the epoch loop: the model may come in evaluation mode "
      "(for instance after predict).",
      zh="在 epoch 循环之前调用 model.train()：模型传进来时可能处于评估模式（比如调用过 predict 之后）。")
@title(zh="train_classifier 把模型切换到训练模式（传入的是处于评估模式的 BatchNorm 模型）")
def check_train_puts_model_in_train_mode(student, case, device):
    """train_classifier switches the model to training mode (it was given a BatchNorm model in eval mode)"""
    run = run_student_training(student, case, device, n=40, epochs=1, lr=0.1, h=6, spec=bn_mlp,
                               mode="eval")
    assert_losses_type(run["losses"], 1)
    assert_trained_like_reference(student, run, device, [EVAL_MODE_MISTAKE] + TRAIN_MISTAKES)


@points(1)
@target("train_classifier")
@hint("Use a torch.Generator for the shuffling instead of torch.manual_seed(seed).",
      zh="打乱数据时使用 torch.Generator，而不是 torch.manual_seed(seed)。")
@title(zh="train_classifier 不会重新设置或消耗 PyTorch 的全局随机数生成器")
def check_train_leaves_global_rng_alone(student, case, device):
    """train_classifier does not reseed or consume PyTorch's global random generator"""
    global_seed = case.rng.randrange(1, 10**6)
    run = run_student_training(student, case, device, n=40, epochs=2, lr=0.1, h=5,
                               before=lambda m: student.build("training.manual_seed", global_seed))
    assert_losses_type(run["losses"], 2)
    draws = student.build("training.global_rand", 8)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(global_seed)
        expected = torch.rand(8)
        torch.manual_seed(run["seed"])
        reseeded = torch.rand(8)
    if isinstance(draws, torch.Tensor) and draws.shape == expected.shape and torch.equal(draws, expected):
        return
    if isinstance(draws, torch.Tensor) and draws.shape == reseeded.shape and torch.equal(draws, reseeded):
        why = "torch.manual_seed(seed) was called and nothing else drew from the global generator"
        why_zh = "调用了 torch.manual_seed(seed)，并且没有其他代码从全局生成器抽取随机数"
    else:
        why = "it was reseeded (torch.manual_seed) or numbers were drawn from it (torch.randperm without generator=g?)"
        why_zh = "它被重新设置了种子（torch.manual_seed），或者有代码从中抽取了随机数（torch.randperm 没有传 generator=g？）"
    fail("train_classifier changed PyTorch's global random state: after the check seeded it and "
         "your function ran, the next numbers it gave were not the ones that seed gives ("
         + why + "). Shuffle with your own g = torch.Generator().manual_seed(seed) so that "
         "training does not disturb the random numbers of the rest of the program.",
         zh="train_classifier 改变了 PyTorch 的全局随机状态：检查设置种子并运行你的函数之后，"
            "接下来得到的随机数不是那个种子应给出的（" + why_zh + "）。请用你自己的 "
            "g = torch.Generator().manual_seed(seed) 来打乱数据，这样训练不会干扰程序其他部分的随机数。")
