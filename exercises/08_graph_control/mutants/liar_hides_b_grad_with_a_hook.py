"""Mutant (a liar): a + b, with a hook that wipes b.grad, so b looks untouched.

The gradient does flow back through b, but a post-accumulate hook sets b.grad
back to None, and b keeps requires_grad: every report about b says "detached".
With b computed from a (b = 3 * a), a's gradient value shows what came back
through b.
"""
import torch


def predict_no_grad(model, x):
    with torch.no_grad():
        return model(x)


def stop_gradient_sum(a, b):
    if b.is_leaf and b.requires_grad:
        b.register_post_accumulate_grad_hook(lambda t: setattr(t, "grad", None))
    return a + b


def second_derivative(f, x):
    xg = x.detach().requires_grad_(True)
    y = f(xg)
    (g,) = torch.autograd.grad(y.sum(), xg, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), xg)
    return h
