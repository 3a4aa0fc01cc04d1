"""The CPD record lists completed modules with their outcomes, the learner's reflections
(escaped in HTML), self-check results and confidence before and after, and can be saved."""

from __future__ import annotations

import base64
import datetime as dt
import re
from html import escape

import pytest

from safeguarding_course import content, cpd, progress
from safeguarding_course.cpd import cpd_html, cpd_markdown, export_cpd
from safeguarding_course.progress import Progress, course_modules, home_dir
from safeguarding_course.widgets.progress import finish_module, progress_panel

REFLECTION = 'I will ask about <script>alert("new friends")</script> & "secrets".\nSecond line.'
COMPLETED = dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC)


# every test keeps its progress, home and working folder in a temporary folder (conftest.home)
pytestmark = pytest.mark.usefixtures("home")


@pytest.fixture
def learner(monkeypatch) -> Progress:
    """Module 01 complete with a reflection, two self-checks answered, ratings at the start
    (2) and at the end of module 01 (4); module 00 only started."""
    monkeypatch.setattr(progress, "_now", lambda: COMPLETED)
    p = Progress()
    p.record_check("m01_tactics", True, module="01")
    p.record_check("m01_models", False, module="01")
    p.record_check("start_first_step", True, module="00")
    p.set_reflection("01", REFLECTION)
    p.mark_complete("01")
    statements = list(content.content().confidence_statements)
    p.save_confidence("start", dict.fromkeys(statements, 2))
    p.save_confidence("01", dict.fromkeys(statements, 4))
    return Progress()


def test_the_markdown_lists_the_completed_module_with_outcomes_date_and_minutes(learner):
    module = course_modules()["01"]
    text = cpd_markdown(learner)
    assert f"## Module 1: {module.title}" in text
    assert "- Completed: 28 November 2026" in text
    assert f"- Time: about {cpd._minutes(module.minutes)}" in text
    for outcome in module.outcomes:
        assert f"- {outcome}" in text
    assert "Start here" not in text.split("Started but not yet complete")[0]
    assert "Started but not yet complete: module 0 (Start here)." in text


def test_the_markdown_has_the_reflections_checks_and_confidence_before_and_after(learner):
    text = cpd_markdown(learner)
    assert "> I will ask about &lt;script&gt;" in text and "> Second line." in text
    assert "<script>" not in text
    n_items = len(progress.module_items("01"))
    assert f"2 of {n_items} answered, 1 right at the last try." in text
    assert f"- Right: {content.self_check('m01_tactics').prompt}" in text
    assert f"- Not right at the last try: {content.self_check('m01_models').prompt}" in text
    statement = content.content().confidence_statements["recognise_signs"].text
    assert f"| {statement} | 2 (a little confident) | 4 (confident) |" in text


def test_the_html_is_a_printable_self_contained_page(learner):
    page = cpd_html(learner)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in page
    assert '<meta charset="utf-8">' in page and "@media print" in page
    assert not re.search(r"<(script|link|img|iframe)\b", page, re.IGNORECASE)
    assert not re.search(r"(src|href)\s*=", page, re.IGNORECASE)
    assert "url(" not in page


def test_the_html_escapes_the_learners_words_and_keeps_them(learner):
    page = cpd_html(learner)
    assert "<script>" not in page
    assert escape(REFLECTION) in page  # every character kept, escaped, line break included
    assert 'class="reflection"' in page and "white-space: pre-wrap" in page


def test_the_html_has_modules_outcomes_checks_and_confidence_before_and_after(learner):
    page = cpd_html(learner)
    module = course_modules()["01"]
    assert f"<h2>Module 1: {escape(module.title)}</h2>" in page
    for outcome in module.outcomes:
        assert f"<li>{escape(outcome)}</li>" in page
    assert "Completed: 28 November 2026" in page
    assert f"<li>Right: {escape(content.self_check('m01_tactics').prompt)}</li>" in page
    statement = content.content().confidence_statements["where_to_refer"].text
    assert (
        f'<th scope="row">{escape(statement)}</th><td>2 (a little confident)</td>'
        "<td>4 (confident)</td>" in page
    )
    assert f"about {cpd._minutes(module.minutes)}" in page


def test_a_record_with_nothing_complete_says_so():
    text = cpd_markdown(Progress())
    assert "No modules are marked complete yet." in text
    assert "not rated | not rated |" in text
    assert "No modules are marked complete yet." in cpd_html(Progress())


def test_a_completed_module_no_longer_in_the_course_does_not_break_the_record(learner):
    learner.mark_complete("99")
    assert "## Module 99: (a module no longer in the course)" in cpd_markdown(learner)
    assert "Module 99" in cpd_html(learner)


def test_minutes_read_as_hours_and_minutes():
    assert cpd._minutes(50) == "50 minutes"
    assert cpd._minutes(60) == "1 hour"
    assert cpd._minutes(130) == "2 hours and 10 minutes"
    assert cpd._minutes(0) == "0 minutes"


def test_export_cpd_writes_both_files(learner, tmp_path):
    md_path, html_path = export_cpd(tmp_path / "record")
    assert (md_path.name, html_path.name) == ("cpd_record.md", "cpd_record.html")
    assert "Second line." in md_path.read_text(encoding="utf-8")
    assert escape(REFLECTION) in html_path.read_text(encoding="utf-8")


def test_the_finish_module_button_saves_the_cpd_record_and_says_where(learner, tmp_path):
    block = finish_module("01")
    assert block.cpd_button.description == "Save my CPD record"
    block.cpd_folder.value = str(tmp_path / "my record")
    block.cpd_button.click()
    html_path = tmp_path / "my record" / "cpd_record.html"
    md_path = tmp_path / "my record" / "cpd_record.md"
    assert html_path.is_file() and md_path.is_file()
    assert str(html_path) in block.cpd.status_text and str(md_path) in block.cpd.status_text


def test_the_progress_panel_saves_the_cpd_record_in_the_learners_own_folder_with_links(
    learner, tmp_path
):
    panel = progress_panel()
    panel.cpd_button.click()
    folder = home_dir() / "my_cpd_record"
    assert (folder / "cpd_record.html").is_file()
    assert not (tmp_path / "my_cpd_record").exists(), "never beside the notebooks or the cwd"
    assert "Your CPD record is saved" in panel.cpd.status_text
    html = panel.cpd.files.files[0]
    assert panel.cpd.files.names == ["cpd_record.html", "cpd_record.md"]
    assert html["open"] and html["mime"].startswith("text/html")
    assert base64.b64decode(html["data"]) == (folder / "cpd_record.html").read_bytes()


def test_a_cpd_record_that_cannot_be_written_is_a_note_not_a_crash(learner, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    block = finish_module("01")
    block.cpd_folder.value = str(blocker / "inside")
    block.cpd_button.click()
    assert "could not be saved" in block.cpd.status_text


def test_the_record_ends_with_a_social_work_england_cpd_entry_and_a_peer_reflection_prompt(learner):
    text = cpd_markdown(learner)
    entry = text.split("## CPD entry for your Social Work England record", 1)[1]
    for heading in ("Type of CPD", "What I did, and why it matters to me", "When",
                    "What I learnt", "The impact on my practice and the people I work with",
                    "Peer reflection"):
        assert f"### {heading}" in entry
    assert "28 November 2026" in entry  # when: the day module 1 was completed
    assert "1 Understanding online grooming" in entry
    assert "at least two different pieces of CPD in each registration year" in entry
    assert "What did you learn from the discussion" in entry
    page = cpd_html(learner)
    assert "CPD entry for your Social Work England record" in page and "Peer reflection" in page
