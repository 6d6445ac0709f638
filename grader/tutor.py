"""The sentence a tutor would add to a common PyTorch error.

Matched on the exception's type and message (which the student's process
sends: the sentence is advice, never a verdict). The grader's own words, so
they go through gettext.
"""

from __future__ import annotations

import re

from grader.i18n import N_, _

# (exception type or None for any, pattern on the message, the advice as a gettext msgid)
ADVICE = [
    (None, r"mat1 and mat2 shapes cannot be multiplied|size mismatch, got|"
           r"shapes cannot be multiplied|matmul: Input operand",
     N_("a matrix product needs the inner sizes to match: (n, k) @ (k, m) gives (n, m);"
        " check which side needs a transpose (.T) or a different axis")),
    (None, r"The size of tensor a \(\d+\) must match the size of tensor b \(\d+\)|"
           r"operands could not be broadcast together|shape mismatch",
     N_("broadcasting compares shapes from the right, and each pair of sizes must be equal or"
        " one of them 1: insert an axis with x[:, None] or unsqueeze to line them up")),
    (None, r"Expected all tensors to be on the same device|on different devices",
     N_("device mistake: a tensor was created on another device than the input; create new"
        " tensors with device=x.device (or torch.zeros_like(x))")),
    (None, r"masked_fill_? only supports boolean masks|expected a bool|"
           r"indices should be either on cpu or on the same device|must be a bool tensor|"
           r"mask must be a boolean",
     N_("a mask must be a bool tensor: a comparison such as x > 0 gives one")),
    (None, r"saved_tensors",
     N_("ctx.saved_tensors is a tuple: unpack it, for example  x, = ctx.saved_tensors")),
    ("IndexError", r"out of bounds for dimension \d+ with size 0",
     N_("the tensor is empty here: your function must also work when a size is 0")),
    (None, r"does not require grad and does not have a grad_fn",
     N_("backward() needs a result that depends on a tensor with requires_grad=True"
        " (was it detached, or computed under torch.no_grad()?)")),
    (None, r"Trying to backward through the graph a second time",
     N_("the graph is freed after backward(): compute the forward pass again before each"
        " backward() (or pass retain_graph=True)")),
    (None, r"a leaf Variable that requires grad is being used in an in-place operation",
     N_("update parameters in place only inside  with torch.no_grad():")),
    (None, r"grad can be implicitly created only for scalar outputs",
     N_("backward() without an argument needs a single number: reduce first (.sum(), .mean())"
        " or pass gradient=")),
    (None, r"Can't call numpy\(\) on Tensor that requires grad",
     N_("call .detach() before .numpy() on a tensor that requires grad")),
    (None, r"can't convert (cuda|meta|mps).* to numpy|Use Tensor\.cpu\(\)",
     N_(".numpy() works only on the CPU: use .cpu() first (then .numpy())")),
    (None, r"expected scalar type \w+ but found \w+|expected m1 and m2 to have the same dtype|"
           r"must have the same dtype|result type \w+ can't be cast",
     N_("two tensors of different dtypes met: convert one with .to(x.dtype)")),
    ("TypeError", r"'torch\.Size' object|takes \d+ positional argument|unsupported operand",
     N_("check the types you pass: a torch.Size is a tuple of ints, x.shape[0] is an int")),
    ("TypeError", r"cannot unpack non-iterable",
     N_("you unpacked something that is not a tuple: check what the call returns")),
    ("RuntimeError", r"view size is not compatible with input tensor's size and stride",
     N_("view() needs contiguous memory: use reshape() (or .contiguous().view())")),
    ("RuntimeError", r"shape '\[.*\]' is invalid for input of size",
     N_("a reshape must keep the number of elements: check the sizes you ask for"
        " (-1 lets torch compute one of them)")),
    (None, r"Dimension out of range|dim=\d+ is out of range|IndexError: too many indices",
     N_("that dimension does not exist for this tensor: count dimensions from 0, or use -1 for"
        " the last")),
]


def advice(type_name: str, message: str) -> str:
    """The tutor's sentence for this error, translated; "" when none fits."""
    for kind, pattern, sentence in ADVICE:
        if (kind is None or kind == type_name) and re.search(pattern, message or ""):
            return _(sentence)
    return ""
