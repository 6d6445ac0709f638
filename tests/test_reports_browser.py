"""The HTML reports in a real browser: headless Chromium over the DevTools protocol.

Chromium runs with --remote-debugging-pipe (commands on fd 3, replies on
fd 4, each a JSON message ended by a NUL byte), so the test needs no
network port and no dependency. For each page it records every console
message, uncaught exception, log entry and network request, then asks the
page itself what it drew. Screenshots go to artifacts/ (ignored by git) for
CI to keep.

Without chromium the test is skipped with the reason, except in CI (CI=true),
where a missing browser is a failure.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from classfixture import EXERCISES, make_class, make_course
from conftest import ROOT, run_grade

ARTIFACTS = ROOT / "artifacts"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--remote-debugging-pipe"]
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
DESKTOP = {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}


def _browser() -> str:
    found = next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed, and CI must run the browser test"
                    " (apt-get install -y chromium)")
    pytest.skip("chromium is not installed (apt-get install -y chromium); the reports were"
                " not opened in a browser")


def _high_fd(fd: int) -> int:
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 100)
    os.close(fd)
    return high


class DevTools:
    """A minimal DevTools-protocol client over Chromium's debugging pipe."""

    def __init__(self, exe: str, profile: Path):
        self.log = Path(profile) / "chromium-stderr.log"
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()
        # The browser expects the pipe on fds 3 and 4 exactly. Move our ends above
        # both first (so placing one cannot clobber the other), then let a tiny
        # Python place them and exec the browser (a shell cannot name fds over 9).
        to_browser_r, from_browser_w = (_high_fd(to_browser_r), _high_fd(from_browser_w))
        place = ("import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4);"
                 " os.execvp(sys.argv[3], sys.argv[3:])")
        with open(self.log, "wb") as log:   # a file, not a pipe: a pipe could fill
            self.proc = subprocess.Popen(
                [sys.executable, "-c", place, str(to_browser_r), str(from_browser_w), exe,
                 *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                pass_fds=(to_browser_r, from_browser_w), stdout=subprocess.DEVNULL,
                stderr=log, start_new_session=True)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict] = []
        self.session = None

    def _stderr(self) -> str:
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        try:
            return self.log.read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def close(self) -> None:
        try:
            self.send("Browser.close", session=False, wait=False)
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self.to_browser, self.from_browser):
            try:
                os.close(fd)
            except OSError:
                pass

    def _read_message(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.from_browser], [], [], left)[0]:
                raise TimeoutError("the browser did not answer")
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise EOFError("the browser closed its debugging pipe: " + self._stderr())
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, params: dict | None = None, *, session=True, wait=True,
             timeout: float = 60):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        try:
            os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        except BrokenPipeError:
            raise EOFError("the browser stopped: " + self._stderr()) from None
        if not wait:
            return None
        while True:
            reply = self._read_message(timeout)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 60) -> dict:
        for i, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            event = self._read_message(max(0.1, deadline - time.monotonic()))
            if event.get("method") == method:
                return event
            self.events.append(event)

    def open_page(self) -> None:
        targets = self.send("Target.getTargets", session=False)["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.send("Target.attachToTarget",
                                 {"targetId": page["targetId"], "flatten": True},
                                 session=False)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")

    def load(self, url: str, metrics: dict) -> list[dict]:
        """Navigate; returns the events seen while the page loaded."""
        self.send("Emulation.setDeviceMetricsOverride", metrics)
        self.events.clear()
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")
        self.evaluate("1")   # let anything queued during load arrive
        seen, self.events = self.events, []
        return seen

    def evaluate(self, expression: str):
        reply = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in reply:
            raise RuntimeError(f"evaluate: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def screenshot(self, path: Path, metrics: dict) -> None:
        height = self.evaluate("Math.ceil(document.documentElement.scrollHeight)")
        self.send("Emulation.setDeviceMetricsOverride", {**metrics, "height": int(height)})
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        self.send("Emulation.setDeviceMetricsOverride", metrics)


def problems(events: list[dict]) -> list[str]:
    """Console errors and warnings, uncaught exceptions, log errors, failed or remote loads."""
    found = []
    for e in events:
        method, p = e.get("method"), e.get("params", {})
        if method == "Runtime.exceptionThrown":
            found.append(f"exception: {p['exceptionDetails'].get('text')}")
        elif method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
            found.append(f"console.{p['type']}: {[a.get('value') for a in p.get('args', [])]}")
        elif method == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
            found.append(f"log {p['entry']['level']}: {p['entry']['text']}")
        elif method == "Network.loadingFailed":
            found.append(f"load failed: {p.get('errorText')}")
        elif method == "Network.requestWillBeSent" and \
                not p["request"]["url"].startswith(("file://", "data:", "about:")):
            found.append(f"network request: {p['request']['url']}")
    return found


DRAWN = """(() => Array.from(document.querySelectorAll('svg.histogram')).map(svg => ({
    exercise: svg.dataset.exercise,
    submitted: Number(svg.dataset.submitted),
    width: svg.getBoundingClientRect().width,
    bars: Array.from(svg.querySelectorAll('rect.bar')).map(r => ({
        count: Number(r.dataset.count), height: r.getBoundingClientRect().height,
        width: r.getBoundingClientRect().width})),
})))()"""
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    base = tmp_path_factory.mktemp("browser")
    course = make_course(base / "course")
    make_class(course, base / "submissions", 14)
    out = base / "REPORT"
    r = run_grade("--course", course, "class", base / "submissions", "--out", out,
                  "--workers", "2", timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    exe = _browser()
    tools = DevTools(exe, tmp_path_factory.mktemp("chromium-profile"))
    try:
        tools.open_page()
        yield tools
    finally:
        tools.close()


@pytest.mark.parametrize("metrics", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_class_report_in_chromium(report, browser, metrics):
    index = report / "index.html"
    events = browser.load(index.as_uri(), metrics)
    assert problems(events) == []
    drawn = browser.evaluate(DRAWN)
    assert [h["exercise"] for h in drawn] == list(EXERCISES)
    for h in drawn:
        assert h["width"] > 100, h                       # laid out, not collapsed
        assert sum(b["count"] for b in h["bars"]) == h["submitted"] > 0
        tallest = max(h["bars"], key=lambda b: b["count"])
        assert tallest["height"] > 10 and all(b["width"] > 0 for b in h["bars"])
        for b in h["bars"]:
            assert (b["height"] > 0) == (b["count"] > 0), h
    assert browser.evaluate(OVERFLOW) <= 1             # no sideways scrolling of the page
    assert browser.evaluate("document.querySelectorAll('tr.check-row').length") > 0
    name = "report-index-" + ("phone" if metrics["mobile"] else "desktop") + ".png"
    browser.screenshot(ARTIFACTS / name, metrics)
    print(f"screenshot: {ARTIFACTS / name}")


@pytest.mark.parametrize("student", ["hostile_patch", "broken_zip"])
def test_student_page_in_chromium(report, browser, student):
    page = report / "students" / f"{student}.html"
    events = browser.load(page.as_uri(), PHONE)
    assert problems(events) == []
    assert browser.evaluate("document.querySelector('h1').textContent") == student
    sections = browser.evaluate("document.querySelectorAll('section.exercise').length")
    assert sections == len(EXERCISES)
    assert browser.evaluate(OVERFLOW) <= 1
    # Hidden checks are listed, without their details.
    if student == "hostile_patch":
        assert browser.evaluate("document.querySelectorAll('.hidden-check').length") > 0
        assert browser.evaluate(
            "Array.from(document.querySelectorAll('.hidden-check pre')).length") == 0
    browser.screenshot(ARTIFACTS / f"report-student-{student}.png", PHONE)
    print(f"screenshot: {ARTIFACTS / f'report-student-{student}.png'}")


def test_exercise_page_from_grade_exercise_in_chromium(browser, tmp_path):
    page = tmp_path / "page.html"
    r = run_grade("exercise", "04", "--file", ROOT / "exercises" / "04_broadcasting" / "starter.py",
                  "--html", page)
    assert r.returncode == 1, r.stderr
    events = browser.load(page.as_uri(), PHONE)
    assert problems(events) == []
    assert browser.evaluate("document.querySelectorAll('.check').length") > 0
    browser.screenshot(ARTIFACTS / "report-exercise.png", PHONE)
    print(f"screenshot: {ARTIFACTS / 'report-exercise.png'}")


HAN_SHOWN = r"""(() => {
    const text = document.body.innerText;
    const han = (text.match(/[\u4e00-\u9fff]/g) || []).length;
    return {lang: document.documentElement.lang, han: han, text: text,
            font: getComputedStyle(document.body).fontFamily,
            headings: Array.from(document.querySelectorAll('th')).map(th => th.innerText)};
})()"""


@pytest.fixture(scope="module")
def zh_report(tmp_path_factory):
    """`grade class --lang zh` of a small class: a mutant, a starter, a missing file."""
    base = tmp_path_factory.mktemp("browser-zh")
    course = make_course(base / "course", exercises=("04_broadcasting",))
    folder = course / "exercises" / "04_broadcasting"
    subs = base / "submissions"
    for student, source in (("alice", folder / "mutants" / "transposed_outer.py"),
                            ("bob", folder / "starter.py")):
        (subs / student).mkdir(parents=True)
        (subs / student / "04_broadcasting.py").write_bytes(source.read_bytes())
    (subs / "carol").mkdir()
    (subs / "carol" / "notes.txt").write_text("nothing handed in\n")
    out = base / "REPORT"
    r = run_grade("--course", course, "class", subs, "--out", out, "--workers", "1",
                  "--lang", "zh", timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "名学生" in r.stdout, r.stdout
    return out


def test_student_page_in_chinese_in_chromium(zh_report, browser):
    page = zh_report / "students" / "alice.html"
    events = browser.load(page.as_uri(), PHONE)
    assert problems(events) == []
    shown = browser.evaluate(HAN_SHOWN)
    assert shown["lang"] == "zh-CN"
    assert shown["han"] > 50, shown["text"]
    assert shown["headings"][:3] == ["练习", "得分", "状态"]
    # The grader's own words, as the browser shows them: the diagnosis, hidden checks'
    # sentences, the notes under the page; none of them left in English.
    for words in ("看起来被转置了", "隐藏", "截止日期后显示", "班级报告"):
        assert words in shown["text"], words
    for english in ("Details of hidden checks", "Class report", "Hidden checks show",
                    "it looks transposed", "Exercise\t"):
        assert english not in shown["text"], english
    assert "Noto Sans CJK SC" in shown["font"] and "Microsoft YaHei" in shown["font"]
    assert browser.evaluate(OVERFLOW) <= 1
    browser.screenshot(ARTIFACTS / "report-student-zh.png", PHONE)
    print(f"screenshot: {ARTIFACTS / 'report-student-zh.png'}")


def test_class_index_in_chinese_in_chromium(zh_report, browser):
    events = browser.load((zh_report / "index.html").as_uri(), DESKTOP)
    assert problems(events) == []
    shown = browser.evaluate(HAN_SHOWN)
    assert shown["lang"] == "zh-CN" and shown["han"] > 50
    for words in ("得分分布", "全班最常未通过的检查", "缺交"):
        assert words in shown["text"], words
    for english in ("Score histograms", "Checks the class struggles with", "Students"):
        assert english not in shown["text"], english
    browser.screenshot(ARTIFACTS / "report-index-zh.png", DESKTOP)
