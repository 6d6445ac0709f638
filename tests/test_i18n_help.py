"""`--help` in Chinese: every command's help page (its text, each option's help, click's
own words: Usage, Options, Commands, [default: ...]) speaks the language asked for
(--lang anywhere on the line, GRADE_LANG, LANG=zh_CN.UTF-8); English by default.
"""

from __future__ import annotations

import inspect
import re

import click
import pytest
from click.testing import CliRunner

from conftest import run_grade
from grader import catalogue, i18n
from grader.cli import main, wrap_wide

HAN = re.compile(r"[\u4e00-\u9fff]")
NO_LANGUAGE = {"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "GRADE_LANG": ""}


def commands(group: click.Group = main, path: tuple = ()):
    """(path, command) of every command, subcommands of groups included."""
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if cmd is None or cmd.hidden:
            continue
        yield path + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from commands(cmd, path + (name,))


ALL = [("",), *[path for path, _cmd in commands()]]


def _help(args, env=None) -> str:
    with i18n.speaking("en"):      # whatever the command line sets does not outlive it
        result = CliRunner().invoke(main, [a for a in args if a], prog_name="grade",
                                    env={**NO_LANGUAGE, **(env or {})})
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.output


def _command(path):
    cmd = main
    for name in path:
        if name:
            cmd = cmd.get_command(click.Context(cmd), name)
    return cmd


def _doc(cmd) -> str:
    """A command's help as click shows it (and as the catalogue holds it)."""
    return inspect.cleandoc(cmd.help or "").partition("\f")[0]


def _options(cmd):
    ctx = click.Context(cmd, info_name="grade")
    return [p for p in cmd.get_params(ctx) if isinstance(p, click.Option) and not p.hidden]


def test_every_command_was_found():
    names = {path[-1] for path in ALL}
    assert {"exercise", "watch", "class", "gradescope", "check-solutions", "list"} <= names


@pytest.mark.parametrize("path", ALL, ids=lambda p: " ".join(p) or "grade")
def test_help_of_every_command_in_chinese(path):
    cmd = _command(path)
    # --lang before the command, after --help, and the locale: the same page.
    first = _help(["--lang", "zh", *path, "--help"])
    assert _help([*path, "--help", "--lang", "zh"]) == first
    assert _help([*path, "--help"], env={"LANG": "zh_CN.UTF-8"}) == first
    assert _help([*path, "--help"], env={"GRADE_LANG": "zh"}) == first
    assert first.startswith("用法：grade"), first
    assert "\n选项：\n" in first and "Options:" not in first and "Usage:" not in first
    if isinstance(cmd, click.Group):
        assert "\n命令：\n" in first and "Commands:" not in first
    with i18n.speaking("zh"):
        text = i18n._(_doc(cmd))
        assert HAN.search(text), (path, cmd.help)
        for option in _options(cmd):
            assert option.help, f"{' '.join(path)} {option.opts[0]} has no help"
            zh = i18n._(option.help)
            assert zh != option.help and HAN.search(zh), (path, option.opts, option.help)
            # Each option's help is on its page (wrapped: its first characters).
            assert zh[:8] in first.replace("\n", ""), (path, option.opts, zh)
    assert "Show this message and exit." not in first and "显示这条帮助信息并退出。" in first
    for english in ("[default: ", "[required]", "default: "):
        assert english not in first, (path, english)
    if "[默认：" not in first:
        assert not any(o.show_default for o in _options(cmd)), path
    # Lines fit the page: a Han character takes two columns.
    assert max(i18n.display_width(line) for line in first.splitlines()) <= 100, first


@pytest.mark.parametrize("path", ALL, ids=lambda p: " ".join(p) or "grade")
def test_help_stays_english_by_default(path):
    page = _help([*path, "--help"])
    assert page.startswith("Usage: grade") and "\nOptions:\n" in page
    assert not HAN.search(page), page
    cmd = _command(path)
    if cmd.help:
        assert _doc(cmd)[:30] in page
    assert "Show this message and exit." in page
    assert page == _help([*path, "--help", "--lang", "en"], env={"LANG": "zh_CN.UTF-8"})


def test_click_notes_in_both_languages():
    en = _help(["class", "--help"])
    assert "[required]" in en and "[default: cpu]" in en and "[1<=x<=512]" in en
    zh = _help(["class", "--help", "--lang", "zh"])
    assert "[必填]" in zh and "[默认：cpu]" in zh and "[1<=x<=512]" in zh


def test_the_root_takes_lang_before_the_command():
    with i18n.speaking("en"):
        result = CliRunner().invoke(main, ["--lang", "zh", "show"], prog_name="grade",
                                    env=NO_LANGUAGE)
    assert result.exit_code == 2 and "缺少参数" in result.output, result.output


def test_help_texts_are_catalogue_msgids():
    """The extractor sees option help= and command docstrings (as click cleans them)."""
    found = catalogue.python_messages()
    exercise = _command(("exercise",))
    assert _doc(exercise) in found
    for option in _options(exercise):
        assert option.help in found or option.help in ("Show this message and exit.",)
    assert "Grade a whole class, in parallel, resumable." in "".join(found)


def test_wrap_wide_counts_han_as_two_columns():
    text = "在已有的 Dask 集群上评分，例如 tcp://host:8786（需要 torch-drills[cluster]）。"
    lines = wrap_wide(text, 30).splitlines()
    assert len(lines) > 1 and all(i18n.display_width(line) <= 30 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line.startswith(("，", "。", "）")) for line in lines)
    assert not any(line.rstrip().endswith("（") for line in lines)


def test_grade_help_in_chinese_from_the_command_line():
    r = run_grade("exercise", "--help", "--lang", "zh")
    assert r.returncode == 0 and r.stdout.startswith("用法：grade exercise"), r.stderr
    r = run_grade("watch", "--help", env={"LANG": "zh_CN.UTF-8", "LC_ALL": "",
                                          "GRADE_LANG": ""})
    assert r.returncode == 0 and "先评分，之后每次保存文件都重新评分" in r.stdout
