"""The route finder gives the right routes, in the right order, in all four UK nations, both as
a pure function and through the widget; and bad route-finder data gets a clear error."""

from __future__ import annotations

import itertools
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import ipywidgets as w
import pytest

from safeguarding_course import content, routing
from safeguarding_course.content import DATA_DIR, NATIONS, ContentError
from safeguarding_course.routing import find_routes, load_route_finder
from safeguarding_course.widgets.route_finder import nation_terms, route_finder, terms, timescales

# Each nation's statutory route for a child (children's social care in England).
STATUTORY = {
    "England": "childrens_social_care",
    "Wales": "wales_social_services",
    "Scotland": "scotland_social_work_police",
    "Northern Ireland": "ni_gateway",
}
DSL = "designated_safeguarding_lead"
CEOP = "ceop_safety_centre"
ADVICE = "nspcc_helpline"
WHISTLE = "nspcc_whistleblowing"
REMOVE = ["report_remove", "iwf_report"]


def worker_routes(nation: str) -> list[str]:
    """For a child, a concern about someone who works with children goes to the statutory route
    and, in England and Wales, to the officer for allegations (in Scotland and Northern Ireland
    the statutory route deals with both)."""
    extra = {"England": ["lado"], "Wales": ["wales_designated_officer_safeguarding"]}
    return [STATUTORY[nation], *extra.get(nation, [])]


def worker_only(nation: str) -> list[str]:
    """For someone 18 or over, only the route for concerns about people who work with children."""
    return {
        "England": ["lado"],
        "Wales": ["wales_designated_officer_safeguarding"],
        "Scotland": ["scotland_social_work_police"],
        "Northern Ireland": ["ni_gateway"],
    }[nation]


@dataclass(frozen=True)
class Concern:
    """A concern, the answers that describe it, and the routes expected in every nation.
    `expected` may use the token "STATUTORY" for the nation's statutory route; `by_nation`
    gives the whole list for a nation where the routes differ in more than that."""

    description: str
    answers: dict[str, str]
    expected: list[str] = field(default_factory=list)
    by_nation: object = None  # a function nation -> list of route ids

    def routes_for(self, nation: str) -> list[str]:
        if self.by_nation is not None:
            return self.by_nation(nation)
        return [STATUTORY[nation] if r == "STATUTORY" else r for r in self.expected]


CONCERNS = [
    Concern(
        "A 14-year-old's new online 'friend' sends gifts and asks them to keep it secret",
        {},
        [DSL, "STATUTORY", CEOP, ADVICE],
    ),
    Concern(
        "A frightened 12-year-old is about to meet, tonight, an adult they met online",
        {"immediate_danger": "yes", "age": "under_13"},
        ["police_999", DSL, "STATUTORY", CEOP, ADVICE],
    ),
    Concern(
        "A 15-year-old tells their teacher someone online is pressuring them to send pictures",
        {"school_setting": "yes", "child_asking": "yes"},
        [DSL, "STATUTORY", CEOP, "childline", ADVICE],
    ),
    Concern(
        "A 16-year-old's nude image has been posted online by someone they met in a game",
        {"image_online": "yes"},
        [DSL, "STATUTORY", CEOP, *REMOVE, ADVICE],
    ),
    Concern(
        "An 11-year-old is being blackmailed over an image posted online and says they will "
        "hurt themselves tonight",
        {"immediate_danger": "yes", "age": "under_13", "image_online": "yes"},
        ["police_999", DSL, "STATUTORY", CEOP, *REMOVE, ADVICE],
    ),
    Concern(
        "A youth worker messages a 13-year-old privately late at night on a private app",
        {"works_with_children": "yes"},
        by_nation=lambda n: [DSL, *worker_routes(n), CEOP, WHISTLE, ADVICE],
    ),
    Concern(
        "In a school, a teaching assistant has sent sexual messages to a 14-year-old pupil",
        {"works_with_children": "yes", "school_setting": "yes"},
        by_nation=lambda n: [DSL, *worker_routes(n), CEOP, WHISTLE, ADVICE],
    ),
    Concern(
        "A coach asked an 18-year-old former player for sexual images, and now coaches under-16s",
        {"works_with_children": "yes", "age": "18_plus"},
        by_nation=lambda n: [DSL, *worker_only(n), "police_101", WHISTLE],
    ),
    Concern(
        "A 17-year-old wants to talk about an older online 'boyfriend' who asks for secrecy",
        {"child_asking": "yes"},
        [DSL, "STATUTORY", CEOP, "childline", ADVICE],
    ),
    Concern(
        "A 19-year-old care leaver says someone online threatens to share their images, and "
        "wants to talk",
        {"age": "18_plus", "image_online": "yes", "child_asking": "yes"},
        [DSL, "police_101", "childline"],
    ),
    Concern(
        "A parent says their partner has sexual thoughts about children and chats to teenagers "
        "online for hours",
        {"sexual_thoughts": "another"},
        [DSL, "STATUTORY", CEOP, "stop_it_now", ADVICE],
    ),
    Concern(
        "You are worried about your own sexual thoughts about children",
        {"sexual_thoughts": "own"},
        ["stop_it_now"],
    ),
    Concern(
        "You are worried about your own sexual thoughts, and a child is in immediate danger",
        {"sexual_thoughts": "own", "immediate_danger": "yes"},
        ["police_999", "stop_it_now"],
    ),
    Concern(
        "On a school placement, a 13-year-old has an expensive phone that no one can explain",
        {"school_setting": "yes"},
        [DSL, "STATUTORY", CEOP, ADVICE],
    ),
    Concern(
        "A 9-year-old says a 'friend' in a game asked them to move to a private app and keep "
        "it secret",
        {"age": "under_13", "child_asking": "yes"},
        [DSL, "STATUTORY", CEOP, "childline", ADVICE],
    ),
    Concern(
        "A 16-year-old has gone missing to meet someone from online, and no one knows where",
        {"immediate_danger": "yes"},
        ["police_999", DSL, "STATUTORY", CEOP, ADVICE],
    ),
    Concern(
        "A 15-year-old asks a college tutor for help to get their nude image taken down",
        {"image_online": "yes", "child_asking": "yes", "school_setting": "yes"},
        [DSL, "STATUTORY", CEOP, *REMOVE, "childline", ADVICE],
    ),
    Concern(
        "A youth-group volunteer has posted sexual images of a 14-year-old and is with the "
        "child now",
        {"works_with_children": "yes", "image_online": "yes", "immediate_danger": "yes"},
        by_nation=lambda n: ["police_999", DSL, *worker_routes(n), CEOP, *REMOVE, WHISTLE, ADVICE],
    ),
    Concern(
        "A colleague tells you they have sexual thoughts about the children they work with",
        {"works_with_children": "yes", "sexual_thoughts": "another"},
        by_nation=lambda n: [DSL, *worker_routes(n), CEOP, "stop_it_now", WHISTLE, ADVICE],
    ),
    Concern(
        "An 18-year-old college student says an adult online is pressuring them",
        {"age": "18_plus", "school_setting": "yes"},
        [DSL, "police_101"],
    ),
    Concern(
        "A 20-year-old with learning disabilities is in danger, meeting someone from online now",
        {"age": "18_plus", "immediate_danger": "yes"},
        ["police_999", DSL, "police_101"],
    ),
    Concern(
        "A 12-year-old in danger tells a teacher that another teacher shared images of them",
        {
            "immediate_danger": "yes",
            "age": "under_13",
            "works_with_children": "yes",
            "image_online": "yes",
            "child_asking": "yes",
            "school_setting": "yes",
        },
        by_nation=lambda n: [
            "police_999",
            DSL,
            *worker_routes(n),
            CEOP,
            *REMOVE,
            "childline",
            WHISTLE,
            ADVICE,
        ],
    ),
]

CASES = [
    pytest.param(concern, nation, id=f"{nation}: {concern.description[:60]}")
    for concern in CONCERNS
    for nation in NATIONS
]


def test_the_table_has_at_least_twenty_concerns():
    assert len(CONCERNS) >= 20
    assert len({c.description for c in CONCERNS}) == len(CONCERNS)


@pytest.mark.parametrize(("concern", "nation"), CASES)
def test_find_routes_gives_the_expected_routes_in_order(concern, nation):
    steps = find_routes({**concern.answers, "nation": nation})
    assert [s.route_id for s in steps] == concern.routes_for(nation)


@pytest.mark.parametrize(("concern", "nation"), CASES)
def test_the_widget_shows_the_same_routes_in_order(concern, nation):
    finder = route_finder()
    finder.nation.value = nation
    for question, answer in concern.answers.items():
        getattr(finder, question).value = answer
    finder.show_button.click()
    text = finder.result_text
    expected = concern.routes_for(nation)
    assert f"in {nation}, in the order to use them ({len(expected)} in all)" in text
    positions = []
    for number, route_id in enumerate(expected, start=1):
        heading = f"{number}. {content.route(route_id).name}"
        assert heading in text, heading
        positions.append(text.index(heading))
    assert positions == sorted(positions)


# -- what each step shows ---------------------------------------------------------------------


def test_each_step_shows_contacts_timescale_what_to_include_and_dated_sources():
    finder = route_finder()
    finder.nation.value = "Northern Ireland"
    finder.works_with_children.value = "yes"
    finder.show_button.click()
    text = finder.result_text
    for step in find_routes({"nation": "Northern Ireland", "works_with_children": "yes"}):
        for contact in step.route.contact:
            assert contact.value in text
        if step.route.timescale:
            assert step.route.timescale in text
        assert step.why in text
        assert step.include in text
        for source_id in step.sources:
            source = content.source(source_id)
            assert f"{source.title} (checked {source.checked:%-d %B %Y})" in text
            assert source.url in finder.result.value


@pytest.mark.parametrize(
    ("nation", "term_id"),
    [
        ("Wales", "m05_designated_safeguarding_person"),
        ("Scotland", "m05_ird"),
        ("Northern Ireland", "m05_gateway_team"),
    ],
)
def test_the_result_uses_the_nations_own_terms(nation, term_id):
    finder = route_finder()
    finder.nation.value = nation
    finder.show_button.click()
    term = content.glossary_term(term_id)
    assert term.term in finder.result_text
    assert term.definition in finder.result_text


def test_out_of_hours_in_northern_ireland_is_the_regional_emergency_social_work_service():
    gateway = content.route("ni_gateway")
    phone = next(c for c in gateway.contact if c.method == "phone")
    assert phone.value == "028 95 049 999"
    assert "Regional Emergency Social Work Service" in phone.hours


def test_nation_terms_lists_each_nations_terms_with_sources():
    text = nation_terms("Scotland").data
    for term_id in content.route("scotland_social_work_police").terms:
        assert content.glossary_term(term_id).term in text
    source = content.source(content.glossary_term("m05_ird").sources[0])
    assert f"[{source.title}]({source.url}), checked {source.checked:%-d %B %Y}" in text
    assert "No terms" in nation_terms("England").data
    with pytest.raises(ValueError, match="not a UK nation"):
        nation_terms("Cornwall")


def test_timescales_and_terms_are_read_from_the_data():
    text = timescales("lado", "ni_gateway").data
    assert content.route("lado").timescale in text
    assert content.route("ni_gateway").timescale in text
    with pytest.raises(ValueError, match="no timescale"):
        timescales("ceop_safety_centre")
    assert content.glossary_term("m05_mash").definition in terms("m05_mash").data


# -- rules that hold for every possible set of answers -----------------------------------------


def every_answer_set():
    finder = routing.route_finder_data()
    qids = list(finder.questions)
    for values in itertools.product(*(finder.questions[q].values() for q in qids)):
        yield dict(zip(qids, values, strict=True))


def test_for_every_set_of_answers_the_order_and_the_routes_are_safe():
    finder = routing.route_finder_data()
    stage_order = list(finder.stages)
    for answers in every_answer_set():
        steps = finder.find_routes(answers)
        ids = [s.route_id for s in steps]
        where = f"answers {answers} gave {ids}"
        assert ids, where
        assert len(ids) == len(set(ids)), where
        assert (ids[0] == "police_999") == (answers["immediate_danger"] == "yes"), where
        assert "police_999" not in ids[1:], where
        stages = [stage_order.index(s.stage.id) for s in steps]
        assert stages == sorted(stages), where
        assert all(s.route.applies_in(answers["nation"]) for s in steps), where
        child = answers["age"] != "18_plus"
        own = answers["sexual_thoughts"] == "own"
        if child and not own:
            assert STATUTORY[answers["nation"]] in ids, where
            assert ids.index(DSL) < ids.index(STATUTORY[answers["nation"]]), where
        if own:
            assert "stop_it_now" in ids, where


def test_an_unknown_question_or_answer_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="unknown question"):
        find_routes({"postcode": "CF10"})
    with pytest.raises(ValueError, match=r"'maybe' is not an answer to 'immediate_danger'"):
        find_routes({"immediate_danger": "maybe"})
    with pytest.raises(ValueError, match="not an answer to 'nation'"):
        find_routes({"nation": "Cornwall"})


def test_questions_left_out_take_their_defaults():
    assert find_routes({}) == find_routes({"nation": "England", "immediate_danger": "no"})


# -- the widget -------------------------------------------------------------------------------


def test_the_factory_returns_a_widget_without_displaying_it(capsys):
    assert isinstance(route_finder(), w.VBox)
    assert capsys.readouterr().out == ""


def test_every_control_has_a_label_and_the_nation_comes_first():
    finder = route_finder()
    assert list(finder.controls)[0] == "nation"
    assert all(control.description for control in finder.controls.values())
    assert finder.show_button.description == "Show the routes"
    assert finder.nation.options == tuple((n, n) for n in NATIONS)


def test_changing_an_answer_after_showing_asks_to_show_again():
    finder = route_finder()
    finder.show_button.click()
    assert "in England" in finder.result_text
    finder.nation.value = "Wales"
    assert "Your answers have changed" in finder.result_text
    finder.show_button.click()
    assert "in Wales" in finder.result_text


# -- bad data gets a clear error that names the file and the item -------------------------------


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def change(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test set-up: {old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_course_route_finder_data_loads():
    finder = load_route_finder()
    assert "nation" in finder.questions
    assert finder.rules


@pytest.mark.parametrize(
    ("old", "new", "item", "message"),
    [
        ("route: lado", "route: no_such_route", "worker_england", "names route 'no_such_route'"),
        (
            "when: {nation: [Wales], works_with_children",
            "when: {works_with_children",
            "worker_wales",
            "covers Wales only, but the rule can apply in England",
        ),
        (
            'when: {child_asking: ["yes"]}',
            'when: {child_is_asking: ["yes"]}',
            "child_wants_to_talk",
            "unknown question 'child_is_asking'",
        ),
        (
            'when: {immediate_danger: ["yes"]}',
            'when: {immediate_danger: ["maybe"]}',
            "immediate_danger",
            "gives ['maybe'] for 'immediate_danger'",
        ),
        (
            'when: {immediate_danger: ["yes"]}',
            "when: {immediate_danger: [yes]}",
            "immediate_danger",
            "valid string",
        ),
        ("stage: emergency", "stage: urgent", "immediate_danger", "stage 'urgent' is not one of"),
        (
            "    sources: [stopitnow_helpline]\n",
            "",
            "own_thoughts",
            "sources",
        ),
        (
            "    sources: [stopitnow_helpline]\n",
            "    sources: [made_up_source]\n",
            "own_thoughts",
            "cites source 'made_up_source'",
        ),
        ("    default: 13_to_17", "    default: 12_to_17", "age", "default '12_to_17'"),
        (
            "      - {value: Northern Ireland, label: Northern Ireland}\n",
            "",
            "nation",
            "'nation' question whose answers are",
        ),
    ],
)
def test_bad_route_finder_data_is_refused_naming_the_file_and_item(
    data_copy, old, new, item, message
):
    change(data_copy / "route_finder.yaml", old, new)
    with pytest.raises(ContentError) as error:
        load_route_finder(data_copy)
    assert "route_finder.yaml" in str(error.value)
    assert f"item '{item}'" in str(error.value)
    assert message in str(error.value)


def test_answers_with_no_route_at_all_are_refused(data_copy):
    path = data_copy / "route_finder.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: own_thoughts")
    end = text.index("  - id: another_adults_thoughts")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(ContentError, match=r"route_finder.yaml: no rule gives a route for"):
        load_route_finder(data_copy)


def test_a_missing_section_is_reported(data_copy):
    path = data_copy / "route_finder.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("rules:")], encoding="utf-8")
    with pytest.raises(ContentError, match=r"route_finder.yaml: missing the 'rules:' section"):
        load_route_finder(data_copy)


def test_a_route_naming_an_unknown_term_is_refused_naming_its_file(data_copy):
    change(data_copy / "routes" / "wales.yaml", "m05_emergency_duty_team]", "m05_no_such_term]")
    with pytest.raises(
        ContentError,
        match=r"wales.yaml: item 'wales_social_services' names term 'm05_no_such_term'",
    ):
        load_route_finder(data_copy)


def test_a_missing_route_finder_file_is_reported(data_copy):
    (data_copy / "route_finder.yaml").unlink()
    with pytest.raises(ContentError, match=r"route_finder.yaml: file is missing"):
        load_route_finder(data_copy)


def test_a_route_applies_in_its_own_nation_and_uk_routes_everywhere():
    assert content.route("lado").applies_in("England")
    assert not content.route("lado").applies_in("Scotland")
    assert all(content.route("childline").applies_in(n) for n in NATIONS)
