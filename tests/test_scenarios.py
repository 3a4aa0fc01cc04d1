"""The branching case scenarios are complete and safe to teach, and the scenario player walks
every path of every scenario from start to ending, showing the right feedback on the way."""

from __future__ import annotations

import re
from html import escape

import ipywidgets as w
import pytest

from safeguarding_course import content
from safeguarding_course.content import Scenario
from safeguarding_course.widgets._feedback import html_to_text
from safeguarding_course.widgets.scenario import (
    SHORT_VERDICTS,
    VERDICTS,
    fill_routes,
    scenario_player,
)

MODULE = "07"
MIN_NODES = 8  # decision points plus endings
PLACEHOLDER = re.compile(r"\{\{\s*([a-z0-9_]+)\s*\}\}")


def scenarios() -> list[Scenario]:
    return sorted(
        (s for s in content.content().scenarios.values() if s.module == MODULE),
        key=lambda s: s.id,
    )


def all_paths(scenario: Scenario) -> list[tuple[int, ...]]:
    """Every route through the case, as the choice index taken at each decision."""
    paths: list[tuple[int, ...]] = []

    def walk(node_id: str, taken: tuple[int, ...]) -> None:
        node = scenario.nodes[node_id]
        if node.ending:
            paths.append(taken)
        for index, choice in enumerate(node.choices):
            walk(choice.next, (*taken, index))

    walk(scenario.start, ())
    return paths


def texts(scenario: Scenario):
    """Every piece of text a learner can read in the case, with where it comes from."""
    yield "summary", scenario.summary
    for node_id, node in scenario.nodes.items():
        yield f"{node_id}.text", node.text
        if node.ending:
            yield f"{node_id}.ending", node.ending
        for n, choice in enumerate(node.choices):
            yield f"{node_id}.choices[{n}].label", choice.label
            yield f"{node_id}.choices[{n}].feedback", choice.feedback
            for field in ("went_well", "do_differently"):
                if getattr(choice, field):
                    yield f"{node_id}.choices[{n}].{field}", getattr(choice, field)
    for n, point in enumerate(scenario.debrief):
        yield f"debrief[{n}]", point


def plain(text: str) -> str:
    """Text as the player shows it: phone numbers filled in, whitespace collapsed."""
    return html_to_text(fill_routes(text))


PATHS = [(s.id, path) for s in scenarios() for path in all_paths(s)]


# -- the content ------------------------------------------------------------------------------


def test_there_are_at_least_four_scenarios_for_the_module():
    assert len(scenarios()) >= 4


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.id)
def test_a_scenario_is_fictional_set_in_england_and_big_enough(scenario):
    assert scenario.synthetic is True
    assert scenario.nation == "England"
    size = len(scenario.decision_points()) + len(scenario.endings())
    assert size >= MIN_NODES, f"{scenario.id}: {size} decision points and endings"
    assert len(scenario.endings()) >= 2, "a case needs more than one way it can end"


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.id)
def test_every_choice_has_feedback_a_quality_and_known_dated_sources(scenario):
    for node_id, node in scenario.nodes.items():
        for choice in node.choices:
            where = f"{scenario.id}.{node_id}: {choice.label[:40]!r}"
            assert len(choice.feedback.split()) >= 12, f"{where}: feedback should say why"
            assert choice.quality in VERDICTS
            assert choice.sources, f"{where}: no sources"
            for source_id in choice.sources:
                source = content.source(source_id)  # raises if unknown
                assert source.checked and source.url.startswith(("https://", "http://"))


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.id)
def test_every_decision_offers_a_good_practice_choice_and_a_real_alternative(scenario):
    for node_id in scenario.decision_points():
        choices = scenario.nodes[node_id].choices
        assert len(choices) >= 2, f"{scenario.id}.{node_id}: only one choice"
        assert any(c.quality == "best" for c in choices), f"{scenario.id}.{node_id}: no best"
        assert any(c.quality != "best" for c in choices), f"{scenario.id}.{node_id}: all best"


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.id)
def test_every_choice_says_what_went_well_or_what_to_do_differently_by_its_quality(scenario):
    """The ending is built from these, so every path gets both, and an unsafe choice is never
    praised. An ending node only says what happened, true on every path that reaches it."""
    for node_id, node in scenario.nodes.items():
        for choice in node.choices:
            where = f"{scenario.id}.{node_id}: {choice.label[:40]!r}"
            if choice.quality == "best":
                assert choice.went_well and not choice.do_differently, where
            elif choice.quality == "acceptable":
                assert choice.went_well and choice.do_differently, where
            else:
                assert choice.do_differently and not choice.went_well, where
    for node_id in scenario.endings():
        ending = scenario.nodes[node_id].ending
        assert "went well" not in ending.lower() and "differently" not in ending.lower(), (
            f"{scenario.id}.{node_id}: the ending's lessons come from the path, not the node"
        )
    assert scenario.debrief, f"{scenario.id}: points to take away, shown at the ending"


PROMISES_SECRECY = re.compile(r"\bpromise\b[^.]*\b(secret|between the two of you|not tell)", re.I)


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.id)
def test_a_choice_that_promises_secrecy_is_never_rated_above_unsafe(scenario):
    """The course teaches that you never promise to keep a secret (module 4, and the
    self-checks and assessments mark it wrong), so no scenario may rate or praise it."""
    for node_id, node in scenario.nodes.items():
        for choice in node.choices:
            if PROMISES_SECRECY.search(choice.label) and not re.search(r"\bcannot\b|\bnever\b", choice.label, re.I):
                assert choice.quality == "unsafe", f"{scenario.id}.{node_id}: {choice.label!r}"


def test_the_secrecy_check_sees_a_promise():
    assert PROMISES_SECRECY.search("Promise to keep it between the two of you, then tell")
    assert not PROMISES_SECRECY.search("Say that you cannot keep it secret")


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.id)
def test_every_source_a_scenario_cites_exists(scenario):
    for source_id in scenario.all_sources():
        assert source_id in content.content().sources


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.id)
def test_phone_numbers_come_from_the_routes_data_never_typed_twice(scenario):
    for where, text in texts(scenario):
        for route_id in PLACEHOLDER.findall(text):
            assert route_id in content.content().routes, f"{where}: unknown route {route_id}"
        assert not re.search(r"\d{3,}", PLACEHOLDER.sub("", text)), (
            f"{scenario.id} {where}: write a number as {{{{route_id}}}}, not by hand"
        )


def test_a_route_placeholder_shows_the_number_from_the_data():
    assert (
        fill_routes("Call {{police_999}}.")
        == f"Call {content.route('police_999').contact[0].value}."
    )
    assert fill_routes("{{ childline }}") == content.route("childline").contact[0].value


# -- the player -------------------------------------------------------------------------------


def test_the_factory_returns_a_widget_without_displaying_it(capsys):
    player = scenario_player(scenarios()[0].id)
    assert isinstance(player, w.VBox)
    assert capsys.readouterr().out == ""


def test_an_unknown_scenario_is_refused():
    with pytest.raises(KeyError, match="no_such_case"):
        scenario_player("no_such_case")


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.id)
def test_the_player_starts_at_the_start_with_a_labelled_button_per_choice(scenario):
    player = scenario_player(scenario.id)
    start = scenario.nodes[scenario.start]
    assert player.node_id == scenario.start
    assert player.path == ()
    assert player.feedback_text == "" and player.summary_text == ""
    assert plain(start.text) in player.situation_text
    assert [b.description for b in player.choice_buttons] == [
        fill_routes(c.label) for c in start.choices
    ]
    assert all(b.description and b.tooltip for b in player.choice_buttons)
    assert player.restart_button.description == "Start again"
    assert scenario.title in html_to_text(player.header.value)
    assert "fictional" in html_to_text(player.header.value)


@pytest.mark.parametrize(("scenario_id", "path"), PATHS, ids=[f"{s}-{p}" for s, p in PATHS])
def test_every_path_plays_to_its_ending_showing_each_choices_feedback(scenario_id, path):
    scenario = content.scenario(scenario_id)
    player = scenario_player(scenario_id)
    node_id = scenario.start
    for step, index in enumerate(path, start=1):
        choice = scenario.nodes[node_id].choices[index]
        player.choice_buttons[index].click()
        shown = player.feedback_text
        assert shown.startswith(VERDICTS[choice.quality]), shown[:60]
        assert f"You chose: {plain(choice.label)}" in shown
        assert plain(choice.feedback) in shown
        for source_id in choice.sources:
            source = content.source(source_id)
            assert f"checked {source.checked:%-d %B %Y}" in shown
            assert escape(source.url) in player.feedback.value
        node_id = choice.next
        assert player.node_id == node_id
        assert len(player.path) == step and player.path[-1].choice == choice
    ending = scenario.nodes[node_id]
    assert ending.ending and player.at_ending
    assert player.choice_buttons == []
    assert plain(ending.text) in player.situation_text
    summary = player.summary_text
    assert f"What happened: {plain(ending.ending)}" in summary
    well = summary.split("What went well:")[1].split("What to do differently:")[0]
    differently = summary.split("What to do differently:")[1].split("Points to take away")[0]
    for step in player.path:
        choice = step.choice
        if choice.quality == "unsafe":
            assert plain(choice.do_differently) in differently, "an unsafe choice is learnt from"
            assert plain(choice.label) not in well and plain(choice.feedback) not in well
        if choice.went_well:
            assert plain(choice.went_well) in well
        if choice.quality == "best":
            assert not choice.do_differently
    if not any(step.quality != "best" for step in player.path):
        assert "every decision was good practice" in differently
    for point in scenario.debrief:
        assert plain(point) in summary
    for step in player.path:
        assert f"{SHORT_VERDICTS[step.quality]}: {plain(step.choice.label)}" in summary
    assert f"You made {len(path)} decision" in summary


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.id)
def test_no_debrief_is_shown_before_an_ending(scenario):
    player = scenario_player(scenario.id)
    shown = " ".join(
        [player.situation_text, player.feedback_text, player.summary_text, player.history_text]
    )
    for point in scenario.debrief:
        assert plain(point) not in shown
    player.choice_buttons[0].click()
    if not player.at_ending:
        assert player.summary_text == ""


def test_the_unsafe_message_from_jordan_s_account_is_never_praised_at_the_ending():
    """The issue's example: after messaging Ace from Jordan's account, the ending must say to
    do otherwise, and must not say that Ace was never warned."""
    scenario = content.scenario("m07_jordan_gaming_friend")
    player = scenario_player(scenario.id)
    for index in (1, 0, 2, 0):  # take it seriously, message Ace, tell supervisor, safe plan
        player.choice_buttons[index].click()
    assert player.at_ending
    summary = player.summary_text
    unsafe = scenario.nodes["child"].choices[0]
    assert unsafe.quality == "unsafe"
    assert plain(unsafe.do_differently) in summary.split("What to do differently:")[1]
    assert "without warning Ace" not in summary


def test_each_quality_is_said_in_words():
    assert VERDICTS == {
        "best": "Good practice.",
        "acceptable": "Acceptable, but there is a better step.",
        "unsafe": "Unsafe.",
    }


def test_the_path_so_far_lists_each_decision_with_its_quality():
    scenario = scenarios()[0]
    player = scenario_player(scenario.id)
    first = scenario.nodes[scenario.start].choices[0]
    player.choice_buttons[0].click()
    if not player.at_ending:
        assert "Your path so far:" in player.history_text
        assert f"{SHORT_VERDICTS[first.quality]}: {plain(first.label)}" in player.history_text


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.id)
def test_start_again_returns_to_the_start_and_clears_the_path(scenario):
    player = scenario_player(scenario.id)
    longest = max(all_paths(scenario), key=len)
    for index in longest:
        player.choice_buttons[index].click()
    assert player.at_ending and player.summary_text
    player.restart_button.click()
    assert player.node_id == scenario.start
    assert player.path == ()
    assert player.feedback_text == "" and player.summary_text == "" and player.history_text == ""
    assert len(player.choice_buttons) == len(scenario.nodes[scenario.start].choices)
    player.choice_buttons[0].click()  # and it can be played again
    assert len(player.path) == 1


def test_a_button_from_an_earlier_situation_does_nothing():
    scenario = scenarios()[0]
    player = scenario_player(scenario.id)
    old_buttons = list(player.choice_buttons)
    old_buttons[0].click()
    node_after_first_click = player.node_id
    old_buttons[1].click()  # a stale button left over from the start
    assert player.node_id == node_after_first_click
    assert len(player.path) == 1


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.id)
def test_the_good_practice_choice_is_not_always_in_the_same_place(scenario):
    """Otherwise a learner could pass by always picking the first button."""
    positions = {
        [c.quality for c in scenario.nodes[n].choices].index("best")
        for n in scenario.decision_points()
    }
    assert len(positions) > 1, f"{scenario.id}: the best choice is always at {positions}"


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.id)
def test_the_advice_and_routes_the_case_draws_on_appear_only_at_an_ending(scenario):
    player = scenario_player(scenario.id)
    facts = [plain(content.fact(f).statement) for f in scenario.ending_facts]
    routes = [content.route(r).name for r in scenario.ending_routes]
    assert facts and routes
    before = " ".join([player.situation_text, player.feedback_text, player.summary_text])
    assert not any(text in before for text in facts + routes)
    for index in max(all_paths(scenario), key=len):
        player.choice_buttons[index].click()
    summary = player.summary_text
    assert "The advice and routes this case draws on:" in summary
    assert all(text in summary for text in facts + routes)
    for route_id in scenario.ending_routes:
        assert escape(content.route(route_id).contact[0].value) in player.summary.value


DEFERS = re.compile(
    r"\b(tomorrow|next week|end of the (day|week)|next day|after the weekend|on monday|"
    r"later this week|in a few days|at (your|the next) supervision|before you go home|"
    r"if anything else happens|for now)",
    re.I,
)


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.id)
def test_a_choice_that_puts_the_concern_off_to_a_later_day_is_never_rated_above_unsafe(scenario):
    """Every case in module 7 is a concern about a child that must reach the supervisor or the
    safeguarding lead the same day (self-check `start_first_step`, `m05_lado_timescale`), and
    several have a deadline tonight. So a choice whose label puts anything off to tomorrow, next
    week or the end of the day or week is unsafe and never praised. The check reads the label
    only, with no exception for words such as "today" or "tonight" elsewhere in it: "Childline
    tonight, and see him next week" still puts the concern off. A label that means "not
    tomorrow" should say "today" instead."""
    for node_id, node in scenario.nodes.items():
        for choice in node.choices:
            if DEFERS.search(choice.label):
                assert choice.quality == "unsafe" and not choice.went_well, (
                    f"{scenario.id}.{node_id}: {choice.label!r} puts the concern off"
                )


def test_the_deferral_check_sees_each_way_of_putting_a_concern_off():
    for label in (
        "Raise it at your supervision session at the end of the week.",
        "Give him Childline's details so that he can talk tonight, and see him at next week's meeting.",
        "Tell your supervisor at the end of the day.",
        "Ring for advice first, and decide tomorrow.",
        "Tell your supervisor first thing tomorrow.",
        "Tell your supervisor before you go home.",
        "Accept it for now, and raise it again if anything else happens.",
        "Wait for a reply after the weekend.",
    ):
        assert DEFERS.search(label), label
    for label in (
        "Tell your supervisor now, and agree a referral today.",
        "Help Ryan report it to the CEOP Safety Centre himself, and tell your supervisor straight after.",
        "Ring the NSPCC Helpline for a professional consultation first, then refer later today.",
    ):
        assert not DEFERS.search(label), label


DELETE = re.compile(r"\bdelete\b", re.I)


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.id)
def test_advice_to_delete_evidence_is_never_rated_above_unsafe_or_praised(scenario):
    """Module 3, the self-checks and assessment 7 teach that deleting loses evidence."""
    for node_id in scenario.decision_points():
        for choice in scenario.nodes[node_id].choices:
            if DELETE.search(choice.label) and "not to delete" not in choice.label:
                assert choice.quality == "unsafe" and not choice.went_well, (node_id, choice.label)


def test_waiting_for_the_supervisor_in_an_emergency_is_unsafe():
    """A meeting today is immediate danger: the supervisor comes after the police, not before."""
    node = content.scenario("m07_jordan_gaming_friend").nodes["school_call"]
    for choice in node.choices:
        if choice.quality != "best":
            assert choice.quality == "unsafe" and not choice.went_well, choice.label
    best = next(c for c in node.choices if c.quality == "best")
    assert best.label.index("{{police_999}}") < best.label.index("supervisor")


def paths_to(scenario: Scenario, ending: str) -> list[list]:
    """The choices taken on every path that ends at `ending`."""
    found = []
    for path in all_paths(scenario):
        node_id, taken = scenario.start, []
        for index in path:
            choice = scenario.nodes[node_id].choices[index]
            taken.append((node_id, choice))
            node_id = choice.next
        if node_id == ending:
            found.append(taken)
    return found


def test_each_ending_is_true_on_every_path_that_reaches_it():
    """The review's cases: an ending must not say what did not happen on the path taken."""
    ryan = content.scenario("m07_ryan_blackmail")
    for name in ryan.endings():
        text = ryan.nodes[name].text + " " + ryan.nodes[name].ending
        if re.search(r"Report Remove|removal|taken down", text):
            for taken in paths_to(ryan, name):
                assert any(n == "remove" and c.quality == "best" for n, c in taken), name
    jordan = content.scenario("m07_jordan_gaming_friend")
    for taken in paths_to(jordan, "missed_end"):  # "before anyone acted": the DSL never rang
        assert all(n != "school_call" for n, _ in taken)
    leah = content.scenario("m07_colleague_messages")
    for taken in paths_to(leah, "dropped_end"):  # "never reached the LADO": no parent's complaint
        assert all(n != "later" for n, _ in taken)
