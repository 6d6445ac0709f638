"""Pages that fit, in headless Chromium: the class grid of the full 16-exercise course fits
1280 px; at 390 px every column that matters shows without scrolling and the names stay; a
student page links back at the top; the --html page shows its title once."""

from __future__ import annotations

import shutil

import pytest

from conftest import MINI, ROOT, run_grade
from test_reports_browser import DESKTOP, PHONE, DevTools, _browser, problems

OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
RIGHT_EDGES = """((selector) => Array.from(document.querySelectorAll(selector)).map(e => ({
    text: e.textContent.trim(), right: e.getBoundingClientRect().right,
    shown: getComputedStyle(e).display !== 'none'})))"""


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    base = tmp_path_factory.mktemp("fit")
    subs = base / "submissions"
    names = ["ada", "Zhang Wei-Long (Section B, auditing the course)", "李雷", "o'brien jr"]
    for i, name in enumerate(names):
        (subs / name).mkdir(parents=True)
        if i == 0:   # one real grading; the rest are missing cells, which cost nothing
            shutil.copyfile(ROOT / "solutions" / "04_broadcasting.py",
                            subs / name / "04_broadcasting.py")
    out = base / "REPORT"
    r = run_grade("--course", ROOT, "class", subs, "--out", out, "--workers", "1", timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    tools = DevTools(_browser(), tmp_path_factory.mktemp("chromium-profile"))
    try:
        tools.open_page()
        yield tools
    finally:
        tools.close()


def test_the_student_grid_fits_a_1280_px_screen(report, browser):
    assert problems(browser.load((report / "index.html").as_uri(), DESKTOP)) == []
    assert browser.evaluate(OVERFLOW) <= 1
    columns = browser.evaluate("document.querySelectorAll('table.grid thead th').length")
    assert columns == 16 + 3
    fit = browser.evaluate("""(() => { const box = document.querySelector('.grid-box');
        return [box.querySelector('table').getBoundingClientRect().width, box.clientWidth,
                box.scrollWidth - box.clientWidth]; })()""")
    assert fit[2] <= 1 and fit[0] <= fit[1] + 1, fit       # no sideways scrolling at all


def test_a_phone_shows_every_column_that_matters(report, browser):
    assert problems(browser.load((report / "index.html").as_uri(), PHONE)) == []
    assert browser.evaluate(OVERFLOW) <= 1                  # the page itself never scrolls sideways
    width = browser.evaluate("window.innerWidth")
    head = browser.evaluate(RIGHT_EDGES + "('table.grid thead th')")
    for cell in head[:3]:                                   # Student, Total, %
        assert cell["right"] <= width + 1, (cell, width)
    stats = browser.evaluate(RIGHT_EDGES + "('#exercises + .scroll table thead th')")
    assert len(stats) == 7
    # Every statistic of every exercise; its points are in each histogram's caption.
    assert [c["text"] for c in stats if not c["shown"]] == ["Points"]
    for cell in stats:
        if cell["shown"]:
            assert cell["right"] <= width + 1, (cell, width)
    # The exercises scroll inside the grid's box; the names stay where they are.
    box = browser.evaluate("""(() => { const box = document.querySelector('.grid-box');
        const name = box.querySelector('tbody td.sticky');
        const before = name.getBoundingClientRect().left;
        box.scrollLeft = 400;
        return [box.scrollWidth > box.clientWidth, box.scrollLeft,
                before, name.getBoundingClientRect().left,
                getComputedStyle(name).position]; })()""")
    scrolls, moved, before, after, position = box
    assert scrolls and moved > 0 and position == "sticky"
    assert abs(after - before) <= 1, box


def test_a_student_page_links_back_at_the_top(report, browser):
    page = report / "students" / "ada.html"
    assert problems(browser.load(page.as_uri(), PHONE)) == []
    first = browser.evaluate("""(() => { const a = document.querySelector('main a');
        return [a.getAttribute('href'), a.getBoundingClientRect().top]; })()""")
    assert first[0] == "../index.html" and first[1] < 80, first
    assert browser.evaluate(OVERFLOW) <= 1


def test_the_html_page_of_a_grading_shows_its_title_once(browser, tmp_path):
    page = tmp_path / "page.html"
    r = run_grade("--course", MINI, "exercise", "01", "--file",
                  MINI / "exercises" / "01_mini" / "starter.py", "--html", page)
    assert r.returncode == 1, r.stderr
    assert problems(browser.load(page.as_uri(), PHONE)) == []
    titles = browser.evaluate("Array.from(document.querySelectorAll('h1, h2, h3'))"
                              ".filter(h => h.textContent.includes('Mini')).length")
    assert titles == 1
    assert browser.evaluate("document.title") == "01 Mini"
