"""The worked examples from the instructions."""
import torch
from grader.checks import assert_number, assert_tensor, fail, fn, hint, points, target, title


@points(1)
@target("derivative_at")
@title(zh="derivative_at([1.0, 2.0, 3.0], 2.0) 是 14.0")
@hint("p(x) = 1 + 2x + 3x**2, so p'(x) = 2 + 6x and p'(2) = 14. Return x.grad.item().",
      zh="p(x) = 1 + 2x + 3x**2，所以 p'(x) = 2 + 6x，p'(2) = 14。返回 x.grad.item()。")
def check_derivative_at_example(student):
    """derivative_at([1.0, 2.0, 3.0], 2.0) is 14.0"""
    assert_number(student.derivative_at([1.0, 2.0, 3.0], 2.0), 14.0, rel=1e-5, abs=1e-5,
                  name="derivative_at([1.0, 2.0, 3.0], 2.0)")


@points(1)
@target("vjp")
@title(zh="vjp(lambda x: x ** 2, [1, 2, 3], v=[1, 0.5, 2]) 是 [2, 2, 12]")
@hint("y = f(x); y.backward(gradient=v); return x.grad",
      zh="y = f(x); y.backward(gradient=v); return x.grad")
def check_vjp_example(student):
    """vjp(lambda x: x ** 2, [1, 2, 3], v=[1, 0.5, 2]) is [2, 2, 12]"""
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = torch.tensor([1.0, 0.5, 2.0])
    out = student.vjp(fn.x ** 2, x, v)
    if (isinstance(out, torch.Tensor) and out.shape == (3,)
            and torch.allclose(out.double(), 2 * x.detach().double())):
        fail("your vjp equals the gradient of y.sum(), 2 * x: it ignores v. Pass v to backward: "
             "y.backward(gradient=v)",
             zh="你的 vjp 等于 y.sum() 的梯度 2 * x：它忽略了 v。要把 v 传给 backward："
                "y.backward(gradient=v)",
             evidence=f"expected [2.0, 2.0, 12.0], yours {out.tolist()}")
    assert_tensor(out, torch.tensor([2.0, 2.0, 12.0]), inputs=(x, v),
                  name="vjp(lambda x: x ** 2, x, v)")


@points(1)
@target("grad_after_k_backwards")
@title(zh="对 (x ** 2).sum() 做三次反向传播，得到 3 * 2x")
@hint("for _ in range(k): f(x).backward()   then return x.grad",
      zh="for _ in range(k): f(x).backward()，然后返回 x.grad")
def check_grad_after_k_backwards_example(student):
    """three backward passes of (x ** 2).sum() give 3 * 2x"""
    x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    out = student.grad_after_k_backwards((fn.x ** 2).sum(), x, 3)
    if (isinstance(out, torch.Tensor) and out.shape == (3,)
            and torch.allclose(out.double(), 2 * x.detach().double())):
        fail("your result is the gradient of a single backward pass (2 * x), but k = 3: "
             "gradients accumulate in x.grad. Do not zero x.grad (or set it to None) between the "
             "passes, and call backward k times",
             zh="你的结果只是一次反向传播的梯度（2 * x），但 k = 3：梯度会在 x.grad 里累加。"
                "两次反向传播之间不要把 x.grad 清零（或设为 None），并且要调用 k 次 backward",
             evidence=f"expected [6.0, -12.0, 18.0], yours {out.tolist()}")
    assert_tensor(out, torch.tensor([6.0, -12.0, 18.0]), inputs=(x,),
                  name="grad_after_k_backwards(lambda x: (x ** 2).sum(), x, 3)")
