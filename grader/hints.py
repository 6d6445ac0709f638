"""Tiered hints: the first after a failed grading of a function, the next after more.

exercise.yaml's `hints` is a list of tiers, gentle first; a hint may name the
function it is about (`function: outer`), otherwise it is about the whole
exercise. After a grading, each function that failed shows the tier its count
of failed gradings (kept in the progress file) has unlocked; `grade hint 04
[FUNCTION]` shows them all, on request.
"""

from __future__ import annotations

from grader.i18n import text_of


def tiers(exercise, function: str = "") -> list[dict]:
    """The hints about `function` (its own first, then the exercise's), in order."""
    own = [h for h in exercise.hints if isinstance(h, dict) and h.get("function") == function]
    general = [h for h in exercise.hints if isinstance(h, dict) and not h.get("function")]
    return (own + general) if function else general + [
        h for h in exercise.hints if isinstance(h, dict) and h.get("function")]


def unlocked(exercise, result: dict, failure_counts: dict[str, int]) -> list[dict]:
    """For each function that failed in `result`: the hint its failures have unlocked.

    [{"function", "tier", "of", "text"}], in the order of the functions' checks; a
    function shows a tier the previous one has not already shown.
    """
    from grader.progress import failed_functions
    shown, out = set(), []
    for fn in failed_functions(result):
        available = tiers(exercise, fn)
        if not available:
            continue
        count = max(1, failure_counts.get(fn, 1))
        index = min(count, len(available)) - 1
        key = id(available[index])
        if key in shown:
            continue
        shown.add(key)
        out.append({"function": fn, "tier": index + 1, "of": len(available),
                    "text": text_of(available[index])})
    return out
