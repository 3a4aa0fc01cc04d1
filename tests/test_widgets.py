"""Widgets show the right feedback when a learner sets their values and clicks their buttons."""

from __future__ import annotations

import ipywidgets as w
import pytest

from safeguarding_course import content
from safeguarding_course.widgets import indicator_spotter, self_check
from safeguarding_course.widgets.controls import LiveRegion


def test_a_right_single_choice_says_correct_explains_and_cites_a_dated_source():
    widget = self_check("start_first_step")
    widget.choices.value = "C"
    widget.check_button.click()
    text = widget.feedback_text
    assert text.startswith("Correct.")
    assert content.self_check("start_first_step").explanation.split(".")[0] in text
    source = content.source(content.self_check("start_first_step").sources[0])
    assert source.publisher in text
    assert f"checked {source.checked:%-d %B %Y}" in text
    assert source.url in widget.feedback.value


def test_a_wrong_single_choice_names_the_best_answer_and_says_why_the_choice_is_wrong():
    widget = self_check("start_first_step")
    widget.choices.value = "D"
    widget.check_button.click()
    question = content.self_check("start_first_step")
    assert widget.feedback_text.startswith("Not quite.")
    assert "The best answer is C." in widget.feedback_text
    assert f"D (not right, your choice): {question.reasons['D']}" in widget.feedback_text


@pytest.mark.parametrize("question_id", ["start_first_step", "m01_tactics", "m06_commerce"])
def test_after_check_every_option_has_its_reason_and_before_check_none_does(question_id):
    question = content.self_check(question_id)
    widget = self_check(question_id)
    assert widget.feedback_text == ""
    if question.multiple:
        widget.choices[0].value = True
    else:
        widget.choices.value = next(iter(question.options))
    widget.check_button.click()
    for key, reason in question.reasons.items():
        verdict = "right" if key in question.correct else "not right"
        assert f"{key} ({verdict}" in widget.feedback_text
        assert reason in widget.feedback_text


def test_checking_with_nothing_chosen_asks_for_an_answer():
    widget = self_check("start_first_step")
    widget.check_button.click()
    assert "Choose an answer first" in widget.feedback_text


def test_a_partly_right_multiple_choice_names_what_was_missed_and_what_is_wrong():
    widget = self_check("m01_tactics")
    options = list(content.self_check("m01_tactics").options)
    for key, box in zip(options, widget.choices, strict=True):
        box.value = key in {"A", "D"}
    widget.check_button.click()
    text = widget.feedback_text
    assert text.startswith("Not quite.")
    assert "You did not choose: B, C, E." in text
    assert "These are not right: D." in text


def test_a_fully_right_multiple_choice_says_correct():
    widget = self_check("m01_tactics")
    for key, box in zip(content.self_check("m01_tactics").options, widget.choices, strict=True):
        box.value = key in content.self_check("m01_tactics").correct
    widget.check_button.click()
    assert widget.feedback_text.startswith("Correct.")


def test_every_control_has_a_label():
    quiz = self_check("m01_tactics")
    spotter = indicator_spotter("maya_gaming_friend")
    single = self_check("start_first_step")
    controls = [*quiz.choices, *spotter.boxes.values(), single.choices]
    assert all(control.description for control in controls)
    assert all(b.description for b in (quiz.check_button, spotter.check_button))


def test_the_factories_return_widgets_without_displaying_them(capsys):
    assert isinstance(self_check("start_first_step"), w.VBox)
    assert isinstance(indicator_spotter("sam_new_phone"), w.VBox)
    assert capsys.readouterr().out == ""


@pytest.fixture
def spotter():
    return indicator_spotter("sam_new_phone")


def test_the_spotter_offers_present_and_absent_indicators_by_name(spotter):
    vignette = content.vignette("sam_new_phone")
    assert set(spotter.boxes) == set(vignette.offered())
    names = {box.description for box in spotter.boxes.values()}
    assert content.indicator("unexplained_gifts").name in names


def test_the_spotter_reports_spotted_missed_and_over_read_signs(spotter):
    spotter.boxes["unexplained_gifts"].value = True
    spotter.boxes["lost_interest"].value = True
    spotter.check_button.click()
    text = spotter.feedback_text
    assert "You spotted 1 of 2." in text
    assert "You missed: " + content.indicator("missing_late_school").name in text
    assert "The account does not show: " + content.indicator("lost_interest").name in text
    assert "He still plays football every Saturday." in text
    assert text.startswith("Some signs to look at again.")


def test_the_spotter_says_all_correct_when_every_present_sign_is_ticked(spotter):
    for p in content.vignette("sam_new_phone").present:
        spotter.boxes[p.indicator].value = True
    spotter.check_button.click()
    assert spotter.feedback_text.startswith("All correct.")
    assert "You missed" not in spotter.feedback_text


def test_feedback_is_an_announced_status_region():
    """Shown in the widget's one live region (a `role="status"` region in the browser, with
    no second region nested inside it: tests/test_browser_*.py check Chromium's tree)."""
    widget = self_check("start_first_step")
    widget.choices.value = "C"
    widget.check_button.click()
    assert isinstance(widget.feedback, LiveRegion) and widget.feedback.value
    assert "role=" not in widget.feedback.value and "aria-live" not in widget.feedback.value


def test_the_spotter_says_for_every_sign_offered_why_it_is_or_is_not_shown(spotter):
    vignette = content.vignette("sam_new_phone")
    assert spotter.feedback_text == "", "nothing is shown before Check"
    spotter.boxes["unexplained_gifts"].value = True
    spotter.check_button.click()
    text = spotter.feedback_text
    for p in vignette.present:
        assert f"{content.indicator(p.indicator).name} (a sign here;" in text
        assert p.evidence in text
    for a in vignette.absent:
        assert f"{content.indicator(a.indicator).name} (not shown; you did not tick it): {a.why}" in text
    assert "Debrief: " + vignette.debrief in text


def test_an_ordinary_account_praises_ticking_nothing_and_names_no_missed_sign():
    vignette = content.vignette("m02_amir_new_headset")
    assert vignette.ordinary, "Amir's account is the ordinary one: it shows no sign"
    spotter = indicator_spotter("m02_amir_new_headset")
    spotter.check_button.click()
    text = spotter.feedback_text
    assert text.startswith("All correct.")
    assert "You ticked nothing, and that was right" in text
    assert "You missed" not in text


def test_over_reading_an_ordinary_account_is_explained_sign_by_sign():
    spotter = indicator_spotter("m02_amir_new_headset")
    spotter.boxes["time_online_change"].value = True
    spotter.check_button.click()
    text = spotter.feedback_text
    assert text.startswith("Some signs to look at again.")
    why = {a.indicator: a.why for a in content.vignette("m02_amir_new_headset").absent}
    assert f"(not shown; you ticked it): {why['time_online_change']}" in text


def test_the_older_friend_sign_is_scored_by_one_rule_in_every_account():
    """Its name says what the learner ticks: older than the child and not met by the family.
    Maya's "a bit older" friend, Jayden's Kai (says 15, to his 12) and Alex's Sam all fit it;
    Maisie's same-age classmate does not."""
    name = content.indicator("older_partner").name
    assert "older" in name and "much older" not in name and "not met" in name
    for vignette_id in ("maya_gaming_friend", "m02_jayden_send", "m02_alex_identity"):
        present = {p.indicator for p in content.vignette(vignette_id).present}
        assert "older_partner" in present, vignette_id
    absent = {a.indicator for a in content.vignette("m02_maisie_group_chat").absent}
    assert "older_partner" in absent


def test_alex_s_money_from_an_online_adult_is_explained_as_the_gift_tactic():
    gifts = next(
        p for p in content.vignette("m02_alex_identity").present
        if p.indicator == "unexplained_gifts"
    )
    assert "online" in gifts.evidence and "owe" in gifts.evidence


def test_jayden_s_distress_is_weighed_against_his_own_pattern():
    vignette = content.vignette("m02_jayden_send")
    upset = next(p for p in vignette.present if p.indicator == "upset_after_online")
    assert "new" in upset.evidence, "a sign in an autistic child is weighed against his own pattern"
