"""Exercise 16: a digit classifier, from the model to the training loop to predictions.

Images are float32 tensors of shape (N, 1, 8, 8) (N grey 8x8 images, one
channel); labels are int64 tensors of shape (N,) with values 0..9.
"""
import torch
from torch import nn
import torch.nn.functional as F

BATCH_SIZE = 32   # the mini-batch size train_classifier must use


def build_classifier():
    """Return a new nn.Module mapping images (N, 1, 8, 8) to logits (N, 10).

    It needs at least one hidden layer with a nonlinearity (e.g. nn.ReLU),
    and must NOT end with a softmax: return raw scores (logits).
    """
    raise NotImplementedError


def train_classifier(model, X, y, epochs, lr, seed):
    """Train `model` in place with mini-batch SGD; return the epoch losses.

    Follow the recipe in the instructions exactly (torch.Generator seeded
    with `seed`, one torch.randperm per epoch, batches of BATCH_SIZE,
    F.cross_entropy, torch.optim.SGD(model.parameters(), lr=lr)).
    Returns a list of `epochs` Python floats: for each epoch, the mean of
    its batch losses.
    """
    raise NotImplementedError


def predict(model, X):
    """Return the predicted class of every image: an int64 tensor of shape (N,).

    Put the model in evaluation mode (model.eval()) and run it under
    torch.no_grad().
    """
    raise NotImplementedError
