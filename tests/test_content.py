"""The content data validates, every item cites a dated source, and bad data gets a clear error."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from notebook_files import REPO

from safeguarding_course import content
from safeguarding_course.content import (
    DATA_DIR,
    NEEDS_PRIMARY,
    SOURCED_KINDS,
    ContentError,
    UnverifiedFactError,
    load_content,
)

MAX_AGE_DAYS = 365


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the content data that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_the_course_content_loads_and_has_every_kind_of_item():
    data = load_content()
    for kind in ("sources", *SOURCED_KINDS):
        assert getattr(data, kind), f"no {kind} in the content data"


def test_every_item_cites_at_least_one_known_dated_source():
    data = load_content()
    for kind in SOURCED_KINDS:
        for item in getattr(data, kind).values():
            assert item.sources, f"{kind} '{item.id}' cites no source"
            for source_id in item.all_sources():
                source = data.sources[source_id]
                assert source.url.startswith(("https://", "http://"))
                assert isinstance(source.checked, dt.date)


def test_every_source_is_cited_by_something():
    data = load_content()
    cited = {
        s for kind in SOURCED_KINDS for i in getattr(data, kind).values() for s in i.all_sources()
    }
    assert set(data.sources) - cited == set(), "sources listed but never cited"


def test_no_source_was_last_checked_more_than_a_year_ago():
    today = dt.date.today()
    stale = [
        f"{s.id} (checked {s.checked})"
        for s in load_content().sources.values()
        if (today - s.checked).days > MAX_AGE_DAYS
    ]
    assert not stale, (
        "Recheck these sources, then update `checked` in data/sources/: " + ", ".join(stale)
    )


def test_no_source_is_dated_in_the_future():
    assert all(s.checked <= dt.date.today() for s in load_content().sources.values())


def test_helpline_numbers_are_the_checked_ones():
    """Guards against a typo slipping into the most important facts."""
    assert content.route("nspcc_helpline").contact[0].value == "0808 800 5000"
    assert content.route("childline").contact[0].value == "0800 1111"
    assert content.route("samaritans").contact[0].value == "116 123"
    assert content.route("stop_it_now").contact[0].value == "0808 1000 900"
    assert content.route("police_999").contact[0].value == "999"


def test_an_unverified_fact_cannot_be_taught():
    unverified = [f for f in load_content().facts.values() if f.status == "unverified"]
    assert unverified, "the data should record at least one unverified fact to hold back"
    with pytest.raises(UnverifiedFactError, match="unverified"):
        content.fact(unverified[0].id)


def test_an_unverified_model_lists_no_stages():
    for model in load_content().models.values():
        if model.evidence == "unverified":
            assert model.parts == ()
            assert model.caveat


def test_vignettes_are_fictional_and_their_indicators_exist():
    data = load_content()
    for vignette in data.vignettes.values():
        assert vignette.synthetic is True
        assert set(vignette.offered()) <= set(data.indicators)
        present = {p.indicator for p in vignette.present}
        absent = {a.indicator for a in vignette.absent}
        assert not present & absent, f"{vignette.id}: an indicator is both present and absent"


def test_self_check_answers_are_among_their_options():
    for check in load_content().self_checks.values():
        assert set(check.correct) <= set(check.options)


def test_dataset_values_match_the_checked_figures():
    offences = content.dataset("sexual_communication_offences")
    assert offences.value("2017/18") == 3728
    assert offences.value("2024/25") == 7263
    legatum = content.dataset("operation_legatum_march_2021")
    assert legatum.value("Arrests") == 31
    assert legatum.value("Children safeguarded") == 68


# -- bad data gets a clear error that names the file and the item ---------------------------


def test_an_item_without_sources_is_refused_naming_file_and_item(data_copy: Path):
    path = data_copy / "facts" / "law_northern_ireland.yaml"
    path.write_text(path.read_text().replace("  sources: [legislation_nia2015_notes_s90]\n", "", 1))
    with pytest.raises(ContentError) as error:
        load_content(data_copy)
    assert "law_northern_ireland.yaml" in str(error.value)
    assert "m06_ni_article_22a" in str(error.value)
    assert "sources" in str(error.value)


def test_a_citation_of_an_unknown_source_is_refused(data_copy: Path):
    path = data_copy / "routes" / "uk.yaml"
    cited = "sources: [iwf_report_page, iwf_faqs, iwf_report_process]"
    path.write_text(path.read_text().replace(cited, "sources: [no_such_source]", 1))
    with pytest.raises(ContentError, match=r"uk.yaml.*iwf_report.*no_such_source"):
        load_content(data_copy)


def test_a_source_without_a_check_date_is_refused(data_copy: Path):
    path = data_copy / "sources" / "services_and_charities.yaml"
    text = path.read_text()
    entry = (
        '  url: "https://www.nspcc.org.uk/keeping-children-safe/reporting-abuse/report/"\n'
        "  checked: 2026-11-28\n"
    )
    assert entry in text
    path.write_text(text.replace(entry, entry.split("  checked")[0], 1))
    with pytest.raises(ContentError, match=r"services_and_charities.yaml: item 'nspcc_report_abuse': checked"):
        load_content(data_copy)


def test_invalid_yaml_is_reported_with_the_file_name(data_copy: Path):
    (data_copy / "vignettes" / "02_recognising_risk_indicators.yaml").write_text("- id: broken\n  title: [unclosed\n")
    with pytest.raises(ContentError, match=r"02_recognising_risk_indicators.yaml: not valid YAML"):
        load_content(data_copy)


def test_a_file_that_is_not_utf8_is_reported(data_copy: Path):
    (data_copy / "datasets" / "platforms.yaml").write_bytes("- id: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ContentError, match=r"platforms.yaml: not UTF-8"):
        load_content(data_copy)


def test_a_missing_file_is_reported(data_copy: Path):
    (data_copy / "models.yaml").unlink()
    with pytest.raises(ContentError, match=r"models.yaml: file is missing"):
        load_content(data_copy)


def test_a_duplicate_id_is_refused(data_copy: Path):
    path = data_copy / "facts" / "law_england_and_wales.yaml"
    path.write_text(path.read_text().replace("- id: s15a_offence", "- id: s15_offence", 1))
    with pytest.raises(
        ContentError,
        match=r"law_england_and_wales.yaml: item 's15_offence': id 's15_offence' is used twice",
    ):
        load_content(data_copy)


def test_a_vignette_naming_an_unknown_indicator_is_refused(data_copy: Path):
    path = data_copy / "vignettes" / "01_understanding_online_grooming.yaml"
    path.write_text(path.read_text().replace("indicator: older_partner", "indicator: made_up", 1))
    with pytest.raises(ContentError, match=r"01_understanding_online_grooming.yaml: item '\w+' names indicator 'made_up'"):
        load_content(data_copy)


def test_a_vignette_not_marked_fictional_is_refused(data_copy: Path):
    path = data_copy / "vignettes" / "01_understanding_online_grooming.yaml"
    path.write_text(path.read_text().replace("synthetic: true", "synthetic: false", 1))
    with pytest.raises(ContentError, match=r"01_understanding_online_grooming.yaml: item '\w+': synthetic"):
        load_content(data_copy)


SCENARIO = """
- id: test_case
  module: "06"
  synthetic: true
  title: A test case
  summary: A tiny case used by the tests.
  start: first
  sources: [nspcc_report_abuse]
  nodes:
    first:
      text: What do you do?
      choices:
        - {label: Tell my supervisor, next: good_end, feedback: Right., quality: best, sources: [sefton_lscb_duty_to_refer]}
        - {label: Wait, next: second, feedback: Risky., quality: unsafe, sources: [nspcc_report_abuse]}
    second:
      text: Still worried?
      choices:
        - {label: Tell my supervisor now, next: good_end, feedback: Better late., quality: acceptable, sources: [nspcc_report_abuse]}
    good_end:
      ending: You shared the concern.
      text: The end.
"""


def write_scenario(data_copy: Path, text: str) -> None:
    (data_copy / "scenarios").mkdir(exist_ok=True)
    (data_copy / "scenarios" / "test_case.yaml").write_text(text)


def test_a_well_formed_scenario_in_its_own_file_loads(data_copy: Path):
    write_scenario(data_copy, SCENARIO)
    case = load_content(data_copy).scenarios["test_case"]
    assert case.decision_points() == ["first", "second"]
    assert case.endings() == ["good_end"]
    assert "sefton_lscb_duty_to_refer" in case.all_sources()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("next: second", "next: nowhere"), "leads to unknown node 'nowhere'"),
        (
            ("next: good_end, feedback: Better late.", "next: first, feedback: Better late."),
            "loops back to node 'first'",
        ),
        (("start: first", "start: second"), "cannot be reached from the start"),
        (("      ending: You shared the concern.\n", ""), "either choices or an ending"),
        (("synthetic: true", "synthetic: false"), "synthetic"),
        (("sources: [sefton_lscb_duty_to_refer]", "sources: [made_up]"), "cites source 'made_up'"),
    ],
)
def test_a_broken_scenario_is_refused_naming_its_file(data_copy: Path, change, message):
    write_scenario(data_copy, SCENARIO.replace(*change))
    with pytest.raises(ContentError) as error:
        load_content(data_copy)
    assert "test_case.yaml" in str(error.value)
    assert message in str(error.value)


def test_an_id_used_in_two_files_of_one_kind_is_refused(data_copy: Path):
    (data_copy / "facts").mkdir(exist_ok=True)
    (data_copy / "facts" / "zz_extra.yaml").write_text(
        "- id: any_child\n  statement: Again.\n  kind: practice\n  status: primary\n"
        "  sources: [nspcc_report_abuse]\n"
    )
    with pytest.raises(
        ContentError,
        match=r"extra.yaml: item 'any_child': id is also used in .*signs_and_patterns.yaml",
    ):
        load_content(data_copy)


# -- evidence: primary sources for law, and dates to check again --------------------------------


def test_law_and_statutory_guidance_facts_cite_a_primary_source_and_say_where_they_apply():
    data = load_content()
    law = [f for f in data.facts.values() if f.kind in NEEDS_PRIMARY and f.status != "unverified"]
    assert len(law) >= 20
    for fact in law:
        assert fact.nation, fact.id
        assert any(data.sources[s].is_primary for s in fact.sources), fact.id


def test_a_law_fact_resting_on_secondary_sources_alone_is_refused_naming_it(data_copy: Path):
    path = data_copy / "facts" / "law_scotland.yaml"
    change_text(path, "sources: [legislation_asp2005_s1, vlex_asp2005]", "sources: [vlex_asp2005]")
    with pytest.raises(ContentError) as error:
        load_content(data_copy)
    message = str(error.value)
    assert "law_scotland.yaml: item 'm06_scotland_meeting_after_grooming'" in message
    assert "must cite a primary source" in message and "status: unverified" in message


def test_a_law_fact_without_a_nation_is_refused(data_copy: Path):
    path = data_copy / "facts" / "law_scotland.yaml"
    change_text(path, "  nation: Scotland\n", "")
    with pytest.raises(ContentError, match=r"law_scotland.yaml: item 'm06_scotland_\w+'.*nation"):
        load_content(data_copy)


def test_a_fact_marked_primary_needs_a_primary_source(data_copy: Path):
    path = data_copy / "facts" / "signs_and_patterns.yaml"
    change_text(path, "  status: secondary\n  sources: [middleton_pcn_vulnerability]",
                "  status: primary\n  sources: [middleton_pcn_vulnerability]")
    with pytest.raises(ContentError, match=r"item 'any_child': `status: primary` needs"):
        load_content(data_copy)


def test_no_fact_is_past_its_review_date():
    today = dt.date.today()
    overdue = [
        f"{f.id} (review by {f.review_by})"
        for f in load_content().facts.values()
        if f.review_by is not None and f.review_by < today
    ]
    assert not overdue, (
        "Check these facts again (a final text or a commencement date may now be known), update "
        "them and their sources, and set a new `review_by` or remove it: " + ", ".join(overdue)
    )


def test_facts_likely_to_change_soon_carry_a_review_date():
    facts = load_content().facts
    for fact_id in ("m06_kcsie_2026_proposals", "m06_kcsie_2026_in_force",
                    "m06_cpa2026_duty_commencement", "m06_cwsa2026_commencement"):
        assert facts[fact_id].review_by is not None, fact_id
        assert facts[fact_id].status == "unverified", fact_id


def test_no_law_or_guidance_rests_on_a_mirror_or_local_copy_of_national_text():
    mirrors = ("studylib", "docslib", "cld.bz", "millbrookprimary", "sunderland.ac.uk")
    data = load_content()
    for fact in data.facts.values():
        if fact.kind in NEEDS_PRIMARY:
            for source_id in fact.sources:
                assert not any(m in data.sources[source_id].url for m in mirrors), fact.id
    for route in data.routes.values():
        for source_id in route.sources:
            assert not any(m in data.sources[source_id].url for m in mirrors), route.id


def change_text(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test set-up: {old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_content_review_record_lists_every_unverified_fact():
    record = (REPO / "docs" / "content_review.md").read_text(encoding="utf-8")
    facts = load_content().facts.values()
    missing = [f.id for f in facts if f.status == "unverified" and f"`{f.id}`" not in record]
    assert not missing, f"add these unverified facts to docs/content_review.md: {missing}"
