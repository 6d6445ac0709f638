"""Hidden checks for broadcast_shape and can_broadcast (plain Python)."""
import torch
from grader.checks import points, hint, target


def _expected(a, b):
    """The true broadcast shape, from torch itself (trusted check code)."""
    try:
        # broadcast_tensors of stride-0 views: broadcast_shapes would import sympy (0.4 s)
        scalar = torch.zeros(())
        return tuple(torch.broadcast_tensors(scalar.expand(a), scalar.expand(b))[0].shape)
    except RuntimeError:
        return None


def _pairwise_rule(a, b, pick):
    out = []
    for da, db in zip(a, b):
        if da == db or da == 1 or db == 1:
            out.append(pick(da, db))
        else:
            return None
    return tuple(out)


def _left_aligned(a, b):
    """What you get when shapes are lined up from the left (padded on the right)."""
    n = max(len(a), len(b))
    a = tuple(a) + (1,) * (n - len(a))
    b = tuple(b) + (1,) * (n - len(b))
    return _pairwise_rule(a, b, lambda x, y: y if x == 1 else x)


def _max_rule(a, b):
    """What you get with max(size_a, size_b): wrong when the other size is 0."""
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    return _pairwise_rule(a, b, max)


def _diagnose(a, b, got, want):
    call = f"broadcast_shape({a!r}, {b!r})"
    if want is None:
        if got is False:
            return f"{call} returned False; when the shapes do not fit, return None (not False)."
        if got is not None and got == _left_aligned(a, b):
            return (f"{call} returned {got!r}, but these shapes cannot be broadcast. You lined "
                    f"them up from the left; lined up from the right (the broadcasting rule), "
                    f"some pair of sizes differs and neither is 1. Return None.")
        return (f"{call} returned {got!r}, but these shapes cannot be broadcast: lined up from "
                f"the right, some pair of sizes differs and neither is 1, so return None.")
    if got is None:
        if _left_aligned(a, b) is None:
            return (f"{call} returned None, expected {want!r}. Did you line the shapes up from the "
                    f"left? Broadcasting lines them up from the right (pad the shorter one with 1s "
                    f"on its left).")
        return f"{call} returned None, expected {want!r}: these shapes do broadcast."
    if isinstance(got, tuple) and type(got) is not tuple:
        return (f"{call} returned a {type(got).__name__}, not a plain tuple; return a tuple of "
                f"ints, here {want!r}.")
    if isinstance(got, list) and tuple(got) == want:
        return f"{call} returned the list {got!r}; return a tuple: {want!r} (use tuple(...))."
    if not isinstance(got, tuple):
        return f"{call} returned {type(got).__name__} {got!r}; return a tuple of ints, here {want!r}."
    if got == _left_aligned(a, b) and got != want:
        return (f"{call} returned {got!r}, expected {want!r}: you lined the shapes up from the "
                f"left. Broadcasting lines them up from the right: pad the shorter shape with 1s "
                f"on its left.")
    if tuple(reversed(got)) == want:
        return (f"{call} returned {got!r}, expected {want!r}: your result is reversed. If you "
                f"walked the shapes from the right, reverse the result at the end.")
    if got == _max_rule(a, b):
        return (f"{call} returned {got!r}, expected {want!r}: a size 1 takes the other size even "
                f"when that size is 0, so (0,) with (1,) gives (0,); max() gets this wrong.")
    return f"{call} returned {got!r}, expected {want!r}."


def _check_pairs(student, pairs):
    for a, b in pairs:
        want = _expected(a, b)
        got = student.broadcast_shape(a, b)
        if type(got) is type(want) and got == want:
            continue
        raise AssertionError(_diagnose(a, b, got, want))


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
@hint("Compare the sizes pair by pair: equal, or one of them is 1.")
def check_broadcast_shape_same_rank(student, case):
    """broadcast_shape on random shapes of the same length"""
    pairs = [((2, 3), (2, 3)), ((4, 1), (1, 5)), ((1,), (6,))]
    _check_pairs(student, pairs + _random_pairs(case.rng, 12, same_rank=True))


@points(1)
@target("broadcast_shape")
@hint("Shapes line up from the right; pad the shorter one with 1s on its left.")
def check_broadcast_shape_different_lengths(student, case):
    """broadcast_shape on shapes of different lengths"""
    pairs = [((5,), (2, 3, 5)), ((2, 3, 5), (5,)), ((3, 1, 4), (2, 1)), ((7, 1), (2, 1, 3)),
             ((8, 1, 6, 1), (7, 1, 5)), ((4,), (3, 1))]
    _check_pairs(student, pairs + _random_pairs(case.rng, 12, same_rank=False))


@points(1)
@target("broadcast_shape")
@hint("Return None (not False, not an exception) when some pair of sizes differs and neither is 1.")
def check_broadcast_shape_incompatible(student):
    """broadcast_shape returns None for shapes that do not fit"""
    pairs = [((2, 3), (4,)), ((3,), (4,)), ((2, 1), (8, 4, 3)), ((5, 4), (5, 3)),
             ((2, 3, 4), (3, 3, 4)), ((4, 3), (4,))]
    _check_pairs(student, pairs)


@points(1)
@target("broadcast_shape")
@hint("() has no dimensions: it broadcasts with anything. A size 1 takes the other size, even 0.")
def check_broadcast_shape_scalars_and_zero(student):
    """broadcast_shape with () shapes and size-0 dimensions"""
    pairs = [((), ()), ((), (2, 3)), ((4,), ()), ((0,), (1,)), ((1,), (0,)),
             ((1, 0), (5, 1)), ((0, 3), (3,)), ((0,), (3,)), ((2, 0), (2, 1, 0))]
    _check_pairs(student, pairs)


@points(1)
@target("can_broadcast")
@hint("Use `is not None`: the shape () is a valid result, and an empty tuple is falsy.")
def check_can_broadcast_many(student, case):
    """can_broadcast returns a real bool, also for () shapes"""
    pairs = [((), ()), ((0,), (1,)), ((), (3,)), ((2, 3), (4,)), ((2, 1), (8, 4, 3)),
             ((8, 1, 6, 1), (7, 1, 5)), ((3,), (4,))]
    pairs += _random_pairs(case.rng, 8, same_rank=False)
    for a, b in pairs:
        want = _expected(a, b) is not None
        got = student.can_broadcast(a, b)
        call = f"can_broadcast({a!r}, {b!r})"
        if type(got) is not bool:
            raise AssertionError(f"{call} returned {type(got).__name__} {got!r}; return a real "
                                 f"bool, True or False (here {want}).")
        if got != want:
            if a == () and b == ():
                raise AssertionError(f"{call} returned False, but () and () broadcast to (): "
                                     f"an empty tuple is falsy, so test `is not None` instead "
                                     f"of truthiness.")
            raise AssertionError(f"{call} returned {got}, expected {want}.")
