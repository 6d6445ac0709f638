"""Hidden checks for build_classifier: a new, trainable module that outputs logits, is not
linear, and learns the digits.

The student's model is only read by its outputs on images chosen here (in eval
mode), before and after the grader's own training loop ("training.fit", run in
the student's process): what it says about its parameters is a claim.
"""
import math

import torch

from grader.checks import StudentError, fail, hint, points, target, title
from support_digits import built_model, logits_of, make_digits, outputs_close, random_inputs


@points(1)
@target("build_classifier")
@hint("Create the layers inside build_classifier, so every call returns a new model.",
      zh="在 build_classifier 内部创建各层，这样每次调用都会返回一个新模型。")
@title(zh="build_classifier 每次调用都返回一个新的、可训练的 nn.Module")
def check_build_returns_new_trainable_module(student, case, device):
    """build_classifier returns a new, trainable nn.Module at every call"""
    first = built_model(student, device)
    second = built_model(student, device)
    P = random_inputs(case, 16)
    first_before, second_before = logits_of(student, first, P), logits_of(student, second, P)
    X, y = make_digits(64, case.generator)
    _train(student, first, X, y, epochs=1, lr=0.5, seed=case.rng.randrange(1, 10**6))
    first_after, second_after = logits_of(student, first, P), logits_of(student, second, P)
    if outputs_close(first_after, first_before, 1e-6, 1e-6):
        fail("a short training (one epoch of SGD) did not change what your model computes: it has no trainable "
             "parameters (or its output does not depend on them). Use layers such as nn.Linear, "
             "created inside build_classifier",
             zh="一次简短的训练（一个 epoch 的 SGD）没有改变模型的计算结果：它没有可训练的参数"
                "（或者输出与参数无关）。请使用 nn.Linear 这样的层，并在 build_classifier 内部创建",
             evidence="one epoch of SGD on 64 digits (two batches), lr=0.5")
    if not outputs_close(second_after, second_before, 1e-6, 1e-6):
        fail("training the model of one call of build_classifier changed the model of another "
             "call: both calls returned the same model (or models sharing parameters). Create "
             "the layers inside the function, not once at module level",
             zh="训练 build_classifier 一次调用返回的模型，改变了另一次调用返回的模型：两次调用返回的是同一个模型"
                "（或共享参数的模型）。请在函数内部创建各层，而不是在模块级别只创建一次")


@points(1)
@target("build_classifier")
@hint("F.cross_entropy applies softmax itself: the model's last layer is nn.Linear(..., 10).",
      zh="F.cross_entropy 自己会做 softmax：模型的最后一层是 nn.Linear(..., 10)。")
@title(zh="build_classifier 的模型输出原始 logits，而不是 softmax 概率")
def check_build_returns_logits_not_probabilities(student, case, device):
    """build_classifier's model outputs raw logits, not softmax probabilities"""
    model = built_model(student, device)
    out = logits_of(student, model, 2 * random_inputs(case, case.size("n"))).double()
    if (out >= 0).all() and (out <= 1).all() and torch.allclose(out.sum(dim=1), torch.ones(len(out), dtype=out.dtype), atol=1e-4):
        fail("every output row is >= 0 and sums to 1: your model ends with a softmax. Remove it "
             "and return raw logits; F.cross_entropy applies the (log-)softmax itself, and argmax "
             "of the logits gives the same prediction",
             zh="每一行输出都 >= 0 且和为 1：你的模型最后做了 softmax。去掉它，直接返回原始 logits；"
                "F.cross_entropy 自己会做 (log-)softmax，而对 logits 取 argmax 得到的预测是一样的")


@points(2)
@target("build_classifier")
@hint("Linear -> ReLU -> Linear. Two Linear layers with nothing between them are just one Linear layer.",
      zh="Linear -> ReLU -> Linear。两个 Linear 层之间什么都没有，就等于一个 Linear 层。")
@title(zh="build_classifier 的模型带有非线性（不是一个大的仿射映射）")
def check_build_is_not_linear(student, case, device):
    """build_classifier's model has a nonlinearity (it is not one big affine map)"""
    model = built_model(student, device)
    a = 3 * random_inputs(case, 16)
    b = 3 * random_inputs(case, 16)
    fa, fb, fmid = (logits_of(student, model, v).double() for v in (a, b, (a + b) / 2))
    gap = (fmid - (fa + fb) / 2).abs().max().item()
    scale = max(fa.abs().max().item(), fb.abs().max().item(), 1e-6)
    if gap <= 1e-4 * scale:
        fail("your model is linear: f((a + b) / 2) == (f(a) + f(b)) / 2 for every pair tried. "
             "Put a nonlinearity such as nn.ReLU() between the Linear layers; without one, "
             "stacked Linear layers collapse into a single Linear layer",
             zh="你的模型是线性的：对尝试过的每一对输入都有 f((a + b) / 2) == (f(a) + f(b)) / 2。"
                "在 Linear 层之间加入 nn.ReLU() 这样的非线性；没有它，堆叠的 Linear 层会合并成一个 Linear 层")


def _train(student, model, X, y, epochs, lr, seed):
    """The grader's own loop (the recipe of the instructions), run on your model in your process."""
    try:
        return student.build("training.fit", model, X, y, epochs=epochs, lr=lr, seed=seed)
    except StudentError as e:
        if e.not_implemented:
            raise
        fail("your model cannot be trained with the recipe's loop (F.cross_entropy on its "
             "output, loss.backward(), SGD): its output must be computed "
             "from trainable parameters (layers such as nn.Linear)",
             zh="你的模型无法用说明中的训练循环来训练（对输出用 F.cross_entropy、loss.backward()、SGD）："
                "它的输出必须由可训练的参数计算得到（例如 nn.Linear 这样的层）",
             evidence=f"error: {e.message.splitlines()[0] if e.message else e}")


def _accuracy(student, model, X, y):
    return (logits_of(student, model, X).argmax(dim=1) == y).double().mean().item()


@points(3)
@target("build_classifier")
@hint("A Flatten -> Linear(64, 64) -> ReLU -> Linear(64, 10) model reaches 0.99 here. "
      "Very deep or sigmoid-heavy models may learn too slowly with lr = 0.3 and 30 epochs.",
      zh="Flatten -> Linear(64, 64) -> ReLU -> Linear(64, 10) 这样的模型在这里能达到 0.99。"
         "很深或大量使用 sigmoid 的模型，在 lr = 0.3、30 个 epoch 下可能学得太慢。")
@title(zh="build_classifier() 的模型按说明训练（300 张数字图像，epochs=30，lr=0.3）后，在 200 张新图像上从随机水平提高到 90%")
def check_build_learns_the_digits(student, case, device):
    """build_classifier()'s model, trained like the recipe (300 digits, epochs=30, lr=0.3), goes from chance to 90% on 200 new digits"""
    X, y = make_digits(300, case.generator)
    Xt, yt = make_digits(200, case.generator)
    model = built_model(student, device)
    before = _accuracy(student, model, Xt, yt)
    if before >= 0.5:
        fail("before any training your model already classifies most of the new digits "
             "correctly: build_classifier must return a new, untrained model (this check is "
             "about whether it learns)",
             zh="还没训练，你的模型就已经能正确分类大部分新图像：build_classifier 必须返回一个新的、"
                "未训练的模型（这个检查看的是它能不能学会）",
             evidence=f"accuracy before training: {before:.1%}")
    # The grader's own loop, the recipe of the instructions, in your process.
    losses = _train(student, model, X, y, epochs=30, lr=0.3, seed=case.rng.randrange(1, 10**6))
    accuracy = _accuracy(student, model, Xt, yt)
    if accuracy < 0.9:
        values = [float(v) for v in losses] if isinstance(losses, list) and losses else []
        if values and not all(math.isfinite(v) for v in values):
            fail("after training, your model classifies too few new digits "
                 "correctly, and the training loss became nan or inf: the training diverged (is "
                 "your model very deep, or does it end with a softmax?)",
                 zh="训练之后，你的模型正确分类的新图像太少，而且训练损失变成了 nan 或 inf：训练发散了"
                    "（模型是不是很深，或者最后做了 softmax？）",
                 evidence=f"accuracy {accuracy:.1%} on 200 new digits; losses {values}")
        first, last = (values[0], values[-1]) if values else (math.nan, math.nan)
        if not values or last > 0.5 * first:
            why = ("The training loss hardly went down: your model learns too slowly with plain "
                   "SGD: keep it small, Flatten -> Linear -> ReLU -> Linear, no softmax.")
            why_zh = ("训练损失几乎没有下降：用普通 SGD 训练时你的模型学得太慢：保持模型小一些，"
                      "Flatten -> Linear -> ReLU -> Linear，不要 softmax。")
        else:
            why = ("The training loss went down but the model does not generalise: check that "
                   "it has a hidden layer with a ReLU and ends with nn.Linear(..., 10) (no "
                   "softmax).")
            why_zh = ("训练损失下降了，但模型没有泛化：检查它是否有一个带 ReLU 的隐藏层，"
                      "并以 nn.Linear(..., 10) 结尾（不要 softmax）。")
        fail("after training, your model classifies too few new digits correctly. " + why,
             zh="训练之后，你的模型正确分类的新图像太少。" + why_zh,
             evidence=f"accuracy {accuracy:.1%} on 200 new digits (before: {before:.1%}; needed: 90%); "
                      f"training loss: first epoch {first:.3f}, last {last:.3f}")
