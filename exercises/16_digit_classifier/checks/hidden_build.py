"""Hidden checks for build_classifier: a new, trainable module that outputs logits, is not
linear, and learns the digits.

The student's model is only read by its outputs on images chosen here (in eval
mode), before and after the grader's own training loop ("training.fit", run in
the student's process): what it says about its parameters is a claim.
"""
import math

import torch

from grader.checks import StudentError, fail, hint, points, target
from support_digits import built_model, logits_of, make_digits, outputs_close, random_inputs


@points(1)
@target("build_classifier")
@hint("Create the layers inside build_classifier, so every call returns a new model.")
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
        fail("a short training (one epoch of SGD, two batches) did not change what your model computes: it has no trainable "
             "parameters (or its output does not depend on them). Use layers such as nn.Linear, "
             "created inside build_classifier")
    if not outputs_close(second_after, second_before, 1e-6, 1e-6):
        fail("training the model of one call of build_classifier changed the model of another "
             "call: both calls returned the same model (or models sharing parameters). Create "
             "the layers inside the function, not once at module level")


@points(1)
@target("build_classifier")
@hint("F.cross_entropy applies softmax itself: the model's last layer is nn.Linear(..., 10).")
def check_build_returns_logits_not_probabilities(student, case, device):
    """build_classifier's model outputs raw logits, not softmax probabilities"""
    model = built_model(student, device)
    out = logits_of(student, model, 2 * random_inputs(case, case.size("n"))).double()
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
    fa, fb, fmid = (logits_of(student, model, v).double() for v in (a, b, (a + b) / 2))
    gap = (fmid - (fa + fb) / 2).abs().max().item()
    scale = max(fa.abs().max().item(), fb.abs().max().item(), 1e-6)
    if gap <= 1e-4 * scale:
        fail("your model is linear: f((a + b) / 2) == (f(a) + f(b)) / 2 for every pair tried. "
             "Put a nonlinearity such as nn.ReLU() between the Linear layers; without one, "
             "stacked Linear layers collapse into a single Linear layer")


def _train(student, model, X, y, epochs, lr, seed):
    """The grader's own loop (the recipe of the instructions), run on your model in your process."""
    try:
        return student.build("training.fit", model, X, y, epochs=epochs, lr=lr, seed=seed)
    except StudentError as e:
        if e.not_implemented:
            raise
        fail("your model cannot be trained with the recipe's loop (F.cross_entropy on its "
             "output, loss.backward(), SGD): "
             f"{e.message.splitlines()[0] if e.message else e}. Its output must be computed "
             "from trainable parameters (layers such as nn.Linear)")


def _accuracy(student, model, X, y):
    return (logits_of(student, model, X).argmax(dim=1) == y).double().mean().item()


@points(3)
@target("build_classifier")
@hint("A Flatten -> Linear(64, 64) -> ReLU -> Linear(64, 10) model reaches 0.99 here. "
      "Very deep or sigmoid-heavy models may learn too slowly with lr = 0.3 and 30 epochs.")
def check_build_learns_the_digits(student, case, device):
    """build_classifier()'s model, trained like the recipe (300 digits, epochs=30, lr=0.3), goes from chance to 90% on 200 new digits"""
    X, y = make_digits(300, case.generator)
    Xt, yt = make_digits(200, case.generator)
    model = built_model(student, device)
    before = _accuracy(student, model, Xt, yt)
    if before >= 0.5:
        fail(f"before any training your model already classifies {before:.1%} of the new digits "
             "correctly: build_classifier must return a new, untrained model (this check is "
             "about whether it learns)")
    # The grader's own loop, the recipe of the instructions, in your process.
    losses = _train(student, model, X, y, epochs=30, lr=0.3, seed=case.rng.randrange(1, 10**6))
    accuracy = _accuracy(student, model, Xt, yt)
    if accuracy < 0.9:
        values = [float(v) for v in losses] if isinstance(losses, list) and losses else []
        if values and not all(math.isfinite(v) for v in values):
            fail(f"after training, your model classifies {accuracy:.1%} of 200 new digits "
                 "correctly, and the training loss became nan or inf: the training diverged (is "
                 "your model very deep, or does it end with a softmax?)")
        first, last = (values[0], values[-1]) if values else (math.nan, math.nan)
        if not values or last > 0.5 * first:
            why = ("The training loss hardly went down: your model learns too slowly with plain "
                   "SGD (lr = 0.3): keep it small, Flatten -> Linear -> ReLU -> Linear, no softmax.")
        else:
            why = ("The training loss went down but the model does not generalise: check that "
                   "it has a hidden layer with a ReLU and ends with nn.Linear(..., 10) (no "
                   "softmax).")
        fail(f"after training, your model classifies {accuracy:.1%} of 200 new digits correctly "
             f"(it was {before:.1%} before); at least 90% is needed (training loss: first epoch "
             f"{first:.3f}, last {last:.3f}). " + why)
