"""make_sequential(sizes): Linear layers joined by ReLU, none after the last."""
from grader.checks import points, hint, target, title, assert_tensor, claim_fail
from support_mlp import (explain_sequential, expect_layers, load_weights, more_evidence,
                         name_mistake, reference_sequential, reported, run, sequential_mistakes,
                         sequential_name, sequential_state)


@points(3)
@target("make_sequential")
@title(zh="长度为 3、4、5 的随机尺寸列表")
@hint("for i in range(len(sizes) - 1): add nn.Linear(sizes[i], sizes[i + 1]), with an "
      "nn.ReLU() before every Linear except the first.",
      zh="for i in range(len(sizes) - 1)：添加 nn.Linear(sizes[i], sizes[i + 1])，"
         "除了第一个 Linear，每个 Linear 前面都加一个 nn.ReLU()。")
def check_random_sizes(student, case, device):
    """random sizes lists of length 3, 4 and 5"""
    for n in (3, 4, 5):
        sizes = [case.rng.randint(2, 12) for _ in range(n)]
        expect_layers(student, case, sizes, device)


@points(2)
@target("make_sequential")
@title(zh="加载已知权重后，前向计算与 Linear/ReLU/Linear/ReLU/Linear 一致")
@hint("The Sequential runs its layers in order; the grader loads known weights into "
      "0.weight, 0.bias, 2.weight, ...",
      zh="Sequential 按顺序执行各层；评分程序会把已知的权重加载到 0.weight、0.bias、2.weight……")
def check_forward_values(student, case, device):
    """forward with known weights matches Linear/ReLU/Linear/ReLU/Linear"""
    sizes = [case.size("a"), case.size("b"), case.size("c"), case.size("d")]
    seq = expect_layers(student, case, sizes, device)
    # New weights into the same Sequential: it computes with what was loaded.
    state = sequential_state(case, sizes)
    with more_evidence(f"sizes = {sizes}"):
        seq = load_weights(student, seq, state, device, "make_sequential(sizes)",
                           explain_sequential(sizes))
        x = case.randn("n", sizes[0])
        out = run(seq, x, "make_sequential(sizes)")
        expected = reference_sequential(x, state, sizes)
        name_mistake(out, expected, sequential_mistakes(x, state, sizes), (x,), sequential_name())
        assert_tensor(out, expected, inputs=(x,), name=sequential_name())


@points(1)
@target("make_sequential")
@title(zh="make_sequential([a, b]) 就是一个 Linear")
@hint("With two sizes there is one Linear and no ReLU at all.",
      zh="只有两个尺寸时，只有一个 Linear，完全没有 ReLU。")
def check_two_sizes(student, case, device):
    """make_sequential([a, b]) is a single Linear"""
    expect_layers(student, case, [case.size("a"), case.size("b")], device)
    expect_layers(student, case, [7, 2], device)


@points(1)
@target("make_sequential")
@title(zh="返回的是 nn.Sequential")
@hint("Return nn.Sequential(*layers): the star unpacks the list into separate arguments.",
      zh="返回 nn.Sequential(*layers)：星号把列表拆成一个个单独的参数。")
def check_returns_sequential(student, case, device):
    """the result is an nn.Sequential"""
    seq = expect_layers(student, case, [3, 5, 2], device)
    kind = reported(student, seq).get("type")
    if kind != "Sequential":
        claim_fail("your process reports that make_sequential did not return an nn.Sequential",
                   zh="你的进程报告 make_sequential 返回的不是 nn.Sequential",
                   evidence=f"reported type: {str(kind)[:80]}")


@points(1)
@target("make_sequential")
@title(zh="参数个数与尺寸相符（例如 [4, 16, 8, 3] 有 243 个）")
@hint("Every Linear(i, o) has i * o weights and o biases.",
      zh="每个 Linear(i, o) 有 i * o 个权重和 o 个偏置。")
def check_parameter_count(student, case, device):
    """the parameter count matches the sizes (e.g. [4, 16, 8, 3] has 243)"""
    sizes = [case.size("a"), case.size("b"), case.size("c")]
    seq = expect_layers(student, case, sizes, device)
    expected = sum(i * o + o for i, o in zip(sizes, sizes[1:]))
    count = reported(student, seq).get("parameters")
    if count != expected:
        claim_fail("your process reports a parameter count that does not match the sizes:"
                   " every Linear(i, o) has i * o weights and o biases, and nothing else has"
                   " parameters",
                   zh="你的进程报告的参数个数与尺寸不符：每个 Linear(i, o) 有 i * o 个权重和 o 个偏置，"
                      "其他层都没有参数",
                   evidence=f"sizes {sizes}: reported {str(count)[:40]} parameters, expected {expected}")
