"""Every module as the Voila app, in Chromium: the code is hidden, axe-core finds nothing
critical or serious on the page and no content outside a landmark (`region`: the app's page
template puts the notebook in a `main` landmark), and a self-check, an indicator spotter, the
route finder and a scenario can be completed with the keyboard alone. A screenshot of every
module goes to test-artifacts/screenshots/, the axe counts and load times to
test-artifacts/axe/.

The server (`app_server`) and the page (`voila_page`) are shared, from conftest.py.
"""

from __future__ import annotations

import json

import pytest

from safeguarding_course.progress import course_modules

try:
    from . import browser_support as bs
except ImportError:
    import browser_support as bs

MODULES = [m.notebook.name for m in course_modules().values()]
BLOCKING = ("critical", "serious")
#: rules that fail the test whatever their impact
BLOCKING_RULES = ("region",)

KEYBOARD = bs.KEYBOARD_FLOWS


def _blocking(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["impact"] in BLOCKING or f["id"] in BLOCKING_RULES]


@pytest.mark.browser
@pytest.mark.parametrize("name", MODULES)
def test_the_module_passes_axe_as_the_voila_app(voila_page, app_server, name, tmp_path):
    page = voila_page
    bs.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with bs.screenshot_on_failure(page, tmp_path / "failure.png", app_server):
        seconds = bs.open_voila(page, app_server, name)
        assert page.locator(".jp-InputArea-editor, .cm-editor").count() == 0, "the code shows"
        findings = bs.axe_findings(page)
        page.screenshot(
            path=str(bs.SCREENSHOTS / f"voila_{name.removesuffix('.ipynb')}.png"), full_page=True
        )
        bs.save_axe_report("voila", name, findings, load_seconds=round(seconds, 1))
        cells = page.locator(".jp-Cell")
        before = cells.count()
        for flow in KEYBOARD.get(name, ()):
            flow(page, page)
            for key in bs.HAZARD_KEYS:
                page.keyboard.press(key)
            assert cells.count() == before, f"{flow.__name__}: the page lost or gained a cell"
    assert not _blocking(findings), json.dumps(_blocking(findings), indent=1)
