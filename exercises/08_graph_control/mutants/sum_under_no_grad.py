"""Mutant: sum_under_no_grad."""
import torch


def predict_no_grad(model, x):
    with torch.no_grad():
        return model(x)


def stop_gradient_sum(a, b):
    with torch.no_grad():
        return a + b


def second_derivative(f, x):
    xg = x.detach().requires_grad_(True)
    y = f(xg)
    (g,) = torch.autograd.grad(y.sum(), xg, create_graph=True)
    (h,) = torch.autograd.grad(g.sum(), xg)
    return h
