"""The assignments are fair and safe to hand out, checked through nbgrader itself.

In a temporary course folder with a real gradebook: the solution scores full marks, the
untouched trainee version scores zero, and a partly right submission earns the partial marks
intended. `assignments/` is exactly what `nbgrader generate_assignment` makes from `solutions/`.
"""

from __future__ import annotations

import copy
import json
import re

import pytest
from nbgrader_course import CourseFolder, assignment_ids
from notebook_files import ASSIGNMENTS, SOLUTIONS, nbgrader_meta, notebooks, read

FIRST = "01_understanding_online_grooming"
SOLUTION_REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)


def solution_answers(assignment: str) -> dict[str, str]:
    """What a trainee who wrote the model answers would have in each answer cell."""
    answers = {}
    for cell in read(SOLUTIONS / assignment / f"{assignment}.ipynb").cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution"):
            found = SOLUTION_REGION.search(cell.source)
            answers[meta["grade_id"]] = found.group(1) if found else cell.source
    return answers


def fill(released, answers: dict[str, str]):
    notebook = copy.deepcopy(released)
    for cell in notebook.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return notebook


def max_points(assignment: str) -> tuple[float, dict[str, float]]:
    """Total points, and the points of each hand-marked answer."""
    total, manual = 0.0, {}
    for cell in read(SOLUTIONS / assignment / f"{assignment}.ipynb").cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade"):
            total += meta["points"]
            if meta.get("solution"):
                manual[meta["grade_id"]] = meta["points"]
    return total, manual


# -- the files themselves --------------------------------------------------------------------


def test_there_is_a_solution_for_every_assignment_and_an_assignment_for_every_solution():
    assert FIRST in assignment_ids()
    assert sorted(p.name for p in ASSIGNMENTS.iterdir() if p.is_dir()) == assignment_ids()


def test_grade_ids_are_unique_and_say_what_they_grade():
    for path in notebooks(SOLUTIONS):
        ids = [nbgrader_meta(c)["grade_id"] for c in read(path).cells if nbgrader_meta(c)]
        assert len(ids) == len(set(ids)), f"{path.name}: duplicate grade_id"
        assert all(re.fullmatch(r"[a-z0-9_]+", i) for i in ids)


def test_the_first_assignment_has_the_question_kinds_the_course_promises():
    cells = read(SOLUTIONS / FIRST / f"{FIRST}.ipynb").cells
    tests = [c for c in cells if nbgrader_meta(c).get("grade") and c.cell_type == "code"]
    written = [c for c in cells if nbgrader_meta(c).get("grade") and c.cell_type == "markdown"]
    assert len(tests) >= 6, "at least six auto-graded questions"
    sources = "\n".join(c.source for c in tests)
    assert "check_choices(" in sources and "selection_score(" in sources  # partial credit
    assert "check_number(" in sources and "content.dataset(" in sources  # numeric, from data
    assert written, "at least one written answer marked by hand"
    assert "BEGIN MARK SCHEME" in "\n".join(c.source for c in cells)
    for cell in tests:
        assert cell.source.lstrip().startswith('"""'), "each test cell starts with a docstring"


def test_assignments_are_exactly_what_generate_assignment_makes(tmp_path):
    course = CourseFolder.create(tmp_path / "course")
    for assignment in assignment_ids():
        generated = course.generate(assignment).parent
        committed = ASSIGNMENTS / assignment
        assert sorted(p.name for p in generated.iterdir()) == sorted(
            p.name for p in committed.iterdir()
        ), f"{assignment}: files differ from what generate_assignment makes"
        for path in generated.glob("*.ipynb"):
            assert json.loads(path.read_text()) == json.loads(
                (committed / path.name).read_text()
            ), (
                f"assignments/{assignment}/{path.name} is out of date: run "
                f"`nbgrader generate_assignment {assignment} --force` and commit the result"
            )


def test_no_trainee_notebook_carries_solutions_hidden_tests_or_a_mark_scheme():
    for assignment in assignment_ids():
        text = (ASSIGNMENTS / assignment / f"{assignment}.ipynb").read_text()
        for marker in ("BEGIN SOLUTION", "HIDDEN TESTS", "MARK SCHEME", "selection_score"):
            assert marker not in text, f"{assignment}: trainee version contains {marker!r}"
        for grade_id, answer in solution_answers(assignment).items():
            for line in answer.strip().splitlines():
                if len(line.strip()) > 12:
                    assert line.strip() not in text, (
                        f"{assignment}: model answer for {grade_id} leaked"
                    )


# -- through nbgrader ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graded_first_assignment(tmp_path_factory):
    """One real autograde run of three trainees: the model answers, blank, and partly right."""
    course = CourseFolder.create(tmp_path_factory.mktemp("course"))
    released = read(course.generate(FIRST))
    course.submit("model", FIRST, fill(released, solution_answers(FIRST)))
    course.submit("blank", FIRST, released)
    course.submit("partial", FIRST, fill(released, PARTIAL_ANSWERS))
    course.autograde(FIRST, "model", "blank", "partial")
    return course


# A partly right trainee: right, wrong, partly right, a lower-case letter (accepted), a number
# typed in quotes (a form error: no marks), one left blank, and the written answer untouched.
PARTIAL_ANSWERS = {
    "q1_answer": 'answer_q1 = "C"',
    "q2_answer": 'answer_q2 = "B"',
    "q3_answer": 'answer_q3 = {"A", "C", "D"}',
    "q4_answer": 'answer_q4 = "report_remove"',
    "q5_answer": 'answer_q5 = "d"',
    "q6_answer": 'answer_q6 = "95"',
}
PARTIAL_EXPECTED = {
    "q1_pattern_of_signs": 1.0,
    "q2_models_limits": 0.0,
    "q3_spot_indicators": 1.0,
    "q4_image_removal_route": 1.0,
    "q5_reading_recorded_crime": 1.0,
    "q6_percent_change": 0.0,
    "q7_reading_arrests": 0.0,
    "q8_written_next_steps": 0.0,
}


@pytest.mark.nbgrader
def test_the_model_answers_score_full_marks_once_the_written_answer_is_marked(
    graded_first_assignment,
):
    course = graded_first_assignment
    total, manual = max_points(FIRST)
    scores = course.scores(FIRST, "model")
    assert all(v > 0 for k, v in scores.items() if k not in manual), scores
    assert course.total(FIRST, "model") == total - sum(manual.values())
    for grade_id, points in manual.items():
        course.set_manual_score(FIRST, "model", grade_id, points)
    assert course.total(FIRST, "model") == total


@pytest.mark.nbgrader
def test_the_untouched_trainee_version_scores_zero(graded_first_assignment):
    scores = graded_first_assignment.scores(FIRST, "blank")
    assert scores and set(scores.values()) == {0.0}, scores
    assert graded_first_assignment.total(FIRST, "blank") == 0.0


@pytest.mark.nbgrader
def test_a_partly_right_submission_earns_the_intended_partial_marks(graded_first_assignment):
    assert graded_first_assignment.scores(FIRST, "partial") == PARTIAL_EXPECTED
    assert graded_first_assignment.total(FIRST, "partial") == 4.0


@pytest.mark.nbgrader
def test_feedback_and_export_work_for_every_trainee(graded_first_assignment):
    course = graded_first_assignment
    course.nbgrader("generate_feedback", FIRST, "--force")
    for student in ("model", "blank", "partial"):
        assert (course.root / "feedback" / student / FIRST / f"{FIRST}.html").is_file()
    rows = course.export()
    by_student = {row["student_id"]: row for row in rows if row["assignment"] == FIRST}
    assert set(by_student) == {"model", "blank", "partial"}
    assert float(by_student["blank"]["score"]) == 0.0
    assert float(by_student["partial"]["score"]) == 4.0
    assert float(by_student["partial"]["max_score"]) == max_points(FIRST)[0]


# -- assessment 5, question 2: only the statutory route for a worker earns the mark ----------
# (test_cohort_synthetic.py checks that every model answer scores full marks and every blank
# zero, on every assessment.)

ROUTES = "05_referral_routes"


@pytest.fixture(scope="module")
def graded_routes(tmp_path_factory):
    """One autograde run: the model answers, and the model answers with the NSPCC
    Whistleblowing Advice Line given as the statutory route for a worker in England."""
    course = CourseFolder.create(tmp_path_factory.mktemp("course"))
    released = read(course.generate(ROUTES))
    course.submit("model", ROUTES, fill(released, solution_answers(ROUTES)))
    wrong = {**solution_answers(ROUTES), "q2_answer": 'answer_q2 = "nspcc_whistleblowing"'}
    course.submit("whistleblowing", ROUTES, fill(released, wrong))
    course.autograde(ROUTES, "model", "whistleblowing")
    return course


@pytest.mark.nbgrader
def test_05_q2_gives_no_mark_for_the_whistleblowing_line_as_the_statutory_route(graded_routes):
    total, manual = max_points(ROUTES)
    model = graded_routes.scores(ROUTES, "model")
    assert graded_routes.total(ROUTES, "model") == total - sum(manual.values())
    scores = graded_routes.scores(ROUTES, "whistleblowing")
    assert model["q2_worker_route_england"] == 1.0
    assert scores["q2_worker_route_england"] == 0.0
    others = {k: v for k, v in scores.items() if k != "q2_worker_route_england"}
    assert others == {k: v for k, v in model.items() if k != "q2_worker_route_england"}
