"""Notebooks as submissions (grader/notebook.py): code cells graded, magics dropped with a note,
lines reported by cell, a starter notebook, and one line for any other kind of file."""

from __future__ import annotations

import io
import json
import shutil

import nbformat
import pytest
from nbformat import v4

from conftest import MINI, run_grade
from grader import notebook

SOLUTION = (MINI / "solutions" / "01_mini.py").read_text()


def _write(path, *cells):
    """cells: ("md", text) or code text."""
    nb = v4.new_notebook(cells=[v4.new_markdown_cell(c[1]) if isinstance(c, tuple)
                                else v4.new_code_cell(c) for c in cells])
    nbformat.write(nb, str(path))
    return path


def test_convert_keeps_code_cells_drops_magics_and_maps_every_line():
    nb = v4.new_notebook(cells=[
        v4.new_markdown_cell("# title"),
        v4.new_code_cell("%matplotlib inline\nimport torch\n!pip install x"),
        v4.new_code_cell("def f(x):\n    y = !ls\n    return x"),
        v4.new_code_cell("%%bash\necho hi"),
        v4.new_code_cell("%%time\nz = f(1)\nf?"),
    ])
    conv = notebook.convert(nb)
    compile(conv.source, "nb.py", "exec")           # still valid Python
    lines = conv.source.splitlines()
    assert "import torch" in lines and "%matplotlib" not in conv.source
    assert "    pass" in lines                        # the dropped line keeps the block valid
    assert "echo hi" not in conv.source and "z = f(1)" in lines
    assert conv.locate(lines.index("import torch") + 1) == (2, 2)
    assert conv.locate(lines.index("    return x") + 1) == (3, 3)
    assert conv.locate(lines.index("z = f(1)") + 1) == (5, 2)
    assert [(c, ln) for c, ln, _ in conv.dropped] == [(2, 1), (2, 3), (3, 2), (5, 1), (5, 3)]
    assert conv.dropped_cells == [(4, "%%bash")] and conv.code_cells == 4
    note = conv.note()
    assert "5 IPython magic or shell line(s) were left out" in note
    assert "cell 2, line 1: %matplotlib inline" in note and "cell 4 (%%bash)" in note


def test_remap_text_points_at_the_cell_and_leaves_other_files_alone():
    conv = notebook.Converted("", [(2, 1), (2, 2), (3, 1), (3, 2)])
    gen = "/tmp/x/01_mini.py"
    text = (f'syntax error on line 4\n  File "{gen}", line 3, in f\n'
            '  File "/usr/lib/torch/x.py", line 3, in g\nline 99 stays')
    out = notebook.remap_text(text, conv, gen, "hw.ipynb")
    assert "syntax error on cell 3, line 2" in out
    assert 'File "hw.ipynb", cell 3, line 1, in f' in out
    assert 'File "/usr/lib/torch/x.py", line 3, in g' in out and "line 99 stays" in out


def test_a_notebook_is_graded_like_the_py_file(make_grader, tmp_path):
    grader = make_grader(MINI)
    ex = grader.course.find("01")
    head, body = SOLUTION.split("\n\n\n", 1)
    good = _write(tmp_path / "hw.ipynb", ("md", "# my work"), "%matplotlib inline\n" + head,
                  "!nvidia-smi\n" + body)
    result = grader.grade(ex, good)
    assert result["status"] == "graded" and result["score"] == result["max_score"] == 5.0
    assert "2 IPython magic or shell line(s) were left out" in result["message"]
    assert "cell 2, line 1: %matplotlib inline" in result["message"]

    loop = _write(tmp_path / "loop.ipynb", head,
                  "def double(x):\n    return torch.stack([v * 2 for v in x])\n\n"
                  "def scale_model(n_in, n_out):\n    return torch.nn.Linear(n_in, n_out)\n")
    result = grader.grade(ex, loop)
    broken = [c for c in result["checks"] if c["outcome"] == "constraint"]
    assert broken and "(cell 2, line 2:" in broken[0]["message"], broken[0]["message"]

    bad = _write(tmp_path / "bad.ipynb", head, "def double(x)\n    return 2 * x\n")
    result = grader.grade(ex, bad)
    assert result["status"] == "syntax_error"
    assert "syntax error on cell 2, line 1" in result["message"]

    boom = _write(tmp_path / "boom.ipynb", head, "raise ValueError('boom')\n")
    result = grader.grade(ex, boom)
    assert result["status"] == "import_error" and "(cell 2, line 1)" in result["message"]
    assert "/tmp/grade-notebook" not in json.dumps(result)


@pytest.mark.parametrize("content, words", [
    (b"{not json", "not a Jupyter notebook"),
    (b'{"cells": 3, "nbformat": 4, "nbformat_minor": 5, "metadata": {}}', "cannot be read"),
    (b"\xff\xfe", "not UTF-8"),
])
def test_an_unreadable_notebook_is_a_syntax_error_that_says_why(make_grader, tmp_path, content,
                                                                 words):
    grader = make_grader(MINI)
    path = tmp_path / "broken.ipynb"
    path.write_bytes(content)
    result = grader.grade(grader.course.find("01"), path)
    assert result["status"] == "syntax_error" and result["score"] == 0
    assert result["message"].startswith("your notebook cannot be graded: ")
    assert words in result["message"], result["message"]


def test_watch_grades_a_notebook(make_grader, tmp_path):
    from grader import watch
    grader = make_grader(MINI)
    ex = grader.course.find("01")
    path = _write(tmp_path / "w.ipynb", SOLUTION)
    out = io.StringIO()
    watch.run(grader, grader.course, ex, path, screen=watch.Screen(out=out, colour=False),
              max_runs=1)
    assert "score: 5/5 (100%)" in out.getvalue()


def test_start_notebook_then_grade_it_from_another_folder(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(MINI, course)
    (course / "elsewhere").mkdir()
    r = run_grade("start", "01", "--notebook", "--lang", "zh", cwd=course / "elsewhere")
    assert r.returncode == 0 and "已写入" in r.stdout, r.stdout + r.stderr
    path = course / "work" / "01_mini.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "markdown" and "迷你" in nb.cells[0].source
    assert "写 double(x) = 2 * x" in nb.cells[0].source
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code[0] == "import torch" and code[1].startswith("def double(x):")
    assert code[2].startswith("def scale_model(n_in, n_out):")
    # No work/01_mini.py: `grade exercise 01` grades the notebook, from any folder.
    r = run_grade("exercise", "01", "--json", cwd=course / "elsewhere")
    assert r.returncode == 1, r.stderr
    assert json.loads(r.stdout)["status"] == "not_attempted"
    # Any other kind of file: one line that says what is accepted.
    (tmp_path / "hw.txt").write_text(SOLUTION)
    r = run_grade("--course", course, "exercise", "01", "--file", tmp_path / "hw.txt")
    assert r.returncode == 2 and r.stderr.strip().endswith(
        "grade accepts a Python file (.py) or a Jupyter notebook (.ipynb)"), r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
