"""Rule breaks in Chinese: every sentence grader/constraints.py makes is a msgid of the
catalogue, shown in the language of the grading (`grade exercise --lang zh`), with the
code, names and numbers left as they are.
"""

from __future__ import annotations

import ast
import re
import textwrap

import pytest

from conftest import ROOT, run_grade
from grader import i18n
from grader.constraints import check_runtime_calls, check_source
from grader.course import Constraint

HAN = re.compile(r"[\u4e00-\u9fff]")


def english_left(text: str) -> str | None:
    """A run of three or more English words left in `text` once code (in backticks),
    calls and dotted names, numbers and file names are taken out; else None."""
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\S+\.(py|ipynb)\b", " ", text)
    text = re.sub(r"[\w.]+\([^()]*\)|\w+(\.\w+)+|\b\w*_\w*\b|\d[\d,.]*", " ", text)
    # Words apart by spaces: a comma-separated list of names (allowed: arange, where) is code.
    found = re.search(r"\b[A-Za-z]+\b(?:[\s'-]+\b[A-Za-z]+\b){2,}", text)
    return re.sub(r"\s+", " ", found.group(0)) if found else None


def assert_chinese(message: str) -> None:
    assert message
    for line in message.splitlines():
        if not line.strip():
            continue
        assert HAN.search(line), line
        assert english_left(line) is None, (english_left(line), line)


def test_the_english_detector_itself():
    assert english_left("calling `torch.cdist` is not allowed here") == "calling is not allowed here"
    assert english_left("只允许调用：arange, where, max, min") is None
    assert english_left("这里不允许调用 `torch.cdist`（第 4 行：`return torch.cdist(x, y)`）") is None
    assert english_left("match 模式中的 `x` 能访问任意属性") is None


# ------------------------------------------------------------------ check_source in zh

def _breaks(source: str, lang: str, *rules) -> dict:
    source = textwrap.dedent(source)
    with i18n.speaking(lang):
        return dict(check_source(ast.parse(source), source, list(rules)))


NO_CDIST = Constraint(functions=["f"], no_loops=True, forbidden_calls=["torch.cdist"])
PUZZLE = Constraint(functions=["f"], single_expression=True, no_loops=True,
                    allowed_calls=["arange", "where"], allowed_attributes=["shape"])
NO_TORCH = Constraint(functions=["f"], forbidden_names=["torch"])

# (source, rule, a piece of the English message: the rule kind the source breaks)
CASES = {
    "forbidden call": ("""
        import torch
        def f(x, y):
            return torch.cdist(x, y)
        """, NO_CDIST, "calling `torch.cdist` is not allowed here"),
    "forbidden call through an alias": ("""
        from torch import cdist as dist
        def f(x, y):
            return dist(x, y)
        """, NO_CDIST, "calling `dist` (torch.cdist) is not allowed here"),
    "for loop": ("""
        def f(x, y):
            out = 0
            for v in x:
                out = out + v
            return out
        """, NO_CDIST, "a for loop is not allowed here"),
    "comprehension in a helper": ("""
        def _rows(x):
            return [v for v in x]
        def f(x, y):
            return _rows(x)
        """, NO_CDIST, "it calls _rows() (line 2), where a list comprehension"),
    "getattr with a computed name": ("""
        import torch
        def f(x, y):
            name = "cd" + "ist"
            return getattr(torch, name)(x, y)
        """, NO_CDIST, "getattr with a computed name can reach any function"),
    "getattr on a module": ("""
        import torch
        def f(x, y):
            return getattr(torch, "mul")(x, y)
        """, NO_CDIST, "getattr on the module `torch` can reach any of its functions"),
    "importing a dynamic module": ("""
        def f(x, y):
            import importlib
            return importlib.import_module("torch").cdist(x, y)
        """, NO_CDIST, "importing `importlib` can reach any module"),
    "eval anywhere in the file": ("""
        def f(x, y):
            return x * y
        g = eval("f")
        """, NO_CDIST, "`eval` runs code the grader cannot read, so it is not allowed"
                       " anywhere in a file with rules"),
    "global of a ruled name": ("""
        def f(x, y):
            return x
        def g():
            global f
            f = None
        """, NO_CDIST, "`global f` can replace f()"),
    "a value stored into library code": ("""
        import torch
        def _mul(a, b):
            return torch.cdist(a, b)
        torch.Tensor.__mul__ = _mul
        def f(x, y):
            return x * y
        """, NO_CDIST, "which library code may run inside this function; there"),
    "single return": ("""
        def f(x):
            y = x + 1
            return y
        """, PUZZLE, "the body must be a single `return <expression>`"),
    "a call outside the allowed ones": ("""
        def f(x):
            return x.sum()
        """, PUZZLE, "calling `x.sum` is not allowed here; allowed: arange, where"),
    "an attribute outside the allowed ones": ("""
        def f(x):
            return x.T
        """, PUZZLE, "using `.T` (in `x.T`) is not allowed here; allowed attributes: .shape"),
    "a forbidden name": ("""
        import torch
        def f(x):
            return torch.zeros(3)
        """, NO_TORCH, "using `torch` is not allowed here"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_source_speaks_chinese(name):
    source, rule, english = CASES[name]
    en = _breaks(source, "en", rule)
    assert english in en["f"], en            # English as before: the msgids are its text
    zh = _breaks(source, "zh", rule)
    assert set(zh) == set(en)
    assert_chinese(zh["f"])
    # The code is shown as it is, in both languages.
    for code in re.findall(r"`[^`]+`", english):
        if not code.startswith("`return"):
            assert code in zh["f"], (code, zh["f"])


def test_every_rule_sentence_has_a_chinese_translation():
    """Each table of sentences the rules choose from, shown in zh."""
    from grader import constraints as c
    with i18n.speaking("zh"):
        for table in (c.LOOP_MESSAGES, c.HERE, c.IMPORTING_HERE, c.IN_A_MATCH_HERE,
                      c.ANYWHERE):
            for msgid in table.values():
                text = i18n._(msgid)
                assert text != msgid, msgid
                assert_chinese(text.replace("{code}", "`x`").replace("{where}", "第 1 行"))


def test_the_too_large_message_and_run_time_calls_in_chinese():
    rule = Constraint(functions=["f"], forbidden_calls=["torch.cdist"],
                      allowed_calls=["torch.arange"])
    with i18n.speaking("zh"):
        assert_chinese(check_runtime_calls(rule, ["torch.cdist"]))
        assert_chinese(check_runtime_calls(rule, ["torch.mul"]))
        big = "def f(x):\n    return x\n" + "# padding\n" * 20000
        assert_chinese(check_source(ast.parse(big), big, [rule])["f"])
    with i18n.speaking("en"):
        assert check_runtime_calls(rule, ["torch.cdist"]) == \
            "your code called torch.cdist (found at run time)"


def test_a_grading_in_one_language_does_not_leak_into_the_next():
    source, rule, english = CASES["forbidden call"]
    assert HAN.search(_breaks(source, "zh", rule)["f"])
    assert english in _breaks(source, "en", rule)["f"]
    assert HAN.search(_breaks(source, "zh", rule)["f"])


# ------------------------------------------------------------------ grade exercise --lang zh

SUBMISSIONS = {
    # exercise, file, what the English message says
    "forbidden call": ("04", ROOT / "exercises" / "04_broadcasting" / "mutants" /
                       "pairwise_cdist.py"),
    "loop": ("04", ROOT / "exercises" / "04_broadcasting" / "mutants" / "pairwise_loop.py"),
    "call outside the allowed ones": ("05", ROOT / "exercises" / "05_tensor_puzzles" /
                                      "mutants" / "cumsum_torch_call.py"),
}


def _dynamic_submission(tmp_path):
    """04's solution with one function that reaches torch.cdist through getattr, and one
    whose helper is run by library code (found only at run time)."""
    text = (ROOT / "solutions" / "04_broadcasting.py").read_text(encoding="utf-8")
    text += textwrap.dedent('''

        def outer(x, y):
            name = "ou" + "ter"
            return getattr(torch, name)(x, y)
        ''')
    path = tmp_path / "04_dynamic.py"
    path.write_text(text, encoding="utf-8")
    return path


def _run_time_submission(tmp_path):
    """11's solution with a cross_entropy that names no forbidden function: the
    Tensor.logsumexp that torch.distributions calls shows up only in the run-time trace."""
    text = (ROOT / "solutions" / "11_losses.py").read_text(encoding="utf-8")
    text += textwrap.dedent('''

        def cross_entropy(logits, labels):
            return -torch.distributions.Categorical(logits=logits).log_prob(labels).mean()
        ''')
    path = tmp_path / "11_run_time.py"
    path.write_text(text, encoding="utf-8")
    return path


def _assert_rule_breaks_in_chinese(kind: str, out: str) -> None:
    lines = [line for line in out.splitlines() if "不允许" in line or "运行时发现" in line]
    assert lines, (kind, out)
    for line in lines:
        assert_chinese(line)
    for english in ("not allowed", "found at run time", "line "):
        assert english not in out, (kind, english, out)


def test_grade_exercise_lang_zh_shows_a_rule_break_in_chinese():
    """The command itself: `grade exercise 04 --lang zh --file <a mutant that breaks a rule>`."""
    number, path = SUBMISSIONS["forbidden call"]
    r = run_grade("exercise", number, "--lang", "zh", "--file", path)
    assert r.returncode == 1, r.stderr
    _assert_rule_breaks_in_chinese("forbidden call", r.stdout)
    assert "这里不允许调用 `torch.cdist`" in r.stdout


def test_rule_breaks_of_every_kind_graded_in_chinese(make_grader, tmp_path):
    """Gradings in zh (in this process, with the session's warm zygote), rendered as the
    terminal report: a loop, a call outside the allowed ones, a dynamic reach, a call
    found only at run time; the same submission graded in English speaks English."""
    from grader import report_terminal
    grader = make_grader(ROOT)
    subs = {k: v for k, v in SUBMISSIONS.items() if k != "forbidden call"}
    subs["dynamic reach"] = ("04", _dynamic_submission(tmp_path))
    subs["found at run time"] = ("11", _run_time_submission(tmp_path))
    for kind, (number, path) in subs.items():
        ex = grader.course.find(number)
        with i18n.speaking("zh"):
            result = grader.grade(ex, path)
            text = report_terminal.render(result, colour=False, title=number)
        assert any(c["outcome"] == "constraint" for c in result["checks"]), (kind, text)
        _assert_rule_breaks_in_chinese(kind, text)
        if kind == "found at run time":
            assert "你的代码调用了 torch.Tensor.logsumexp（运行时发现）" in text
        if kind == "dynamic reach":
            assert "用算出来的名字调用 getattr 能访问任意函数" in text
    with i18n.speaking("en"):
        result = grader.grade(grader.course.find("04"), subs["loop"][1])
    assert any("is not allowed here" in c["message"] for c in result["checks"])
