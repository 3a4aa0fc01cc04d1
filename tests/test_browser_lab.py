"""Every module in JupyterLab, in Chromium: axe-core finds nothing critical or serious in the
course's own output areas (JupyterLab's own interface has known findings that are not the
course's), and a self-check, an indicator spotter, the route finder and a scenario can be
completed with the keyboard alone while no cell is added, deleted or moved. A screenshot of
every module goes to test-artifacts/screenshots/ and the axe counts to test-artifacts/axe/.

And a learner's answers survive saving and reopening: a saved self-check shows again, as it
was, in the reopened notebook before anything runs, and a widget whose state could not be
saved shows a plain "run this cell" line, never "Error displaying widget: model not found".

The server (`app_server`) and the JupyterLab page (`lab_session`) are shared, from
conftest.py: Lab loads once and opens each module from its file browser.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import time
import urllib.request

import pytest

from safeguarding_course.progress import course_modules
from safeguarding_course.saved_widgets import WIDGET_VIEW, saved_state, widget_outputs

try:
    from . import browser_support as bs
except ImportError:
    import browser_support as bs

MODULES = [m.notebook.name for m in course_modules().values()]
BLOCKING = ("critical", "serious")

KEYBOARD = bs.KEYBOARD_FLOWS


def _blocking(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["impact"] in BLOCKING]


@pytest.mark.browser
@pytest.mark.parametrize("name", MODULES)
def test_the_module_passes_axe_in_jupyterlab(lab_session, name, tmp_path):
    bs.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with lab_session.notebook(name, failure_png=tmp_path / "failure.png") as panel:
        page = lab_session.page
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
    bs.save_axe_report("lab", name, findings)
    assert not _blocking(findings), json.dumps(_blocking(findings), indent=1)


# --------------------------------------------------------------------------- save and reopen

REOPENED = "start_here_reopened.ipynb"  # a copy of module 0, so no other test sees its outputs
PLAIN_LINE = "run this cell to"  # in every course widget's plain-text form
NOT_SHOWN = "Error displaying widget"
SAVE_TIMEOUT = 30  # seconds


def _saved(server) -> dict:
    return json.loads((server.root_dir / REOPENED).read_text(encoding="utf-8"))


def _mtime(server) -> int:
    return (server.root_dir / REOPENED).stat().st_mtime_ns


def _wait_for_save(server, since: int) -> dict:
    """The notebook as written by a save that came after `since` (a file time). Jupyter
    writes the file in place, so a read may catch it half written: read until it parses."""
    deadline = time.monotonic() + SAVE_TIMEOUT
    while True:
        assert time.monotonic() < deadline, f"the notebook was not saved in {SAVE_TIMEOUT} s"
        if _mtime(server) != since:
            with contextlib.suppress(ValueError):
                return _saved(server)
        time.sleep(0.1)


def _menu(page, menu: str, command: str) -> None:
    page.locator(f".lm-MenuBar-itemLabel:text-is('{menu}')").click()
    page.locator(f".lm-Menu-item[data-command='{command}']").click()


def _reopen(lab):
    """Close the notebook and shut its kernel down (File > Close and Shut Down Notebook, as
    at the end of a session), then open it again from the file browser; nothing is run. Lab
    reads the notebook from the server again, with a new kernel and widget manager."""
    lab.close(REOPENED)
    return lab.open(REOPENED)


def _output_texts(panel) -> list[str]:
    return panel.locator(".jp-OutputArea-output").evaluate_all("els => els.map(e => e.textContent)")


_DRAWN = """panel => {
    const outs = [...panel.querySelectorAll('.jp-OutputArea-output')];
    return {
        loading: outs.filter(o => o.textContent.includes('Loading widget')).length,
        errors: outs.filter(o => o.textContent.includes('Error displaying widget')).length,
        widgets: [...panel.querySelectorAll('.sc-widget')]
            .filter(w => !w.parentElement.closest('.sc-widget')).length,  // outermost only
        plain: outs.filter(o => o.matches('[data-mime-type="text/plain"]') &&
            o.textContent.includes('run this cell to')).length,
    };
}"""


def _wait_until_drawn(page, panel, widgets: int, plain_lines: int, step: str) -> None:
    """Wait until the reopened notebook has drawn `widgets` course widgets and `plain_lines`
    plain-text lines, with no output still loading and none saying it cannot be shown (an
    error ends the wait at once)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    want = {"loading": 0, "errors": 0, "widgets": widgets, "plain": plain_lines}
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            f"([panel, want]) => {{ const got = ({_DRAWN})(panel); return got.errors > 0 || "
            "Object.keys(want).every(k => got[k] === want[k]); }",
            arg=[panel.element_handle(), want],
            timeout=bs.KERNEL_TIMEOUT_MS,
        )
    got = panel.evaluate(_DRAWN)
    assert got == want, f"{step}: the reopened notebook shows {got}, not {want}"


@pytest.mark.browser
def test_a_saved_self_check_shows_again_when_the_notebook_is_reopened(lab_session, tmp_path):
    from playwright.sync_api import expect

    app_server = lab_session.server

    url = app_server.url("lab/api/settings/@jupyter-widgets/jupyterlab-manager:plugin")
    with urllib.request.urlopen(url, timeout=10) as resp:
        settings = json.load(resp)
    # the course's override becomes the setting's default (Lab's settings API applies it)
    assert settings["schema"]["properties"]["saveState"]["default"] is True, (
        "JupyterLab does not save widget state: the course's setting "
        "(jupyter-config/lab-settings/) is not installed; scripts/test.sh installs it"
    )
    shutil.copy(app_server.root_dir / "00_start_here.ipynb", app_server.root_dir / REOPENED)
    console = []  # the browser's console messages, for a failure's report

    def keep(message) -> None:  # Playwright needs a Python function, not a bound builtin
        console.append(message)

    try:
        with lab_session.notebook(REOPENED, failure_png=tmp_path / "reopen_failure.png") as panel:
            page = lab_session.page
            page.on("console", keep)
            # -- answer a self-check and save with Ctrl+S, the focus still on its button
            bs.run_all_cells(page)
            bs.wait_for_run_all_to_finish(page, panel)
            widget = panel.locator(".sc-self-check").first
            widget.locator("input[type=radio]").nth(2).check()
            widget.get_by_role("button", name=re.compile("Check my answer")).click()
            feedback = widget.get_by_role("status")
            expect(feedback).to_contain_text(re.compile(r"Correct\.|Not quite\."))
            answer = feedback.text_content()  # a far-off cell may not be drawn: not inner_text
            expect(widget.locator("button.sc-button")).to_be_focused()
            since = _mtime(app_server)
            page.keyboard.press("Control+s")
            saved = _wait_for_save(app_server, since)
            views = [o["data"][WIDGET_VIEW]["model_id"] for o in widget_outputs(saved)]
            assert views, "the saved notebook shows no widgets"
            assert set(views) <= saved_state(saved).keys(), "widget state was not saved"

            # -- reopened, nothing run: the same answer and feedback show
            panel = _reopen(lab_session)
            _wait_until_drawn(page, panel, len(views), 0, "reopened after a save")
            widget = panel.locator(".sc-self-check").first
            expect(widget.locator("input[type=radio]").nth(2)).to_be_checked()
            expect(widget.get_by_role("status")).to_have_text(answer)
            assert not [t for t in _output_texts(panel) if NOT_SHOWN in t]

            # -- saved again before running (Lab saves only live widgets; these are not)
            since = _mtime(app_server)
            widget.locator("input[type=radio]").nth(2).focus()
            page.keyboard.press("Control+s")
            saved = _wait_for_save(app_server, since)
            assert set(views) <= saved_state(saved).keys(), "the saved state was lost"
            panel = _reopen(lab_session)
            _wait_until_drawn(page, panel, len(views), 0, "reopened after a save before a run")
            expect(panel.locator(".sc-self-check").first.get_by_role("status")).to_have_text(answer)
            assert not [t for t in _output_texts(panel) if NOT_SHOWN in t]

            # -- run, restart the kernel, save (File > Save): no widget is live, so no state
            # can be saved, and each widget is saved as its plain line
            bs.run_all_cells(page)
            bs.wait_for_run_all_to_finish(page, panel)
            _menu(page, "Kernel", "kernelmenu:restart")
            page.locator(".jp-Dialog .jp-mod-accept").click()
            bs.wait_for_kernel_idle(page)
            since = _mtime(app_server)
            _menu(page, "File", "docmanager:save")
            saved = _wait_for_save(app_server, since)
            assert widget_outputs(saved) == [], "outputs still point at widgets with no state"
            panel = _reopen(lab_session)
            _wait_until_drawn(page, panel, 0, len(views), "reopened after a kernel restart")
            texts = _output_texts(panel)
            assert any("A self-check question: run this cell to answer it." in t for t in texts)
            assert not [t for t in texts if NOT_SHOWN in t]
    except BaseException as exc:
        errors = [m.text[:300] for m in console if m.type == "error"]
        exc.add_note("browser console errors:\n" + "\n".join(errors[-5:]))
        raise
    finally:
        if lab_session.page is not None:
            lab_session.page.remove_listener("console", keep)
        (app_server.root_dir / REOPENED).unlink(missing_ok=True)
