"""Mutant: backward_twice_accumulates."""
import torch


def predict_no_grad(model, x):
    with torch.no_grad():
        return model(x)


def stop_gradient_sum(a, b):
    return a + b.detach()


def second_derivative(f, x):
    xg = x.detach().requires_grad_(True)
    y = f(xg)
    y.sum().backward(create_graph=True)
    xg.grad.sum().backward()
    return xg.grad.detach()
