"""What reaches the learner: diagnosis and evidence, exceptions with their call, device
mistakes without a GPU, and the mistake classes the jail reports."""

from __future__ import annotations

import shutil

import pytest

from conftest import MINI
from grader.redact import student_view

HIDDEN = '''
import torch
from grader.checks import points, target, assert_tensor, fail


@points(1)
@target("double")
def check_hidden_values(student, case):
    """double of a hidden matrix"""
    x = torch.full((3, 2), 7.25)
    assert_tensor(student.double(x), 2 * x, inputs=(x,))


@points(1)
@target("double")
def check_hidden_list(student):
    """double leaves a list argument alone"""
    values = [1.0, 2.0, 3.0]
    student.double(torch.tensor(values), values)
'''


@pytest.fixture
def course(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(MINI, root)
    checks = root / "exercises" / "01_mini" / "checks"
    (checks / "hidden_more.py").write_text(HIDDEN, encoding="utf-8")
    spec = root / "exercises" / "01_mini" / "exercise.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("points: 5", "points: 3")
                    .replace("points: 3}", "points: 3}").replace(
                        '  - {name: scale_model, signature: "scale_model(n_in, n_out)", points: 2}\n',
                        ""), encoding="utf-8")
    return root


def _grade(make_grader, course, source, tmp_path, name="sub.py"):
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    grader = make_grader(course)
    return grader.grade(grader.course.find("01"), path)


def _check(result, name):
    return next(c for c in result["checks"] if c["id"].endswith(name))


def test_a_hidden_check_shows_its_diagnosis_and_withholds_its_evidence(make_grader, course, tmp_path):
    result = _grade(make_grader, course, "def double(x, extra=None):\n    return (2 * x).T\n",
                    tmp_path)
    check = _check(result, "check_hidden_values")
    assert "transposed" in check["message"] and "7.25" in check["evidence"]
    seen = _check(student_view(result), "check_hidden_values")
    assert "transposed" in seen["message"] and "evidence" not in seen
    assert "7.25" not in str(student_view(result))


def test_an_exception_shows_the_call_and_a_tutors_sentence(make_grader, course, tmp_path):
    source = "import torch\n\ndef double(x, extra=None):\n    return x @ torch.ones(5, 5)\n"
    result = _grade(make_grader, course, source, tmp_path)
    check = _check(result, "check_double_small")
    assert check["outcome"] == "error"
    assert "raised RuntimeError (your line 4)" in check["message"]
    assert "inner sizes to match" in check["message"]
    assert "the call: double(tensor (3,) float32 [1.0, 2.0, 3.0])" in check["evidence"]
    hidden = _check(student_view(result), "check_hidden_values")
    assert "cannot be multiplied" not in hidden["message"]   # the exception's text is evidence


def test_torch_not_implemented_is_an_error_not_not_attempted(make_grader, course, tmp_path):
    source = ("def double(x, extra=None):\n"
              "    raise NotImplementedError(\"'baddbmm' not implemented for 'Long'\")\n"
              "\n\ndef helper():\n    pass\n")
    result = _grade(make_grader, course, source, tmp_path)
    assert result["status"] == "graded"
    starter = _grade(make_grader, course,
                     "def double(x, extra=None):\n    raise NotImplementedError\n", tmp_path, "s.py")
    assert starter["status"] == "not_attempted"
    torch_raised = ("import torch\n\ndef double(x, extra=None):\n"
                    "    return torch.empty(0).to_sparse().to_dense().baddbmm_(x, x)\n")
    result = _grade(make_grader, course, torch_raised, tmp_path, "t.py")
    assert result["status"] == "graded"
    assert all(c["outcome"] == "error" for c in result["checks"])


def test_none_names_a_missing_return_only_when_there_is_none(make_grader, course, tmp_path):
    without = _grade(make_grader, course, "def double(x, extra=None):\n    y = 2 * x\n", tmp_path)
    assert "no return statement" in _check(without, "check_double_small")["message"]
    with_return = _grade(make_grader, course,
                         "def double(x, extra=None):\n    if x is None:\n        return 1\n",
                         tmp_path, "r.py")
    assert "no return statement" not in _check(with_return, "check_double_small")["message"]


def test_a_device_mistake_shows_without_a_gpu(make_grader, course, tmp_path):
    source = ("import torch\n\ndef double(x, extra=None):\n"
              "    return 2 * x + torch.zeros(x.shape)\n")
    result = _grade(make_grader, course, source, tmp_path)
    first = _check(result, "check_double_small")
    assert first["outcome"] == "failed" and "device mistake" in first["message"]
    assert first.get("basis") == "claim"
    agnostic = ("import torch\n\ndef double(x, extra=None):\n"
                "    return 2 * x + torch.zeros(x.shape, device=x.device)\n")
    assert _check(_grade(make_grader, course, agnostic, tmp_path, "a.py"),
                  "check_double_small")["outcome"] == "passed"


def test_a_list_argument_changed_in_place_is_reported(make_grader, course, tmp_path):
    source = ("def double(x, extra=None):\n    if extra is not None:\n        extra.append(0)\n"
              "    return 2 * x\n")
    result = _grade(make_grader, course, source, tmp_path)
    check = _check(result, "check_hidden_list")
    assert check["outcome"] == "failed" and "modified its input extra in place" in check["message"]


def test_a_requires_grad_flag_changed_on_an_input_is_reported(make_grader, course, tmp_path):
    source = "def double(x, extra=None):\n    x.requires_grad_(True)\n    return 2 * x.detach()\n"
    result = _grade(make_grader, course, source, tmp_path)
    assert "requires_grad flag" in _check(result, "check_double_small")["message"]
