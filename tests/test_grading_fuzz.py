"""Fuzzing the grader with Hypothesis: whatever a submission holds, grading never raises, and an
answer never earns more than its literal value does.

The grading steps run in this process, exactly as nbgrader runs them (the course's
`RebuildFromGradebook` and `GradeLiteralAnswers` on a real gradebook, from a course folder that
`nbgrader generate_assignment` made), on notebooks built from the released notebook with
generated answer cells, notebook and cell metadata, and written answers. Each example is saved
as JSON, read back through the same check grade-cohort uses, graded, saved again as UTF-8, and
put through feedback's own steps (ClearHiddenTests, ClearMarkScheme). Scores come from
nbgrader's `determine_grade`.

The examples are bounded (a fixed `max_examples`, no deadline, no timing).
"""

from __future__ import annotations

import copy
import json
import logging
import re

import nbformat
import pytest
from adversarial_submissions import QUESTIONS, WRITTEN, full_answers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme
from nbgrader.utils import determine_grade
from nbgrader_course import CourseFolder
from notebook_files import nbgrader_meta, read
from test_assignments import FIRST, fill
from traitlets.config import Config

from safeguarding_course.grading.autograde import GradeLiteralAnswers, RebuildFromGradebook
from safeguarding_course.grading.literal_answers import read_answers
from safeguarding_course.grading.submissions import parse_notebook

pytestmark = pytest.mark.nbgrader

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
ANSWER_NAME = {answer: f"answer_{question}" for question, (answer, _, _) in QUESTIONS.items()}
TEST_OF = {answer: test for answer, test, _ in QUESTIONS.values()}
MARKERS = ["### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS", "### BEGIN MARK SCHEME",
           "### END MARK SCHEME", "### BEGIN SOLUTION", "### END SOLUTION", "AUTOTEST"]


@pytest.fixture(scope="module")
def grader(tmp_path_factory):
    """A real course folder and gradebook, and a function that grades a notebook's bytes."""
    course = CourseFolder.create(tmp_path_factory.mktemp("fuzz") / "course")
    released = read(course.generate(FIRST))
    config = Config()
    config.CourseDirectory.root = str(course.root)
    config.CourseDirectory.release_directory = "assignments"
    config.CourseDirectory.source_directory = "solutions"
    config.ClearMarkScheme.enforce_metadata = False
    log = logging.getLogger("fuzz")

    def grade(data: bytes) -> dict[str, float]:
        notebook, problem = parse_notebook(data)
        assert problem is None, problem  # nothing generated here may make a submission ungradable
        resources = {
            "nbgrader": {
                "db_url": f"sqlite:///{course.root / 'gradebook.db'}",
                "assignment": FIRST,
                "notebook": FIRST,
                "student": "fuzz",
            }
        }
        notebook, resources = RebuildFromGradebook(config=config).preprocess(notebook, resources)
        notebook, resources = GradeLiteralAnswers(config=config).preprocess(notebook, resources)
        nbformat.writes(notebook).encode("utf-8")  # savable: raises on a lone surrogate
        for cell in notebook.cells:
            if nbgrader_meta(cell).get("solution") and cell.cell_type == "code":
                assert not any(m in cell.source for m in MARKERS)
        scores = {
            cell.metadata.nbgrader.grade_id: determine_grade(cell, log)[0]
            for cell in notebook.cells
            if nbgrader_meta(cell).get("grade")
        }
        feedback = copy.deepcopy(notebook)
        ClearHiddenTests(config=config).preprocess(feedback, {})
        ClearMarkScheme(config=config).preprocess(feedback, {})
        written = next(c for c in feedback.cells if nbgrader_meta(c).get("grade_id") == WRITTEN)
        rendered = markdown2html_mistune(written.source)
        assert not re.search(r"<\s*(a|img|script|iframe)\b", rendered.split(">", 1)[1])
        return scores

    return released, grade


def as_bytes(notebook) -> bytes:
    return json.dumps(notebook, ensure_ascii=True).encode("ascii")  # surrogates as \udc9d


# -- what a trainee might type -----------------------------------------------------------------

texts = st.text(
    alphabet=st.characters(codec=None, categories=None, exclude_characters="\x00"), max_size=40
)
letters = st.sampled_from(["A", "B", "C", "D", "E", "b", " B ", "AB", "report_remove", "95"])
numbers = st.one_of(
    st.integers(min_value=-(10**90), max_value=10**90),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([95, 94.8, 1e308, -1e308, 2**255, 2**256, 10**77, 10**400, -(10**400), 0.1]),
)
values = st.recursive(
    st.one_of(letters, numbers, texts, st.none(), st.booleans()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.frozensets(st.one_of(letters, st.integers(0, 9)), max_size=4).map(set),
        st.tuples(inner, inner),
    ),
    max_leaves=6,
)
ARITHMETIC = st.tuples(numbers, st.sampled_from(["+", "-", "*", "/"]), numbers).map(
    lambda t: f"{t[0]!r} {t[1]} {t[2]!r}"
)
JUNK = [
    "import os",
    "print(answer_q1)",
    "!ls",
    "%%capture",
    "answer_q1 = open('/etc/passwd').read()",
    "del answer_q1",
    "answer_q1.x = 1",
    "while True: pass",
    "answer_q6 = 9 ** 9 ** 9",
    "answer_q6 = 1e308 * 10",
    "answer_q3 = {x for x in 'ACE'}",
    "answer_q2 = B",
    "### BEGIN HIDDEN TESTS",
    "'''unclosed",
]


@st.composite
def answer_cell(draw, name: str):
    """(cell text, the cell holding only its literal assignments, whether it holds junk)."""
    lines, literal_lines, junk = [], [], False
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["value", "arithmetic", "other", "comment", "junk"]))
        if kind == "value":
            line = f"{name} = {draw(values)!r}"
            literal_lines.append(line)
        elif kind == "arithmetic":
            line = f"{name} = {draw(ARITHMETIC)}"
            literal_lines.append(line)
        elif kind == "other":
            line = f"check_choice = {draw(values)!r}"
            literal_lines.append(line)
        elif kind == "comment":
            line = "# " + " ".join(draw(texts).split())
        else:
            line, junk = draw(st.sampled_from(JUNK)), True
        lines.append(line)
    return "\n".join(lines), "\n".join(literal_lines), junk


@st.composite
def submission(draw):
    """Answer cells for some questions (the rest as the model answers), written answer text."""
    answers = full_answers()
    clean = dict(answers)
    junk = {}
    for answer_id in draw(st.lists(st.sampled_from(sorted(ANSWER_NAME)), min_size=1, max_size=3, unique=True)):
        text, literal, has_junk = draw(answer_cell(ANSWER_NAME[answer_id]))
        answers[answer_id], clean[answer_id], junk[answer_id] = text, literal, has_junk
    fragments = st.sampled_from(
        MARKERS + ["$\\href{https://example.org}{x}$", "<img src=x onerror=alert(1)>",
                   "[a](javascript:alert(1))", "</pre><a href='https://example.org'>", "\udc9d",
                   "\ud800", "`", "\\(", "\n\n", "    indented"]
    )
    answers[WRITTEN] = "".join(draw(st.lists(st.one_of(texts, fragments), max_size=8)))
    clean[WRITTEN] = answers[WRITTEN]
    return answers, clean, junk


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**6), 10**6), texts),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(texts, inner, max_size=3)),
    max_leaves=8,
)
metadata = st.dictionaries(texts.map(lambda t: "x_" + t), json_values, max_size=4)


# -- the properties ----------------------------------------------------------------------------


@SETTINGS
@given(case=submission())
def test_answers_never_earn_more_than_their_literal_values(grader, case):
    """Each question scores at most what the cell's literal assignments alone earn, and
    zero when the cell holds anything else; grading never raises."""
    released, grade = grader
    answers, clean, junk = case
    scores = grade(as_bytes(fill(released, answers)))
    clean_scores = grade(as_bytes(fill(released, clean)))
    for answer_id, test_id in TEST_OF.items():
        assert scores[test_id] <= clean_scores[test_id]
        if junk.get(answer_id):
            assert scores[test_id] == 0
    assert scores[WRITTEN] == 0 or scores[WRITTEN] is None  # marked by hand only


@SETTINGS
@given(notebook_meta=metadata, cell_meta=metadata, answer_id=st.sampled_from(sorted(ANSWER_NAME)))
def test_metadata_never_changes_a_score_or_stops_grading(grader, notebook_meta, cell_meta, answer_id):
    """Anything in notebook or cell metadata (lone surrogates included) is dropped: the
    model answers still score full marks, and grading never raises."""
    released, grade = grader
    notebook = fill(released, full_answers())
    notebook.metadata.update(notebook_meta)
    for cell in notebook.cells:
        if nbgrader_meta(cell).get("grade_id") in (answer_id, TEST_OF[answer_id]):
            cell.metadata.update(cell_meta)
    scores = grade(as_bytes(notebook))
    assert all(scores[test] == points for _, test, points in QUESTIONS.values())


@settings(max_examples=300, deadline=None, derandomize=True)
@given(source=st.one_of(texts, answer_cell("answer_q1").map(lambda t: t[0])))
def test_the_literal_reader_never_raises(source):
    """The reader alone, on many more cells: a value or a reason, never an exception, and a
    value it returns can be saved and compared."""
    result = read_answers(source, ["answer_q1"])
    assert (result.problem is None) or (result.values == {})
    for value in result.values.values():
        json.dumps(repr(value)).encode("utf-8")
        assert value == value or value is None  # no NaN reaches a test
