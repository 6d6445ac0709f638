"""The worked examples from the instructions."""
import torch
from grader.checks import points, hint, target, assert_tensor, claims, claim_fail, fail, fn


@points(1)
@target("predict_no_grad")
@hint("with torch.no_grad():\n    return model(x)")
def check_predict_no_grad_example(student, device):
    """Linear(2, 1) with weight [[1, 2]] and bias [0.5] on [[1, 1]] gives [[3.5]], no grad"""
    model = student.build("model.loaded", student.build("nn.Linear", 2, 1),
                          {"weight": torch.tensor([[1.0, 2.0]]), "bias": torch.tensor([0.5])}, device)
    x = torch.tensor([[1.0, 1.0]])
    out = student.predict_no_grad(model, x)
    assert_tensor(out, torch.tensor([[3.5]]), inputs=(x,))
    if claims(out).requires_grad:  # the process's account of the result: it can only cost
        claim_fail("your process reports that your result requires grad: run the model inside "
                   "`with torch.no_grad():`.")


@points(1)
@target("stop_gradient_sum")
@hint("return a + b.detach()")
def check_stop_gradient_sum_example(student):
    """out = stop_gradient_sum(a, b); out.sum().backward(): a.grad is ones, b.grad is None"""
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = torch.tensor([10.0, 20.0, 30.0], requires_grad=True)
    # The grader's builder runs out.sum().backward() in your process; the gradients that
    # reached a and b come back as values.
    out, (a_grad, b_grad), _ = student.build("autograd.call", student.stop_gradient_sum, a, b,
                                             backward=torch.ones(3))
    assert_tensor(out, torch.tensor([11.0, 22.0, 33.0]), inputs=(a, b))
    if a_grad is None:
        fail("a.grad is None: the gradient must reach a (detach b only).")
    assert_tensor(a_grad, torch.ones(3), name="a.grad", inputs=(a, b))
    if b_grad is not None:
        fail(f"b received a gradient ({b_grad}): use b.detach() in the sum.")


@points(1)
@target("second_derivative")
@hint("g, = torch.autograd.grad(y.sum(), xg, create_graph=True); h, = torch.autograd.grad(g.sum(), xg)")
def check_second_derivative_example(student):
    """second_derivative(t ** 3) at [1, 2] is [6, 12]"""
    x = torch.tensor([1.0, 2.0])
    assert_tensor(student.second_derivative(fn.x ** 3, x), torch.tensor([6.0, 12.0]), inputs=(x,))
