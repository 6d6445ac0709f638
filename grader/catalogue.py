"""The grader's message catalogue: find every msgid, keep grader.po in step, compile it.

    python -m grader.catalogue update    # add new msgids to grader.po (translations kept),
                                         #   drop the ones no code uses, compile grader.mo
    python -m grader.catalogue check     # msgids without a Chinese translation; exit 1 if any
    python -m grader.catalogue compile   # grader.po -> grader.mo (msgfmt, else Python)

A msgid is the literal first argument of `_()`, `N_()` or `ngettext()` (and
ngettext's second) anywhere in grader/, found by walking the source with
`ast`; the help of the command line: the literal `help=` (`short_help=`,
`epilog=`) of a click option, argument or command, and the docstring of a
function decorated as a click command or group (as click shows it: cleaned,
up to a form feed), translated when the help is rendered (grader/cli.py);
plus the `{% trans %}` blocks and `_()` calls of the jinja2 templates in
grader/templates/ (jinja2's own extractor). The same walk is what the test
of the catalogue uses, so a sentence the code shows can never lack its
translation unnoticed. Placeholders are str.format's `{name}` in Python and
`%(name)s` in templates; a translation must keep exactly the same ones.

Development tooling only: the grader reads grader.mo through the standard
`gettext` module and needs nothing of this at run time.
"""

from __future__ import annotations

import ast
import inspect
import re
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"
PO = PACKAGE / "locale" / "zh" / "LC_MESSAGES" / "grader.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": 1, "N_": 1, "gettext": 1, "ngettext": 2}
# click's decorators whose help texts are msgids (grader/cli.py translates them).
HELP_CALLS = {"option", "argument", "command", "group", "version_option", "help_option",
              "password_option", "confirmation_option"}
HELP_KEYWORDS = ("help", "short_help", "epilog")
COMMAND_DECORATORS = {"command", "group"}

HEADER = """\
# Simplified Chinese messages of the torch-drills grader.
# Terms as the Chinese PyTorch tutorials write them: 张量, 广播, 梯度, 反向传播,
# 计算图, 损失函数, 优化器, 批次, 数据加载器, 形状, 维度, 数据类型. Code, shapes and
# values stay as they are. Update with: python -m grader.catalogue update
msgid ""
msgstr ""
"Project-Id-Version: torch-drills\\n"
"PO-Revision-Date: 2026-12-02 00:00+0000\\n"
"Last-Translator: torch-drills maintainers\\n"
"Language-Team: Chinese (simplified)\\n"
"Language: zh_CN\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
"""


@dataclass
class Message:
    msgid: str
    plural: str = ""
    where: list = field(default_factory=list)    # "grader/x.py:12"

    @property
    def key(self) -> str:
        return self.msgid


# ------------------------------------------------------------------ finding msgids

def _called_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
            func.value.id == "i18n":
        return func.attr
    return ""


def _last_name(node) -> str:
    """`option` for click.option(...), main.command(...), option(...); else ""."""
    func = node.func if isinstance(node, ast.Call) else node
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def help_texts(tree: ast.AST):
    """(line, text) of every help text of the command line in a module (see the docstring)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _last_name(node) in HELP_CALLS:
            for kw in node.keywords:
                if kw.arg in HELP_KEYWORDS and isinstance(kw.value, ast.Constant) and \
                        isinstance(kw.value.value, str) and kw.value.value.strip():
                    yield kw.value.lineno, inspect.cleandoc(kw.value.value)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                any(_last_name(d) in COMMAND_DECORATORS for d in node.decorator_list):
            doc = ast.get_docstring(node, clean=True)
            if doc and doc.partition("\f")[0].strip():
                yield node.lineno, doc.partition("\f")[0]


def python_messages(package: Path = PACKAGE, problems: list | None = None) -> dict[str, Message]:
    """msgid -> Message for every _()/N_()/ngettext() with literal text in the package."""
    found: dict[str, Message] = {}
    for path in sorted(package.rglob("*.py")):
        if path.name == "catalogue.py":
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except SyntaxError as e:   # a file someone is editing: say so, do not guess
            if problems is not None:
                problems.append(f"{path}: {e}")
            continue
        where = path.relative_to(package.parent).as_posix()
        for lineno, text in help_texts(tree):
            found.setdefault(text, Message(text)).where.append(f"{where}:{lineno}")
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _called_name(node)
            if name not in KEYWORDS or not node.args:
                continue
            texts = []
            for arg in node.args[:KEYWORDS[name]]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    texts.append(arg.value)
                else:
                    texts.append(None)
            if texts[0] is None:
                # _(NAME) of a sentence marked with N_() where it is defined is fine; a
                # formatted string never is (its msgid would be the formatted text).
                if problems is not None and isinstance(node.args[0], (ast.JoinedStr, ast.BinOp)):
                    problems.append(f"{where}:{node.lineno}: {name}() of a formatted string"
                                    " (format after translating: _(\"... {x}\").format(x=...))")
                continue
            msg = found.setdefault(texts[0], Message(texts[0]))
            if name == "ngettext" and len(texts) > 1 and texts[1]:
                msg.plural = texts[1]
            msg.where.append(f"{where}:{node.lineno}")
    return found


def template_messages(templates: Path = TEMPLATES) -> dict[str, Message]:
    """msgid -> Message for the {% trans %} blocks and _() calls of the HTML templates."""
    import jinja2
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    found: dict[str, Message] = {}
    for path in sorted(templates.glob("*.html")):
        source = path.read_text(encoding="utf-8")
        where = path.relative_to(PACKAGE.parent).as_posix()
        for lineno, _func, message in env.extract_translations(source):
            if isinstance(message, tuple):
                singular, plural = message[0], (message[1] if len(message) > 1 else "")
            else:
                singular, plural = message, ""
            if not singular:
                continue
            msg = found.setdefault(singular, Message(singular))
            if plural:
                msg.plural = plural
            msg.where.append(f"{where}:{lineno}")
    return found


def all_messages(problems: list | None = None) -> dict[str, Message]:
    found = python_messages(problems=problems)
    for key, msg in template_messages().items():
        mine = found.setdefault(key, Message(key, msg.plural))
        mine.plural = mine.plural or msg.plural
        mine.where += msg.where
    return found


# ------------------------------------------------------------------ reading and writing .po

def _unquote(text: str) -> str:
    return ast.literal_eval(text) if text.startswith('"') else ""


def read_po(path: Path = PO) -> dict[str, dict]:
    """msgid -> {"plural": str, "msgstr": [str, ...], "fuzzy": bool, "obsolete": bool} (a
    #~ entry: no code uses it now); the header is left out."""
    entries: dict[str, dict] = {}
    if not Path(path).exists():
        return entries
    current: dict | None = None
    field_name = None
    fuzzy = False

    def flush():
        nonlocal current
        if current is not None and current["msgid"]:
            entries[current["msgid"]] = {"plural": current["plural"],
                                         "msgstr": current["msgstr"], "fuzzy": current["fuzzy"],
                                         "obsolete": current["obsolete"]}
        current = None

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:                       # an unused message: kept as translation memory
            line = line[2:].strip()
        if not line:
            flush()
            field_name = None
            fuzzy = False
            continue
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
            continue
        if line.startswith("#"):
            continue
        if line.startswith("msgid_plural "):
            current["plural"] = _unquote(line[len("msgid_plural "):])
            field_name = "plural"
        elif line.startswith("msgid "):
            flush()
            current = {"msgid": _unquote(line[len("msgid "):]), "plural": "", "msgstr": [],
                       "fuzzy": fuzzy, "obsolete": obsolete}
            field_name = "msgid"
        elif line.startswith("msgstr"):
            head, _, rest = line.partition(" ")
            current["msgstr"].append(_unquote(rest))
            field_name = "msgstr"
        elif line.startswith('"') and current is not None:
            text = _unquote(line)
            if field_name == "msgid":
                current["msgid"] += text
            elif field_name == "plural":
                current["plural"] += text
            elif field_name == "msgstr":
                current["msgstr"][-1] += text
    flush()
    return entries


def _quote(text: str) -> str:
    """A PO string: one line, or several split after each \\n."""
    def q(part):
        return '"' + part.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") \
            .replace("\t", "\\t") + '"'
    if "\n" in text.rstrip("\n") or len(text) > 70:
        pieces = re.findall(r"[^\n]*\n|[^\n]+$", text)
        return '""\n' + "\n".join(q(p) for p in pieces)
    return q(text)


def placeholders(text: str) -> list[str]:
    """The str.format fields and %(name)s fields of a message, sorted."""
    brace = re.findall(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)?(?:[!:][^{}]*)?\}(?!\})", text)
    percent = re.findall(r"%\(([A-Za-z_][A-Za-z0-9_]*)\)[sd]", text)
    return sorted(["{" + b + "}" for b in brace] + ["%(" + p + ")" for p in percent])


def _flags(msgid: str) -> str:
    if re.search(r"%\([A-Za-z_]+\)[sd]", msgid):
        return "#, python-format\n"
    if re.search(r"\{[A-Za-z_][A-Za-z0-9_]*(?:[!:][^{}]*)?\}", msgid):
        return "#, python-brace-format\n"
    return ""


def write_po(messages: dict[str, Message], translations: dict[str, dict], path: Path = PO) -> None:
    """grader.po: every message, in source order, with the translations kept."""
    order = sorted(messages.values(), key=lambda m: (m.where[0].split(":")[0],
                                                      int(m.where[0].split(":")[1])))
    out = [HEADER]
    for msg in order:
        have = translations.get(msg.msgid, {})
        lines = ["#: " + " ".join(msg.where[:6])]
        flags = _flags(msg.msgid)
        if have.get("fuzzy"):
            flags = "#, fuzzy" + (", " + flags[3:] if flags else "\n")
        if flags:
            lines.append(flags.rstrip("\n"))
        lines.append("msgid " + _quote(msg.msgid))
        strs = have.get("msgstr") or [""]
        if msg.plural:
            lines.append("msgid_plural " + _quote(msg.plural))
            lines.append("msgstr[0] " + _quote(strs[0]))
        else:
            lines.append("msgstr " + _quote(strs[0]))
        out.append("\n".join(lines) + "\n")
    # Translations no code uses now stay, commented out, in case the sentence comes back.
    for msgid, have in translations.items():
        if msgid in messages or not any(have.get("msgstr") or []):
            continue
        lines = ["msgid " + _quote(msgid)]
        if have.get("plural"):
            lines.append("msgid_plural " + _quote(have["plural"]))
            lines.append("msgstr[0] " + _quote(have["msgstr"][0]))
        else:
            lines.append("msgstr " + _quote(have["msgstr"][0]))
        out.append("\n".join("#~ " + piece for line in lines for piece in line.split("\n"))
                   + "\n")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("\n".join(out), encoding="utf-8")


# ------------------------------------------------------------------ compiling

def compile_mo(po: Path = PO, mo: Path = MO, use_msgfmt: bool = True) -> None:
    """grader.po -> grader.mo: msgfmt --check when installed, else the same file in Python."""
    msgfmt = shutil.which("msgfmt") if use_msgfmt else None
    if msgfmt:
        subprocess.run([msgfmt, "--check", "-o", str(mo), str(po)], check=True)
        return
    Path(mo).write_bytes(mo_bytes(read_po(po), _header_text(po)))


def _header_text(po: Path) -> str:
    text = Path(po).read_text(encoding="utf-8")
    match = re.search(r'msgid ""\nmsgstr ""\n((?:".*"\n)+)', text)
    return "".join(_unquote(line) for line in match.group(1).splitlines()) if match else ""


def mo_bytes(entries: dict[str, dict], header: str) -> bytes:
    """The GNU .mo format (what msgfmt writes, without the hash table)."""
    pairs = [("", header)]
    for msgid, entry in entries.items():
        if entry.get("fuzzy") or entry.get("obsolete") or not any(entry["msgstr"]):
            continue
        key = msgid + ("\0" + entry["plural"] if entry["plural"] else "")
        pairs.append((key, "\0".join(entry["msgstr"])))
    pairs.sort(key=lambda p: p[0].encode("utf-8"))
    ids = [k.encode("utf-8") for k, _ in pairs]
    strs = [v.encode("utf-8") for _, v in pairs]
    n = len(pairs)
    start = 7 * 4
    ids_table, strs_table = start, start + 8 * n
    data = start + 16 * n
    offsets, blob = [], b""
    for b in ids:
        offsets.append((len(b), data + len(blob)))
        blob += b + b"\0"
    str_offsets = []
    for b in strs:
        str_offsets.append((len(b), data + len(blob)))
        blob += b + b"\0"
    out = struct.pack("<7I", 0x950412DE, 0, n, ids_table, strs_table, 0, data)
    out += b"".join(struct.pack("<2I", *o) for o in offsets)
    out += b"".join(struct.pack("<2I", *o) for o in str_offsets)
    return out + blob


# ------------------------------------------------------------------ checks

def missing(messages: dict[str, Message] | None = None, translations: dict | None = None) -> list:
    """Messages the code uses that have no (or a fuzzy, or an inconsistent) translation."""
    messages = all_messages() if messages is None else messages
    translations = read_po() if translations is None else translations
    out = []
    for msg in messages.values():
        entry = translations.get(msg.msgid)
        if entry is None or entry["fuzzy"] or not entry["msgstr"] or \
                not all(s.strip() for s in entry["msgstr"]):
            out.append((msg, "no translation"))
        elif any(placeholders(s) != placeholders(msg.msgid) for s in entry["msgstr"]):
            out.append((msg, "placeholders differ"))
    return out


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv else "check"
    problems: list[str] = []
    messages = all_messages(problems)
    for p in problems:
        print("note:", p, file=sys.stderr)
    if command == "update":
        write_po(messages, read_po())
        compile_mo()
        print(f"{PO}: {len(messages)} message(s)")
    elif command == "compile":
        compile_mo()
    left = missing(messages)
    for msg, why in left:
        print(f"{msg.where[0]}: {why}: {msg.msgid!r}")
    if command in ("check", "update"):
        print(f"{len(messages) - len(left)}/{len(messages)} translated")
    return 1 if left and command == "check" else 0


if __name__ == "__main__":
    sys.exit(main())
