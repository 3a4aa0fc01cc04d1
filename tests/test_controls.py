"""The course's accessible controls keep the Python API that notebooks and tests drive, and
every course widget is built from them (no stock ipywidgets control a learner can focus)."""

from __future__ import annotations

import ipywidgets as w
import pytest
import traitlets

from safeguarding_course import content
from safeguarding_course.widgets import (
    confidence_check,
    finish_module,
    indicator_spotter,
    progress_panel,
    route_finder,
    scenario_player,
    self_check,
)
from safeguarding_course.widgets.controls import (
    Button,
    CourseBox,
    LiveRegion,
    RadioGroup,
    Select,
    TickBoxGroup,
)
from safeguarding_course.widgets.numbers import change_explorer, rate_explorer, share_comparison

# stock controls that take keyboard focus, and so let JupyterLab's shortcuts fire
STOCK_FOCUSABLE = (
    w.Button,
    w.RadioButtons,
    w.ToggleButtons,
    w.Checkbox,
    w.Dropdown,
    w.SelectMultiple,
    w.ToggleButton,
)


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_a_radio_group_holds_one_value_from_its_options_or_none():
    group = RadioGroup(options=[("Yes", "yes"), ("No", "no")], description="Is it?")
    assert group.value is None and group.options == (("Yes", "yes"), ("No", "no"))
    group.value = "no"
    assert group.value == "no"
    with pytest.raises(traitlets.TraitError, match="not one of the options"):
        group.value = "maybe"
    assert RadioGroup(options=["A", "B"]).options == (("A", "A"), ("B", "B"))


def test_tick_boxes_set_one_at_a_time_update_the_group_in_option_order():
    group = TickBoxGroup(options=[("First", 1), ("Second", 2), ("Third", 3)], description="Tick")
    first, second, third = group.boxes
    third.value = True
    first.value = True
    assert group.value == (1, 3)
    assert [b.value for b in group.boxes] == [True, False, True]
    first.value = False
    assert group.value == (3,) and second.description == "Second"
    with pytest.raises(traitlets.TraitError):
        group.value = (4,)


def test_a_button_runs_its_handlers_on_click_and_on_a_press_in_the_browser():
    pressed = []
    button = Button(description="Go")
    button.on_click(pressed.append)
    button.click()
    sent = []
    button.send = sent.append  # what would go to the browser
    button._handle_message(button, {"event": "click"}, [])
    assert pressed == [button, button]
    assert sent == [{"do": "clicked"}], "the browser is told the press arrived"
    button.focus()
    assert button.focus_request == 1, "the browser is asked to focus it"


def test_a_select_refuses_a_value_that_is_not_offered():
    select = Select(options=["2022/23", "2023/24"], description="From:")
    assert select.value == "2022/23"
    with pytest.raises(traitlets.TraitError):
        select.value = "1999"


def test_course_widgets_say_in_plain_text_to_run_the_cell():
    widget = self_check("start_first_step")
    assert isinstance(widget, CourseBox)
    bundle = widget._repr_mimebundle_()
    assert bundle["text/plain"] == "A self-check question: run this cell to answer it."


def every_course_widget():
    scenario_id = next(iter(content.content().scenarios))
    return [
        self_check("start_first_step"),
        self_check("m01_tactics"),
        indicator_spotter("sam_new_phone"),
        route_finder(),
        scenario_player(scenario_id),
        confidence_check("start"),
        finish_module("01"),
        progress_panel(),
        change_explorer("sexual_communication_offences"),
        share_comparison("platforms_2023_24", "m08_platforms_2024_25"),
        rate_explorer("m08_legatum_week_lengths"),
    ]


def test_no_course_widget_uses_a_stock_focusable_control_and_feedback_is_one_live_region():
    for widget in every_course_widget():
        parts = list(_walk(widget))
        stock = [type(p).__name__ for p in parts if isinstance(p, STOCK_FOCUSABLE)]
        assert not stock, f"{type(widget).__name__} uses stock controls {stock}"
        assert any(isinstance(p, LiveRegion) for p in parts), type(widget).__name__
        assert isinstance(widget, CourseBox)


def test_every_choice_group_has_a_legend():
    for widget in every_course_widget():
        for part in _walk(widget):
            if isinstance(part, (RadioGroup, TickBoxGroup, Select)):
                assert part.description.strip(), f"a group in {type(widget).__name__}"


def test_the_change_explorer_refuses_a_backwards_pair_in_plain_words():
    widget = change_explorer("sexual_communication_offences")
    widget.start.value, widget.end.value = "2024/25", "2022/23"
    text = widget.result_text
    assert "2024/25 comes after 2022/23" in text and "fall" not in text


def test_the_route_finder_says_which_questions_to_answer_when_some_have_no_answer():
    finder = route_finder()
    finder.concern.value = "grooming_online"
    finder.child_identified.value = "yes"
    finder.immediate_danger.value = "no"
    assert finder.show() == []
    text = finder.result_text
    assert text.startswith("Answer these questions first")
    for qid in ("nation", "age"):
        assert finder.finder.questions[qid].prompt in text
    assert finder.finder.questions["concern"].prompt not in text


def test_route_finder_results_are_one_line_per_route_with_sources_once_at_the_end():
    finder = route_finder()
    answers = {"nation": "Wales", "concern": "grooming_online", "child_identified": "yes",
               "immediate_danger": "no", "age": "13_to_15"}
    for qid, value in answers.items():
        getattr(finder, qid).value = value
    steps = finder.show()
    assert steps
    html = finder.result.value
    assert html.count("<details") == len(steps) == html.count("<summary>")
    assert html.count("Sources for these routes") == 1
    assert html.index("Sources for these routes") > html.rindex("</details>")
