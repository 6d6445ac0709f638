"""make_sequential(sizes): Linear layers joined by ReLU, none after the last."""
from grader.checks import points, hint, target, assert_tensor, claim_fail
from support_mlp import (explain_sequential, expect_layers, load_weights, reference_sequential,
                         reported, run, sequential_state)


@points(3)
@target("make_sequential")
@hint("for i in range(len(sizes) - 1): add nn.Linear(sizes[i], sizes[i + 1]), with an "
      "nn.ReLU() before every Linear except the first.")
def check_random_sizes(student, case, device):
    """random sizes lists of length 3, 4 and 5"""
    for n in (3, 4, 5):
        sizes = [case.rng.randint(2, 12) for _ in range(n)]
        expect_layers(student, case, sizes, device)


@points(2)
@target("make_sequential")
@hint("The Sequential runs its layers in order; the grader loads known weights into "
      "0.weight, 0.bias, 2.weight, ...")
def check_forward_values(student, case, device):
    """forward with known weights matches Linear/ReLU/Linear/ReLU/Linear"""
    sizes = [case.size("a"), case.size("b"), case.size("c"), case.size("d")]
    seq = expect_layers(student, case, sizes, device)
    # New weights into the same Sequential: it computes with what was loaded.
    state = sequential_state(case, sizes)
    seq = load_weights(student, seq, state, device, f"make_sequential({sizes})", explain_sequential(sizes))
    x = case.randn("n", sizes[0])
    assert_tensor(run(seq, x, f"make_sequential({sizes})"), reference_sequential(x, state, sizes),
                  inputs=(x,))


@points(1)
@target("make_sequential")
@hint("With two sizes there is one Linear and no ReLU at all.")
def check_two_sizes(student, case, device):
    """make_sequential([a, b]) is a single Linear"""
    expect_layers(student, case, [case.size("a"), case.size("b")], device)
    expect_layers(student, case, [7, 2], device)


@points(1)
@target("make_sequential")
@hint("Return nn.Sequential(*layers): the star unpacks the list into separate arguments.")
def check_returns_sequential(student, case, device):
    """the result is an nn.Sequential"""
    seq = expect_layers(student, case, [3, 5, 2], device)
    kind = reported(student, seq).get("type")
    if kind != "Sequential":
        claim_fail(f"your process reports that make_sequential returned a {kind}, expected an"
                   " nn.Sequential.")


@points(1)
@target("make_sequential")
@hint("Every Linear(i, o) has i * o weights and o biases.")
def check_parameter_count(student, case, device):
    """the parameter count matches the sizes (e.g. [4, 16, 8, 3] has 243)"""
    sizes = [case.size("a"), case.size("b"), case.size("c")]
    seq = expect_layers(student, case, sizes, device)
    expected = sum(i * o + o for i, o in zip(sizes, sizes[1:]))
    count = reported(student, seq).get("parameters")
    if count != expected:
        claim_fail(f"your process reports {count} parameters for sizes {sizes}, expected"
                   f" {expected}.")
