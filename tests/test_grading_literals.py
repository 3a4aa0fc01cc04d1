"""Answer cells are read as data: literals and plain arithmetic pass; anything else is refused
with a reason in plain words, and nothing in the cell runs."""

from __future__ import annotations

import pytest

from safeguarding_course.grading.autograde import run_trusted
from safeguarding_course.grading.literal_answers import declared_names, read_answers

ALLOWED = ["answer_q1"]


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ('answer_q1 = "B"', "B"),
        ('answer_q1 = None  # replace None with "A", "B", "C" or "D"\nanswer_q1 = "B"', "B"),
        ('answer_q1 = {"A", "C"}', {"A", "C"}),
        ('answer_q1 = ["A", "C"]', ["A", "C"]),
        ("answer_q1 = 95", 95),
        ("answer_q1 = -2.5", -2.5),
        ("answer_q1 = (7263 - 3728) / 3728 * 100", (7263 - 3728) / 3728 * 100),
        ("answer_q1 = None", None),
        ('answer_q1 = """A long\nwritten answer"""', "A long\nwritten answer"),
    ],
)
def test_literal_values_and_plain_arithmetic_are_read(source, value):
    result = read_answers(source, ALLOWED)
    assert result.problem is None
    assert result.values == {"answer_q1": value}


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("answer_q1 = round(94.8)", "it calls round(...)"),
        ('answer_q1 = open("/etc/passwd").read()', "it calls open"),
        ("import os\nanswer_q1 = 'B'", "an import statement"),
        ("!touch /tmp/x\nanswer_q1 = 'B'", "Python could not read it"),
        ("%%capture\nanswer_q1 = 'B'", "Python could not read it"),
        ("answer_q1 = B", "uses the name B rather than a value (put text in quotes)"),
        ("answer_q1 = 9 ** 9 ** 9", "operation the grader does not work out"),
        ("answer_q1 = 1 / 0", "divides by zero"),
        ("answer_q1 = 'B' * 3", "arithmetic on something that is not a number"),
        ("while True:\n    pass", "a while statement"),
        ("answer_q1 = [x for x in 'AB']", "listcomp"),
        ("answer_q1 = {'A', __import__('os').getcwd()}", "it calls"),
        ("answer_q1 = lambda: 'B'", "lambda"),
        ("answer_q1.x = 'B'", "something other than a plain name"),
        ("'B'", "an expression"),
        ("answer_q1 = " + "[" * 200 + "]" * 200, "nested too deeply"),
        ("answer_q1 = '" + "x" * 6000 + "'", "too long"),
    ],
)
def test_anything_but_a_value_is_refused_with_a_reason(source, reason):
    result = read_answers(source, ALLOWED)
    assert result.values == {}
    assert result.problem and reason in result.problem


def test_refusal_is_all_or_nothing_for_the_cell():
    result = read_answers('answer_q1 = "B"\nanswer_q1 = open("x")', ALLOWED)
    assert result.values == {} and "it calls open" in result.problem


def test_names_the_question_does_not_declare_are_ignored_not_bound():
    result = read_answers('answer_q1 = "B"\ncheck_choice = "A"', ALLOWED)
    assert result.values == {"answer_q1": "B"}
    assert result.ignored == ["check_choice"]


def test_declared_names_come_from_the_released_stub():
    assert declared_names("answer_q6 = None  # replace None with a whole number") == ["answer_q6"]
    assert declared_names("not python (") == []


def test_trusted_cells_report_like_a_kernel_but_errors_show_no_code():
    namespace = {"answer": "B"}
    assert run_trusted('print("ok")\n1.5', namespace)[0]["text"] == "ok\n"
    assert run_trusted('print("ok")\n1.5', namespace)[1]["data"]["text/plain"] == "1.5"
    [error] = run_trusted('assert answer == "A", "Question 1 is not right."', namespace)
    assert error["output_type"] == "error"
    assert error["traceback"] == ["AssertionError: Question 1 is not right."]
    assert 'answer == "A"' not in str(error)


def test_a_written_answer_is_kept_as_text_but_cannot_act_in_a_browser():
    from safeguarding_course.grading.autograde import inert_markdown

    text = 'Fine **answer** <img src=x onerror="steal()"> [link](JavaScript:alert(1)) & more'
    inert = inert_markdown(text)
    assert "<" not in inert and ">" not in inert
    assert "**answer**" in inert
    assert "\\[link\\](JavaScript:alert(1))" in inert  # brackets escaped: no link forms
