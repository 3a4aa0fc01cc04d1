"""The route finder gives the routes the guidance asks for, in the right order, in all four UK
nations; it agrees with every route the course's own model answers, scenarios and self-checks
name; it never assumes an answer; and bad route-finder data gets a clear error."""

from __future__ import annotations

import json
import re
import shutil
from html import escape
from pathlib import Path

import ipywidgets as w
import pytest
import yaml
from notebook_files import REPO as ROOT

from safeguarding_course import content, routing
from safeguarding_course.content import DATA_DIR, NATIONS, ContentError
from safeguarding_course.routing import MissingAnswersError, find_routes, load_route_finder
from safeguarding_course.widgets.route_finder import nation_terms, route_finder, terms, timescales

CASES_FILE = Path(__file__).with_name("route_finder_cases.yaml")
CASES = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))

TOKENS = {
    "DSL": dict.fromkeys(NATIONS, "designated_safeguarding_lead"),
    "STATUTORY": {
        "England": "childrens_social_care",
        "Wales": "wales_social_services",
        "Scotland": "scotland_social_work_police",
        "Northern Ireland": "ni_gateway",
    },
    "WORKER": {
        "England": "lado",
        "Wales": "wales_designated_officer_safeguarding",
        "Scotland": "scotland_social_work_police",
        "Northern Ireland": "ni_gateway",
    },
    "POLICE": {
        "England": "police_101",
        "Wales": "police_101_wales",
        "Scotland": "police_101_scotland",
        "Northern Ireland": "police_101_northern_ireland",
    },
    "ADULT": {
        "England": "adult_safeguarding_england",
        "Wales": "adult_safeguarding_wales",
        "Scotland": "adult_protection_scotland",
        "Northern Ireland": "adult_safeguarding_northern_ireland",
    },
}


def resolve(route: str, nation: str) -> str:
    return TOKENS[route][nation] if route in TOKENS else route


def route_ids(answers: dict) -> list[str]:
    return [step.route_id for step in find_routes(answers)]


def check(ids: list[str], nation: str, case: dict) -> None:
    where = f"{case.get('concern') or case}: in {nation} the finder gives {ids}"
    if case.get("first"):
        assert ids[0] == resolve(case["first"], nation), where
    for route in case.get("must", []) + case.get("routes", []):
        assert resolve(route, nation) in ids, f"{where}, which lacks {route}"
    for route in case.get("must_not", []):
        assert resolve(route, nation) not in ids, f"{where}, which should not include {route}"


CONCERN_CASES = [
    pytest.param(case, nation, id=f"{nation}: {case['concern'][:50]}")
    for case in CASES["concerns"]
    for nation in case.get("nations", NATIONS)
]


def test_the_table_covers_every_kind_of_concern_with_several_cases_each():
    concerns = CASES["concerns"]
    assert len(concerns) >= 40
    assert len({c["concern"] for c in concerns}) == len(concerns)
    kinds = [c["answers"]["concern"] for c in concerns]
    offered = routing.route_finder_data().questions["concern"].values()
    assert set(kinds) == set(offered), "every kind of concern has cases"
    assert all(kinds.count(k) >= 2 for k in offered)


def test_every_case_names_real_routes_and_real_sources():
    data = content.content()
    for case in CASES["concerns"] + CASES["course_answers"]:
        for key in ("must", "must_not", "routes", "first"):
            for route in [case[key]] if key == "first" and key in case else case.get(key, []):
                for nation in NATIONS:
                    assert resolve(route, nation) in data.routes, route
        for source_id in case.get("why", []):
            assert source_id in data.sources, source_id


@pytest.mark.parametrize(("case", "nation"), CONCERN_CASES)
def test_each_concern_gets_the_routes_the_guidance_asks_for(case, nation):
    check(route_ids({**case["answers"], "nation": nation}), nation, case)


# -- the course's own answers ------------------------------------------------------------------


def model_answer(notebook: str, variable: str) -> str:
    path = ROOT / "solutions" / notebook / f"{notebook}.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    pattern = re.compile(rf'^{variable} = "([a-z0-9_]+)"$', re.M)
    for cell in cells:
        source = "".join(cell["source"])
        if "### BEGIN SOLUTION" in source:
            found = pattern.search(source.split("### BEGIN SOLUTION", 1)[1])
            if found:
                return found.group(1)
    raise AssertionError(f"{path.name}: no model answer for {variable}")


def named_text(case: dict) -> str:
    if "scenario" in case:
        node = content.scenario(case["scenario"]).nodes[case["node"]]
        return " ".join(c.label for c in node.choices if c.quality == "best")
    check_item = content.self_check(case["self_check"])
    return " ".join(check_item.options[key] for key in check_item.correct)


@pytest.mark.parametrize(
    "case",
    CASES["course_answers"],
    ids=lambda c: c.get("solution") or c.get("scenario") or c.get("self_check"),
)
def test_every_route_the_course_teaches_is_what_the_finder_gives(case):
    if "solution" in case:
        (variable, expected), = case["answer"].items()
        assert model_answer(case["solution"], variable) == expected
        case = {**case, "routes": [*case.get("routes", []), expected]}
    else:
        assert case["says"] in named_text(case), f"the course no longer says {case['says']!r}"
    nation = case["nation"]
    check(route_ids({**case["answers"], "nation": nation}), nation, case)


def test_every_route_id_a_model_answer_names_is_checked_against_the_finder():
    """A new route-id answer in solutions/ must be added to the cases table."""
    listed = {
        (c["solution"], *c["answer"]) for c in CASES["course_answers"] if "solution" in c
    }
    route_ids_known = set(content.content().routes)
    found = set()
    for path in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            if "### BEGIN SOLUTION" not in source:
                continue
            for variable, value in re.findall(r'^(answer_q\d+) = "([a-z0-9_]+)"$', source, re.M):
                if value in route_ids_known:
                    found.add((path.parent.name, variable))
    assert found <= listed, f"add these model answers to {CASES_FILE.name}: {sorted(found - listed)}"


# -- no answer is assumed ------------------------------------------------------------------------


def test_no_question_has_a_default_and_missing_answers_are_named():
    finder = routing.route_finder_data()
    assert all(q.default is None for q in finder.questions.values())
    with pytest.raises(MissingAnswersError) as error:
        find_routes({"nation": "England"})
    assert error.value.missing == ["concern"]
    with pytest.raises(MissingAnswersError) as error:
        find_routes({"nation": "England", "concern": "grooming_online", "child_identified": "yes"})
    assert error.value.missing == ["immediate_danger", "age"]
    assert "How old is the child" in str(error.value)


def test_questions_that_do_not_apply_are_not_asked_and_their_answers_are_ignored():
    assert [q.id for q in routing.questions_for({})] == ["nation", "concern"]
    asked = routing.questions_for({"nation": "Wales", "concern": "own_wellbeing"})
    assert [q.id for q in asked] == ["nation", "concern"]
    asked = routing.questions_for({"concern": "grooming_online", "child_identified": "no"})
    assert [q.id for q in asked] == ["nation", "concern", "child_identified", "immediate_danger"]
    asked = routing.questions_for({"concern": "abuse_material_found"})
    assert [q.id for q in asked] == ["nation", "concern", "sharer_known", "immediate_danger"]
    answers = {"nation": "Wales", "concern": "abuse_material_found", "sharer_known": "no",
               "immediate_danger": "no"}
    assert route_ids(answers) == route_ids({**answers, "age": "under_13"})


def test_danger_is_asked_whether_or_not_a_child_can_be_named_and_999_then_comes_first():
    """999 first whenever any child may be in immediate danger: the police can act on an
    emergency without a name."""
    finder = routing.route_finder_data()
    for answers in routing.every_answer_set(finder):
        if answers["concern"] != "own_wellbeing":
            assert "immediate_danger" in answers, answers
    for concern in ("grooming_online", "worker", "adult_own_thoughts", "image_threatened"):
        ids = route_ids({"nation": "England", "concern": concern, "child_identified": "no",
                         "immediate_danger": "yes"})
        assert ids[0] == "police_999", (concern, ids)
        assert "police_101" not in ids, (concern, ids)


def test_an_unknown_question_or_answer_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="unknown question"):
        find_routes({"postcode": "CF10"})
    with pytest.raises(ValueError, match=r"'maybe' is not an answer to 'immediate_danger'"):
        find_routes({"immediate_danger": "maybe"})
    with pytest.raises(ValueError, match="not an answer to 'nation'"):
        find_routes({"nation": "Cornwall"})


def test_for_every_set_of_answers_the_order_and_the_routes_are_safe():
    finder = routing.route_finder_data()
    stage_order = list(finder.stages)
    for answers in routing.every_answer_set(finder):
        steps = finder.find_routes(answers)
        ids = [s.route_id for s in steps]
        where = f"answers {answers} gave {ids}"
        assert ids and len(ids) == len(set(ids)), where
        assert (ids[0] == "police_999") == (answers.get("immediate_danger") == "yes"), where
        stages = [stage_order.index(s.stage.id) for s in steps]
        assert stages == sorted(stages), where
        assert all(s.route.applies_in(answers["nation"]) for s in steps), where
        child = answers.get("child_identified") == "yes" and answers.get("age") != "18_plus"
        if child and answers["concern"] not in ("other_online",):
            assert TOKENS["STATUTORY"][answers["nation"]] in ids, where
        if "ceop_safety_centre" in ids:
            assert answers["concern"] in ("grooming_online", "image_threatened", "image_asked")
        if "stop_it_now" in ids:
            assert answers["concern"] in ("adult_behaviour", "adult_own_thoughts") or (
                answers.get("age") == "18_plus"
            ), where


# -- the widget ---------------------------------------------------------------------------------


def drive(finder, nation: str, answers: dict) -> None:
    finder.nation.value = nation
    for question, answer in answers.items():
        getattr(finder, question).value = answer
    finder.show_button.click()


@pytest.mark.parametrize(
    ("case", "nation"),
    [(CASES["concerns"][i], n) for i, n in ((0, "England"), (10, "Wales"), (16, "Scotland"),
                                           (22, "Northern Ireland"), (34, "England"))],
)
def test_the_widget_shows_the_same_routes_in_order(case, nation):
    finder = route_finder()
    drive(finder, nation, case["answers"])
    text = finder.result_text
    expected = route_ids({**case["answers"], "nation": nation})
    assert f"in {nation}, in the order to use them ({len(expected)} in all)" in text
    positions = []
    for number, route_id in enumerate(expected, start=1):
        heading = f"{number}. {content.route(route_id).name}"
        assert heading in text, heading
        positions.append(text.index(heading))
    assert positions == sorted(positions)


def test_the_widget_preselects_nothing_hides_questions_that_do_not_apply_and_asks_for_the_rest():
    finder = route_finder()
    assert all(control.value is None for control in finder.controls.values())
    shown = lambda: [q for q, control in finder.controls.items() if control.layout.display != "none"]  # noqa: E731
    assert shown() == ["nation", "concern"]
    finder.concern.value = "grooming_online"
    assert shown() == ["nation", "concern", "child_identified", "immediate_danger"]
    finder.child_identified.value = "yes"
    assert shown() == ["nation", "concern", "child_identified", "immediate_danger", "age"]
    finder.child_identified.value = "no"
    assert shown() == ["nation", "concern", "child_identified", "immediate_danger"]
    finder.concern.value = "abuse_material_found"
    assert shown() == ["nation", "concern", "sharer_known", "immediate_danger"]
    finder.concern.value = "grooming_online"
    finder.child_identified.value = "yes"
    finder.show_button.click()
    assert "Answer these questions first" in finder.result_text
    assert "Which UK nation" in finder.result_text and "How old" in finder.result_text
    finder.concern.value = "own_wellbeing"
    assert shown() == ["nation", "concern"]


def test_each_step_shows_contacts_timescale_what_to_include_and_dated_sources():
    finder = route_finder()
    answers = {"concern": "worker", "child_identified": "yes", "immediate_danger": "no",
               "age": "13_to_15"}
    drive(finder, "Northern Ireland", answers)
    text = finder.result_text
    for step in find_routes({**answers, "nation": "Northern Ireland"}):
        for contact in step.route.contact:
            assert contact.value in text
        if step.route.timescale:
            assert step.route.timescale in text
        assert step.why in text and step.include in text
        for source_id in step.sources:
            source = content.source(source_id)
            assert f"{source.title} (checked {source.checked:%-d %B %Y})" in text
            assert escape(source.url) in finder.result.value


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
    drive(finder, nation, CASES["concerns"][0]["answers"])
    term = content.glossary_term(term_id)
    assert term.term in finder.result_text
    assert term.definition in finder.result_text


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
    drive(finder, "England", {"concern": "own_wellbeing"})
    assert "in England" in finder.result_text
    finder.nation.value = "Wales"
    assert "Your answers have changed" in finder.result_text
    finder.show_button.click()
    assert "in Wales" in finder.result_text


@pytest.mark.parametrize(
    ("nation", "rule_id"), [("Scotland", "worker_scotland"), ("Northern Ireland", "worker_northern_ireland")]
)
@pytest.mark.parametrize("age", ["under_13", "13_to_15", "16_to_17", "18_plus"])
def test_in_scotland_and_northern_ireland_a_worker_concern_gives_the_worker_reason(nation, rule_id, age):
    """The statutory route comes once, with the first reason that brought it in: for a worker it
    must be the worker rule's, which says it also goes through the employer's own procedure."""
    steps = find_routes({"nation": nation, "concern": "worker", "child_identified": "yes",
                         "immediate_danger": "no", "age": age})
    statutory = [s for s in steps if s.route_id == TOKENS["WORKER"][nation]]
    assert len(statutory) == 1 and statutory[0].rule_id == rule_id, [s.rule_id for s in steps]
    assert "employer's own procedure" in statutory[0].why


def test_in_wales_a_worker_your_organisation_has_not_acted_on_can_go_to_the_dos():
    steps = find_routes({"nation": "Wales", "concern": "organisation_not_acting",
                         "child_identified": "no", "immediate_danger": "no"})
    dos = [s for s in steps if s.route_id == "wales_designated_officer_safeguarding"]
    assert len(dos) == 1 and dos[0].rule_id == "organisation_not_acting_worker_wales"
    assert dos[0].why.startswith("If the concern")


def test_out_of_hours_in_northern_ireland_is_the_regional_emergency_social_work_service():
    gateway = content.route("ni_gateway")
    phone = next(c for c in gateway.contact if c.method == "phone")
    assert phone.value == "028 95 049 999"
    assert "Regional Emergency Social Work Service" in phone.hours
    assert "within 10 working days" in gateway.timescale
    assert gateway.values["initial_assessment_working_days"] == 10


def test_a_figure_a_route_gives_in_values_is_the_one_its_timescale_states():
    """Code reads a timescale's figure from `values`; the prose a trainee reads must agree."""
    for route in content.content().routes.values():
        for value in route.values.values():
            assert str(value) in (route.timescale or ""), (route.id, value)


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


def test_a_route_applies_in_its_own_nation_and_uk_routes_everywhere():
    assert content.route("lado").applies_in("England")
    assert not content.route("lado").applies_in("Scotland")
    assert all(content.route("childline").applies_in(n) for n in NATIONS)
    for nation, route_id in TOKENS["POLICE"].items():
        assert content.route(route_id).coverage == nation


def test_every_rule_cites_a_source():
    assert all(rule.sources for rule in routing.route_finder_data().rules)


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


@pytest.mark.parametrize(
    ("old", "new", "item", "message"),
    [
        ("route: lado", "route: no_such_route", "worker_england", "names route 'no_such_route'"),
        (
            "when: {nation: [Wales], concern: [worker]}",
            "when: {concern: [worker]}",
            "worker_wales",
            "covers Wales only, but the rule can apply in England",
        ),
        (
            "when: {concern: [own_wellbeing]}",
            "when: {feeling: [own_wellbeing]}",
            "samaritans_any_time",
            "unknown question 'feeling'",
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
        ("    sources: [samaritans_contact]\n", "", "samaritans_any_time", "sources"),
        (
            "    sources: [samaritans_contact]\n",
            "    sources: [made_up_source]\n",
            "samaritans_any_time",
            "cites source 'made_up_source'",
        ),
        (
            "          Scotland: police_101_scotland\n",
            "",
            "police_crime_against_a_child",
            "needs one for each of",
        ),
        (
            "    ask_when: {child_identified: [\"yes\"]}\n    options:\n      - {value: under_13",
            "    ask_when: {child_known: [\"yes\"]}\n    options:\n      - {value: under_13",
            "age",
            "ask_when names 'child_known'",
        ),
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
    start = text.index("  - id: support_for_you")
    path.write_text(text[:start], encoding="utf-8")
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
