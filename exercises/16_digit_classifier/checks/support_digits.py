"""Helpers shared by exercise 16's checks (trusted check code).

It ships with the public checks in a release: nothing here may give away a
hidden check. The digits, the models built in the jail, the reference
training loop and the messages that name common mistakes live here once.
"""
# ---------------------------------------------------------------------------
# Helpers (trusted check code).
# ---------------------------------------------------------------------------
import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from grader.checks import Handle, StudentError, describe, fail

BATCH_SIZE = 32

# Ten 8x8 digit glyphs (columns 0 and 7 are empty, so a shift by one column
# never wraps a stroke around).
GLYPHS = [
    "..####.. .##..##. .##..##. .##..##. .##..##. .##..##. ..####.. ........",
    "...##... ..###... ...##... ...##... ...##... ...##... ..####.. ........",
    "..####.. .##..##. .....##. ....##.. ...##... ..##.... .######. ........",
    "..####.. .##..##. .....##. ...###.. .....##. .##..##. ..####.. ........",
    "....##.. ...###.. ..####.. .##.##.. .######. ....##.. ....##.. ........",
    ".######. .##..... .#####.. .....##. .....##. .##..##. ..####.. ........",
    "..####.. .##..... .##..... .#####.. .##..##. .##..##. ..####.. ........",
    ".######. .....##. ....##.. ...##... ..##.... ..##.... ..##.... ........",
    "..####.. .##..##. .##..##. ..####.. .##..##. .##..##. ..####.. ........",
    "..####.. .##..##. .##..##. ..#####. .....##. .....##. ..####.. ........",
]


def templates():
    return torch.tensor([[[1.0 if c == "#" else 0.0 for c in row] for row in g.split()]
                         for g in GLYPHS])                       # (10, 8, 8)


def make_digits(n, generator, noise=0.2):
    """n noisy digit images (n, 1, 8, 8) float32, shifted by -1/0/+1 column, and labels (n,)."""
    shifted = torch.stack([templates().roll(s, dims=2) for s in (-1, 0, 1)], dim=1)  # (10,3,8,8)
    y = torch.randint(0, 10, (n,), generator=generator)
    shift = torch.randint(0, 3, (n,), generator=generator)
    scale = 0.7 + 0.6 * torch.rand(n, 1, 1, generator=generator)
    X = shifted[y, shift] * scale + noise * torch.randn(n, 8, 8, generator=generator)
    return X.unsqueeze(1).float(), y


def random_inputs(case, n):
    return torch.randn(n, 1, 8, 8, generator=case.generator)


# -- models the checks build, here and inside the jail -----------------------
#
# A model is a list of layers by the name of their class in torch.nn. The
# check builds it here and, with the grader's builders (data, never code), in
# the student's process, loads the same state into both, and reads the jail's
# copy only by its outputs on inputs the check chose: what a model says about
# its parameters (state_dict(), parameters()) is a claim.

def mlp(h):
    return [("Flatten",), ("Linear", 64, h), ("ReLU",), ("Linear", h, 10)]


def linear():
    return [("Flatten",), ("Linear", 64, 10)]


def local_model(spec):
    with torch.random.fork_rng(devices=[]):
        return nn.Sequential(*[getattr(nn, name)(*args) for name, *args in spec])


def random_state(model, generator, scale=0.3):
    """A state the check chooses for `model` (BatchNorm statistics included)."""
    state = {}
    for k, v in model.state_dict().items():
        if k.endswith("num_batches_tracked"):
            state[k] = torch.zeros_like(v)
        elif k.endswith("running_var"):
            state[k] = 0.5 + 1.5 * torch.rand(v.shape, generator=generator)
        elif k.endswith("running_mean"):
            state[k] = torch.randn(v.shape, generator=generator)
        else:
            state[k] = scale * torch.randn(v.shape, generator=generator)
    return state


def known_model(spec, generator):
    """(the model here with a state the check chose, that state)."""
    local = local_model(spec)
    state = random_state(local, generator)
    local.load_state_dict(state)
    return local, state


def jail_model(student, device, spec, state, mode=None):
    """The same model inside the student's process, `state` loaded, on `device`."""
    layers = [student.build(f"nn.{name}", *args) for name, *args in spec]
    return student.build("model.loaded", student.build("nn.Sequential", *layers), state, device,
                         mode=mode)


def outputs_of(student, model, X, mode="eval"):
    """What the jail's model computes on X (in eval mode unless asked): verified values."""
    return student.build("model.outputs", model, X, mode=mode)


def local_outputs(model, X):
    model.eval()
    with torch.no_grad():
        return model(X).detach()


# -- the student's own model (build_classifier) --------------------------------

def built_model(student, device, mode="eval"):
    """build_classifier()'s model on `device`, in `mode`; failing if it is not an nn.Module."""
    model = student.build_classifier()
    if not isinstance(model, Handle):
        fail("build_classifier must return an nn.Module instance (for example an nn.Sequential)",
             zh="build_classifier 必须返回一个 nn.Module 实例（例如 nn.Sequential）",
             evidence=f"got {describe(model)}")
    try:
        return student.build("training.model_on", model, device, mode=mode)
    except StudentError as e:
        if e.type_name == "TypeError" and "expected an nn.Module" in (e.message or ""):
            fail("build_classifier must return an nn.Module instance (for example an nn.Sequential)",
                 zh="build_classifier 必须返回一个 nn.Module 实例（例如 nn.Sequential）",
                 evidence=f"got {model.type_name}")
        raise


def logits_of(student, model, X):
    """The (N, 10) logits of the student's model on images the check chose (eval mode)."""
    try:
        out = outputs_of(student, model, X)
    except StudentError as e:
        if e.not_implemented:
            raise
        fail("your model cannot take a batch of images of shape (N, 1, 8, 8): start it with nn.Flatten()",
             zh="你的模型无法接收形状为 (N, 1, 8, 8) 的一批图像：在模型开头加上 nn.Flatten()",
             evidence=f"input shape {tuple(X.shape)}; error: {e.message.splitlines()[0] if e.message else e}")
    if not isinstance(out, torch.Tensor) or tuple(out.shape) != (len(X), 10):
        what = tuple(out.shape) if isinstance(out, torch.Tensor) else describe(out)
        fail("your model should map images (N, 1, 8, 8) to logits (N, 10)",
             zh="你的模型应当把图像 (N, 1, 8, 8) 映射为 logits (N, 10)",
             evidence=f"input {tuple(X.shape)}, expected output ({len(X)}, 10), got {what}")
    return out


# -- the reference training loop, and the usual ways to get it wrong -------

def reference_train(model, X, y, epochs, lr, seed, *, zero_grad=True, reduction="mean",
                    order="randperm", epoch_loss="mean", lr_used=None, loss_kind="ce",
                    mode="train"):
    # Plain SGD written out (what torch.optim.SGD does without momentum), so that the
    # check process need not import torch.optim's heavy dependencies.
    g = torch.Generator().manual_seed(seed)
    step_size = lr if lr_used is None else lr_used
    params = [p for p in model.parameters() if p.requires_grad]
    model.train(mode == "train")
    n = len(X)
    loader = (DataLoader(TensorDataset(X, y), batch_size=BATCH_SIZE, shuffle=True, generator=g)
              if order == "dataloader" else None)
    losses = []
    for _ in range(epochs):
        if loader is not None:
            batches = list(loader)
        else:
            if order in ("randperm", "drop_last"):
                perm = torch.randperm(n, generator=g)
            elif order == "reseeded":
                perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
            else:
                perm = torch.arange(n)
            stop = n - n % BATCH_SIZE if order == "drop_last" else n
            batches = [(X[perm[i:i + BATCH_SIZE]], y[perm[i:i + BATCH_SIZE]])
                       for i in range(0, stop, BATCH_SIZE)]
        values, sizes = [], []
        for xb, yb in batches:
            out = model(xb)
            if loss_kind == "softmax_ce":
                out = F.softmax(out, dim=1)
            if loss_kind == "nll":
                loss = F.nll_loss(out, yb, reduction=reduction)
            else:
                loss = F.cross_entropy(out, yb, reduction=reduction)
            if zero_grad:
                for p in params:
                    p.grad = None
            loss.backward()
            with torch.no_grad():
                for p in params:
                    if p.grad is not None:
                        p.add_(p.grad, alpha=-step_size)
            values.append(loss.item())
            sizes.append(len(yb))
        if not values:
            losses.append(math.nan)
        elif epoch_loss == "mean":
            losses.append(sum(values) / len(values))
        elif epoch_loss == "weighted":
            losses.append(sum(v * s for v, s in zip(values, sizes)) / sum(sizes))
        elif epoch_loss == "sum":
            losses.append(sum(values))
        else:
            losses.append(values[-1])
    return losses, {k: v.detach().clone() for k, v in model.state_dict().items()}


TRAIN_MISTAKES = [
    (dict(zero_grad=False),
     "the gradients are never reset: call optimizer.zero_grad() before every loss.backward() "
     "(otherwise each step adds up all the earlier gradients)",
     "梯度从未清零：每次 loss.backward() 之前都要调用 optimizer.zero_grad()（否则每一步都会累加之前所有的梯度）"),
    (dict(reduction="sum"),
     "the loss is summed over the batch instead of averaged: use F.cross_entropy(logits, y) "
     "with its default reduction='mean'",
     "损失在批次上求和而不是取平均：使用默认 reduction='mean' 的 F.cross_entropy(logits, y)"),
    (dict(order="arange"),
     "the data is not shuffled: take perm = torch.randperm(len(X), generator=g) at the start "
     "of every epoch and index the batches with it",
     "数据没有打乱：每个 epoch 开始时取 perm = torch.randperm(len(X), generator=g)，并用它来索引各个批次"),
    (dict(order="reseeded"),
     "every epoch uses the same order: create the generator ONCE before the epoch loop "
     "(g = torch.Generator().manual_seed(seed)), not inside it",
     "每个 epoch 的顺序都一样：在 epoch 循环之前只创建一次生成器（g = torch.Generator().manual_seed(seed)），不要在循环里创建"),
    (dict(order="dataloader"),
     "this is what a DataLoader(shuffle=True, generator=g) gives: it draws extra random numbers "
     "from the generator, so its order differs. Follow the recipe: "
     "perm = torch.randperm(len(X), generator=g) once per epoch",
     "这是 DataLoader(shuffle=True, generator=g) 给出的结果：它会从生成器多抽取随机数，所以顺序不同。请按照说明中的做法：每个 epoch 调用一次 perm = torch.randperm(len(X), generator=g)"),
    (dict(order="drop_last"),
     "the last, smaller batch of each epoch is skipped: loop over "
     "range(0, len(X), BATCH_SIZE) so that the final partial batch is used too",
     "每个 epoch 最后那个较小的批次被跳过了：遍历 range(0, len(X), BATCH_SIZE)，这样最后不完整的批次也会用上"),
    (dict(lr_used=1e-3),
     "the learning rate is not used: create the optimizer with "
     "torch.optim.SGD(model.parameters(), lr=lr)",
     "没有使用学习率 lr：用 torch.optim.SGD(model.parameters(), lr=lr) 创建优化器"),
    (dict(loss_kind="softmax_ce"),
     "softmax was applied before F.cross_entropy: cross_entropy takes the raw logits "
     "(it applies log-softmax itself)",
     "在 F.cross_entropy 之前做了 softmax：cross_entropy 接收原始 logits（它自己会做 log-softmax）"),
    (dict(loss_kind="nll"),
     "F.nll_loss / nn.NLLLoss was used on raw logits: use F.cross_entropy (it includes the "
     "log-softmax)",
     "对原始 logits 使用了 F.nll_loss / nn.NLLLoss：请使用 F.cross_entropy（它包含 log-softmax）"),
]


def outputs_close(a, b, atol, rtol):
    return (isinstance(a, torch.Tensor) and a.shape == b.shape
            and torch.allclose(a.double(), b.double(), atol=atol, rtol=rtol))


def tolerances(device):
    """(atol, rtol) for a trained model's outputs."""
    return (1e-4, 1e-4) if device == "cpu" else (1e-3, 1e-3)


def assert_losses_type(losses, epochs):
    if isinstance(losses, (list, tuple)) and losses and all(isinstance(v, torch.Tensor) for v in losses):
        fail("train_classifier returned a list of tensors: append loss.item() (a Python float), "
             "not the loss tensor itself (that keeps the whole graph alive)",
             zh="train_classifier 返回的是张量列表：应当追加 loss.item()（Python float），而不是损失张量本身（那会让整个计算图一直留在内存里）")
    if not isinstance(losses, (list, tuple)):
        what = getattr(losses, "type_name", type(losses).__name__)
        fail("train_classifier must return the list of epoch losses (Python floats)"
             + (" (did you forget the return statement?)" if losses is None else ""),
             zh="train_classifier 必须返回每个 epoch 损失组成的列表（Python float）"
             + ("（是不是忘了写 return？）" if losses is None else ""),
             evidence=f"got {what}")
    if len(losses) != epochs:
        fail("train_classifier returned a number of losses different from the number of epochs: "
             "return one value per epoch (the mean of that epoch's batch losses)",
             zh="train_classifier 返回的损失个数与 epoch 数不同：每个 epoch 返回一个值（该 epoch 各批次损失的平均值）",
             evidence=f"{len(losses)} losses for {epochs} epochs")
    for v in losses:
        if isinstance(v, torch.Tensor):
            fail("the epoch losses must be Python floats: use loss.item(), not the tensor",
                 zh="每个 epoch 的损失必须是 Python float：使用 loss.item()，而不是张量")
        if isinstance(v, bool) or not isinstance(v, (float, int)):
            fail("the epoch losses must be Python floats", zh="每个 epoch 的损失必须是 Python float",
                 evidence=f"got {type(v).__name__}")


def assert_labels_shape(labels, n):
    if (isinstance(labels, tuple) and len(labels) == 2) or getattr(labels, "type_name", "") in (
            "max", "topk", "sort"):
        fail("predict returned a pair: torch.max(x, dim=1) gives (values, indices). "
             "Return only the indices, e.g. model(X).argmax(dim=1)",
             zh="predict 返回了一对值：torch.max(x, dim=1) 给出的是 (values, indices)。只返回索引，例如 model(X).argmax(dim=1)")
    if not isinstance(labels, torch.Tensor):
        fail("predict must return a tensor of labels", zh="predict 必须返回一个标签张量",
             evidence=f"got {getattr(labels, 'type_name', type(labels).__name__)}")
    if tuple(labels.shape) == (n, 10):
        fail("predict returned a tensor of shape (N, 10): these are the scores of "
             "the 10 classes. Return one label per image: logits.argmax(dim=1)",
             zh="predict 返回了形状为 (N, 10) 的张量：这是 10 个类别的分数。每张图像应返回一个标签：logits.argmax(dim=1)",
             evidence=f"shape {tuple(labels.shape)}")
    if tuple(labels.shape) == (10,) and n != 10:
        fail("predict returned one value per class: argmax was taken over dim=0 (the batch). "
             "Take it over the classes: argmax(dim=1)",
             zh="predict 为每个类别返回了一个值：argmax 是沿 dim=0（批次维度）取的。应沿类别维度取：argmax(dim=1)",
             evidence=f"shape {tuple(labels.shape)} for {n} images")
    if labels.is_floating_point():
        fail("predict returned floating-point values: labels are int64 class indices "
             "(argmax already gives int64; do not convert)",
             zh="predict 返回了浮点数：标签是 int64 类型的类别索引（argmax 本身就返回 int64，不要再转换）",
             evidence=f"dtype {labels.dtype}")
# ---------------------------------------------------------------------------


def run_student_training(student, case, device, n, epochs, lr, h, *, spec=mlp, mode=None,
                         before=None):
    """Train a check-made model (known initial state) with the student's train_classifier.

    spec(h): the model's layers; mode: "train"/"eval" to hand it over in that mode; before(model):
    called just before train_classifier.
    """
    seed = case.rng.randrange(1, 10**6)
    X, y = make_digits(n, case.generator)
    layers = spec(h)
    init = random_state(local_model(layers), case.generator)
    probe = torch.cat([random_inputs(case, 12), X[:12]])
    model = jail_model(student, device, layers, init, mode=mode)
    if before is not None:
        before(model)
    losses = student.train_classifier(model, X, y, epochs, lr, seed)
    return dict(X=X, y=y, init=init, seed=seed, losses=losses, model=model, probe=probe,
                epochs=epochs, lr=lr, layers=layers)


def reference(run, **mistake):
    """(epoch losses, outputs on the probe inputs) of the check's own loop, correct or mistaken."""
    model = local_model(run["layers"])
    model.load_state_dict(run["init"])
    losses, _ = reference_train(model, run["X"], run["y"], run["epochs"], run["lr"], run["seed"],
                                **mistake)
    return losses, local_outputs(model, run["probe"])


def initial_outputs(run):
    model = local_model(run["layers"])
    model.load_state_dict(run["init"])
    return local_outputs(model, run["probe"])


def assert_trained_like_reference(student, run, device, mistakes):
    """The trained model, read by its outputs (eval mode) on the check's probe inputs, must compute
    what the check's own run of the recipe gives; a match with a mistaken run names the mistake."""
    got = outputs_of(student, run["model"], run["probe"])
    _, expected = reference(run)
    atol, rtol = tolerances(device)
    if outputs_close(got, expected, atol, rtol):
        return
    if not isinstance(got, torch.Tensor) or got.shape != expected.shape:
        fail("after train_classifier the model's outputs have the wrong shape: "
             "train the model you are given, do not replace what it computes",
             zh="train_classifier 之后模型输出的形状不对：训练传进来的那个模型，不要替换它的计算",
             evidence=f"{len(run['probe'])} images -> {getattr(got, 'shape', type(got).__name__)}, "
                      f"expected {tuple(expected.shape)}")
    if outputs_close(got, initial_outputs(run), 1e-6, 1e-6):
        fail("after train_classifier the model computes exactly what it computed before: its "
             "parameters did not change at all. Is optimizer.step() called after loss.backward(), "
             "and optimizer.zero_grad() before backward (not between backward and step)? Is the "
             "optimizer built on model.parameters() of the model you were given?",
             zh="train_classifier 之后模型的计算结果和之前完全一样：它的参数根本没有变。"
                "loss.backward() 之后调用 optimizer.step() 了吗？optimizer.zero_grad() 是在 backward 之前"
                "（而不是在 backward 和 step 之间）调用的吗？优化器是用传进来的模型的 model.parameters() 创建的吗？")
    for mistake, text, zh in mistakes:
        _, wrong = reference(run, **mistake)
        if outputs_close(got, wrong, atol, rtol) and not outputs_close(wrong, expected, atol, rtol):
            fail(f"after train_classifier the model computes the wrong outputs: {text}.",
                 zh=f"train_classifier 之后模型的输出不对：{zh}。")
    worst = (got.double() - expected.double()).abs().max().item()
    fail("after train_classifier the model computes the wrong outputs: on the check's images its "
         "logits differ from the reference run's. Follow the recipe of the instructions step by step.",
         zh="train_classifier 之后模型的输出不对：在检查用的图像上，它的 logits 与参考训练的结果不同。请一步一步按照说明中的做法来。",
         evidence=f"largest difference {worst:.3g}")
