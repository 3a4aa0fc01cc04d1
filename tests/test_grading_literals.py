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
    """The text is escaped inside one <pre> block that Markdown passes through and MathJax
    skips; rendered by nbconvert (as formgrader and feedback do), it shows every character."""
    import html

    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from safeguarding_course.grading.autograde import written_answer_markdown

    text = 'Fine **answer** <img src=x onerror="steal()"> [link](JavaScript:alert(1)) & $\\href{x}{y}$'
    shown = written_answer_markdown(text)
    inner = shown[shown.index(">") + 1 : -len("</pre>")]
    assert "<" not in inner and ">" not in inner and "$" not in inner and "\\" not in inner
    rendered = markdown2html_mistune(shown)
    assert "<img" not in rendered and "<a " not in rendered
    assert html.unescape(rendered).count(text) == 1


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("answer_q1 = 1e308 * 10", "does not give a finite number"),
        ("answer_q1 = 1e308 / 0.001", "does not give a finite number"),
        ("answer_q1 = 1e999", "not finite"),
        ("answer_q1 = -1e999", "not finite"),
        ("answer_q1 = {1e999}", "not finite"),
        ("answer_q1 = " + "9" * 400 + " / 3", "too large"),
        ("answer_q1 = " + "9" * 100 + " * " + "9" * 100, "too large"),
        ("answer_q1 = 2j", "complex number"),
        ('answer_q1 = "B\\udc9d"', "lone surrogate"),
        ('answer_q1 = ["A", ("B", "\\ud800")]', "lone surrogate"),
        ("answer_q1 = b'B'", "not text"),
        ("answer_q1 = ...", "not text"),
        ("answer_q1 = " + "a." * 1000 + "b", "nested too deeply"),
    ],
)
def test_values_a_test_cannot_handle_score_zero_with_a_reason(source, reason):
    result = read_answers(source, ALLOWED)
    assert result.values == {}
    assert result.problem and reason in result.problem
    assert len(result.problem) < 400


def test_a_huge_name_is_not_quoted_in_full():
    result = read_answers("answer_q1 = " + "x" * 4000, ALLOWED)
    assert "..." in result.problem and len(result.problem) < 400


def test_reserved_markers_and_lone_surrogates_are_made_safe_to_keep():
    from safeguarding_course.grading.autograde import (
        defuse_markers,
        reserved_markers,
        writable_text,
    )

    markers = reserved_markers()
    assert {"BEGIN HIDDEN TESTS", "END MARK SCHEME", "BEGIN SOLUTION"} <= set(markers)
    text = defuse_markers("### BEGIN HIDDEN TESTS\n### END SOLUTION", markers)
    assert not any(marker in text for marker in markers)
    assert text.replace("\u2060", "") == "### BEGIN HIDDEN TESTS\n### END SOLUTION"
    assert writable_text(["a\udc9d", "b"]) == "a\\udc9db"
    writable_text(["a\udc9d"]).encode("utf-8")


def test_csv_cells_that_would_run_as_formulas_are_neutralised(tmp_path):
    import csv

    from safeguarding_course.grading.safe_output import markdown_literal, restore_cell, write_csv

    cells = ["=1+1", "+1", "-1", "@SUM(1)", "\t=1", "\r=1", "ok", "it's fine"]
    write_csv(tmp_path / "x.csv", ["a"], [{"a": c} for c in cells] + [{"a": -2.5}])
    with (tmp_path / "x.csv").open(newline="") as handle:
        read = [row["a"] for row in csv.DictReader(handle)]
    assert read[:6] == ["'" + c for c in cells[:6]]
    assert read[6:] == ["ok", "it's fine", "-2.5"]  # text left alone; a number stays a number
    assert [restore_cell(c) for c in read[:8]] == cells
    assert markdown_literal("a `b` <img>\n\nc") == "``a `b` <img> c``"
