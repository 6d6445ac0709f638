"""Hidden checks for broadcast_shape and can_broadcast (plain Python)."""
from grader.checks import points, hint, target, title
from support_broadcasting import expect_broadcast_shapes, expect_can_broadcast


def _random_pairs(rng, count, same_rank):
    pairs = []
    for k in range(count):
        rank = rng.randint(1, 4)
        base = [rng.randint(2, 7) for _ in range(rank)]
        a = [1 if rng.random() < 0.35 else s for s in base]
        b = [1 if rng.random() < 0.35 else s for s in base]
        if k % 3 == 2:  # make one position clash
            i = rng.randrange(rank)
            a[i], b[i] = base[i], base[i] + rng.randint(1, 3)
        if not same_rank:
            cut = rng.randint(0, rank)
            b = b[cut:] if k % 2 else b
            a = a if k % 2 else a[cut:]
        pairs.append((tuple(a), tuple(b)))
    return pairs


@points(1)
@target("broadcast_shape")
@title(zh="对长度相同的随机形状调用 broadcast_shape")
@hint("Compare the sizes pair by pair: equal, or one of them is 1.",
      zh="逐对比较大小：相等，或者其中一个是 1。")
def check_broadcast_shape_same_rank(student, case):
    """broadcast_shape on random shapes of the same length"""
    pairs = [((2, 3), (2, 3)), ((4, 1), (1, 5)), ((1,), (6,))]
    expect_broadcast_shapes(student, pairs + _random_pairs(case.rng, 12, same_rank=True))


@points(1)
@target("broadcast_shape")
@title(zh="对长度不同的形状调用 broadcast_shape")
@hint("Shapes line up from the right; pad the shorter one with 1s on its left.",
      zh="形状从右往左对齐；在较短的形状左边补 1。")
def check_broadcast_shape_different_lengths(student, case):
    """broadcast_shape on shapes of different lengths"""
    pairs = [((5,), (2, 3, 5)), ((2, 3, 5), (5,)), ((3, 1, 4), (2, 1)), ((7, 1), (2, 1, 3)),
             ((8, 1, 6, 1), (7, 1, 5)), ((4,), (3, 1))]
    expect_broadcast_shapes(student, pairs + _random_pairs(case.rng, 12, same_rank=False))


@points(1)
@target("broadcast_shape")
@title(zh="形状不兼容时 broadcast_shape 返回 None")
@hint("Return None (not False, not an exception) when some pair of sizes differs and neither is 1.",
      zh="只要有一对大小不相等、且都不是 1，就返回 None（不是 False，也不要抛出异常）。")
def check_broadcast_shape_incompatible(student):
    """broadcast_shape returns None for shapes that do not fit"""
    pairs = [((2, 3), (4,)), ((3,), (4,)), ((2, 1), (8, 4, 3)), ((5, 4), (5, 3)),
             ((2, 3, 4), (3, 3, 4)), ((4, 3), (4,))]
    expect_broadcast_shapes(student, pairs)


@points(1)
@target("broadcast_shape")
@title(zh="broadcast_shape 处理形状 () 和大小为 0 的维度")
@hint("() has no dimensions: it broadcasts with anything. A size 1 takes the other size, even 0.",
      zh="() 没有任何维度：它可以和任何形状广播。大小为 1 的维度会变成另一个大小，即使那是 0。")
def check_broadcast_shape_scalars_and_zero(student):
    """broadcast_shape with () shapes and size-0 dimensions"""
    pairs = [((), ()), ((), (2, 3)), ((4,), ()), ((0,), (1,)), ((1,), (0,)),
             ((1, 0), (5, 1)), ((0, 3), (3,)), ((0,), (3,)), ((2, 0), (2, 1, 0))]
    expect_broadcast_shapes(student, pairs)


@points(1)
@target("can_broadcast")
@title(zh="can_broadcast 返回真正的 bool，形状为 () 时也一样")
@hint("Use `is not None`: the shape () is a valid result, and an empty tuple is falsy.",
      zh="用 `is not None` 判断：形状 () 是合法的结果，而空元组的真值为假。")
def check_can_broadcast_many(student, case):
    """can_broadcast returns a real bool, also for () shapes"""
    pairs = [((), ()), ((0,), (1,)), ((), (3,)), ((2, 3), (4,)), ((2, 1), (8, 4, 3)),
             ((8, 1, 6, 1), (7, 1, 5)), ((3,), (4,))]
    expect_can_broadcast(student, pairs + _random_pairs(case.rng, 8, same_rank=False))
