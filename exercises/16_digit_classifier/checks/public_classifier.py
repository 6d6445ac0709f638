"""Public checks for exercise 16 (small examples; the hidden checks go further)."""
import torch
from torch import nn

from grader.checks import StudentError, assert_tensor, fail, hint, points, target
from support_digits import (
    LINEAR_EXPR, TRAIN_MISTAKES, assert_labels_shape, assert_losses_type,
    assert_trained_like_reference, jail_model, random_inputs, random_state,
    run_student_training)




@points(1)
@target("build_classifier")
@hint("Start with nn.Flatten() so that (N, 1, 8, 8) becomes (N, 64), end with nn.Linear(..., 10).")
def check_build_output_shape(student, device):
    """build_classifier(): a batch of 5 images (5, 1, 8, 8) gives logits (5, 10)"""
    model = student.build_classifier()
    if not student.evaluate("isinstance(m, nn.Module)", m=model):
        fail("build_classifier must return an nn.Module instance (for example an "
             "nn.Sequential), got " + getattr(model, "type_name", type(model).__name__))
    model = student.evaluate("m.to(d).eval()", m=model, d=device)
    X = torch.randn(5, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    try:
        out = model(X)
    except StudentError as e:
        fail("your model cannot take a batch of images of shape (5, 1, 8, 8): "
             f"{e.message.splitlines()[0] if e.message else e}. Start it with nn.Flatten().")
    if not isinstance(out, torch.Tensor):
        fail(f"your model should return a tensor of logits, got {getattr(out, 'type_name', type(out).__name__)}")
    if tuple(out.shape) != (5, 10):
        fail(f"for 5 images your model returned shape {tuple(out.shape)}; expected (5, 10): "
             "one row of 10 logits per image")
    if out.dtype != torch.float32:
        fail(f"your model returned {out.dtype}; expected float32")


@points(1)
@target("train_classifier")
@hint("One epoch of 20 images is a single batch: one zero_grad / backward / step.")
def check_train_one_batch_example(student, case, device):
    """train_classifier: one epoch over 20 images (a single batch) from a known start"""
    run = run_student_training(student, case, device, n=20, epochs=1, lr=0.1, h=12)
    assert_losses_type(run["losses"], 1)
    assert_trained_like_reference(student, run, device, TRAIN_MISTAKES)


@points(1)
@target("predict")
@hint("with torch.no_grad(): return model(X).argmax(dim=1)")
def check_predict_example(student, case, device):
    """predict: labels of 6 images from a known linear model"""
    local = nn.Sequential(nn.Flatten(), nn.Linear(64, 10))
    state = random_state(local, case.generator)
    local.load_state_dict(state)
    model = jail_model(student, device, LINEAR_EXPR, state)
    X = random_inputs(case, 6)
    labels = student.predict(model, X)
    assert_labels_shape(labels, 6)
    with torch.no_grad():
        expected = local(X).argmax(dim=1)
    assert_tensor(labels, expected, inputs=(X,), name="labels")
