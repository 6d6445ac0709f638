"""Mutant: requires_grad_on_callers_x."""
import torch


def predict_no_grad(model, x):
    with torch.no_grad():
        return model(x)


def stop_gradient_sum(a, b):
    return a + b.detach()


def second_derivative(f, x):
    xg = x.requires_grad_(True)
    y = f(xg)
    (g,) = torch.autograd.grad(y.sum(), xg, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), xg)
    return h
