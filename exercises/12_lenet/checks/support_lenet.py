"""Helpers shared by exercise 12's checks (trusted check code): conv_out_hw.

It ships with the public checks in a release: nothing here gives away a hidden
check (no inputs; only how an answer is judged and the formula's common
mistakes). Every expected size comes from the formula, itself compared with
what torch's conv2d gives. A diagnosis is one line in English and Chinese
with no inputs or values (a hidden check masks its digits, so the formula is
said in words); the calls and their results go to the evidence.
"""
import torch
import torch.nn.functional as F

from grader.checks import fail


def _short(text, limit=600) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "..."


def _side(n, k, s, p):
    return (n + 2 * p - k) // s + 1


# Wrong formulas, each as (h, w, k, s, p) -> (h_out, w_out), with what it means
# (in words: a hidden check's diagnosis has its digits masked).
HW_VARIANTS = [
    (lambda h, w, k, s, p: tuple(-(-(n + 2 * p - k) // s) + 1 for n in (h, w)),
     "it rounds up; the formula rounds down: use //",
     "它向上取整了；公式要求向下取整：请用 //"),
    (lambda h, w, k, s, p: tuple((n + 2 * p - k) // s for n in (h, w)),
     "the plus one after the division is missing",
     "漏掉了除法之后的“加一”"),
    (lambda h, w, k, s, p: tuple((n + p - k) // s + 1 for n in (h, w)),
     "the padding is added once; it goes on both sides, so add two times the padding",
     "padding 只加了一次；两边都要填充，所以要加两倍的 padding"),
    (lambda h, w, k, s, p: tuple((n - 2 * p - k) // s + 1 for n in (h, w)),
     "the padding is subtracted; padding makes the input bigger, so add two times the padding",
     "padding 被减掉了；填充会让输入变大，所以要加两倍的 padding"),
    (lambda h, w, k, s, p: tuple((n + 2 * p - k + 1) // s for n in (h, w)),
     "the plus one belongs outside the division: divide by the stride first, then add one",
     "“加一”应该放在除法外面：先除以 stride，再加一"),
    (lambda h, w, k, s, p: tuple((n + 2 * p - k) * s + 1 for n in (h, w)),
     "you multiplied by the stride; divide by it (with //)",
     "你乘上了 stride；应该除以它（用 //）"),
    (lambda h, w, k, s, p: tuple(n + 2 * p - k + 1 for n in (h, w)),
     "the stride is ignored: divide by it (with //)",
     "没有用到 stride：应该除以它（用 //）"),
    (lambda h, w, k, s, p: (_side(w, k, s, p), _side(h, k, s, p)),
     "height and width are swapped: return (h_out, w_out)",
     "高和宽颠倒了：请返回 (h_out, w_out)"),
    (lambda h, w, k, s, p: (_side(h, k, s, p), _side(h, k, s, p)),
     "both sizes are computed from h: w_out must use w",
     "两个尺寸都是用 h 算的：w_out 必须用 w 来算"),
    (lambda h, w, k, s, p: (_side(w, k, s, p), _side(w, k, s, p)),
     "both sizes are computed from w: h_out must use h",
     "两个尺寸都是用 w 算的：h_out 必须用 h 来算"),
]


def ask_hw(student, h, w, k, stride=None, padding=None, *, style="positional"):
    """Call the student's conv_out_hw in one of several styles; check the result's type."""
    if style == "keywords":
        kw = {}
        if stride is not None:
            kw["stride"] = stride
        if padding is not None:
            kw["padding"] = padding
        result = student.conv_out_hw(h, w, k, **kw)
        call = f"conv_out_hw({h}, {w}, {k}" + "".join(f", {a}={b}" for a, b in kw.items()) + ")"
    elif style == "all_keywords":
        kw = {"h": h, "w": w, "k": k}
        if stride is not None:
            kw["stride"] = stride
        if padding is not None:
            kw["padding"] = padding
        result = student.conv_out_hw(**kw)
        call = "conv_out_hw(" + ", ".join(f"{a}={b}" for a, b in kw.items()) + ")"
    else:
        result = student.conv_out_hw(h, w, k, stride, padding)
        call = f"conv_out_hw({h}, {w}, {k}, {stride}, {padding})"
    s = 1 if stride is None else stride
    p = 0 if padding is None else padding
    expected = (_side(h, k, s, p), _side(w, k, s, p))
    # The formula must agree with what torch actually does.
    real = F.conv2d(torch.zeros(1, 1, h, w), torch.zeros(1, 1, k, k), stride=s, padding=p).shape[-2:]
    if tuple(real) != expected:
        raise RuntimeError(f"check bug: formula {expected} disagrees with torch {tuple(real)}")
    shown = f"{call} returned {_short(repr(result), 200)}, expected {expected}"
    if isinstance(result, list) and len(result) == 2:
        fail("conv_out_hw returned a list: return a tuple, (h_out, w_out)",
             zh="conv_out_hw 返回的是列表：请返回元组 (h_out, w_out)", evidence=shown)
    if not isinstance(result, tuple) or len(result) != 2:
        fail("conv_out_hw should return a tuple of two ints, (h_out, w_out)",
             zh="conv_out_hw 应该返回由两个 int 组成的元组 (h_out, w_out)", evidence=shown)
    for name, value in zip(("h_out", "w_out"), result):
        if isinstance(value, float):
            fail(f"conv_out_hw returned a float for {name}: use // (integer division) so that the"
                 " sizes are ints",
                 zh=f"conv_out_hw 返回的 {name} 是 float：请用 //（整数除法），让尺寸是 int",
                 evidence=shown)
        if isinstance(value, bool) or not isinstance(value, int):
            fail(f"conv_out_hw should return Python ints, but {name} is not one",
                 zh=f"conv_out_hw 应该返回 Python 的 int，但 {name} 不是",
                 evidence=shown + f" ({name} is a {type(value).__name__})")
    return dict(args=(h, w, k, s, p), call=call, result=tuple(int(v) for v in result),
                expected=expected)


def judge(answers):
    """Fail on the first wrong answer, naming a mistake that explains ALL the answers."""
    wrong = [a for a in answers if a["result"] != a["expected"]]
    if not wrong:
        return
    evidence = "\n".join(f"{a['call']} returned {a['result']}, expected {a['expected']}"
                         for a in wrong[:6])
    if len(answers) > 1:
        evidence += f"\n({len(wrong)} of {len(answers)} cases were wrong)"
    matches = [(en, zh) for formula, en, zh in HW_VARIANTS
               if all(formula(*a["args"]) == a["result"] for a in answers)]
    if len(matches) == 1:   # two formulas that explain the answers prove neither
        (en, zh), = matches
        fail("conv_out_hw gives the wrong sizes: " + en, zh="conv_out_hw 算出的尺寸不对：" + zh,
             evidence=evidence)
    fail("conv_out_hw gives the wrong sizes: for the height and for the width, add two times the"
         " padding, subtract k, divide by the stride with //, then add one",
         zh="conv_out_hw 算出的尺寸不对：高和宽都要这样算：加上两倍的 padding，减去 k，用 // 除以"
            " stride，再加一",
         evidence=evidence)
