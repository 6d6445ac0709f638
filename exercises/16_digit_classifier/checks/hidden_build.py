"""Hidden checks for build_classifier: a module of the right kind, and it learns the digits."""
import math
import torch

from grader.checks import StudentError, fail, hint, points, target
from support_digits import assert_labels_shape, assert_losses_type, make_digits, random_inputs


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
