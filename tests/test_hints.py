"""Tiered hints: the first after a failed grading of a function, the next after more."""

from __future__ import annotations

import json
import shutil

from conftest import MINI, run_grade

WRONG = "import torch\n\n\ndef double(x):\n    return 3 * x\n\n\ndef scale_model(n_in, n_out):\n" \
        "    return torch.nn.Linear(n_in, n_out)\n"


def _course(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(MINI, course)
    spec = course / "exercises" / "01_mini" / "exercise.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        '  - {en: "Multiply by two.", zh: "乘以二。"}',
        '  - {en: "Multiply by two.", zh: "乘以二。"}\n'
        '  - {en: "return 2 * x", zh: "返回 2 * x", function: double}'), encoding="utf-8")
    (course / "work").mkdir()
    (course / "work" / "01_mini.py").write_text(WRONG, encoding="utf-8")
    return course


def test_hints_unlock_one_tier_per_failed_grading(tmp_path):
    course = _course(tmp_path)
    first = run_grade("exercise", "01", cwd=course)
    assert first.returncode == 1
    assert "hint 1/2 for double(): return 2 * x" in first.stdout
    second = run_grade("exercise", "01", "--json", cwd=course)
    doc = json.loads(second.stdout)
    assert doc["hints"] == [{"function": "double", "tier": 2, "of": 2, "text": "Multiply by two."}]
    progress = json.loads((course / ".grade" / "progress.json").read_text())
    assert progress["failures"]["01_mini"] == {"double": 2}
    third = run_grade("exercise", "01", "--lang", "zh", cwd=course)
    assert "乘以二。" in third.stdout


def test_grade_hint_shows_every_tier_on_request(tmp_path):
    course = _course(tmp_path)
    r = run_grade("hint", "01", "double", cwd=course)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0].endswith("return 2 * x")
    assert "Multiply by two." in r.stdout
    r = run_grade("hint", "01", "triple", cwd=course)
    assert r.returncode == 2 and "has no function 'triple'" in r.stderr
