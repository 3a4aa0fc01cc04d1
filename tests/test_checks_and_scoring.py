"""Answer-format checks say exactly what to type; scoring rules are fair."""

from __future__ import annotations

import pytest

from safeguarding_course.checks import (
    AnswerFormatError,
    check_choice,
    check_choices,
    check_number,
    check_word,
    practice_feedback,
)
from safeguarding_course.scoring import percent_change, selection_score


def test_an_unanswered_choice_says_what_to_type():
    with pytest.raises(AnswerFormatError) as error:
        check_choice("answer_q1", None)
    assert 'answer_q1 = "B"' in str(error.value)
    assert "Replace None" in str(error.value)


@pytest.mark.parametrize("typed", ["B", "b", " B ", "b\n"])
def test_a_choice_is_accepted_in_any_case_with_spaces(typed):
    assert check_choice("answer_q1", typed) == "B"


@pytest.mark.parametrize(
    ("typed", "hint"),
    [(2, "not in quotes"), ("E", "You wrote 'E'"), ("AB", "You wrote 'AB'"), (["B"], "in quotes")],
)
def test_a_badly_formed_choice_gets_a_friendly_message(typed, hint):
    with pytest.raises(AnswerFormatError) as error:
        check_choice("answer_q1", typed)
    assert hint in str(error.value)
    assert '"A", "B", "C" or "D"' in str(error.value) or 'answer_q1 = "B"' in str(error.value)


def test_a_set_of_choices_is_normalised():
    assert check_choices("answer_q3", {"a", "C "}) == frozenset({"A", "C"})
    assert check_choices("answer_q3", ["A", "C"]) == frozenset({"A", "C"})


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("AC", "set of letters"),
        (set(), "is empty"),
        ({"A", "Z"}, "'Z' is not one of them"),
        (None, "Replace None"),
    ],
)
def test_a_badly_formed_set_gets_a_friendly_message(typed, hint):
    with pytest.raises(AnswerFormatError, match=hint):
        check_choices("answer_q3", typed)


def test_a_number_in_quotes_is_refused_with_a_hint():
    with pytest.raises(AnswerFormatError, match="Remove the quotes"):
        check_number("answer_q6", "95")
    with pytest.raises(AnswerFormatError):
        check_number("answer_q6", True)
    assert check_number("answer_q6", 95) == 95.0


def test_a_word_answer_is_checked_against_the_allowed_words():
    assert (
        check_word("answer_q4", " Report_Remove", ["childline", "report_remove"]) == "report_remove"
    )
    with pytest.raises(AnswerFormatError, match='"childline" or "report_remove"'):
        check_word("answer_q4", "CEOP", ["childline", "report_remove"])


def test_practice_feedback_never_raises():
    assert practice_feedback("my_answer", None).startswith("Not in the right form yet.")
    assert practice_feedback("my_answer", "c").startswith('Well done: my_answer = "C"')


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ({"A", "C", "E"}, 3.0),
        ({"A", "C"}, 2.0),
        ({"A", "C", "D"}, 1.0),
        ({"A", "B", "C", "D", "E", "F"}, 0.0),
        ({"B", "D", "F"}, 0.0),
        (set(), 0.0),
    ],
)
def test_selection_score_gives_partial_credit_and_nothing_for_ticking_everything(chosen, expected):
    assert selection_score(chosen, {"A", "C", "E"}, points=3) == expected


def test_percent_change():
    assert percent_change(100, 150) == 50
    assert round(percent_change(3728, 7263), 2) == 94.82
