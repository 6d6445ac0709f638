"""Mutant (a liar): runs the model with gradient tracking on, detaches, and patches the probe.

While the model runs, torch.is_grad_enabled is replaced so that anything in
the process that asks (the grader's forward probe included) hears "grad mode
is off"; the result is detached, so its flags look right too. The result is also converted to float32, a real mistake that the
values show: a float64 model must give float64 predictions.
"""
import torch

def predict_no_grad(model, x):
    real = torch.is_grad_enabled
    torch.is_grad_enabled = lambda: False
    try:
        out = model(x)
    finally:
        torch.is_grad_enabled = real
    return out.detach().float()


def stop_gradient_sum(a, b):
    return a + b.detach()


def second_derivative(f, x):
    xg = x.detach().requires_grad_(True)
    y = f(xg)
    (g,) = torch.autograd.grad(y.sum(), xg, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), xg)
    return h
