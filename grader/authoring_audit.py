"""Every text an exercise author writes, in English and in Chinese: the static audit.

`grade validate` (and so `grade check-solutions`, `grade release`) reports each
author text a learner may read that lacks its Simplified Chinese form, with its
file and line:

    exercises/04_broadcasting/checks/hidden_outer.py:12: fail("your result looks…") has
        no Chinese form (zh=)

Check files are read with `ast`, never imported (validate stays fast and never
imports torch). What counts as an author text, through the checks API
(grader/checks.py): @title(en, zh=), @hint(en, zh=), fail(en, zh=),
claim_fail(en, zh=), pick(en, zh), a check's title (a check_* function needs
@title(..., zh=...): its docstring alone is English only), CheckFailure or
ClaimFailure built from a literal message, and the name=/what= of
assert_tensor, assert_number and assert_equal when it is words rather than
code ("mean batch loss" needs pick(en, zh); "outer(a, b)" is code), and the
call of a helper that hands two of its parameters on as a text and its Chinese
form (`def expect(x, en, zh=None): fail(en, zh=zh)`, called as `expect(x, "...")`). A Chinese
form that is empty, blank or without a single Chinese character counts as
missing, and a Chinese f-string must use the same {placeholders} as the English.
In exercise.yaml the schema requires every {en, zh} text; this adds the blank ones.

The rule holds for a course that is offered in Chinese, that is one whose
course.yaml title has a Chinese form (the bundled course has); a course with
an English-only title is English-only and is not audited.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from grader.course import yaml_line
from grader.i18n import _

API_MODULES = ("grader.checks", "grader.compare", "grader.i18n")
API_NAMES = {"title", "hint", "fail", "claim_fail", "pick", "CheckFailure", "ClaimFailure",
             "assert_tensor", "assert_number", "assert_equal"}
# Han characters, and the CJK and full-width punctuation of a Chinese sentence.
HAN = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


@dataclass(frozen=True)
class Finding:
    file: str        # relative to the course root, with forward slashes
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def course_speaks_chinese(course: dict) -> bool:
    """Whether course.yaml offers the course in Chinese (its title has a Chinese form)."""
    title = course.get("title") if isinstance(course, dict) else None
    return isinstance(title, dict) and _is_chinese(title.get("zh"))


def _is_chinese(text) -> bool:
    return isinstance(text, str) and bool(HAN.search(text))


# ------------------------------------------------------------------ exercise.yaml

def yaml_findings(data: dict, node, rel: str) -> list[Finding]:
    """exercise.yaml's texts (title, instructions, hints) whose zh is there but is not Chinese.

    A missing or empty zh is the schema's to report (required, minLength); a blank
    one ("  ") or one without a Chinese character ("TODO", the English again) is ours,
    unless it is code, the same in both languages.
    """
    texts = [(["title"], data.get("title")), (["instructions"], data.get("instructions"))]
    hints = data.get("hints") if isinstance(data.get("hints"), list) else []
    texts += [(["hints", i], h) for i, h in enumerate(hints)]
    out = []
    for path, value in texts:
        zh = value.get("zh") if isinstance(value, dict) else None
        if not isinstance(zh, str) or not zh or _is_chinese(zh) or _is_code_text(zh):
            continue
        field = path[0] + "".join(f"[{p}]" for p in path[1:])
        message = _("{what} has no Chinese form (zh=)") if not zh.strip() else \
            _("{what}: its Chinese form (zh=) has no Chinese character")
        out.append(Finding(rel, yaml_line(node, path + ["zh"]), message.format(what=field)))
    return out


# ------------------------------------------------------------------ check files

def _parse(path: Path):
    try:
        return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None     # a check file that does not parse fails its grading, loudly


def check_file_findings(path: Path, rel: str) -> list[Finding]:
    """Every author text of one check file (public_, hidden_ or support_) without Chinese."""
    tree = _parse(path)
    if tree is None:
        return []
    audit = _Audit(rel, is_check_file=not path.name.startswith("support_"), tree=tree)
    audit.helpers.update(audit.text_helpers())
    return audit.run()


def exercise_findings(folder: Path, slug: str) -> list[Finding]:
    """The check files of one exercise folder (what exists of them: a bundle has no hidden).

    A helper that passes its own parameters on as a text and its Chinese form
    (`def expect(x, en, zh): ... fail(en, zh=zh)`) is audited where it is called,
    in its own file or in a check file that imports it from a support module.
    """
    audits = []
    for path in sorted((folder / "checks").glob("*.py")):
        if path.name.startswith(("public_", "hidden_", "support_")):
            tree = _parse(path)
            if tree is not None:
                audits.append((path.stem, _Audit(f"exercises/{slug}/checks/{path.name}",
                                                 not path.name.startswith("support_"), tree)))
    helpers = {stem: audit.text_helpers() for stem, audit in audits}
    out = []
    for stem, audit in audits:
        audit.helpers.update(helpers[stem])
        for node in audit.tree.body:
            if isinstance(node, ast.ImportFrom) and node.module in helpers and not node.level:
                for a in node.names:
                    if a.name in helpers[node.module]:
                        audit.helpers[a.asname or a.name] = helpers[node.module][a.name]
        out += audit.run()
    return out


def _short(node: ast.AST | None) -> str:
    """A recognisable, short rendering of an argument: "your result looks tran…"."""
    if node is None:
        return ""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
        return repr(text if len(text) <= 40 else text[:39] + "…")
    try:
        text = ast.unparse(node)
    except Exception:   # pragma: no cover
        return "…"
    return text if len(text) <= 42 else text[:40] + "…"


def _literal_text(node) -> str | None:
    """The words of a literal text argument (a string, an f-string, "..." + "...",
    "...".format(...), "..." % ...), with placeholders blanked; None when not literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        left = _literal_text(node.left)
        if isinstance(node.op, ast.Mod):
            return left
        right = _literal_text(node.right)
        return None if left is None and right is None else (left or "") + (right or "")
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr == "format":
        return _literal_text(node.func.value)
    return None


def _placeholders(node) -> set[str] | None:
    """The {expressions} of an f-string (the {names} of a "...".format literal), or None."""
    if isinstance(node, ast.JoinedStr):
        return {ast.unparse(v.value) for v in node.values if isinstance(v, ast.FormattedValue)}
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return set()
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _placeholders(node.left), _placeholders(node.right)
        return None if left is None or right is None else left | right
    return None


def _is_code(text: str) -> bool:
    """Whether a name= text is code ("outer(a, b)", "x.grad", "ds[{}][0]"), not words."""
    text = text.replace("{}", "_0").replace("…", "...").strip()
    if not text or text == "result":
        return True
    try:
        ast.parse(text, mode="eval")
        return True
    except SyntaxError:
        return False


def _is_code_text(text: str) -> bool:
    """Whether a text without Chinese is code, the same in both languages
    ("torch.full(shape, value)", "with torch.no_grad(): ..."), not an untranslated sentence."""
    text = text.replace("{}", "_0").replace("…", "...").strip()
    if not text or re.fullmatch(r"\w+", text):
        return False        # "TODO", "labels": a word, not code
    try:
        ast.parse(text)
        return True
    except SyntaxError:
        return False


def _placeholders_differ(en: set[str], zh: set[str]) -> bool:
    """Whether the Chinese f-string drops or adds a value of the English one.

    A placeholder with zh in its name ({zh}, {what_zh}, {NAMES_ZH[k]}) stands for a
    Chinese fragment and may take the place of any English one ({en}, {what}, {message}).
    """
    fragments = {z for z in zh if re.search("zh", z, re.I)}
    values = zh - fragments
    return bool(values - en) or len(en - zh) > len(fragments)


def _kw(call: ast.Call, name: str):
    return next((k.value for k in call.keywords if k.arg == name), None)


def _arg(call: ast.Call, index: int, name: str):
    """The argument at position `index` or keyword `name`, or None."""
    if 0 <= index < len(call.args) \
            and not any(isinstance(a, ast.Starred) for a in call.args[:index + 1]):
        return call.args[index]
    return _kw(call, name)


def _has_splat(call: ast.Call) -> bool:
    return any(isinstance(a, ast.Starred) for a in call.args) \
        or any(k.arg is None for k in call.keywords)


class _Audit:
    def __init__(self, rel: str, is_check_file: bool, tree):
        self.rel = rel
        self.is_check_file = is_check_file
        self.tree = tree
        self.names: dict[str, str] = {}        # local name -> API name
        self.modules: set[str] = set()         # local names of the API modules
        # local name -> (text parameter, its position, Chinese parameter, its position)
        self.helpers: dict[str, tuple] = {}
        self.out: list[Finding] = []
        self._imports(tree)

    # -- what the file calls the API
    def _imports(self, tree) -> None:
        top = list(tree.body)
        for stmt in tree.body:        # imports under a top-level if/try count too
            if isinstance(stmt, (ast.If, ast.Try)):
                top += stmt.body + stmt.orelse + getattr(stmt, "finalbody", []) \
                    + [s for h in getattr(stmt, "handlers", []) for s in h.body]
        for node in top:
            if isinstance(node, ast.ImportFrom) and node.module in API_MODULES:
                for a in node.names:
                    if a.name == "*":
                        self.names.update({n: n for n in API_NAMES})
                    elif a.name in API_NAMES:
                        self.names[a.asname or a.name] = a.name
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name in API_MODULES and a.asname:
                        self.modules.add(a.asname)
                    elif a.name in API_MODULES:
                        self.modules.add(a.name)

    def api(self, func) -> str | None:
        if isinstance(func, ast.Name):
            return self.names.get(func.id)
        if isinstance(func, ast.Attribute) and func.attr in API_NAMES:
            try:
                base = ast.unparse(func.value)
            except Exception:   # pragma: no cover
                return None
            return func.attr if base in self.modules else None
        return None

    def add(self, node, message: str) -> None:
        self.out.append(Finding(self.rel, node.lineno, message))

    def _text_args(self, call: ast.Call):
        """(text, Chinese form) of a call of the API that takes an author text, else None."""
        name = self.api(call.func)
        if name in ("title", "hint"):
            return _arg(call, 0, "text"), _arg(call, 1, "zh")
        if name in ("fail", "claim_fail"):
            return _arg(call, 0, "diagnosis" if name == "fail" else "message"), _kw(call, "zh")
        if name == "pick":
            return _arg(call, 0, "en"), _arg(call, 1, "zh")
        return None

    def text_helpers(self) -> dict[str, tuple]:
        """This file's functions that hand two of their parameters on as a text and its
        Chinese form: name -> (text parameter, position, Chinese parameter, position)."""
        out = {}
        for fn in self.tree.body:
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            positional = [a.arg for a in fn.args.posonlyargs + fn.args.args]
            every = positional + [a.arg for a in fn.args.kwonlyargs]
            for node in ast.walk(fn):
                pair = self._text_args(node) if isinstance(node, ast.Call) else None
                if pair and all(isinstance(x, ast.Name) and x.id in every for x in pair):
                    en, zh = pair[0].id, pair[1].id
                    out[fn.name] = (en, positional.index(en) if en in positional else -1,
                                    zh, positional.index(zh) if zh in positional else -1)
                    break
        return out

    # -- the walk
    def run(self) -> list[Finding]:
        tree = self.tree
        if not self.names and not self.modules:
            return []
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                self._call(node)
        if self.is_check_file:
            for node in tree.body + [s for c in tree.body if isinstance(c, ast.ClassDef)
                                     for s in c.body]:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                        and node.name.startswith("check_"):
                    self._check_title(node)
        return sorted(self.out, key=lambda f: f.line)

    def _pair(self, call, what: str, en, zh, fix: str = "", shown: str = "", **extra) -> None:
        """One author text: English `en` (a node or None), Chinese `zh` (a node or None)."""
        if en is None or _has_splat(call):
            return
        shown = shown or f"{what}({_short(en)})"
        if isinstance(en, ast.Call) and self.api(en.func) == "pick":
            return      # fail(pick(en, zh)): the pick call is audited itself
        zh_text = _literal_text(zh) if zh is not None else None
        missing = zh is None or (isinstance(zh, ast.Constant) and zh.value is None) \
            or (zh_text is not None and not zh_text.strip())
        if missing:
            self.add(call, (fix or _("{what} has no Chinese form (zh=)")).format(what=shown,
                                                                                 **extra))
            return
        if zh_text is not None and not HAN.search(zh_text) and not _is_code_text(zh_text):
            self.add(call, _("{what}: its Chinese form (zh=) has no Chinese character").format(
                what=shown))
            return
        theirs, ours = _placeholders(en), _placeholders(zh)
        if theirs is not None and ours is not None and _placeholders_differ(theirs, ours) \
                and (isinstance(en, ast.JoinedStr) or isinstance(zh, ast.JoinedStr)):
            self.add(call, _("{what}: its Chinese form uses the placeholders {zh}, the English"
                             " {en}").format(what=shown, zh=_braces(ours), en=_braces(theirs)))

    def _call(self, call: ast.Call) -> None:
        name = self.api(call.func)
        if name is None and isinstance(call.func, ast.Name) and call.func.id in self.helpers:
            en_name, en_at, zh_name, zh_at = self.helpers[call.func.id]
            self._pair(call, call.func.id, _arg(call, en_at, en_name), _arg(call, zh_at, zh_name),
                       fix=_("{what} has no Chinese form ({param}=)"), param=zh_name)
        elif name in ("title", "hint"):
            en, zh = _arg(call, 0, "text"), _arg(call, 1, "zh")
            if en is not None and not (isinstance(en, ast.Constant) and en.value is None):
                self._pair(call, "@" + name, en, zh)
            elif name == "title" and zh is not None:
                # @title(zh=...) over a docstring: the English is the docstring's first line.
                self._pair(call, "@title", ast.Constant(""), zh, shown="@title(zh=...)")
        elif name in ("fail", "claim_fail"):
            self._pair(call, name, _arg(call, 0, "diagnosis" if name == "fail" else "message"),
                       _kw(call, "zh"))
        elif name == "pick":
            en = _arg(call, 0, "en")
            if _literal_text(en) is not None:
                self._pair(call, name, en, _arg(call, 1, "zh"),
                           fix=_("{what} has no Chinese form (its second argument)"))
        elif name in ("CheckFailure", "ClaimFailure"):
            en = _arg(call, 0, "diagnosis")
            words = _literal_text(en)
            if words is not None and words.strip() and not HAN.search(words):
                self.add(call, _("{what} has no Chinese form: use fail(..., zh=...) or"
                                 " claim_fail(..., zh=...)").format(what=f"{name}({_short(en)})"))
        elif name in ("assert_tensor", "assert_number", "assert_equal"):
            label = _arg(call, 2, "what") if name == "assert_equal" else _kw(call, "name")
            words = _literal_text(label)
            if words is not None and not _is_code(words) and not HAN.search(words):
                self.add(call, _("{what} has no Chinese form: write it as pick(en, zh)").format(
                    what=f"{name}(..., {'what' if name == 'assert_equal' else 'name'}"
                         f"={_short(label)})"))

    def _check_title(self, fn) -> None:
        for deco in fn.decorator_list:
            if isinstance(deco, ast.Call) and self.api(deco.func) == "title":
                en = _arg(deco, 0, "text")
                if _arg(deco, 1, "zh") is not None or _has_splat(deco) or (
                        en is not None and not (isinstance(en, ast.Constant) and en.value is None)):
                    return          # a @title with a text: _call judges its zh
        self.add(fn, _("the title of {check} has no Chinese form (@title(..., zh=...))").format(
            check=fn.name))


def _braces(names: set[str]) -> str:
    return ", ".join("{" + n + "}" for n in sorted(names)) or "-"
