"""The glossary and sources pages are generated from the content data and never drift from it;
module 8's worked answers and number widgets agree with the data they are built on."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from notebook_files import COURSE

from safeguarding_course import content, pages
from safeguarding_course.content import DATA_DIR, SOURCED_KINDS, load_content
from safeguarding_course.scoring import percent_change
from safeguarding_course.widgets.controls import LiveRegion
from safeguarding_course.widgets.numbers import (
    change_explorer,
    rate_explorer,
    share_comparison,
)

LINK = re.compile(r"\]\((<[^>]+>|[^)\s]+)\)")  # [text](target) and [text](<target>)
AUTOLINK = re.compile(r"(?<!\()<(https?://[^>\s]+)>")  # <https://...>, not inside (<...>)


def link_targets(markdown: str) -> set[str]:
    targets = {t[1:-1] if t.startswith("<") else t for t in LINK.findall(markdown)}
    return targets | set(AUTOLINK.findall(markdown))


def web_links(markdown: str) -> set[str]:
    return {t for t in link_targets(markdown) if t.startswith(("http://", "https://"))}


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


# -- the committed pages --------------------------------------------------------------------


@pytest.mark.parametrize("name", [pages.GLOSSARY_FILE, pages.SOURCES_FILE])
def test_the_committed_page_is_exactly_what_pages_py_generates_now(name):
    path = COURSE / name
    how = f"run `{pages.COMMAND}` from the repository root, then commit course/{name}"
    assert path.is_file(), f"course/{name} is missing: {how}"
    committed = path.read_text(encoding="utf-8")
    assert committed == pages.pages()[name], (
        f"course/{name} is out of date with the content data: {how}. Never edit it by hand."
    )


def test_the_pages_say_they_are_generated_and_how_to_regenerate_them():
    for text in pages.pages().values():
        first_line = text.splitlines()[0]
        assert "Do not edit by hand" in first_line and pages.COMMAND in first_line


# -- the glossary ---------------------------------------------------------------------------


def test_every_glossary_term_appears_once_in_alphabetical_order():
    text = pages.glossary_markdown()
    data = content.content()
    headings = [line[4:] for line in text.splitlines() if line.startswith("### ")]
    expected = [pages.escape_markdown(t.term) for t in data.glossary.values()]
    assert sorted(headings) == sorted(expected), "each term has exactly one heading"
    terms = sorted(data.glossary.values(), key=lambda t: (t.term.casefold(), t.id))
    assert headings == [pages.escape_markdown(t.term) for t in terms], "alphabetical order"


def test_every_glossary_term_shows_its_definition_and_links_to_its_sources():
    text = pages.glossary_markdown()
    entries = re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    by_heading = {entry.splitlines()[0]: entry for entry in entries}
    for term in content.content().glossary.values():
        entry = by_heading[pages.escape_markdown(term.term)]
        assert pages.escape_markdown(term.definition) in entry
        urls = {content.source(s).url for s in term.sources}
        assert web_links(entry) == urls, f"{term.id}: links are its sources' addresses"
        for source_id in term.sources:
            source = content.source(source_id)
            assert pages.escape_markdown(source.publisher) in entry
            assert f"checked {source.checked:%-d %B %Y}" in entry


# -- the sources ----------------------------------------------------------------------------


def test_every_source_appears_with_its_details_and_what_cites_it():
    text = pages.sources_markdown()
    data = content.content()
    entries = re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    by_id = {re.search(r"- Source id: `([a-z0-9_]+)`", e).group(1): e for e in entries}
    assert set(by_id) == set(data.sources), "every source has exactly one entry"
    citing = {s: set() for s in data.sources}
    for kind in SOURCED_KINDS:
        for item in getattr(data, kind).values():
            for source_id in item.all_sources():
                citing[source_id].add((kind, item.id))
    for source in data.sources.values():
        entry = by_id[source.id]
        assert f"- Publisher: {pages.escape_markdown(source.publisher)}" in entry
        assert f"- Title: {pages.escape_markdown(source.title)}" in entry
        assert f"- Checked: {source.checked:%-d %B %Y}" in entry
        assert f"- Primary source: {pages.STATUS_WORDS[source.status]}" in entry
        assert web_links(entry) == {source.url}, f"{source.id}: its link is its address"
        cited_by = entry.split("- Cited by", 1)[1]
        for _kind, item_id in citing[source.id]:
            assert f"`{item_id}`" in cited_by, f"{source.id} should list {item_id}"
        assert f"({len(citing[source.id])})" in cited_by


def test_the_sources_page_links_to_every_address_and_to_nothing_else_on_the_web():
    assert web_links(pages.sources_markdown()) == {
        s.url for s in content.content().sources.values()
    }


def test_sources_are_ordered_by_publisher_then_title():
    text = pages.sources_markdown()
    ids = re.findall(r"- Source id: `([a-z0-9_]+)`", text)
    data = content.content()
    keys = [(data.sources[i].publisher.casefold(), data.sources[i].title.casefold()) for i in ids]
    assert keys == sorted(keys)


def test_awkward_characters_are_escaped_and_addresses_kept_whole(data_copy: Path):
    path = data_copy / "sources" / "services_and_charities.yaml"
    text = path.read_text(encoding="utf-8")
    old_url = "https://www.nspcc.org.uk/keeping-children-safe/reporting-abuse/report/"
    new_url = "https://example.org/a_(b)/c?x=1&y=[2]"
    assert old_url in text
    text = text.replace(old_url, new_url, 1)
    text = text.replace("title: Report child abuse\n", "title: 'Report [child] *abuse* | now'\n", 1)
    path.write_text(text, encoding="utf-8")
    data = load_content(data_copy)
    page = pages.sources_markdown(data)
    assert r"Report \[child\] \*abuse\* \| now" in page
    assert new_url in web_links(page), "an address with brackets is linked whole"
    assert web_links(page) == {s.url for s in data.sources.values()}


def test_write_pages_and_the_command_write_both_pages(tmp_path: Path, capsys):
    written = pages.write_pages(tmp_path / "a")
    assert sorted(p.name for p in written) == sorted([pages.GLOSSARY_FILE, pages.SOURCES_FILE])
    assert pages.main([str(tmp_path / "b")]) == 0
    for name, text in pages.pages().items():
        assert (tmp_path / "a" / name).read_text(encoding="utf-8") == text
        assert (tmp_path / "b" / name).read_text(encoding="utf-8") == text
    assert "wrote" in capsys.readouterr().out


# -- module 8: worked answers and number widgets agree with the data ------------------------


def test_module_8_worked_answers_are_the_percent_changes_of_the_data():
    offences = content.dataset("sexual_communication_offences")
    calc = content.self_check("m08_percent_change_calc").explanation
    change = percent_change(offences.value("2022/23"), offences.value("2023/24"))
    assert f"= {change:.1f}%" in calc
    assert f"{offences.value('2023/24') - offences.value('2022/23'):,.0f}" in calc

    comparable = content.self_check("m08_comparable_forces").explanation
    assert (
        f"= {percent_change(offences.value('2017/18'), offences.value('2024/25')):.1f}%"
        in comparable
    )
    assert str(content.fact("m08_nspcc_comparable_rise").values["comparable_rise_percent"]) in (
        content.self_check("m08_comparable_forces").prompt
    )

    old, new = content.dataset("platforms_2023_24"), content.dataset("m08_platforms_2024_25")
    points = content.self_check("m08_points_vs_percent").explanation
    assert (
        f"{percent_change(old.value('Snapchat'), new.value('Snapchat')):.1f}".lstrip("-") in points
    )
    assert f"about {old.value('Snapchat') * old.denominator / 100:,.0f}" in points
    assert f"about {new.value('Snapchat') * new.denominator / 100:,.0f}" in points


def test_module_8_figures_match_the_checked_sources():
    may = content.dataset("m08_operation_legatum_may_2020")
    assert (may.value("Warrants"), may.value("Arrests"), may.value("Children safeguarded")) == (
        82,
        38,
        138,
    )
    shares = content.dataset("m08_platforms_2024_25")
    assert shares.denominator == 2111 and shares.value("Snapchat") == 40
    days = content.fact("m08_legatum_week_lengths").values
    assert days == {"m08_operation_legatum_may_2020": 6, "operation_legatum_march_2021": 7}
    assert content.fact("m08_nca_estimate_2021").values["low"] == 550000


def test_the_change_explorer_works_out_the_change_in_words():
    widget = change_explorer("sexual_communication_offences")
    widget.start.value, widget.end.value = "2022/23", "2023/24"
    text = widget.result_text
    assert "went up by 712 offences" in text
    assert "(7,062 - 6,350) / 6,350 x 100 = 11.2%, a rise of 11.2%" in text
    assert "45 police forces" in text, "the notes on comparability are shown"
    widget.end.value = "2022/23"
    assert "Choose two different points" in widget.result_text


def test_the_change_explorer_refuses_shares():
    with pytest.raises(ValueError, match="share_comparison"):
        change_explorer("platforms_2023_24")


def test_the_share_comparison_offers_only_categories_named_the_same_in_both_years():
    widget = share_comparison("platforms_2023_24", "m08_platforms_2024_25", ("2023/24", "2024/25"))
    assert list(widget.category.options) == ["Snapchat", "WhatsApp"]
    text = widget.result_text
    assert "Change in share: -8 percentage points" in text
    assert "a fall of 16.7%" in text
    assert "about 876 in 2023/24 and about 844 in 2024/25" in text
    assert "Facebook and Messenger, Instagram, Kik (2023/24)" in text
    widget.category.value = "WhatsApp"
    assert "-3 percentage points" in widget.result_text


def test_the_rate_explorer_turns_counts_into_rates_per_day_and_per_other_count():
    widget = rate_explorer("m08_legatum_week_lengths")
    widget.measure.value, widget.per.value = "Arrests", widget.PER_DAY
    text = widget.result_text
    assert "38 arrests / 6 days = 6.3 arrests a day" in text
    assert "31 arrests / 7 days = 4.4 arrests a day" in text
    widget.measure.value, widget.per.value = "Children safeguarded", "Arrests"
    assert "3.63 children safeguarded per arrest" in widget.result_text
    widget.per.value = "Children safeguarded"
    assert "Choose two different things" in widget.result_text


def test_the_number_widgets_label_every_control_and_announce_results():
    widgets = [
        change_explorer("sexual_communication_offences"),
        share_comparison("platforms_2023_24", "m08_platforms_2024_25"),
        rate_explorer("m08_legatum_week_lengths"),
    ]
    for widget in widgets:
        controls = [c for c in _walk(widget) if hasattr(c, "options")]
        assert controls and all(c.description for c in controls)
        assert isinstance(widget.result, LiveRegion) and widget.result.value  # announced
        assert "aria-live" not in widget.result.value  # no second region inside it
        assert "checked" in widget.result_text, "results name their dated sources"


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)
