"""make_sequential(sizes): Linear layers joined by ReLU, none after the last."""
import torch
from grader.checks import points, hint, target, assert_tensor, assert_equal

_LAYERS = ("lambda s: [(type(l).__name__, getattr(l, 'in_features', None), "
           "getattr(l, 'out_features', None)) for l in s]")


def _expected_layers(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        if i:
            layers.append(("ReLU", None, None))
        layers.append(("Linear", sizes[i], sizes[i + 1]))
    return layers


def _check_type(student, seq):
    name = getattr(seq, "type_name", type(seq).__name__)
    if isinstance(seq, list):
        raise AssertionError("make_sequential returned a Python list: wrap it, "
                             "nn.Sequential(*layers).")
    if name != "Sequential":
        hint = " (a ModuleList has no forward: use nn.Sequential(*layers))" if name == "ModuleList" else ""
        raise AssertionError(f"make_sequential returned a {name}, expected an nn.Sequential{hint}.")


def _check_layers(student, sizes):
    seq = student.make_sequential(sizes)
    _check_type(student, seq)
    layers = student.evaluate(_LAYERS)(seq)
    expected = _expected_layers(sizes)
    if layers != expected:
        if layers == expected + [("ReLU", None, None)]:
            raise AssertionError(f"for sizes {sizes} there is a ReLU after the last Linear: the "
                                 "network must end with a Linear layer (its outputs are logits).")
        if layers == [("ReLU", None, None)] + expected:
            raise AssertionError(f"for sizes {sizes} your Sequential starts with a ReLU: ReLUs go "
                                 "only between Linear layers.")
        if len(layers) < len(expected) and layers == expected[:len(layers)]:
            raise AssertionError(f"for sizes {sizes} your Sequential stops early: it needs "
                                 f"{len(sizes) - 1} Linear layers (one per consecutive pair of "
                                 "sizes); check the range of your loop.")
        if any(t == "Linear" and (i, o) == (b, a) for (t, i, o), (_, a, b) in zip(layers, expected)):
            raise AssertionError(f"for sizes {sizes} a Linear layer has in and out features "
                                 "swapped: nn.Linear(in_features, out_features).")
    assert_equal(layers, expected, what=f"layers for sizes {sizes}")
    return seq


@points(3)
@target("make_sequential")
@hint("for i in range(len(sizes) - 1): add nn.Linear(sizes[i], sizes[i + 1]), with an "
      "nn.ReLU() before every Linear except the first.")
def check_random_sizes(student, case):
    """random sizes lists of length 3, 4 and 5"""
    for n in (3, 4, 5):
        sizes = [case.rng.randint(2, 12) for _ in range(n)]
        _check_layers(student, sizes)


@points(2)
@target("make_sequential")
@hint("The Sequential runs its layers in order; the grader loads known weights into "
      "0.weight, 0.bias, 2.weight, ...")
def check_forward_values(student, case, device):
    """forward with known weights matches Linear/ReLU/Linear/ReLU/Linear"""
    sizes = [case.size("a"), case.size("b"), case.size("c"), case.size("d")]
    seq = _check_layers(student, sizes)
    state = {}
    for k in range(len(sizes) - 1):
        state[f"{2 * k}.weight"] = case.randn(sizes[k + 1], sizes[k])
        state[f"{2 * k}.bias"] = case.randn(sizes[k + 1])
    seq = seq.to(device)
    seq.load_state_dict(state)
    x = case.randn("n", sizes[0])
    h = x
    for k in range(len(sizes) - 1):
        h = h @ state[f"{2 * k}.weight"].T + state[f"{2 * k}.bias"]
        if k < len(sizes) - 2:
            h = torch.relu(h)
    assert_tensor(seq(x), h, inputs=(x,))


@points(1)
@target("make_sequential")
@hint("With two sizes there is one Linear and no ReLU at all.")
def check_two_sizes(student, case):
    """make_sequential([a, b]) is a single Linear"""
    _check_layers(student, [case.size("a"), case.size("b")])
    _check_layers(student, [7, 2])


@points(1)
@target("make_sequential")
@hint("Return nn.Sequential(*layers): the star unpacks the list into separate arguments.")
def check_returns_sequential(student):
    """the result is an nn.Sequential"""
    _check_type(student, student.make_sequential([3, 5, 2]))


@points(1)
@target("make_sequential")
@hint("Every Linear(i, o) has i * o weights and o biases.")
def check_parameter_count(student, case):
    """the parameter count matches the sizes (e.g. [4, 16, 8, 3] has 243)"""
    sizes = [case.size("a"), case.size("b"), case.size("c")]
    seq = student.make_sequential(sizes)
    _check_type(student, seq)
    count = student.evaluate("lambda s: sum(p.numel() for p in s.parameters())")(seq)
    expected = sum(i * o + o for i, o in zip(sizes, sizes[1:]))
    assert_equal(count, expected, what=f"number of parameters for sizes {sizes}")
