"""A synthetic cohort of 32 trainees goes through the trainer's real workflow on every
assessment: submissions in nbgrader's exchange, then `nbgrader collect`, `grade-cohort`,
`nbgrader generate_feedback`, `nbgrader export` and `cohort-report`.

Each simulated trainee answers each question in one way (right, wrong, blank or badly
formatted), chosen by a seeded random generator, and a few are partly right on assessment 1.
The tests know what every trainee should score, and check the gradebook, the feedback files,
the export and the cohort report's figures against that.
"""

from __future__ import annotations

import copy
import csv
import os
import random
import re
import subprocess
from dataclasses import dataclass, field

import nbformat
import pytest
from nbgrader_course import BIN, CourseFolder, assignment_ids, nbgrader_env
from notebook_files import SOLUTIONS, nbgrader_meta, read
from test_assignments import FIRST, PARTIAL_ANSWERS, PARTIAL_EXPECTED, solution_answers

TRAINEES = [f"trainee{n:02d}" for n in range(32)] + ["model_answers", "untouched"]
PARTLY_RIGHT = {"trainee30", "trainee31"}  # answer assessment 1 with PARTIAL_ANSWERS
BEHAVIOURS = ("right", "wrong", "blank", "badly formatted")
COURSE_ID = "online-grooming-awareness"


@dataclass
class Question:
    answer_id: str
    name: str
    stub: str
    right: str
    points: dict[str, float] = field(default_factory=dict)  # test cell -> points


def questions(assignment: str) -> list[Question]:
    """Auto-graded questions: each answer cell with the test cells that follow it."""
    found: list[Question] = []
    answers = solution_answers(assignment)
    for cell in read(SOLUTIONS / assignment / f"{assignment}.ipynb").cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and cell.cell_type == "code":
            stub = cell.source.split("### BEGIN SOLUTION")[0].strip()
            found.append(
                Question(
                    meta["grade_id"], stub.split("=")[0].strip(), stub, answers[meta["grade_id"]]
                )
            )
        elif meta.get("grade") and cell.cell_type == "code" and found:
            found[-1].points[meta["grade_id"]] = float(meta["points"])
    return found


def wrong_answer(question: Question) -> str | None:
    """A well-formed but wrong single-letter answer, where the question takes one letter."""
    letter = re.search(r'=\s*"([A-Z])"\s*$', question.right.strip())
    if not letter or "set of letters" in question.stub:
        return None
    options = re.findall(r'"([A-Z])"', question.stub) or list("ABCD")
    return f'{question.name} = "{next(o for o in options if o != letter.group(1))}"'


def plan(assignment: str, trainee: str) -> tuple[dict[str, str], dict[str, float]]:
    """The answers a trainee gives, and the score each test cell should get."""
    if assignment == FIRST and trainee in PARTLY_RIGHT:
        return dict(PARTIAL_ANSWERS), {k: v for k, v in PARTIAL_EXPECTED.items()}
    chooser = random.Random(f"{assignment}/{trainee}")
    answers, expected = {}, {}
    for question in questions(assignment):
        behaviour = {"model_answers": "right", "untouched": "blank"}.get(
            trainee, chooser.choice(BEHAVIOURS)
        )
        wrong = wrong_answer(question)
        if behaviour == "wrong" and wrong is None:
            behaviour = "blank"
        source = {
            "right": question.right,
            "wrong": wrong,
            "blank": None,
            "badly formatted": f"{question.name} = [[[",  # not readable: refused, scores 0
        }[behaviour]
        if source is not None:
            answers[question.answer_id] = source
        for test_id, points in question.points.items():
            expected[test_id] = points if behaviour == "right" else 0.0
    return answers, expected


def exchange_submit(exchange, assignment: str, trainee: str, notebook) -> None:
    """What `nbgrader submit` leaves in the exchange: a timestamped folder in inbound/."""
    stamp = "2026-11-28 10:00:00.000000 UTC"
    folder = exchange / COURSE_ID / "inbound" / f"{trainee}+{assignment}+{stamp}+abc{trainee[-2:]}"
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / f"{assignment}.ipynb")
    (folder / "timestamp.txt").write_text(stamp)


def run(args, cwd, code: int = 0) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=nbgrader_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == code, f"{args} failed:\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    root = tmp_path_factory.mktemp("cohort")
    course = CourseFolder.create(root / "course")
    exchange = root / "exchange"
    (exchange / COURSE_ID / "inbound").mkdir(parents=True)
    expected: dict[tuple[str, str], dict[str, float]] = {}
    given: dict[tuple[str, str], dict[str, str]] = {}
    for assignment in assignment_ids():
        released = read(course.generate(assignment))
        for trainee in TRAINEES:
            answers, scores = plan(assignment, trainee)
            notebook = copy.deepcopy(released)
            for cell in notebook.cells:
                if nbgrader_meta(cell).get("grade_id") in answers:
                    cell.source = answers[nbgrader_meta(cell)["grade_id"]]
            exchange_submit(exchange, assignment, trainee, notebook)
            expected[(assignment, trainee)] = scores
            given[(assignment, trainee)] = answers
    for assignment in assignment_ids():
        run([BIN / "nbgrader", "collect", assignment, f"--Exchange.root={exchange}"], course.root)
    run([BIN / "grade-cohort", "--all", "--no-progress"], course.root)
    for assignment in assignment_ids():
        run([BIN / "nbgrader", "generate_feedback", assignment], course.root)
    run([BIN / "nbgrader", "export"], course.root)
    run([BIN / "cohort-report"], course.root)
    return course, expected, given


def read_csv(path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_cohort_is_big_and_varied(cohort):
    _, expected, _ = cohort
    assert len(TRAINEES) >= 30
    totals = [sum(s.values()) for s in expected.values()]
    assert min(totals) < max(totals)


def test_every_trainee_scores_exactly_what_their_answers_earn(cohort):
    course, expected, _ = cohort
    for (assignment, trainee), scores in expected.items():
        graded = course.scores(assignment, trainee)
        for test_id, points in scores.items():
            assert graded[test_id] == points, (assignment, trainee, test_id)
        assert course.total(assignment, trainee) == sum(scores.values()), (assignment, trainee)


def test_model_answers_score_full_marks_and_untouched_versions_zero_on_every_assessment(cohort):
    """Through nbgrader: every solution earns every automatic mark, and full marks once a
    trainer marks the written answers; every untouched trainee version scores zero."""
    course, _, _ = cohort
    for assignment in assignment_ids():
        cells = read(SOLUTIONS / assignment / f"{assignment}.ipynb").cells
        graded = [nbgrader_meta(c) for c in cells if nbgrader_meta(c).get("grade")]
        automatic = sum(m["points"] for m in graded if not m.get("solution"))
        assert course.total(assignment, "model_answers") == automatic, assignment
        assert course.total(assignment, "untouched") == 0.0, assignment
        for meta in graded:
            if meta.get("solution"):
                course.set_manual_score(
                    assignment, "model_answers", meta["grade_id"], meta["points"]
                )
        assert course.total(assignment, "model_answers") == sum(m["points"] for m in graded)


def test_every_trainee_gets_a_feedback_page(cohort):
    course, expected, _ = cohort
    for assignment, trainee in expected:
        page = course.root / "feedback" / trainee / assignment / f"{assignment}.html"
        assert page.is_file(), page
        assert "BEGIN HIDDEN TESTS" not in page.read_text()


def test_the_export_has_one_row_per_trainee_per_assessment(cohort):
    course, expected, _ = cohort
    rows = read_csv(course.root / "grades.csv")
    assert len(rows) == len(expected)
    assert {(r["assignment"], r["student_id"]) for r in rows} == set(expected)
    for row in rows:
        assert row["status"] == "graded"
        assert float(row["score"]) == sum(expected[(row["assignment"], row["student_id"])].values())


def test_the_cohort_report_matches_the_simulation(cohort):
    course, expected, given = cohort
    rows = read_csv(course.root / "reports" / "questions.csv")
    for row in rows:
        if row["answered"] == "0":
            continue
        points = float(row["max_points"])
        scores = [
            s[row["question"]]
            for (a, _), s in expected.items()
            if a == row["assignment"] and row["question"] in s
        ]
        if not scores:  # a written answer: not in the simulation's auto scores
            continue
        full = sum(score >= points for score in scores) / len(scores)
        assert float(row["share_full_marks"]) == pytest.approx(full, abs=0.001), row
    # the indicators most often missed in assessment 1's question 3, counted from the answers
    missed = [
        r
        for r in read_csv(course.root / "reports" / "missed.csv")
        if r["assignment"] == FIRST
        and r["question"] == "q3_spot_indicators"
        and r["kind"] == "missed"
    ]
    counted = {}
    for (assignment, _trainee), answers in given.items():
        source = answers.get("q3_answer", "")
        if assignment != FIRST or "{" not in source:
            continue
        chosen = set(re.findall(r'"([A-F])"', source))
        for option in {"A", "C", "E"} - chosen:
            counted[option] = counted.get(option, 0) + 1
    assert {r["option"]: int(r["count"]) for r in missed} == counted


def test_the_cohort_report_runs_as_a_trainer_notebook(cohort):
    from nbclient import NotebookClient
    from nbgrader_course import REPO

    course, _, _ = cohort
    notebook = read(REPO / "docs" / "cohort_report.ipynb")
    os.environ["COURSE_FOLDER"] = str(course.root)
    try:
        NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    finally:
        del os.environ["COURSE_FOLDER"]
    text = str(notebook.cells)
    assert "Cohort report" in text and "q3_spot_indicators" in text
    assert "error" not in {
        o.output_type for c in notebook.cells if c.cell_type == "code" for o in c.outputs
    }


def test_an_empty_gradebook_gives_an_empty_report_not_an_error(tmp_path):
    course = CourseFolder.create(tmp_path / "course")
    result = run([BIN / "cohort-report"], course.root)
    assert "0 graded submission" in result.stdout
    assert "No graded submissions yet" in (course.root / "reports" / "report.md").read_text()
    assert read_csv(course.root / "reports" / "questions.csv") == []


def test_the_report_handles_missing_submissions_and_unanswered_questions(tmp_path):
    """A trainee with no submission, an assessment nobody submitted, and a submission that
    could not be graded: reported as such, never as zero, and nothing crashes."""
    course = CourseFolder.create(tmp_path / "course")
    released = read(course.generate(FIRST))
    second = assignment_ids()[1]
    course.generate(second)  # released, but nobody has submitted it: its questions have no answers
    course.submit("present", FIRST, released)
    broken = course.root / "submitted" / "broken" / FIRST
    broken.mkdir(parents=True)
    (broken / f"{FIRST}.ipynb").write_text("{")
    course.nbgrader("db", "student", "add", "absent")
    run([BIN / "grade-cohort", FIRST, "--no-progress"], course.root, code=3)  # "broken": not graded
    run([BIN / "cohort-report"], course.root)

    scores = {
        (r["assignment"], r["student_id"]): r
        for r in read_csv(course.root / "reports" / "scores.csv")
    }
    assert scores[(FIRST, "present")]["status"] == "graded"
    assert scores[(FIRST, "absent")]["status"] == "no submission"
    assert scores[(FIRST, "broken")]["status"] == "not graded"
    assert scores[(FIRST, "broken")]["score"] == ""
    unanswered = [
        r for r in read_csv(course.root / "reports" / "questions.csv") if r["assignment"] == second
    ]
    assert unanswered and all(
        r["answered"] == "0" and r["share_full_marks"] == "" for r in unanswered
    )
    assert "no answers" in (course.root / "reports" / "report.md").read_text()
