"""Every module in JupyterLab, in Chromium: axe-core finds nothing critical or serious in the
course's own output areas (JupyterLab's own interface has known findings that are not the
course's), and a self-check, an indicator spotter, the route finder and a scenario can be
completed with the keyboard alone while no cell is added, deleted or moved. A screenshot of
every module goes to test-artifacts/screenshots/ and the axe counts to test-artifacts/axe/.
"""

from __future__ import annotations

import json

import pytest

from safeguarding_course.progress import course_modules

try:
    from . import browser_support as bs
except ImportError:
    import browser_support as bs

app_server = bs.app_server
chromium = bs.chromium
MODULES = [m.notebook.name for m in course_modules().values()]
BLOCKING = ("critical", "serious")


def _report(kind: str, name: str, findings: list[dict], **extra) -> None:
    folder = bs.ARTIFACTS / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    record = {
        "module": name,
        "where": kind,
        "counts": bs.impact_counts(findings),
        **extra,
        "findings": findings,
    }
    (folder / f"{kind}_{name.removesuffix('.ipynb')}.json").write_text(
        json.dumps(record, indent=1), encoding="utf-8"
    )


def _blocking(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["impact"] in BLOCKING]


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(bs.UI_TIMEOUT_MS)
    page = context.new_page()
    page.add_locator_handler(page.locator(bs.NEWS_TOAST_NO), bs._dismiss_toast, no_wait_after=True)
    try:
        yield page
    finally:
        context.close()


#: the modules whose widgets the keyboard test drives, and how
KEYBOARD = {
    "01_understanding_online_grooming.ipynb": (
        bs.keyboard_indicator_spotter,
        bs.keyboard_self_check,
    ),
    "05_referral_routes.ipynb": (bs.keyboard_route_finder,),
    "07_case_scenarios.ipynb": (bs.keyboard_scenario,),
}


@pytest.mark.browser
@pytest.mark.parametrize("name", MODULES)
def test_the_module_passes_axe_in_jupyterlab(page, app_server, name, tmp_path):
    bs.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with bs.screenshot_on_failure(page, tmp_path / "failure.png", app_server):
        panel = bs.open_notebook(page, app_server, name)
        bs.run_all_cells(page)
        bs.wait_for_run_all_to_finish(page, panel)
        assert not bs.error_outputs(panel), f"{name} shows errors"
        page.locator(".sc-control button").first.wait_for(timeout=bs.UI_TIMEOUT_MS)
        findings = bs.axe_findings(page, bs.LAB_OUTPUTS)
        page.screenshot(path=str(bs.SCREENSHOTS / f"lab_{name.removesuffix('.ipynb')}.png"))
        cells = panel.locator(".jp-Notebook .jp-Cell")
        before = cells.count()
        for flow in KEYBOARD.get(name, ()):
            flow(page, panel)
            for key in bs.HAZARD_KEYS:  # the notebook's shortcuts, pressed inside the widget
                page.keyboard.press(key)
            assert cells.count() == before, f"{flow.__name__}: a cell was added or deleted"
            assert "jp-mod-commandMode" in panel.locator(".jp-Notebook").get_attribute("class")
    _report("lab", name, findings)
    assert not _blocking(findings), json.dumps(_blocking(findings), indent=1)
