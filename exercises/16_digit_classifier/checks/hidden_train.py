"""Hidden checks for train_classifier: the same loop as the recipe, run here from the same start."""
import torch

from grader.checks import fail, hint, points, target
from support_digits import (
    TRAIN_MISTAKES, assert_losses_type, assert_trained_like_reference, reference,
    run_student_training)




@points(2)
@target("train_classifier")
@hint("loss = F.cross_entropy(model(xb), yb); optimizer.zero_grad(); loss.backward(); "
      "optimizer.step(), with optimizer = torch.optim.SGD(model.parameters(), lr=lr).")
def check_train_single_step(student, case, device):
    """train_classifier: one step (one epoch, one batch) matches the reference step"""
    n = 8 + case.size("n")
    run = run_student_training(student, case, device, n=n, epochs=1, lr=0.2, h=case.size("h") + 4)
    assert_losses_type(run["losses"], 1)
    assert_trained_like_reference(student, run, device, TRAIN_MISTAKES)


@points(3)
@target("train_classifier")
@hint("g = torch.Generator().manual_seed(seed) once; then per epoch perm = torch.randperm(len(X), "
      "generator=g) and batches perm[i:i + BATCH_SIZE] for i in range(0, len(X), BATCH_SIZE).")
def check_train_two_epochs_of_minibatches(student, case, device):
    """train_classifier: two epochs over 44 images (batches of 32 and 12) match the reference"""
    run = run_student_training(student, case, device, n=44, epochs=2, lr=0.1, h=case.size("h") + 4)
    assert_losses_type(run["losses"], 2)
    assert_trained_like_reference(student, run, device, TRAIN_MISTAKES)


@points(2)
@target("train_classifier")
@hint("Keep the batch losses of an epoch in a list (loss.item()) and append their mean.")
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
    for mode, text in (("weighted", "each batch loss is weighted by its batch size; the "
                                    "instructions ask for the plain mean of the batch losses"),
                       ("sum", "you returned the SUM of the batch losses; return their mean"),
                       ("last", "you returned the loss of the last batch only; return the mean "
                                "of all the batch losses of the epoch")):
        ref, _ = reference(run, epoch_loss=mode)
        if close(losses, ref):
            fail(f"the epoch losses are wrong: {text}.")
    for mistake, text in TRAIN_MISTAKES:
        ref, _ = reference(run, **mistake)
        if close(losses, ref):
            fail(f"the epoch losses are wrong because the training is: {text}.")
    shown = ", ".join(f"{float(v):.5f}" for v in losses)
    want = ", ".join(f"{r:.5f}" for r in expected)
    fail(f"the epoch losses are wrong: expected [{want}], got [{shown}]")


@points(1)
@target("train_classifier")
@hint("Call model.train() before the epoch loop: the model may come in evaluation mode "
      "(for instance after predict).")
def check_train_puts_model_in_train_mode(student, case, device):
    """train_classifier switches the model to training mode (it was given one in eval mode)"""
    run = run_student_training(student, case, device, n=40, epochs=1, lr=0.1, h=6, probe=True,
                               before=lambda m: student.evaluate("m.eval()", m=m))
    assert_losses_type(run["losses"], 1)
    seen = run["model"].seen
    if not seen:
        fail("train_classifier never called the model: call it as model(xb) (not model.forward(xb))")
    if any(not training for _, training in seen):
        fail("the model was in evaluation mode while training: call model.train() at the start "
             "of train_classifier (Dropout and BatchNorm behave differently in the two modes)")
    if any(not grad for grad, _ in seen):
        fail("the model ran with gradients disabled while training: no torch.no_grad() around "
             "the training forward pass")


@points(1)
@target("train_classifier")
@hint("Use a torch.Generator for the shuffling instead of torch.manual_seed(seed).")
def check_train_leaves_global_rng_alone(student, case, device):
    """train_classifier does not reseed or consume PyTorch's global random generator"""
    snapshot = {}

    def remember(model):
        snapshot["before"] = student.evaluate("torch.get_rng_state()")

    run = run_student_training(student, case, device, n=40, epochs=2, lr=0.1, h=5, before=remember)
    after = student.evaluate("torch.get_rng_state()")
    assert_losses_type(run["losses"], 2)
    if not torch.equal(snapshot["before"], after):
        fail("train_classifier changed PyTorch's global random state (torch.manual_seed(seed), "
             "or torch.randperm without generator=g?). Shuffle with your own "
             "g = torch.Generator().manual_seed(seed) so that training does not disturb the "
             "random numbers of the rest of the program.")
