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

from grader.checks import fail

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


def run_student_training(student, case, device, n, epochs, lr, h, *, probe=False, before=None):
    """Train a check-made MLP (known initial state) with the student's train_classifier."""
    seed = case.rng.randrange(1, 10**6)
    X, y = make_digits(n, case.generator)
    init = random_state(local_mlp(h), case.generator)
    model = jail_model(student, device, MLP_EXPR, init, probe=probe, h=h)
    if before is not None:
        before(model)
    losses = student.train_classifier(model, X, y, epochs, lr, seed)
    return dict(X=X, y=y, init=init, seed=seed, losses=losses, model=model,
                epochs=epochs, lr=lr, h=h)


def reference(run, **mistake):
    model = local_mlp(run["h"])
    model.load_state_dict(run["init"])
    return reference_train(model, run["X"], run["y"], run["epochs"], run["lr"], run["seed"],
                           **mistake)


def assert_trained_like_reference(student, run, device, mistakes):
    state = jail_state(student, run["model"])
    _, expected = reference(run)
    atol, rtol = tolerances(device)
    if states_close(state, expected, atol, rtol):
        return
    if states_close(state, run["init"], 0.0, 0.0):
        fail("after train_classifier the parameters did not change at all. Is "
             "optimizer.step() called after loss.backward(), and optimizer.zero_grad() before "
             "backward (not between backward and step)? Is the optimizer built on "
             "model.parameters() of the model you were given?")
    for mistake, text in mistakes:
        _, wrong = reference(run, **mistake)
        if states_close(state, wrong, atol, rtol):
            fail(f"after train_classifier the parameters are wrong: {text}.")
    fail("after train_classifier the parameters are wrong: "
         + describe_state_error(state, expected)
         + ". Follow the recipe of the instructions step by step.")
