"""The worked examples from the instructions."""
import torch
from grader.checks import assert_tensor, claim_fail, claims, fail, fn, hint, points, target, title


@points(1)
@target("predict_no_grad")
@title(zh="权重为 [[1, 2]]、偏置为 [0.5] 的 Linear(2, 1) 作用在 [[1, 1]] 上得到 [[3.5]]，且不需要梯度")
@hint("with torch.no_grad():\n    return model(x)", zh="with torch.no_grad():\n    return model(x)")
def check_predict_no_grad_example(student, device):
    """Linear(2, 1) with weight [[1, 2]] and bias [0.5] on [[1, 1]] gives [[3.5]], no grad"""
    model = student.build("model.loaded", student.build("nn.Linear", 2, 1),
                          {"weight": torch.tensor([[1.0, 2.0]]), "bias": torch.tensor([0.5])}, device)
    x = torch.tensor([[1.0, 1.0]])
    out = student.predict_no_grad(model, x)
    assert_tensor(out, torch.tensor([[3.5]]), inputs=(x,), name="predict_no_grad(model, x)")
    if claims(out).requires_grad:  # the process's account of the result: it can only cost
        claim_fail("your process reports that your result requires grad: run the model inside "
                   "`with torch.no_grad():`",
                   zh="你的进程报告说结果 requires grad：请在 `with torch.no_grad():` 里运行模型",
                   evidence=f"grad_fn reported: {str(claims(out).grad_fn)[:200]}")


@points(1)
@target("stop_gradient_sum")
@title(zh="out = stop_gradient_sum(a, b); out.sum().backward()：a.grad 全是 1，b.grad 是 None")
@hint("return a + b.detach()", zh="return a + b.detach()")
def check_stop_gradient_sum_example(student):
    """out = stop_gradient_sum(a, b); out.sum().backward(): a.grad is ones, b.grad is None"""
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = torch.tensor([10.0, 20.0, 30.0], requires_grad=True)
    # The grader's builder runs out.sum().backward() in your process; the gradients that
    # reached a and b come back as values.
    out, (a_grad, b_grad), _ = student.build("autograd.call", student.stop_gradient_sum, a, b,
                                             backward=torch.ones(3))
    assert_tensor(out, torch.tensor([11.0, 22.0, 33.0]), inputs=(a, b),
                  name="stop_gradient_sum(a, b)")
    if a_grad is None:
        fail("a.grad is None: the gradient must reach a (detach b only)",
             zh="a.grad 是 None：梯度必须传到 a（只对 b 做 detach）")
    assert_tensor(a_grad, torch.ones(3), name="a.grad", inputs=(a, b))
    if b_grad is not None:
        fail("b received a gradient: use b.detach() in the sum",
             zh="b 收到了梯度：求和时要用 b.detach()",
             evidence=f"b.grad: {b_grad}")


@points(1)
@target("second_derivative")
@title(zh="t ** 3 在 [1, 2] 处的 second_derivative 是 [6, 12]")
@hint("g, = torch.autograd.grad(y.sum(), xg, create_graph=True); h, = torch.autograd.grad(g.sum(), xg)",
      zh="g, = torch.autograd.grad(y.sum(), xg, create_graph=True)；"
         "h, = torch.autograd.grad(g.sum(), xg)")
def check_second_derivative_example(student):
    """second_derivative(t ** 3) at [1, 2] is [6, 12]"""
    x = torch.tensor([1.0, 2.0])
    assert_tensor(student.second_derivative(fn.x ** 3, x), torch.tensor([6.0, 12.0]), inputs=(x,),
                  name="second_derivative(t ** 3, x)")
