"""Mutant: switch_off_b_requires_grad."""
import torch


def predict_no_grad(model, x):
    with torch.no_grad():
        return model(x)


def stop_gradient_sum(a, b):
    b.requires_grad_(False)
    return a + b


def second_derivative(f, x):
    xg = x.detach().requires_grad_(True)
    y = f(xg)
    (g,) = torch.autograd.grad(y.sum(), xg, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), xg)
    return h
