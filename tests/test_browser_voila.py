"""Every module as the Voila app, in Chromium: the code is hidden, axe-core finds nothing
critical or serious on the page, and a self-check, an indicator spotter, the route finder and
a scenario can be completed with the keyboard alone. A screenshot of every module goes to
test-artifacts/screenshots/, the axe counts and load times to test-artifacts/axe/.
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
def test_the_module_passes_axe_as_the_voila_app(page, app_server, name):
    bs.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    seconds = bs.open_voila(page, app_server, name)
    assert page.locator(".jp-InputArea-editor, .cm-editor").count() == 0, "the code shows"
    findings = bs.axe_findings(page)
    page.screenshot(
        path=str(bs.SCREENSHOTS / f"voila_{name.removesuffix('.ipynb')}.png"), full_page=True
    )
    _report("voila", name, findings, load_seconds=round(seconds, 1))
    cells = page.locator(".jp-Cell")
    before = cells.count()
    for flow in KEYBOARD.get(name, ()):
        flow(page, page)
        for key in bs.HAZARD_KEYS:
            page.keyboard.press(key)
        assert cells.count() == before, f"{flow.__name__}: the page lost or gained a cell"
    assert not _blocking(findings), json.dumps(_blocking(findings), indent=1)
