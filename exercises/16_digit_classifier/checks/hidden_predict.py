"""Hidden checks for predict: labels, evaluation mode, no gradients."""
import torch

from grader.checks import assert_tensor, fail, hint, points, target
from support_digits import (
    MLP_EXPR, assert_labels_shape, jail_model, local_mlp, random_inputs, random_state)


def known_model(student, case, device, probe=False):
    h = case.size("h") + 4
    local = local_mlp(h)
    state = random_state(local, case.generator)
    local.load_state_dict(state)
    local.eval()
    return local, jail_model(student, device, MLP_EXPR, state, probe=probe, h=h)


@points(2)
@target("predict")
@hint("logits = model(X) has shape (N, 10); the label of each row is logits.argmax(dim=1).")
def check_predict_labels(student, case, device):
    """predict returns the argmax label (int64, shape (N,)) of a known model"""
    local, model = known_model(student, case, device)
    n = case.size("n") + 10
    X = random_inputs(case, n)
    labels = student.predict(model, X)
    assert_labels_shape(labels, n)
    with torch.no_grad():
        expected = local(X).argmax(dim=1)
    assert_tensor(labels, expected, inputs=(X,), name="labels")


@points(1)
@target("predict")
@hint("Call model.eval() before running the model in predict.")
def check_predict_uses_eval_mode(student, case, device):
    """predict runs the model in evaluation mode (model.eval()), even if it was training"""
    local, model = known_model(student, case, device, probe=True)
    student.evaluate("m.train()", m=model)
    X = random_inputs(case, case.size("n"))
    labels = student.predict(model, X)
    seen = model.seen
    if not seen:
        fail("predict never called the model: call it as model(X) (not model.forward(X))")
    if any(training for _, training in seen):
        fail("predict ran the model in training mode: call model.eval() first (in training mode "
             "Dropout drops random units and BatchNorm uses the batch statistics, so predictions "
             "would be random or depend on the other images in the batch)")
    assert_labels_shape(labels, len(X))


@points(1)
@target("predict")
@hint("Wrap the forward pass: with torch.no_grad(): logits = model(X)")
def check_predict_uses_no_grad(student, case, device):
    """predict runs the model under torch.no_grad() (no graph is recorded)"""
    local, model = known_model(student, case, device, probe=True)
    X = random_inputs(case, case.size("n"))
    labels = student.predict(model, X)
    seen = model.seen
    if not seen:
        fail("predict never called the model: call it as model(X) (not model.forward(X))")
    if any(grad for grad, _ in seen):
        fail("predict ran the model with gradients enabled: wrap the forward pass in "
             "`with torch.no_grad():` (or torch.inference_mode()), so no graph is recorded "
             "and no memory is wasted")
    assert_labels_shape(labels, len(X))


@points(1)
@target("predict")
@hint("model(X).argmax(dim=1) works for an empty batch too: no special case needed.")
def check_predict_empty_batch(student, case, device):
    """predict on an empty batch (0, 1, 8, 8) returns an empty int64 tensor (0,)"""
    _, model = known_model(student, case, device)
    X = torch.zeros(0, 1, 8, 8)
    labels = student.predict(model, X)
    assert_labels_shape(labels, 0)
    assert_tensor(labels, torch.zeros(0, dtype=torch.int64), inputs=(X,), name="labels")
