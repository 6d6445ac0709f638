"""Public checks for exercise 16 (small examples; the hidden checks go further).

Models the checks need are built in your process by the grader's builders
(torch's own classes, by name) with weights chosen here; a model is read by its
outputs on images chosen here, never by what it says about its parameters.
"""
import torch

from grader.checks import assert_tensor, fail, hint, points, target, title
from support_digits import (
    TRAIN_MISTAKES, assert_labels_shape, assert_losses_type, assert_trained_like_reference,
    built_model, jail_model, known_model, linear, logits_of, random_inputs, run_student_training)


@points(1)
@target("build_classifier")
@hint("Start with nn.Flatten() so that (N, 1, 8, 8) becomes (N, 64), end with nn.Linear(..., 10).",
      zh="以 nn.Flatten() 开头，把 (N, 1, 8, 8) 变成 (N, 64)，以 nn.Linear(..., 10) 结尾。")
@title(zh="build_classifier()：一批 5 张图像 (5, 1, 8, 8) 得到 logits (5, 10)")
def check_build_output_shape(student, device):
    """build_classifier(): a batch of 5 images (5, 1, 8, 8) gives logits (5, 10)"""
    model = built_model(student, device)
    X = torch.randn(5, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    out = logits_of(student, model, X)
    if out.dtype != torch.float32:
        fail("your model's output has the wrong dtype; expected float32",
             zh="你的模型输出的数据类型不对，应为 float32", evidence=f"got {out.dtype}")


@points(1)
@target("train_classifier")
@hint("One epoch of 20 images is a single batch: one zero_grad / backward / step.",
      zh="20 张图像的一个 epoch 只有一个批次：一次 zero_grad / backward / step。")
@title(zh="train_classifier：从已知起点在 20 张图像上训练一个 epoch（只有一个批次）")
def check_train_one_batch_example(student, case, device):
    """train_classifier: one epoch over 20 images (a single batch) from a known start"""
    run = run_student_training(student, case, device, n=20, epochs=1, lr=0.1, h=12)
    assert_losses_type(run["losses"], 1)
    assert_trained_like_reference(student, run, device, TRAIN_MISTAKES)


@points(1)
@target("predict")
@hint("with torch.no_grad(): return model(X).argmax(dim=1)",
      zh="with torch.no_grad(): return model(X).argmax(dim=1)")
@title(zh="predict：已知线性模型对 6 张图像给出的标签")
def check_predict_example(student, case, device):
    """predict: labels of 6 images from a known linear model"""
    local, state = known_model(linear(), case.generator)
    model = jail_model(student, device, linear(), state)
    X = random_inputs(case, 6)
    labels = student.predict(model, X)
    assert_labels_shape(labels, 6)
    with torch.no_grad():
        expected = local(X).argmax(dim=1)
    assert_tensor(labels, expected, inputs=(X,), name="labels")
