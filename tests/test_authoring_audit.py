"""Every author text a learner reads has its Chinese form: the static audit of the checks
and exercise.yaml (grader/authoring_audit.py), as `grade validate` reports it."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
import yaml

from conftest import MINI, ROOT, run_grade
from grader import authoring_audit as audit
from grader.validate import validate_course


def test_no_text_of_the_bundled_course_lacks_its_chinese_form():
    """THE proof: no title, hint, diagnosis or name in the bundled checks and exercise.yaml
    is left without its Chinese form (and validate holds the course to it)."""
    course = yaml.safe_load((ROOT / "course.yaml").read_text(encoding="utf-8"))
    assert audit.course_speaks_chinese(course)
    findings, files = [], 0
    for slug in course["exercises"]:
        folder = ROOT / "exercises" / slug
        text = (folder / "exercise.yaml").read_text(encoding="utf-8")
        findings += audit.yaml_findings(yaml.safe_load(text), yaml.compose(text),
                                        f"exercises/{slug}/exercise.yaml")
        findings += audit.exercise_findings(folder, slug)
        files += len(list((folder / "checks").glob("*.py")))
    assert files > 40
    assert findings == [], "\n".join(map(str, findings))
    assert validate_course(ROOT) == []


CHECKS = '''\
import torch
from grader.checks import points, hint, target, title, assert_tensor, assert_equal, fail
from grader.checks import claim_fail as cf, CheckFailure
from grader.i18n import pick


@title("double of three values")                                     # 7: @title without zh
@hint("Multiply by two.", zh="乘以二。")
def check_one(student):
    x = torch.ones(3)
    out = student.double(x)
    if out is None:
        fail("you returned None")                                     # 13: fail without zh
    if out.sum() > 100:
        fail("far too big", zh="")                                    # 15: empty zh
    if out.sum() < -100:
        cf("your process says odd things", zh="   ")                 # 17: blank zh, aliased
    assert_tensor(out, 2 * x, name="doubled values")                  # 18: words, not code
    assert_tensor(out, 2 * x, name="double(x)")                       # code: fine


@hint("Use the operator *.")                                          # 22: @hint without zh
def check_two(student):                                               # 23: docstring title only
    """double of a random vector"""
    x = torch.ones(2)
    assert_equal(tuple(student.double(x).shape), (2,), "output shape")   # 26: what=
    raise CheckFailure("not what was expected")                       # 27: literal message


@title(zh="")                                                         # 30: @title(zh="")
def check_three(student):
    """double of nothing"""
    got = student.double(torch.ones(0))
    if got is None:
        fail(f"got {got!r} for {x}", zh=f"得到了 {got!r}")           # 35: a value dropped
    if got is not None:
        fail("wrong", zh="TODO")                                      # 37: no Chinese
    y = pick("the result", None)                                      # 38: pick without zh
    fail(pick("a", "甲"))                                             # fine: the pick has zh


@title("doubles", zh="翻倍")
@hint("x * 2", zh="x * 2")                                            # code: the same in both
def check_fine(student):
    en, zh = "wrong", "错了"
    fail(en, zh=zh, evidence="x")
    fail(f"wrong {en}", zh=f"错了 {zh}")                             # a Chinese fragment
'''

EXPECTED = {
    7: "@title('double of three values') has no Chinese form (zh=)",
    13: "fail('you returned None') has no Chinese form (zh=)",
    15: "fail('far too big') has no Chinese form (zh=)",
    17: "claim_fail('your process says odd things') has no Chinese form (zh=)",
    18: "assert_tensor(..., name='doubled values') has no Chinese form: write it as pick(en, zh)",
    22: "@hint('Use the operator *.') has no Chinese form (zh=)",
    23: "the title of check_two has no Chinese form (@title(..., zh=...))",
    26: "assert_equal(..., what='output shape') has no Chinese form: write it as pick(en, zh)",
    27: "CheckFailure('not what was expected') has no Chinese form: use fail(..., zh=...) or"
        " claim_fail(..., zh=...)",
    30: "@title(zh=...) has no Chinese form (zh=)",
    35: "fail(f'got {got!r} for {x}'): its Chinese form uses the placeholders {got}, the"
        " English {got}, {x}",
    37: "fail('wrong'): its Chinese form (zh=) has no Chinese character",
    38: "pick('the result') has no Chinese form (its second argument)",
}


def _course(tmp_path: Path, checks: str = CHECKS) -> Path:
    course = tmp_path / "course"
    shutil.copytree(MINI, course)
    (course / "course.yaml").write_text(
        'title: {en: "A tiny course", zh: "一个小课程"}\nsalt: s\nexercises: [01_mini]\n',
        encoding="utf-8")
    folder = course / "exercises" / "01_mini" / "checks"
    for old in folder.glob("*.py"):
        old.unlink()
    (folder / "public_texts.py").write_text(checks, encoding="utf-8")
    return course


def test_each_kind_of_missing_chinese_is_found_at_its_file_and_line(tmp_path):
    lines = CHECKS.splitlines()
    for line in EXPECTED:     # the comments of CHECKS say which line is which
        assert f"# {line}:" in lines[line - 1], (line, lines[line - 1])
    course = _course(tmp_path)
    found = audit.exercise_findings(course / "exercises" / "01_mini", "01_mini")
    assert {f.line: f.message for f in found} == EXPECTED, "\n".join(map(str, found))
    assert {f.file for f in found} == {"exercises/01_mini/checks/public_texts.py"}
    assert str(found[0]) == ("exercises/01_mini/checks/public_texts.py:7: @title('double of"
                             " three values') has no Chinese form (zh=)")


@pytest.mark.parametrize("zh", ['""', '"  "', "None", '"\\n"'])
def test_an_empty_chinese_form_counts_as_missing(tmp_path, zh):
    source = textwrap.dedent(f'''\
        from grader.checks import fail, hint, title

        @title("t", zh={zh})
        @hint("h", zh={zh})
        def check_x(student):
            fail("d", zh={zh})
        ''')
    path = tmp_path / "public_x.py"
    path.write_text(source, encoding="utf-8")
    found = audit.check_file_findings(path, "public_x.py")
    assert [(f.line, f.message.split(" has ")[0]) for f in found] == \
        [(3, "@title('t')"), (4, "@hint('h')"), (6, "fail('d')")], found


def test_exercise_yaml_texts_that_are_not_chinese(tmp_path):
    course = _course(tmp_path, checks="")
    path = course / "exercises" / "01_mini" / "exercise.yaml"
    text = path.read_text(encoding="utf-8").replace('zh: "迷你"', 'zh: "Mini"')
    text = text.replace('{en: "Multiply by two.", zh: "乘以二。"}',
                        '{en: "Multiply by two.", zh: "   "}\n'
                        '  - {en: "return 2 * x", zh: "return 2 * x"}')
    path.write_text(text, encoding="utf-8")
    problems = [str(p) for p in validate_course(course)]
    assert problems == [
        "exercises/01_mini/exercise.yaml:1: title: its Chinese form (zh=) has no Chinese character",
        "exercises/01_mini/exercise.yaml:12: hints[0] has no Chinese form (zh=)",
    ], problems


def test_grade_validate_fails_with_file_and_line(tmp_path):
    course = _course(tmp_path)
    r = run_grade("--course", course, "validate")
    assert r.returncode == 2, r.stdout + r.stderr
    lines = r.stderr.splitlines()
    assert "exercises/01_mini/checks/public_texts.py:13: fail('you returned None') has no" \
           " Chinese form (zh=)" in lines, r.stderr
    assert lines[-1] == f"{len(EXPECTED)} problem(s)"


def test_a_course_offered_in_english_only_is_not_audited():
    """The fixture course has an English-only title: its English-only checks are valid."""
    course = yaml.safe_load((MINI / "course.yaml").read_text(encoding="utf-8"))
    assert not audit.course_speaks_chinese(course)
    assert audit.exercise_findings(MINI / "exercises" / "01_mini", "01_mini") != []
    assert validate_course(MINI) == []


def test_the_findings_speak_chinese(tmp_path):
    from grader.i18n import speaking
    course = _course(tmp_path)
    with speaking("zh"):
        found = audit.exercise_findings(course / "exercises" / "01_mini", "01_mini")
    assert "check_two 的标题没有中文形式" in "\n".join(map(str, found))


def test_a_helper_that_passes_a_text_on_is_audited_where_it_is_called(tmp_path):
    """A support helper's parameters that become fail(en, zh=zh) are a text and its Chinese
    form: a call that gives the first without the second lacks Chinese."""
    course = _course(tmp_path, checks=textwrap.dedent('''\
        from grader.checks import fail, title
        from support_texts import expect as check_that


        def _local(x, why, why_zh=None):
            if x:
                fail(why, zh=why_zh)


        @title("t", zh="标题")
        def check_a(student):
            check_that(1, "the sum is wrong")                   # 12: no Chinese
            check_that(1, "the sum is wrong", "和不对")          # fine
            check_that(1, "the sum is wrong", zh="")            # 14: empty
            _local(1, why="too big")                            # 15: no Chinese
            _local(1, "too big", why_zh="太大")                 # fine
        '''))
    (course / "exercises" / "01_mini" / "checks" / "support_texts.py").write_text(
        textwrap.dedent('''\
            from grader.checks import fail


            def expect(value, en, zh=None):
                if value:
                    fail(en, zh=zh, evidence=str(value))
            '''), encoding="utf-8")
    found = audit.exercise_findings(course / "exercises" / "01_mini", "01_mini")
    assert [(f.file.rsplit("/", 1)[1], f.line, f.message) for f in found] == [
        ("public_texts.py", 12, "check_that('the sum is wrong') has no Chinese form (zh=)"),
        ("public_texts.py", 14, "check_that('the sum is wrong') has no Chinese form (zh=)"),
        ("public_texts.py", 15, "_local('too big') has no Chinese form (why_zh=)"),
    ], found
