"""Jupyter notebooks as submissions, and a starter notebook for `grade start --notebook`.

A notebook is read with nbformat (any nbformat version it can convert to 4).
Its code cells, in order, become one Python file; markdown and raw cells are
left out. What is not Python stays out too, with a note in the result:

- IPython magics and shell lines (`%matplotlib inline`, `!pip install ...`,
  `x = !ls`, `%timeit f(x)`, `obj?`) become `pass` at the same indentation,
  so the lines around them keep their meaning and their numbers;
- a cell magic (`%%bash`, `%%html`, `%%writefile` ...) drops its whole cell,
  except those whose body is Python (`%%time`, `%%capture` ...), which keep it.

Every line of the generated file remembers its cell and its line there, so a
message about "line 12" of the generated file says "cell 4, line 2" instead,
counting cells from the top of the notebook as a learner sees them (markdown
cells included).

Grading a notebook writes the generated file into a private temporary folder,
grades that file exactly as any .py file (same jail, same checks), and maps
the line numbers and the file's name in the result back to the notebook.
"""

from __future__ import annotations

import ast
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader import i18n
from grader.i18n import _

SUFFIXES = (".py", ".ipynb")
MAX_NOTEBOOK_BYTES = 16 * 1024 * 1024   # outputs (plots) make notebooks big; the code is small
# Cell magics whose body is Python: the body is kept, the magic line dropped.
PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun", "python", "python3", "debug"}
_ASSIGNED_MAGIC = re.compile(r"^[A-Za-z_][\w.]*(\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*[%!]")
_HELP_LINE = re.compile(r"^\??[A-Za-z_][\w.]*\?\??$")


def accepted_line(lang: str | None = None) -> str:
    """The one line that says what kind of file can be graded (in `lang`, else the current
    language)."""
    with i18n.speaking(lang or i18n.current()):
        return _("grade accepts a Python file (.py) or a Jupyter notebook (.ipynb)")


def is_notebook(path) -> bool:
    return str(path).lower().endswith(".ipynb")


def is_accepted(path) -> bool:
    return str(path).lower().endswith(SUFFIXES)


class NotebookError(Exception):
    """The notebook cannot be read as a notebook."""


@dataclass
class Converted:
    source: str
    where: list[tuple[int, int]]                       # generated line (index + 1) -> (cell, line)
    dropped: list[tuple[int, int, str]] = field(default_factory=list)   # (cell, line, text)
    dropped_cells: list[tuple[int, str]] = field(default_factory=list)  # (cell, magic)
    code_cells: int = 0

    def locate(self, line: int) -> tuple[int, int] | None:
        if 1 <= line <= len(self.where):
            return self.where[line - 1]
        return None

    def note(self) -> str:
        """What the grading should say about the conversion, or ''."""
        parts = []
        if self.dropped:
            shown = _("; ").join(_("cell {cell}, line {line}").format(cell=c, line=ln)
                                 + _(": ") + text.strip()[:60]
                                 for c, ln, text in self.dropped[:3])
            more = _("; and {n} more").format(n=len(self.dropped) - 3) \
                if len(self.dropped) > 3 else ""
            parts.append(_("{n} IPython magic or shell line(s) were left out ({lines})").format(
                n=len(self.dropped), lines=shown + more))
        if self.dropped_cells:
            shown = _(", ").join(_("cell {cell} ({magic})").format(cell=c, magic=magic)
                                 for c, magic in self.dropped_cells[:3])
            parts.append(_("{n} cell(s) that are not Python were left out: {cells}").format(
                n=len(self.dropped_cells), cells=shown))
        return _("; ").join(parts)


def _cell_source(cell) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):   # nbformat 4 allows a list of lines on disk
        source = "".join(source)
    return source if isinstance(source, str) else ""


def read(path: Path):
    """The notebook (an nbformat NotebookNode, version 4); NotebookError if it is not one."""
    import nbformat
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            raise NotebookError(_("the notebook is {size} bytes; the limit is {limit} (clear its"
                                  " outputs and save it again)").format(
                size=f"{size:,}", limit=f"{MAX_NOTEBOOK_BYTES:,}"))
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise NotebookError(_("the notebook is not UTF-8 text (byte {position})").format(
            position=e.start)) from None
    try:
        nb = nbformat.reads(text, as_version=4)
    except nbformat.reader.NotJSONError:
        raise NotebookError(_("the file is not a Jupyter notebook (it is not notebook JSON)")
                            ) from None
    except Exception as e:   # nbformat raises many kinds for a damaged file
        raise NotebookError(_("the notebook cannot be read ({error})").format(
            error=f"{type(e).__name__}: "
                  + (str(e).splitlines()[0][:200] if str(e) else _("damaged")))) from None
    if not isinstance(nb.get("cells"), list):
        raise NotebookError(_("the notebook has no cells"))
    return nb


def _magic_free(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return True
    if stripped.startswith(("%", "!")):
        return False
    if _ASSIGNED_MAGIC.match(stripped) or _HELP_LINE.match(stripped):
        return False
    return True


def convert(nb) -> Converted:
    """The code cells of a notebook as one Python file, with a map back to the cells."""
    lines: list[str] = []
    where: list[tuple[int, int]] = []
    out = Converted("", where)
    for number, cell in enumerate(nb.get("cells", []), 1):
        if cell.get("cell_type") != "code":
            continue
        out.code_cells += 1
        cell_lines = _cell_source(cell).splitlines()
        start = 0
        if cell_lines and cell_lines[0].lstrip().startswith("%%"):
            magic = cell_lines[0].strip()[2:].split(None, 1)[0] if cell_lines[0].strip()[2:] else ""
            if magic not in PYTHON_CELL_MAGICS:
                out.dropped_cells.append((number, "%%" + magic))
                continue
            out.dropped.append((number, 1, cell_lines[0]))
            lines.append("")
            where.append((number, 1))
            start = 1
        # Whether a line is inside a string decides nothing here: a magic at
        # the start of a line of a multi-line string is rare, and dropping it
        # costs a character of a docstring, not a grade.
        for i in range(start, len(cell_lines)):
            line = cell_lines[i]
            if _magic_free(line):
                lines.append(line)
            else:
                indent = line[:len(line) - len(line.lstrip())]
                lines.append(f"{indent}pass")
                out.dropped.append((number, i + 1, line))
            where.append((number, i + 1))
        lines.append("")              # cells end with a newline of their own
        where.append((number, len(cell_lines) + 1))
    out.source = "\n".join(lines) + ("\n" if lines else "")
    return out


_LINE = re.compile(r"(?P<file>File \"(?P<path>[^\"]*)\", )?\b(?P<word>line|Line) (?P<n>\d+)"
                   r"|第 (?P<zh>\d+) 行")   # the grader's own words in Chinese ("第 12 行")


def remap_text(text: str, conv: Converted, generated: str, shown: str) -> str:
    """`line N` of the generated file becomes `cell C, line L`; its path, the notebook's name."""
    if not text:
        return text

    def repl(m):
        if m.group("zh"):
            place = conv.locate(int(m.group("zh")))
            return m.group(0) if place is None else \
                _("cell {cell}, line {line}").format(cell=place[0], line=place[1])
        n = int(m.group("n"))
        place = conv.locate(n)
        path = m.group("path")
        if path is not None and path != generated:
            return m.group(0)          # a line of some other file (a traceback of torch)
        if place is None:
            return m.group(0)
        cell, line = place
        head = f'File "{shown}", ' if path is not None else ""
        return f"{head}cell {cell}, {m.group('word').lower()} {line}"

    text = _LINE.sub(repl, text)
    return text.replace(generated, shown)


def remap_result(result: dict, conv: Converted, generated: str, shown: str) -> dict:
    for key in ("message", "stdout", "stderr"):
        if isinstance(result.get(key), str):
            result[key] = remap_text(result[key], conv, generated, shown)
    for check in result.get("checks") or []:
        for key in ("message", "diagnosis"):
            if isinstance(check.get(key), str):
                check[key] = remap_text(check[key], conv, generated, shown)
    return result


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def grade(grader, exercise, path: Path, **kw) -> dict:
    """Grade a notebook with `grader` (a runner.Grader): its code cells, as a .py file."""
    path = Path(path)
    if not path.exists():
        from grader.runner import SubmissionError
        raise SubmissionError(_("{path}: no such file").format(path=path))
    if path.is_dir():
        from grader.runner import SubmissionError
        raise SubmissionError(_("{path} is a directory, not a notebook").format(path=path))
    folder = Path(tempfile.mkdtemp(prefix="grade-notebook-")).resolve()
    generated = folder / f"{exercise.slug}.py"
    try:
        try:
            conv = convert(read(path))
            problem = ""
        except NotebookError as e:
            conv, problem = Converted("", []), str(e)
        except OSError as e:
            from grader.runner import SubmissionError
            raise SubmissionError(_("{path}: cannot read it ({error})").format(
                path=path, error=e.strerror)) from None
        # An unreadable notebook is graded as an unreadable file: every check fails
        # with the reason (binary data makes the runner say so), then the words are ours.
        generated.write_bytes(b"\0" if problem else conv.source.encode("utf-8"))
        result = grader.grade(exercise, generated, **kw)
        shown = path.name
        if problem:
            old = result.get("message", "")
            text = _("your notebook cannot be graded: {problem}").format(problem=problem)
            result["message"] = text
            for check in result.get("checks") or []:
                if old and check.get("message") == old:
                    check["message"] = text
            return result
        remap_result(result, conv, str(generated), shown)
        if conv.code_cells == 0:
            result["message"] = _join(result.get("message", ""),
                                      _("the notebook has no code cells"))
        result["message"] = _join(result.get("message", ""), conv.note())
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------ a starter notebook

def _starter_cells(source: str) -> list[str]:
    """The starter split where a learner would: imports and module text, then each def/class."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return [source]
    lines = source.splitlines()
    starts = []
    for node in tree.body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            starts.append(first - 1)
    if not starts:
        return [source.strip("\n")]
    cuts = [0] + [s for s in starts if s > 0] + [len(lines)]
    cells = []
    for a, b in zip(cuts, cuts[1:]):
        text = "\n".join(lines[a:b]).strip("\n")
        if text:
            cells.append(text)
    return cells


def starter_notebook(exercise, lang: str = "en"):
    """A notebook for an exercise: the instructions as markdown, the starter code in cells."""
    import nbformat
    from nbformat import v4

    title = exercise.text(exercise.title, lang)
    instructions = exercise.text(exercise.instructions, lang).rstrip()
    file = f"work/{exercise.slug}.ipynb"
    if lang == "zh":
        intro = (f"# {exercise.number} {title}\n\n{instructions}\n\n"
                 f"在下面的代码单元里完成函数。保存后在终端运行 `grade exercise {exercise.number}`"
                 f"（或 `grade watch {exercise.number}`）评分。以 `%` 或 `!` 开头的行不会被评分。")
        outro = (f"评分：`grade exercise {exercise.number} --file {file}`。"
                 "只评分代码单元；Markdown 单元不会运行。")
    else:
        intro = (f"# {exercise.number} {title}\n\n{instructions}\n\n"
                 f"Complete the functions in the code cells below. Save the notebook and run"
                 f" `grade exercise {exercise.number}` (or `grade watch {exercise.number}`) in a"
                 " terminal to grade it. Lines that start with `%` or `!` are not graded.")
        outro = (f"To grade: `grade exercise {exercise.number} --file {file}`."
                 " Only the code cells are graded; markdown cells never run.")
    source = exercise.starter.read_text(encoding="utf-8")
    cells = [v4.new_markdown_cell(intro)]
    cells += [v4.new_code_cell(text) for text in _starter_cells(source)]
    cells.append(v4.new_markdown_cell(outro))
    nb = v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    nbformat.validate(nb)
    return nb


def write_starter(exercise, target: Path, lang: str = "en") -> None:
    import nbformat
    nb = starter_notebook(exercise, lang)
    tmp = target.with_name(f".{target.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        nbformat.write(nb, f)
    tmp.replace(target)
