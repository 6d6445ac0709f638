"""The jail as the checks see it: calls, handles, metadata, deaths and restarts."""

import textwrap

import numpy as np
import pytest
import torch

from grader.proxy import (JailDied, Session, StaleHandle, Student, StudentError,
                          StudentImportError, claims)

SOURCE = '''
import os, sys, time
import numpy as np
import torch

def add(x, y):
    print("adding")
    return x + y

def same(x):
    return x

def view_of(a):
    return torch.from_numpy(a)

def grows(x):
    x.add_(1)
    return x

def no_grad_left_off(x):
    torch.set_grad_enabled(False)
    return x

def loop():
    while True:
        pass

def die():
    os._exit(3)

def shout(n):
    sys.stdout.write("x" * n)
    return n

def fails():
    raise ValueError("nope")

def todo():
    raise NotImplementedError

def model():
    return torch.nn.Linear(3, 2)

def where(x):
    return str(x.device), x.requires_grad

def grad_of_sum(x):
    x.sum().backward()
    return x.grad

def exits():
    raise SystemExit(0)
'''


@pytest.fixture
def student_file(tmp_path):
    path = tmp_path / "student.py"
    path.write_text(SOURCE)
    return path


@pytest.fixture
def session(zygote, student_file):
    s = Session(zygote, {"path": str(student_file), "device": "cpu", "limits": {}},
                timeout_s=2.0, output_limit=1000)
    yield s
    s.close()


def test_calls_return_plain_tensors_with_metadata(session):
    st = Student(session)
    x, y = torch.randn(3), torch.randn(3)
    out = st.add(x, y)
    assert type(out) is torch.Tensor and torch.equal(out, x + y)
    m = claims(out)
    assert m.device == "cpu" and m.input_device == "cpu" and m.grad_fn is None
    assert claims(st.same(x)).shares_memory_with == ["x"]
    assert claims(st.view_of(np.ones(3))).shares_memory_with == ["a"]
    assert claims(st.add(x, y)).shares_memory_with == []


def test_requires_grad_and_autograd_happen_in_the_jail(session):
    st = Student(session)
    x = torch.randn(4, requires_grad=True)
    assert st.where(x) == ("cpu", True)
    assert torch.equal(st.grad_of_sum(x), torch.ones(4))
    assert x.grad is None  # the check's own tensor is untouched


def test_handles_call_index_iterate(session):
    st = Student(session)
    layer = st.model()
    assert layer.type_name == "Linear" and layer.in_features == 3
    params = list(layer.parameters())
    assert [tuple(p.shape) for p in params] == [(2, 3), (2,)]
    state = layer.state_dict()
    x = torch.randn(5, 3)
    out = layer(x)
    assert torch.allclose(out, x @ state["weight"].T + state["bias"], atol=1e-6)
    assert claims(out).grad_fn == "AddmmBackward0" and claims(out).requires_grad
    built = st.build("nn.Linear", 3, 2)
    assert built.type_name == "Linear"
    assert torch.allclose(st.build("model.outputs", layer, x), out.detach(), atol=1e-6)
    with pytest.raises(StudentError, match="no builder named"):
        st.build("os.system", "true")


def test_mutation_and_state_changes_are_reported(session):
    st = Student(session)
    x = torch.zeros(2)
    st.grows(x)
    assert st.last_call.mutated == ["x"] and torch.equal(x, torch.zeros(2))
    st.no_grad_left_off(x)
    assert st.last_call.state_changed == ["grad mode was left disabled"]
    st.same(x)
    assert st.last_call.state_changed == []  # and the jail restored it


def test_student_exceptions(session):
    st = Student(session)
    with pytest.raises(StudentError, match="fails\\(\\) raised ValueError: nope") as info:
        st.fails()
    assert "raise ValueError" in info.value.student_traceback
    with pytest.raises(StudentError) as info:
        st.todo()
    assert info.value.not_implemented
    with pytest.raises(StudentError, match="SystemExit"):
        st.exits()
    with pytest.raises(StudentError, match="does not define missing"):
        st.missing()
    assert st.add(1, 2) == 3  # still the same, live jail


def test_timeout_kills_restarts_and_makes_old_handles_stale(session):
    st = Student(session)
    layer = st.model()
    with pytest.raises(JailDied) as info:
        st.loop()
    assert info.value.reason == "timeout" and "did not finish within 2 s" in str(info.value)
    assert st.add(1, 2) == 3 and session.generation == 2
    with pytest.raises(StaleHandle):
        layer(torch.randn(1, 3))
    with pytest.raises(JailDied) as info:
        st.loop()
    assert "within 1 s" in str(info.value)  # a repeat offender gets a short deadline


def test_exit_inside_a_call_is_a_crash(session):
    st = Student(session)
    with pytest.raises(JailDied) as info:
        st.die()
    assert info.value.reason == "crashed" and "exited with code 3" in str(info.value)
    assert st.add(2, 2) == 4


def test_output_is_captured_and_cut(session):
    st = Student(session)
    assert st.shout(5000) == 5000
    session.close()
    text = session.stdout.text()
    assert text.startswith("x" * 100) and "output cut: 5,000 bytes were printed" in text


def test_import_failures(zygote, tmp_path):
    for body, status, words in [
        ("raise RuntimeError('at import')", "import_error", "RuntimeError while being loaded (line 1)"),
        ("import os\nos._exit(0)", "crashed", "exited with code 0"),
        ("while True: pass", "timeout", "did not finish within 1 s"),
    ]:
        path = tmp_path / "bad.py"
        path.write_text(textwrap.dedent(body))
        s = Session(zygote, {"path": str(path), "limits": {}}, timeout_s=1.0)
        with pytest.raises(StudentImportError) as info:
            s.start()
        assert info.value.status == status and words in str(info.value)
        with pytest.raises(StudentImportError):  # remembered, not retried
            s.start()
        s.close()
