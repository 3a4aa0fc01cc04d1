"""Bad submissions cannot run anything, earn marks they did not write, or stop the batch.

Every submission below is built from the released notebook that `nbgrader generate_assignment`
makes (see adversarial_submissions.py). All of them, with one honest full-marks submission and
one blank one, are graded in ONE run of the real `grade-cohort` command in a temporary course
folder; then feedback and the export are made with nbgrader, and the cohort is graded again.
The tests then check each attack against the table below.

Expected marks are per graded cell (`marks(q1=0)` = full auto-marks except question 1).
The written answer (q8) is marked by hand, so it is 0 here. An answer cell that holds anything
but literal answers is refused as a whole ("Not marked: ..."), even if it also holds the right
literal; a separate correct answer cell still earns its marks.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import adversarial_submissions as adv
import nbformat
import pytest
from adversarial_submissions import FIRST, MAX_SCORE, NOTEBOOK, Builder, Ctx, marks
from nbgrader_course import BIN, CourseFolder, nbgrader_env
from notebook_files import SOLUTIONS, nbgrader_meta, read

from safeguarding_course.grading.submissions import check_submission, read_register

pytestmark = pytest.mark.nbgrader

GRADE_ID_HOLE = (
    "RebuildFromGradebook.preprocess (src/safeguarding_course/grading/autograde.py) tests "
    "`grade_id in solutions` on whatever the submission's metadata holds; a list grade id "
    "raises TypeError (unhashable), so nbgrader fails and the submission is 'not graded' "
    "with an unhelpful reason, instead of the changed metadata being dropped and the answers "
    "graded"
)


@dataclass(frozen=True)
class Attack:
    name: str  # also the trainee's id
    kind: int  # the kind of attack in the test plan (0 = control, 13 = further attacks)
    what: str
    build: Builder
    marks: dict[str, float] | None  # expected score of each graded cell; None: not graded
    refused: dict[str, str] = field(default_factory=dict)  # answer id -> "Not marked: ..." part
    notes: dict[str, str] = field(default_factory=dict)  # answer id -> "Note: ..." part
    tests_say: dict[str, str] = field(default_factory=dict)  # test id -> part of its output
    added_cells: int = 0  # cells the grader reports as not part of the assessment
    not_graded: str | None = None  # part of the reason, when it cannot be graded
    runs_command: bool = False  # tries to run something that would create its marker
    holes: dict[str, str] = field(default_factory=dict)  # test -> hole (strict xfail)

    @property
    def total(self) -> float | None:
        return None if self.marks is None else sum(self.marks.values())


ATTACKS = [
    # -- controls --
    Attack("honest", 0, "the model answer to every question", adv.honest, marks()),
    Attack(
        "blank",
        0,
        "the released notebook, untouched",
        adv.blank,
        {test: 0.0 for test in marks()},
        tests_say={"q1_pattern_of_signs": "answer_q1 has no answer yet"},
    ),
    # -- 1. shell commands, each beside the right answer --
    Attack(
        "shell_bang",
        1,
        '`!touch MARKER` and answer_q1 = "B" in one cell',
        adv.shell_bang,
        marks(q1=0),
        refused={"q1_answer": "Python could not read it on line 1"},
        runs_command=True,
    ),
    Attack(
        "os_system",
        1,
        'import os; os.system("touch MARKER") and answer_q2 = "B"',
        adv.os_system,
        marks(q2=0),
        refused={"q2_answer": "import statement"},
        runs_command=True,
    ),
    # -- 2. copying answers --
    Attack(
        "read_solutions",
        2,
        "open() the source notebook in solutions/, copy it to MARKER, pick answer_q4",
        adv.read_solutions,
        marks(q4=0),
        refused={"q4_answer": "it calls open("},
        runs_command=True,
    ),
    Attack(
        "read_gradebook",
        2,
        "sqlite3 query of gradebook.db written to MARKER, with the right answer_q3",
        adv.read_gradebook,
        marks(q3=0),
        refused={"q3_answer": "import statement"},
        runs_command=True,
    ),
    # -- 3. stopping the tests from running --
    Attack(
        "input_transformer",
        3,
        "an IPython input transformer that replaces every later cell (the tests)",
        adv.input_transformer,
        marks(q1=0),
        refused={"q1_answer": "it contains an expression"},
        runs_command=True,
    ),
    Attack(
        "run_cell_replaced",
        3,
        "get_ipython().run_cell = lambda ...: touch MARKER",
        adv.run_cell_replaced,
        marks(q2=0),
        refused={"q2_answer": "it sets something other than a plain name"},
        runs_command=True,
    ),
    Attack(
        "system_exit",
        3,
        'answer_q5 = "B" then raise SystemExit',
        adv.system_exit,
        marks(q5=0),
        refused={"q5_answer": "raise statement"},
        runs_command=True,
    ),
    # -- 4, 5. killing the kernel, an endless loop --
    Attack(
        "kill_kernel",
        4,
        "os.kill(os.getpid(), signal.SIGKILL) before answer_q6 = 95",
        adv.kill_kernel,
        marks(q6=0),
        refused={"q6_answer": "import statement"},
        runs_command=True,
    ),
    Attack(
        "infinite_loop",
        5,
        'answer_q7 = "B" then while True: touch MARKER',
        adv.infinite_loop,
        marks(q7=0),
        refused={"q7_answer": "while statement"},
        runs_command=True,
    ),
    # -- 6. locked test cells --
    Attack(
        "test_cells_edited",
        6,
        "q1 wrong with its test made `pass`; q2 blank with its test replaced by a command",
        adv.test_cells_edited,
        marks(q1=0, q2=0),
        tests_say={
            "q1_pattern_of_signs": "Question 1 is not right.",
            "q2_models_limits": "answer_q2 has no answer yet",
        },
        runs_command=True,
    ),
    Attack(
        "test_cells_deleted",
        6,
        "q1 wrong and q4 right, with both their test cells deleted",
        adv.test_cells_deleted,
        marks(q1=0),
        tests_say={"q1_pattern_of_signs": "Question 1 is not right."},
    ),
    # -- 7. deleting, adding, reordering, duplicating cells --
    Attack(
        "answer_cell_deleted",
        7,
        "the q2 answer cell deleted",
        adv.answer_cell_deleted,
        marks(q2=0),
        tests_say={"q2_models_limits": "answer_q2 has no answer yet"},
    ),
    Attack(
        "extra_cells",
        7,
        "q1, q2 blank; added cells: code answer_q1, markdown answer_q2, os.system, a "
        "100-point test",
        adv.extra_cells,
        marks(q1=0, q2=0),
        added_cells=4,
        runs_command=True,
    ),
    Attack(
        "tests_before_answers",
        7,
        "every test cell moved above the answers",
        adv.tests_before_answers,
        marks(),
    ),
    Attack("shuffled", 7, "all cells shuffled", adv.shuffled, marks()),
    Attack(
        "duplicate_answer",
        7,
        "q1 answered A then B, q2 answered B then A: the first cell with an id counts",
        adv.duplicate_answer,
        marks(q1=0),
    ),
    # -- 8. cell metadata --
    Attack(
        "swapped_ids",
        8,
        "q1/q2 answer metadata swapped, so q1's id sits on a wrong answer_q2",
        adv.swapped_ids,
        marks(q1=0, q2=0),
        notes={
            "q1_answer": "only answer_q1 is marked here; answer_q2 was ignored",
            "q2_answer": "only answer_q2 is marked here; answer_q1 was ignored",
        },
        tests_say={"q1_pattern_of_signs": "name 'answer_q1' is not defined"},
    ),
    Attack(
        "grade_id_not_text",
        8,
        "the q1 answer cell's grade_id made a list",
        adv.grade_id_not_text,
        marks(q1=0),  # the changed metadata is dropped, so q1 is unanswered
        tests_say={"q1_pattern_of_signs": "answer_q1 has no answer yet"},
        added_cells=1,  # the cell with the tampered id counts as not part of the assessment
    ),
    Attack(
        "points_1000",
        8,
        "points: 1000 on every graded cell, and the q1 answer cell made a graded cell",
        adv.points_1000,
        marks(),
    ),
    Attack(
        "forged_checksums",
        8,
        "q1 wrong; its test made `pass` with a matching checksum; other checksums zeroed",
        adv.forged_checksums,
        marks(q1=0),
        tests_say={"q1_pattern_of_signs": "Question 1 is not right."},
    ),
    # -- 9. huge outputs and answers --
    Attack("huge_output", 9, "a saved 50 MB output", adv.huge_output, marks()),
    Attack(
        "huge_answer",
        9,
        'answer_q4 = "report_remove" and a 10 MB string in the same cell',
        adv.huge_answer,
        marks(q4=0),
        refused={"q4_answer": "the cell is too long (10,485,8"},
    ),
    # -- 10. files that cannot be read: not graded, never 0 --
    Attack(
        "malformed_json",
        10,
        "the notebook cut short",
        adv.malformed_json,
        None,
        not_graded="not valid notebook JSON",
    ),
    Attack(
        "renamed",
        10,
        "the right answers in a notebook named ...-Copy1.ipynb",
        adv.renamed,
        None,
        not_graded="it may have been renamed",
    ),
    Attack(
        "latin1",
        10,
        "the notebook saved as latin-1",
        adv.latin1,
        None,
        not_graded="not UTF-8 text",
    ),
    Attack("missing", 10, "an empty folder", adv.missing, None, not_graded="no notebook named"),
    Attack(
        "bad_timestamp",
        10,
        "the right answers with a timestamp.txt of 'yesterday at noon'",
        adv.bad_timestamp,
        None,
        not_graded="nbgrader could not grade it",
    ),
    # -- 11. answers of the wrong type --
    Attack(
        "number_for_letter",
        11,
        "answer_q1 = 2",
        adv.number_for_letter,
        marks(q1=0),
        tests_say={"q1_pattern_of_signs": "You wrote 2, which is not in quotes"},
    ),
    Attack(
        "list_for_set",
        11,
        'answer_q3 = ["A", "C", "E"] (check_choices accepts a list or tuple by design)',
        adv.list_for_set,
        marks(),
    ),
    Attack(
        "unquoted_letter",
        11,
        "answer_q1 = B",
        adv.unquoted_letter,
        marks(q1=0),
        refused={"q1_answer": "it uses the name B rather than a value (put text in quotes)"},
    ),
    # -- 12. an answer written as code, against plain arithmetic --
    Attack(
        "q6_as_code",
        12,
        "answer_q6 = round((7263 - 3728) / 3728 * 100)",
        adv.q6_as_code,
        marks(q6=0),
        refused={"q6_answer": "it calls round(...)"},
    ),
    Attack(
        "q6_arithmetic",
        12,
        "answer_q6 = (7263 - 3728) / 3728 * 100 (plain arithmetic is allowed)",
        adv.q6_arithmetic,
        marks(),
    ),
    # -- 13. further attacks --
    Attack(
        "shadow_checker",
        13,
        'a wrong answer_q2 with check_choice = "A" and q2 = "A" (right) in the same cell',
        adv.shadow_checker,
        marks(q2=0),
        notes={"q2_answer": "check_choice, q2 was ignored"},
        tests_say={"q2_models_limits": "Question 2 is not right."},
    ),
    Attack(
        "html_in_written_answer",
        13,
        "<script>, <img onerror> and javascript: links in the written answer (see the "
        "XSS tests below)",
        adv.html_in_written_answer,
        marks(),
    ),
]
GRADED = [a for a in ATTACKS if a.marks is not None]
NOT_GRADED = [a for a in ATTACKS if a.marks is None]

# Valid JSON that Python's readers reject. Graded in a batch of their own (see the end).
HOSTILE_JSON = {
    "deeply_nested_json": adv.deeply_nested_json,  # 100,000 nested lists
    "giant_number_json": adv.giant_number_json,  # a 5,000-digit number
    "nbformat_as_text": adv.nbformat_as_text,  # "nbformat": "4"
    "nbformat_from_the_future": adv.nbformat_from_the_future,  # "nbformat": 99
}
HOSTILE_JSON_HOLE = (
    "notebook_problem (src/safeguarding_course/grading/submissions.py) catches only "
    "JSONDecodeError and a few validation errors; json.loads raises RecursionError or "
    "ValueError and nbformat raises AssertionError or ImportError on these files, the "
    "exception escapes check_submission and grade_cohort (cohort.py), and grade-cohort "
    "stops before grading anyone"
)


def cases(check: str, attacks: list[Attack]) -> list:
    """The attacks a test applies to; a known hole is a strict xfail for that test only."""
    return [
        pytest.param(
            attack,
            id=attack.name,
            marks=[pytest.mark.xfail(strict=True, reason=attack.holes[check])]
            if check in attack.holes
            else [],
        )
        for attack in attacks
    ]


# -- the batch ---------------------------------------------------------------------------------


def grade_cohort(root: Path) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    result = subprocess.run(
        [str(BIN / "grade-cohort"), FIRST, "--no-progress"],
        cwd=root,
        env=nbgrader_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result, time.perf_counter() - start


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def not_graded_csv(root: Path) -> dict[str, str]:
    return {e.student_id: e.reason for e in read_register(root) if e.assignment == FIRST}


@dataclass
class Run:
    process: subprocess.CompletedProcess
    seconds: float
    not_graded: dict[str, str]  # student -> reason, from not_graded.csv
    scores: dict[str, dict[str, float] | None]  # graded student -> score of each graded cell


@dataclass
class Batch:
    course: CourseFolder
    markers: Path
    before: dict[str, dict[str, str]]  # student -> digest of each submitted file
    first: Run
    feedback: subprocess.CompletedProcess
    export: dict[str, dict[str, str]]  # student -> row of grades.csv
    second: Run
    after: dict[str, dict[str, str]]

    def submitted(self, name: str) -> Path:
        return self.course.root / "submitted" / name / FIRST

    def marker(self, name: str) -> Path:
        return self.markers / f"{name}.marker"

    def autograded(self, name: str) -> nbformat.NotebookNode:
        return read(self.course.root / "autograded" / name / FIRST / NOTEBOOK)

    def feedback_html(self, name: str) -> str:
        path = self.course.root / "feedback" / name / FIRST / f"{FIRST}.html"
        return path.read_text(encoding="utf-8")


def record(course: CourseFolder, process, seconds) -> Run:
    not_graded = not_graded_csv(course.root)
    scores = {
        a.name: None if a.name in not_graded else course.scores(FIRST, a.name) for a in ATTACKS
    }
    return Run(process, seconds, not_graded, scores)


@pytest.fixture(scope="module")
def released_course(tmp_path_factory) -> CourseFolder:
    """A course folder with the assignment generated, to copy for each batch."""
    course = CourseFolder.create(tmp_path_factory.mktemp("released") / "course")
    course.generate(FIRST)
    return course


def copy_course(released: CourseFolder, root: Path) -> tuple[CourseFolder, nbformat.NotebookNode]:
    shutil.copytree(released.root, root)
    course = CourseFolder(root)
    return course, read(root / "assignments" / FIRST / NOTEBOOK)


def place(course: CourseFolder, name: str, files: adv.Files) -> None:
    folder = course.root / "submitted" / name / FIRST
    folder.mkdir(parents=True)
    for file_name, data in files.items():
        (folder / file_name).write_bytes(data)
    if files and "timestamp.txt" not in files:
        (folder / "timestamp.txt").write_text("2026-11-28 10:00:00.000000 UTC\n")


@pytest.fixture(scope="module")
def batch(released_course, tmp_path_factory) -> Batch:
    """Every attack and both controls, graded in one grade-cohort run; then feedback, the
    export, and a second grade-cohort run (a regrade)."""
    course, released = copy_course(released_course, tmp_path_factory.mktemp("adv") / "course")
    released_bytes = (course.root / "assignments" / FIRST / NOTEBOOK).read_bytes()
    markers = course.root / "markers"
    markers.mkdir()
    for attack in ATTACKS:
        ctx = Ctx(released, released_bytes, course.root, markers / f"{attack.name}.marker")
        place(course, attack.name, attack.build(ctx))
    before = {a.name: digests(course.root / "submitted" / a.name / FIRST) for a in ATTACKS}

    first = record(course, *grade_cohort(course.root))
    feedback = course.nbgrader("generate_feedback", FIRST, check=False)
    export = {row["student_id"]: row for row in course.export() if row["assignment"] == FIRST}
    second = record(course, *grade_cohort(course.root))
    after = {a.name: digests(course.root / "submitted" / a.name / FIRST) for a in ATTACKS}
    return Batch(course, markers, before, first, feedback, export, second, after)


# -- the batch as a whole ----------------------------------------------------------------------


def test_the_table_covers_every_kind_of_attack():
    """All twelve kinds of attack in the test plan are here, at least fifteen attacks in all,
    each with one trainee id."""
    assert {a.kind for a in ATTACKS if 1 <= a.kind <= 12} == set(range(1, 13))
    assert len([a for a in ATTACKS if a.kind]) >= 15
    assert len({a.name for a in ATTACKS}) == len(ATTACKS)


def test_one_grade_cohort_run_grades_the_whole_batch(batch):
    """grade-cohort finishes (twice) despite every attack, reports each submission, and the
    honest trainee gets full auto-marks and the blank one zero, as in an ordinary cohort."""
    for run in (batch.first, batch.second):
        # exit code 3: some submissions could not be graded (documented; issue 12)
        assert run.process.returncode == 3, run.process.stderr[-3000:]
        graded = len(ATTACKS) - len(run.not_graded)
        assert f"graded {graded} of {len(ATTACKS)} submissions" in run.process.stdout
        for name in run.not_graded:
            assert f"NOT GRADED {name}:" in run.process.stdout
    assert batch.first.scores["honest"] == marks()
    assert batch.course.total(FIRST, "honest") == adv.FULL_AUTO_MARKS == 10
    assert batch.course.total(FIRST, "blank") == 0.0
    # its written answer waits for a trainer, so the export says so (issue 12)
    assert batch.export["honest"]["status"] == "awaiting marking"
    assert float(batch.export["honest"]["marked_so_far"]) == 10.0
    assert float(batch.export["blank"]["score"]) == 0.0
    assert batch.feedback.returncode == 0, batch.feedback.stderr[-3000:]


def test_no_cell_held_up_the_batch(batch):
    """The endless loop and the kernel kill cost nothing: each run of the whole cohort takes
    less than the 60 s a single cell may run for in nbgrader (c.Execute.timeout)."""
    for run in (batch.first, batch.second):
        assert run.seconds < 60, f"grade-cohort took {run.seconds:.0f} s"


@pytest.mark.parametrize(
    "attack", cases("test_no_command_in_a_submission_ran", [a for a in ATTACKS if a.runs_command])
)
def test_no_command_in_a_submission_ran(batch, attack):
    """(a) The attack's own marker file does not exist after grading, feedback and regrading,
    though its folder exists and is writable; and no marker at all was made."""
    marker = batch.marker(attack.name)
    assert marker.is_absolute() and batch.course.root in marker.parents
    assert marker.parent.is_dir() and os.access(marker.parent, os.W_OK)
    assert str(marker) in b"".join(batch_files(batch, attack)).decode("utf-8")
    assert not marker.exists(), f"{attack.name}: a command in the submission ran"
    assert list(batch.markers.iterdir()) == []


def batch_files(batch, attack) -> list[bytes]:
    return [p.read_bytes() for p in sorted(batch.submitted(attack.name).iterdir())]


@pytest.mark.parametrize(
    "attack", cases("test_marks_are_exactly_what_the_literal_answers_earn", GRADED)
)
def test_marks_are_exactly_what_the_literal_answers_earn(batch, attack):
    """(b) Each graded cell scores exactly what the submission's literal answers earn, the
    total is their sum, and the export shows it as graded out of the assessment's real
    maximum (points in a submission's metadata change nothing)."""
    assert attack.name not in batch.first.not_graded, batch.first.not_graded.get(attack.name)
    assert batch.first.scores[attack.name] == attack.marks
    assert batch.course.total(FIRST, attack.name) == attack.total
    row = batch.export[attack.name]
    # a written answer still to mark leaves the score empty until a trainer marks it (issue 12)
    assert row["status"] in ("graded", "awaiting marking"), row
    waiting = row["status"] == "awaiting marking"
    assert row["reason"] == (f"to mark: Question 8 ({adv.WRITTEN})" if waiting else "")
    assert float(row["marked_so_far"] if waiting else row["score"]) == attack.total
    assert float(row["max_score"]) == MAX_SCORE


def outputs_text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}")
        else:
            parts.append(output.get("data", {}).get("text/plain", ""))
    return "".join(parts)


@pytest.mark.parametrize("attack", cases("test_answer_cells_say_why_they_were_refused", GRADED))
def test_answer_cells_say_why_they_were_refused(batch, attack):
    """(d) In the autograded notebook, exactly the refused answer cells say "Not marked:"
    with the reason, ignored names are noted, test cells say why an answer scored nothing,
    and added cells are reported as not part of the assessment."""
    notebook = batch.autograded(attack.name)
    by_id = {nbgrader_meta(c).get("grade_id"): c for c in notebook.cells}
    answer_ids = [i for i, c in by_id.items() if nbgrader_meta(c).get("solution")]
    refused = {
        i: outputs_text(by_id[i]) for i in answer_ids if "Not marked:" in outputs_text(by_id[i])
    }
    assert set(refused) == set(attack.refused)
    for grade_id, reason in attack.refused.items():
        assert refused[grade_id].startswith("Not marked: ")
        assert reason in refused[grade_id], refused[grade_id]
    noted = {i: outputs_text(by_id[i]) for i in answer_ids if "Note:" in outputs_text(by_id[i])}
    assert set(noted) == set(attack.notes)
    for grade_id, note in attack.notes.items():
        assert note in noted[grade_id], noted[grade_id]
    for grade_id, says in attack.tests_say.items():
        assert says in outputs_text(by_id[grade_id]), outputs_text(by_id[grade_id])
    grader_note = [c.source for c in notebook.cells if "Note from the grader" in c.source]
    if attack.added_cells:
        assert grader_note and f"had {attack.added_cells} cell(s)" in grader_note[0]
    else:
        assert not grader_note


@pytest.mark.parametrize(
    "attack", cases("test_unreadable_submissions_are_reported_not_graded_never_zero", NOT_GRADED)
)
def test_unreadable_submissions_are_reported_not_graded_never_zero(batch, attack):
    """(c) A file that cannot be read is listed in not_graded.csv with its reason, shown as
    "not graded" with an empty score in `nbgrader export`, and named in grade-cohort's report."""
    reason = batch.first.not_graded.get(attack.name)
    assert reason and attack.not_graded in reason, reason
    row = batch.export[attack.name]
    assert row["status"] == "not graded"
    assert row["reason"] == reason
    assert row["score"] == row["raw_score"] == ""
    assert f"NOT GRADED {attack.name}: {reason}" in batch.first.process.stdout


@pytest.mark.parametrize(
    "attack", cases("test_submitted_files_are_byte_for_byte_untouched", ATTACKS)
)
def test_submitted_files_are_byte_for_byte_untouched(batch, attack):
    """(c) Grading, feedback and regrading leave every submitted file exactly as it was (an
    empty folder stays empty)."""
    assert batch.after[attack.name] == batch.before[attack.name]
    expected = 0 if attack.name == "missing" else 2
    assert len(batch.before[attack.name]) == expected


def hidden_lines(begin: str, end: str, longer_than: int) -> set[str]:
    lines = set()
    for cell in read(SOLUTIONS / FIRST / NOTEBOOK).cells:
        for region in re.findall(rf"{begin}\n(.*?){end}", cell.source, re.S):
            lines |= {ln.strip() for ln in region.splitlines() if len(ln.strip()) > longer_than}
    return lines


HIDDEN_TEST_LINES = hidden_lines("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS", 8)
MARK_SCHEME_LINES = hidden_lines("### BEGIN MARK SCHEME", "### END MARK SCHEME", 20)


def test_the_leak_checks_know_what_to_look_for():
    """The feedback check below looks for real hidden-test code and mark-scheme text."""
    assert 'assert q1 == "C", "Question 1 is not right."' in HIDDEN_TEST_LINES
    assert any("selection_score(" in line for line in HIDDEN_TEST_LINES)
    assert MARK_SCHEME_LINES


@pytest.mark.parametrize(
    "attack", cases("test_feedback_shows_no_hidden_tests_mark_schemes_or_tracebacks", GRADED)
)
def test_feedback_shows_no_hidden_tests_mark_schemes_or_tracebacks(batch, attack):
    """(e) The feedback page of every graded submission exists and shows no hidden test, no
    mark scheme and no Python traceback, whatever the submission did."""
    raw = batch.feedback_html(attack.name)
    text = html.unescape(re.sub(r"<[^>]+>", "", raw))  # code is split into highlight spans
    for page in (raw, text):
        assert "HIDDEN TESTS" not in page
        assert "MARK SCHEME" not in page
        assert "Traceback (most recent call last)" not in page
    assert "selection_score(" not in text
    assert 'assert q1 == "C"' not in text
    leaked = [line for line in HIDDEN_TEST_LINES | MARK_SCHEME_LINES if line in text]
    assert not leaked


@pytest.mark.parametrize("attack", cases("test_a_regrade_gives_the_same_result", ATTACKS))
def test_a_regrade_gives_the_same_result(batch, attack):
    """(f) Running grade-cohort again gives every submission the same marks, or the same
    not-graded reason."""
    assert batch.second.scores[attack.name] == batch.first.scores[attack.name]
    assert batch.second.not_graded.get(attack.name) == batch.first.not_graded.get(attack.name)


def test_an_answer_written_as_code_scores_zero_but_plain_arithmetic_counts(batch):
    """(12) `round(...)` is a call, so the cell is refused and q6 scores 0 with the reason;
    the same sum as plain arithmetic is read as a value and earns both marks."""
    as_code = batch.autograded("q6_as_code")
    cell = next(c for c in as_code.cells if nbgrader_meta(c).get("grade_id") == "q6_answer")
    assert outputs_text(cell).startswith("Not marked: it calls round(...)")
    assert batch.course.scores(FIRST, "q6_as_code")["q6_percent_change"] == 0.0
    assert batch.course.scores(FIRST, "q6_arithmetic")["q6_percent_change"] == 2.0


def test_huge_outputs_do_not_reach_the_graded_notebook(batch):
    """(9) A 50 MB saved output is dropped with the rest of the submission's cells."""
    size = (batch.course.root / "autograded" / "huge_output" / FIRST / NOTEBOOK).stat().st_size
    assert size < 1_000_000


def written_answer(batch, name: str) -> tuple[str, str]:
    """The written answer as stored in the autograded notebook, and the feedback page."""
    notebook = batch.autograded(name)
    cell = next(c for c in notebook.cells if nbgrader_meta(c).get("grade_id") == adv.WRITTEN)
    return cell.source, batch.feedback_html(name)


def test_trainee_html_in_a_written_answer_is_shown_as_text(batch):
    """Raw HTML in a written answer reaches formgrader (which renders the autograded
    notebook in the trainer's logged-in Jupyter) and the feedback page only as text."""
    source, page = written_answer(batch, "html_in_written_answer")
    assert "<script" not in source and "<img" not in source
    assert "<script>document.title" not in page
    assert not re.search(r"<img[^>]*onerror", page)
    assert "owned by a trainee" in html.unescape(re.sub(r"<[^>]+>", "", page))  # still shown


JAVASCRIPT_URL = re.compile(r"""(?i)(href|src)\s*=\s*["']?\s*javascript\s*:""")


def test_javascript_links_in_a_written_answer_are_not_live(batch):
    """A javascript: link in a written answer, however it is spelt, is not a live link in
    the feedback page (rendered by the same markdown2html as formgrader)."""
    _, page = written_answer(batch, "html_in_written_answer")
    assert not JAVASCRIPT_URL.search(page), JAVASCRIPT_URL.search(page).group(0)


# -- valid JSON that Python's readers reject ---------------------------------------------------


@pytest.fixture(scope="module")
def hostile_files(released_course, tmp_path_factory) -> dict[str, Path]:
    """Each hostile notebook, written in its own submission folder (not yet graded)."""
    course, released = copy_course(released_course, tmp_path_factory.mktemp("hostile") / "course")
    released_bytes = (course.root / "assignments" / FIRST / NOTEBOOK).read_bytes()
    ctx = Ctx(released, released_bytes, course.root, course.root / "markers" / "none")
    place(course, "honest", adv.honest(ctx))
    for name, build in HOSTILE_JSON.items():
        place(course, name, build(ctx))
    return {name: course.root / "submitted" / name / FIRST for name in ["honest", *HOSTILE_JSON]}


@pytest.mark.parametrize("name", list(HOSTILE_JSON))
def test_a_hostile_json_notebook_is_reported_not_graded(hostile_files, name):
    """(10) Valid JSON that Python cannot load (too deep, a giant number, a wrong nbformat)
    is a "cannot be graded" reason, not an exception."""
    problem = check_submission(hostile_files[name], name, FIRST, [NOTEBOOK])
    assert problem is not None and problem.reason


def test_a_hostile_json_notebook_does_not_stop_the_batch(hostile_files):
    """(c) With hostile files in the cohort, grade-cohort still grades the honest trainee and
    reports each hostile file as not graded, leaving it untouched."""
    root = hostile_files["honest"].parents[2]
    before = {name: digests(folder) for name, folder in hostile_files.items()}
    process, _ = grade_cohort(root)
    assert process.returncode == 3, process.stderr[-2000:]  # the hostile files: not graded
    register = not_graded_csv(root)
    assert set(register) == set(HOSTILE_JSON)
    assert CourseFolder(root).total(FIRST, "honest") == 10.0
    assert {name: digests(folder) for name, folder in hostile_files.items()} == before
