"""A person opens the start-here notebook in JupyterLab, runs it, sees where to get support,
and answers the first self-check: right, then wrong, reading the feedback each time."""

from __future__ import annotations

import re

import pytest

from safeguarding_course import content

try:  # tests/ may or may not become a package: work either way
    from . import browser_support as bs
except ImportError:
    import browser_support as bs

# `lab_session` (one JupyterLab page, shared by the browser tests) comes from conftest.py
NOTEBOOK = "00_start_here.ipynb"
QUESTION_ID = "start_first_step"
SUPPORT_WITHIN_FIRST_CELLS = 5
#: position (from 0) of the notebook cell that holds an element
CELL_INDEX_JS = """el => {
    const cell = el.closest('.jp-Cell');
    return Array.from(cell.parentElement.querySelectorAll(':scope > .jp-Cell')).indexOf(cell);
}"""


@pytest.mark.browser
def test_start_here_support_and_first_self_check(lab_session, tmp_path):
    from playwright.sync_api import expect

    question = content.self_check(QUESTION_ID)
    samaritans_phone = content.route("samaritans").contact[0].value
    publishers = [content.source(s).publisher for s in question.sources]
    assert question.correct == ("C",), "the content data changed: update this test"

    with lab_session.notebook(NOTEBOOK, failure_png=tmp_path / "start_here_failure.png") as panel:
        page = lab_session.page
        bs.run_all_cells(page)
        bs.wait_for_run_all_to_finish(page, panel)
        errors = bs.error_outputs(panel)
        assert not errors, f"running {NOTEBOOK} showed errors:\n" + "\n---\n".join(errors)

        # --- the support block near the top shows the Samaritans number from the data
        support = panel.locator(".jp-OutputArea-output").filter(has_text="Where to get support")
        expect(support, "no 'Where to get support' block in the outputs").not_to_have_count(0)
        expect(support.first).to_be_visible()
        expect(support.first).to_contain_text("Samaritans")
        expect(
            support.first, f"the support block does not show {samaritans_phone!r} for Samaritans"
        ).to_contain_text(samaritans_phone)

        # --- the self-check "On placement you become worried ..."
        widget = panel.locator(".sc-self-check").filter(
            has_text=re.compile(r"On placement you become worried")
        )
        expect(
            widget, "the self-check 'On placement you become worried' is not shown exactly once"
        ).to_have_count(1, timeout=bs.KERNEL_TIMEOUT_MS)
        widget.scroll_into_view_if_needed()
        # "near the top": in the opening cells (the content note), and above the self-check
        support_cell = support.first.evaluate(CELL_INDEX_JS)
        assert support_cell < SUPPORT_WITHIN_FIRST_CELLS, (
            f"the support block is in cell {support_cell + 1}; it should be near the top "
            f"(within the first {SUPPORT_WITHIN_FIRST_CELLS} cells)"
        )
        assert support_cell < widget.evaluate(CELL_INDEX_JS), (
            "the support block should come before the self-check"
        )

        option_b = widget.get_by_role("radio", name=re.compile(r"^C\. Tell your supervisor"))
        option_d = widget.get_by_role("radio", name=re.compile(r"^D\. "))
        check = widget.get_by_role("button", name=re.compile(r"Check my answer"))
        feedback = widget.get_by_role("status")

        # right answer, chosen with the mouse
        option_b.click()
        expect(option_b).to_be_checked()
        check.click()
        expect(feedback, "no feedback after choosing C").to_contain_text(
            "Correct.", timeout=bs.UI_TIMEOUT_MS
        )
        expect(feedback).to_have_text(re.compile(r"^\s*Correct\."))
        expect(feedback).to_contain_text("Sources:")
        expect(feedback).to_contain_text("checked")
        for publisher in publishers:
            expect(feedback).to_contain_text(publisher)

        # a wrong answer in the same widget
        option_d.click()
        expect(option_d).to_be_checked()
        expect(option_b).not_to_be_checked()
        check.click()
        expect(feedback, "feedback did not change after choosing D").to_contain_text(
            "Not quite.", timeout=bs.UI_TIMEOUT_MS
        )
        expect(feedback).to_contain_text(f"The best answer is {question.correct[0]}.")
        expect(feedback).not_to_contain_text("Correct.")
