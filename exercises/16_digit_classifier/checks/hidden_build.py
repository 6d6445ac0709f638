"""Hidden checks for build_classifier: a module of the right kind, and it learns the digits."""
# ---------------------------------------------------------------------------
# Helpers (trusted check code; duplicated in each check file on purpose so
# that every file stands alone).
# ---------------------------------------------------------------------------
import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from grader.checks import StudentError, fail

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


# -- models the checks build inside the jail -------------------------------

MLP_EXPR = "nn.Sequential(nn.Flatten(), nn.Linear(64, h), nn.ReLU(), nn.Linear(h, 10))"
LINEAR_EXPR = "nn.Sequential(nn.Flatten(), nn.Linear(64, 10))"
# A forward pre-hook that records (grad enabled?, training?) at every call of the model.
PROBE_EXPR = ("(lambda m: (setattr(m, 'seen', []), m.register_forward_pre_hook("
              "lambda mod, inp: mod.seen.append([torch.is_grad_enabled(), mod.training])), m)[2])"
              "({expr})")


def local_mlp(h):
    return nn.Sequential(nn.Flatten(), nn.Linear(64, h), nn.ReLU(), nn.Linear(h, 10))


def random_state(model, generator, scale=0.3):
    return {k: scale * torch.randn(v.shape, generator=generator) for k, v in model.state_dict().items()}


def jail_model(student, device, expr, state, probe=False, **values):
    """Build a model inside the student's process, load `state`, move it to `device`."""
    model = student.evaluate(PROBE_EXPR.format(expr=expr) if probe else expr, **values)
    student.evaluate("(m.load_state_dict(s), None)[1]", m=model, s=state)
    return student.evaluate("m.to(d)", m=model, d=device)


def jail_state(student, model):
    return student.evaluate("{k: v.detach().cpu() for k, v in m.state_dict().items()}", m=model)


# -- the reference training loop, and the usual ways to get it wrong -------

def reference_train(model, X, y, epochs, lr, seed, *, zero_grad=True, reduction="mean",
                    order="randperm", epoch_loss="mean", lr_used=None, loss_kind="ce"):
    # Plain SGD written out (what torch.optim.SGD does without momentum), so that the
    # check process need not import torch.optim's heavy dependencies.
    g = torch.Generator().manual_seed(seed)
    step_size = lr if lr_used is None else lr_used
    params = [p for p in model.parameters() if p.requires_grad]
    model.train()
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
     "(otherwise each step adds up all the earlier gradients)"),
    (dict(reduction="sum"),
     "the loss is summed over the batch instead of averaged: use F.cross_entropy(logits, y) "
     "with its default reduction='mean'"),
    (dict(order="arange"),
     "the data is not shuffled: take perm = torch.randperm(len(X), generator=g) at the start "
     "of every epoch and index the batches with it"),
    (dict(order="reseeded"),
     "every epoch uses the same order: create the generator ONCE before the epoch loop "
     "(g = torch.Generator().manual_seed(seed)), not inside it"),
    (dict(order="dataloader"),
     "this is what a DataLoader(shuffle=True, generator=g) gives: it draws extra random numbers "
     "from the generator, so its order differs. Follow the recipe: "
     "perm = torch.randperm(len(X), generator=g) once per epoch"),
    (dict(order="drop_last"),
     "the last, smaller batch of each epoch is skipped: loop over "
     "range(0, len(X), BATCH_SIZE) so that the final partial batch is used too"),
    (dict(lr_used=1e-3),
     "the learning rate is not used: create the optimizer with "
     "torch.optim.SGD(model.parameters(), lr=lr)"),
    (dict(loss_kind="softmax_ce"),
     "softmax was applied before F.cross_entropy: cross_entropy takes the raw logits "
     "(it applies log-softmax itself)"),
    (dict(loss_kind="nll"),
     "F.nll_loss / nn.NLLLoss was used on raw logits: use F.cross_entropy (it includes the "
     "log-softmax)"),
]


def states_close(a, b, atol, rtol):
    if not isinstance(a, dict) or set(a) != set(b):
        return False
    for k in b:
        if not isinstance(a[k], torch.Tensor) or a[k].shape != b[k].shape:
            return False
        if not torch.allclose(a[k].double(), b[k].double(), atol=atol, rtol=rtol):
            return False
    return True


def tolerances(device):
    return (1e-5, 1e-4) if device == "cpu" else (1e-4, 1e-3)


def describe_state_error(actual, expected):
    worst, where = 0.0, ""
    for k in expected:
        d = (actual[k].double() - expected[k].double()).abs().max().item() if actual[k].numel() else 0.0
        if d > worst:
            worst, where = d, k
    return f"the trained parameters differ from the reference (largest difference {worst:.3g} in {where})"


def assert_losses_type(losses, epochs):
    if isinstance(losses, (list, tuple)) and losses and all(isinstance(v, torch.Tensor) for v in losses):
        fail("train_classifier returned a list of tensors: append loss.item() (a Python float), "
             "not the loss tensor itself (that keeps the whole graph alive)")
    if not isinstance(losses, (list, tuple)):
        what = getattr(losses, "type_name", type(losses).__name__)
        fail(f"train_classifier must return the list of epoch losses (Python floats), got {what}"
             + (" (did you forget the return statement?)" if losses is None else ""))
    if len(losses) != epochs:
        fail(f"train_classifier returned {len(losses)} losses for {epochs} epochs: return one "
             "value per epoch (the mean of that epoch's batch losses)")
    for v in losses:
        if isinstance(v, torch.Tensor):
            fail("the epoch losses must be Python floats: use loss.item(), not the tensor")
        if isinstance(v, bool) or not isinstance(v, (float, int)):
            fail(f"the epoch losses must be Python floats, got {type(v).__name__}")


def assert_labels_shape(labels, n):
    if (isinstance(labels, tuple) and len(labels) == 2) or getattr(labels, "type_name", "") in (
            "max", "topk", "sort"):
        fail("predict returned a pair: torch.max(x, dim=1) gives (values, indices). "
             "Return only the indices, e.g. model(X).argmax(dim=1)")
    if not isinstance(labels, torch.Tensor):
        fail(f"predict must return a tensor of labels, got {getattr(labels, 'type_name', type(labels).__name__)}")
    if tuple(labels.shape) == (n, 10):
        fail(f"predict returned a tensor of shape {tuple(labels.shape)}: these are the scores of "
             "the 10 classes. Return one label per image: logits.argmax(dim=1)")
    if tuple(labels.shape) == (10,) and n != 10:
        fail("predict returned 10 values: argmax was taken over dim=0 (the batch). "
             "Take it over the classes: argmax(dim=1)")
    if labels.is_floating_point():
        fail(f"predict returned {labels.dtype} values: labels are int64 class indices "
             "(argmax already gives int64; do not convert)")
# ---------------------------------------------------------------------------

from grader.checks import hint, points, target  # noqa: E402


def built_model(student, device, eval_mode=True):
    model = student.build_classifier()
    if not student.evaluate("isinstance(m, nn.Module)", m=model):
        fail("build_classifier must return an nn.Module (for example an nn.Sequential), got "
             + getattr(model, "type_name", type(model).__name__))
    return student.evaluate("m.to(d).eval()" if eval_mode else "m.to(d)", m=model, d=device)


def logits_of(model, X):
    try:
        out = model(X)
    except StudentError as e:
        fail(f"your model cannot take a batch of images of shape {tuple(X.shape)}: "
             f"{e.message.splitlines()[0] if e.message else e}. Start it with nn.Flatten().")
    if not isinstance(out, torch.Tensor) or tuple(out.shape) != (len(X), 10):
        what = tuple(out.shape) if isinstance(out, torch.Tensor) else getattr(out, "type_name", type(out).__name__)
        fail(f"your model should map images ({len(X)}, 1, 8, 8) to logits ({len(X)}, 10), got {what}")
    return out.detach().double()


@points(1)
@target("build_classifier")
@hint("Create the layers inside build_classifier, so every call returns a new model.")
def check_build_returns_new_trainable_module(student):
    """build_classifier returns a new nn.Module with trainable parameters at every call"""
    first = student.build_classifier()
    second = student.build_classifier()
    for m in (first, second):
        if not student.evaluate("isinstance(m, nn.Module)", m=m):
            fail("build_classifier must return an nn.Module (for example an nn.Sequential), got "
                 + getattr(m, "type_name", type(m).__name__))
    count = student.evaluate("sum(p.numel() for p in m.parameters() if p.requires_grad)", m=first)
    if not count:
        fail("your model has no trainable parameters: use layers such as nn.Linear")
    shared = student.evaluate(
        "a is b or bool({p.data_ptr() for p in a.parameters()} & {p.data_ptr() for p in b.parameters()})",
        a=first, b=second)
    if shared:
        fail("two calls of build_classifier returned the same model (or models sharing "
             "parameters): create the layers inside the function, not once at module level")


@points(1)
@target("build_classifier")
@hint("F.cross_entropy applies softmax itself: the model's last layer is nn.Linear(..., 10).")
def check_build_returns_logits_not_probabilities(student, case, device):
    """build_classifier's model outputs raw logits, not softmax probabilities"""
    model = built_model(student, device)
    out = logits_of(model, 2 * random_inputs(case, case.size("n")))
    if (out >= 0).all() and (out <= 1).all() and torch.allclose(out.sum(dim=1), torch.ones(len(out), dtype=out.dtype), atol=1e-4):
        fail("every output row is >= 0 and sums to 1: your model ends with a softmax. Remove it "
             "and return raw logits; F.cross_entropy applies the (log-)softmax itself, and argmax "
             "of the logits gives the same prediction")


@points(2)
@target("build_classifier")
@hint("Linear -> ReLU -> Linear. Two Linear layers with nothing between them are just one Linear layer.")
def check_build_is_not_linear(student, case, device):
    """build_classifier's model has a nonlinearity (it is not one big affine map)"""
    model = built_model(student, device)
    a = 3 * random_inputs(case, 16)
    b = 3 * random_inputs(case, 16)
    fa, fb, fmid = logits_of(model, a), logits_of(model, b), logits_of(model, (a + b) / 2)
    gap = (fmid - (fa + fb) / 2).abs().max().item()
    scale = max(fa.abs().max().item(), fb.abs().max().item(), 1e-6)
    if gap <= 1e-4 * scale:
        fail("your model is linear: f((a + b) / 2) == (f(a) + f(b)) / 2 for every pair tried. "
             "Put a nonlinearity such as nn.ReLU() between the Linear layers; without one, "
             "stacked Linear layers collapse into a single Linear layer")


@points(3)
@target("build_classifier")
@hint("A Flatten -> Linear(64, 64) -> ReLU -> Linear(64, 10) model reaches 0.99 here. "
      "Very deep or sigmoid-heavy models may learn too slowly with lr = 0.3 and 30 epochs.")
def check_build_learns_the_digits(student, case, device):
    """train_classifier(build_classifier(), 300 digits, epochs=30, lr=0.3) reaches 90% on 200 new digits"""
    X, y = make_digits(300, case.generator)
    Xt, yt = make_digits(200, case.generator)
    model = built_model(student, device, eval_mode=False)
    losses = student.train_classifier(model, X, y, 30, 0.3, case.rng.randrange(1, 10**6))
    assert_losses_type(losses, 30)
    if not all(math.isfinite(float(v)) for v in losses):
        fail("the training loss became nan or inf: the training diverged (is your model very "
             "deep, or does it end with a softmax?)")
    labels = student.predict(model, Xt)
    assert_labels_shape(labels, len(Xt))
    if tuple(labels.shape) != (len(Xt),):
        fail(f"predict returned shape {tuple(labels.shape)} for {len(Xt)} images; expected ({len(Xt)},)")
    accuracy = (labels.to(torch.int64) == yt).double().mean().item()
    if accuracy < 0.9:
        first, last = float(losses[0]), float(losses[-1])
        if last > 0.5 * first:
            why = ("The training loss hardly went down: if the other train_classifier checks "
                   "fail, fix those first; otherwise your model learns too slowly with plain SGD "
                   "(lr = 0.3): keep it small, Flatten -> Linear -> ReLU -> Linear, no softmax.")
        else:
            why = ("The training loss went down but the model does not generalise: check that "
                   "it has a hidden layer with a ReLU and ends with nn.Linear(..., 10) (no "
                   "softmax), and that predict uses model.eval().")
        fail(f"after training, your model classifies {accuracy:.1%} of 200 new digits correctly; "
             f"at least 90% is needed (training loss: first epoch {first:.3f}, last {last:.3f}). "
             + why)
