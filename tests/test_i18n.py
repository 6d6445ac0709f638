"""The grader in Chinese: the catalogue is complete and compiled, every command speaks
the language asked for (--lang, GRADE_LANG, the locale, course.yaml), and tables
line up by display width.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import MINI, ROOT, run_grade
from grader import catalogue, i18n

HAN = re.compile(r"[\u4e00-\u9fff]")
MUTANT = ROOT / "exercises" / "04_broadcasting" / "mutants" / "transposed_outer.py"
# The grader's own English words that must not appear when it speaks Chinese.
ENGLISH = ("score:", "your result", "hint:", "[hidden]", "your code printed", "it looks transposed",
           "expected", "wrong shape", "input 1", "this hidden check", "not attempted")


# ------------------------------------------------------------------ the catalogue

def test_every_msgid_the_code_uses_has_a_chinese_translation():
    problems: list[str] = []
    messages = catalogue.all_messages(problems)
    assert len(messages) > 250                       # the walk found the grader's sentences
    assert not [p for p in problems if "SyntaxError" in p or "invalid syntax" in p]
    translations = catalogue.read_po()
    missing = [f"{m.where[0]}: {why}: {m.msgid!r}" for m, why in catalogue.missing(messages,
                                                                                 translations)]
    assert missing == [], "run python -m grader.catalogue update, then translate:\n" + \
        "\n".join(missing)


def test_templates_are_walked_too():
    found = catalogue.template_messages()
    assert "Details of hidden checks are shown after the due date." in found
    assert "%(n)s student(s)" in found


def test_the_compiled_catalogue_is_up_to_date(tmp_path):
    """grader.mo holds exactly what grader.po says (compiled again here and compared)."""
    fresh = tmp_path / "grader.mo"
    catalogue.compile_mo(catalogue.PO, fresh, use_msgfmt=shutil.which("msgfmt") is not None)
    with open(catalogue.MO, "rb") as f:
        committed = gettext.GNUTranslations(f)._catalog
    with open(fresh, "rb") as f:
        expected = gettext.GNUTranslations(f)._catalog
    assert committed == expected, "grader.mo is stale: python -m grader.catalogue compile"
    # The Python compiler (for machines without msgfmt) agrees with msgfmt.
    own = tmp_path / "own.mo"
    catalogue.compile_mo(catalogue.PO, own, use_msgfmt=False)
    with open(own, "rb") as f:
        assert gettext.GNUTranslations(f)._catalog == expected


def test_placeholders_survive_translation():
    for msgid, entry in catalogue.read_po().items():
        for text in entry["msgstr"]:
            assert catalogue.placeholders(text) == catalogue.placeholders(msgid), msgid
            if "%(" in msgid or "%%" in msgid:    # a template's: formatted with %
                assert msgid.count("%%") == text.count("%%"), msgid


def _gettext_calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and catalogue._called_name(node) in catalogue.KEYWORDS:
            yield node


def test_gettext_is_called_on_literals_and_never_shadowed():
    """No f-string inside _() (its msgid would never be found), and no function that calls
    _() also assigns `_` (an UnboundLocalError the first time it speaks)."""
    for path in sorted((ROOT / "grader").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _gettext_calls(tree):
            for arg in call.args[:2]:
                assert not isinstance(arg, (ast.JoinedStr, ast.BinOp)), \
                    f"{path}:{call.lineno}: _() of a formatted string (use .format after it)"
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            calls = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and
                        n.func.id == "_" for n in ast.walk(fn))
            assigns = any(isinstance(n, ast.Name) and n.id == "_" and
                          isinstance(n.ctx, ast.Store) for n in ast.walk(fn))
            assert not (calls and assigns), f"{path}:{fn.lineno}: {fn.name} assigns _ and calls _()"


def test_chinese_uses_the_tutorials_terms():
    zh = {m: e["msgstr"][0] for m, e in catalogue.read_po().items()}
    assert "张量" in zh["a tensor of dtype {dtype}"]
    assert "广播" in zh["broadcasting compares shapes from the right, and each pair of sizes must"
                        " be equal or one of them 1: insert an axis with x[:, None] or unsqueeze"
                        " to line them up"]
    assert "计算图" in zh["the graph is freed after backward(): compute the forward pass again"
                          " before each backward() (or pass retain_graph=True)"]
    assert "形状" in zh["shape {got}, expected {want}"]
    assert "数据类型" in zh["your {name} has dtype {got}, expected {want}"]


# ------------------------------------------------------------------ the language setting

def test_language_resolution_order():
    env = {"LANG": "zh_CN.UTF-8"}
    assert i18n.resolve(None, None, env) == "zh"
    assert i18n.resolve("en", None, env) == "en"                       # --lang first
    assert i18n.resolve(None, None, {**env, "GRADE_LANG": "en"}) == "en"  # then GRADE_LANG
    assert i18n.resolve(None, "zh", {"LANG": "C.UTF-8"}) == "zh"       # C: the course decides
    assert i18n.resolve(None, "zh", {"LANG": "en_US.UTF-8"}) == "en"   # the locale before it
    assert i18n.resolve(None, None, {"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US"}) == "zh"
    assert i18n.resolve(None, None, {}) == "en"


def test_gettext_in_both_languages():
    with i18n.speaking("zh"):
        assert i18n._("score: {score}/{top}").format(score=3, top=4) == "得分：3/4"
        assert i18n.ngettext("{n} check passes", "{n} checks pass", 2).format(n=2) == "2 项检查通过"
    with i18n.speaking("en"):
        assert i18n._("score: {score}/{top}").format(score=3, top=4) == "score: 3/4"


def test_display_width_and_pad():
    assert i18n.display_width("广播") == 4 and i18n.display_width("ab") == 2
    assert i18n.display_width("e\u0301") == 1          # a combining accent takes no column
    assert i18n.pad("广播", 6) == "广播  " and i18n.pad("ab", 4, ">") == "  ab"
    cut = i18n.pad("张量的广播机制与形状", 9)
    assert i18n.display_width(cut) == 9 and cut.endswith("…")


# ------------------------------------------------------------------ what a learner sees

def test_a_mutant_graded_in_chinese_in_process(make_grader):
    """The diagnoses (assert_tensor's), status and summary lines of a grading in zh."""
    from grader import report_terminal
    grader = make_grader(ROOT)
    ex = grader.course.find("04")
    with i18n.speaking("zh"):
        result = grader.grade(ex, MUTANT)
        text = report_terminal.render(result, colour=False, title="04")
    assert result["lang"] == "zh"
    failed = [c for c in result["checks"] if c["outcome"] != "passed"]
    assert failed and all(HAN.search(c["message"]) for c in failed)
    assert "看起来被转置了" in text and "得分：" in text and "[隐藏]" in text
    for phrase in ENGLISH:
        assert phrase not in text, phrase
    with i18n.speaking("en"):   # the same result, shown in English later, keeps its messages
        assert "score: " in report_terminal.render(result, colour=False)


def _grader_lines(out: str) -> list[str]:
    """Output lines that are the grader's sentences: not check titles (the exercise
    author's), not code or values."""
    lines = []
    for line in out.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("✓", "✗", "⏱", "⛔", "-", "|", "tensor(", "[[")):
            continue
        if re.fullmatch(r"[\d\s.,()\[\]:+-]+", stripped) or line.startswith("04 "):
            continue
        lines.append(stripped)
    return lines


def _assert_all_chinese(out: str) -> None:
    lines = _grader_lines(out)
    assert lines
    for line in lines:
        if re.search(r"[A-Za-z]{3,}", re.sub(r"\S*[_.()\[\]]\S*|[A-Z]\w+Error", "", line)):
            # Words left after code and identifiers: an author's hint, never the grader's.
            assert HAN.search(line), line
    for phrase in ENGLISH:
        assert phrase not in out, phrase
    assert re.search(r"^得分：\d+/\d+ \(\d+%\)$", out, re.M)


def test_grade_exercise_lang_zh_and_the_locale_agree():
    r = run_grade("exercise", "04", "--lang", "zh", "--file", MUTANT)
    assert r.returncode == 1, r.stderr
    _assert_all_chinese(r.stdout)
    # LANG=zh_CN.UTF-8 means the same (the outputs are compared line by line where the
    # same checks passed: a loaded machine may time one out in one run and not the other).
    by_locale = run_grade("exercise", "04", "--file", MUTANT,
                          env={"LANG": "zh_CN.UTF-8", "LC_ALL": "", "GRADE_LANG": ""})
    assert by_locale.returncode == 1, by_locale.stderr
    _assert_all_chinese(by_locale.stdout)
    assert by_locale.stdout.splitlines()[0] == r.stdout.splitlines()[0] == "04 广播机制"


def test_usage_errors_in_chinese():
    r = run_grade("exercise", "99", "--lang", "zh", "--file", MUTANT)
    assert r.returncode == 2 and "没有名为 '99' 的练习" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    r = run_grade("exercise", "04", "--bogus", env={"GRADE_LANG": "zh"})
    assert r.returncode == 2 and "没有这个选项：--bogus" in r.stderr and "查看用法" in r.stderr
    r = run_grade("show", "--lang", "zh")
    assert r.returncode == 2 and "缺少参数" in r.stderr
    r = run_grade("exercise", "04", "--device", "tpu", "--lang", "zh")
    assert r.returncode == 2 and "'--device' 的值无效：请从 cpu, cuda, auto 中选择" in r.stderr
    r = run_grade("list", "--lang", "fr")     # not a language: said in English
    assert r.returncode == 2 and "invalid value" in r.stderr.lower()


def test_list_and_progress_columns_line_up_in_chinese(tmp_path):
    from grader.course import load_course
    course = load_course(ROOT)
    r = run_grade("list", "--lang", "zh")
    assert r.returncode == 0, r.stderr
    rows = r.stdout.splitlines()
    assert len(rows) == len(course.exercises) and all(HAN.search(row) for row in rows)
    # The topic column starts at the same display column on every row, and every row ends
    # at the same one (the score is right-aligned), whatever the width of the title.
    topics = {i18n.display_width(row[:row.rindex(ex.topic)])
              for ex, row in zip(course.exercises, rows)}
    assert len(topics) == 1, r.stdout
    assert len({i18n.display_width(row) for row in rows}) == 1, r.stdout
    r = run_grade("progress", "--lang", "zh")
    assert r.returncode == 0 and "总分：" in r.stdout and "下一个：" in r.stdout
    rows = r.stdout.splitlines()[:len(course.exercises)]
    assert len({i18n.display_width(row[:row.rindex("/")]) for row in rows}) == 1, r.stdout


def test_show_start_and_hint_in_chinese(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(MINI, course)
    r = run_grade("show", "01", "--lang", "zh", cwd=course)
    assert "函数" in r.stdout and "开始：grade start 01" in r.stdout and "Functions" not in r.stdout
    r = run_grade("start", "01", cwd=course, env={"GRADE_LANG": "zh"})
    assert r.returncode == 0 and "已写入" in r.stdout
    r = run_grade("start", "01", "--lang", "zh", cwd=course)
    assert "已存在，未作改动" in r.stdout
    r = run_grade("hint", "01", "nope", "--lang", "zh", cwd=course)
    assert r.returncode == 2 and "没有函数" in r.stderr


def test_course_language_is_the_default(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(MINI, course)
    path = course / "course.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nlanguage: zh\n", encoding="utf-8")
    env = {"LANG": "C.UTF-8", "LC_ALL": "", "GRADE_LANG": ""}
    r = run_grade("progress", cwd=course, env=env)
    assert "总分：" in r.stdout, r.stdout + r.stderr
    r = run_grade("progress", "--lang", "en", cwd=course, env=env)
    assert "total: " in r.stdout


def test_watch_lines_in_chinese():
    from grader import watch
    a = {"status": "graded", "score": 1.0, "max_score": 3.0,
         "checks": [{"id": "x", "title": "x", "outcome": "passed"},
                    {"id": "y", "title": "y", "outcome": "failed"}]}
    b = {**a, "score": 2.0, "checks": [{"id": "x", "title": "x", "outcome": "passed"},
                                       {"id": "y", "title": "y", "outcome": "passed"}]}
    with i18n.speaking("zh"):
        assert watch.describe_change(None, None, a) == "第一次运行"
        assert watch.describe_change(a, a, b) == "又有 1 项检查通过了；得分 1 → 2"
        assert "正在监视" in watch._footer(2, Path("work/04.py"), 0.25)


def test_html_pages_declare_their_language(tmp_path):
    from grader import report_html
    from grader.course import load_course
    course = load_course(ROOT)
    ex = course.find("04")
    result = {"schema": "grade-result/1", "exercise": ex.slug, "student": "", "device": "cpu",
              "status": "not_attempted", "score": 0.0, "max_score": 1.0, "duration_s": 0.0,
              "message": "", "checks": [{"id": "hidden_a.py::check_a", "title": "a",
                                         "function": "outer", "points": 1.0, "score": 0.0,
                                         "outcome": "failed", "visibility": "hidden",
                                         "message": "your result has the wrong sign",
                                         "evidence": "", "hint": "", "duration_s": 0.0}],
              "stdout": "", "stderr": "", "sandbox": {},
              "environment": {"grader": "0", "torch": "2", "python": "3"}}
    for lang, attribute, words in (("zh", 'lang="zh-CN"', "隐藏检查的详细信息"),
                                   ("en", 'lang="en"', "Details of hidden checks")):
        with i18n.speaking(lang):
            report_html.write_exercise_page(result, ex, tmp_path / f"{lang}.html")
        page = (tmp_path / f"{lang}.html").read_text(encoding="utf-8")
        assert attribute in page and words in page
        assert '"Noto Sans CJK SC"' in page and '"Microsoft YaHei"' in page


def test_msgfmt_accepts_the_catalogue(tmp_path):
    if not shutil.which("msgfmt"):
        pytest.skip("msgfmt is not installed (apt-get install gettext)")
    subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "x.mo"), str(catalogue.PO)],
                   check=True, capture_output=True)
