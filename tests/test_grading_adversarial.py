"""Bad submissions cannot run anything, earn marks they did not write, or stop the batch.

Every submission below is built from the released notebook that `nbgrader generate_assignment`
makes (see adversarial_submissions.py). All of them, with one honest full-marks submission and
one blank one, are graded in ONE run of the real `grade-cohort` command in a temporary course
folder, then again by plain `nbgrader autograde --force` (the course's pipeline, set in
nbgrader_config.py); then feedback, the export and the cohort report are made. The tests check
each attack against the table below, for both runs.

Expected marks are per graded cell (`marks(q1=0)` = full auto-marks except question 1).
The written answer (q8) is marked by hand, so it is 0 here. An answer cell that holds anything
but literal answers is refused as a whole ("Not marked: ..."), even if it also holds the right
literal; a separate correct answer cell still earns its marks.
"""

from __future__ import annotations

import csv
import hashlib
import html
import os
import re
import shutil
import stat
import subprocess
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
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
    kind: int  # the kind of attack (0 = control, 13 = further attacks, 14-22 the second round)
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
    Attack("huge_output", 9, "a saved 15 MB output", adv.huge_output, marks()),
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
        not_graded="timestamp.txt does not hold a date and time nbgrader can read",
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
    # == second attack round (issue 10) ==
    # -- 14. the notebook is a symbolic link --
    Attack("link_to_solution", 14, "the notebook is a link to solutions/ (the model answers)", adv.link_to_solution, None, not_graded="is a symbolic link (to "),
    Attack("link_to_other_trainee", 14, "the notebook is a relative link to another trainee's notebook", adv.link_to_other_trainee, None, not_graded="is a symbolic link (to ../../honest/"),
    Attack("dangling_link", 14, "the notebook is a link to a file that does not exist", adv.dangling_link, None, not_graded="is a symbolic link"),
    # -- 15. links beside the notebook --
    Attack("links_beside", 15, "links beside the notebook to gradebook.db, solutions/, /etc/passwd (one hidden)", adv.links_beside, marks()),
    # -- 16. special files, declared and undeclared files --
    Attack("notebook_fifo", 16, "the notebook is a named pipe", adv.notebook_fifo, None, not_graded="is a named pipe, not an ordinary file"),
    Attack("notebook_device", 16, "the notebook is a link to /dev/zero", adv.notebook_device, None, not_graded="is a symbolic link (to /dev/zero)"),
    Attack("notebook_folder", 16, "a folder named like the notebook", adv.notebook_folder, None, not_graded="is a folder, not an ordinary file"),
    Attack("special_files_beside", 16, "a named pipe, a link to /dev/zero and an undeclared file beside the notebook", adv.special_files_beside, marks()),
    Attack("timestamp_device", 16, "timestamp.txt is a link to /dev/zero", adv.timestamp_device, None, not_graded="timestamp.txt is a symbolic link (to /dev/zero)"),
    Attack("timestamp_fifo", 16, "timestamp.txt is a named pipe", adv.timestamp_fifo, None, not_graded="timestamp.txt is a named pipe"),
    Attack("secret_link", 16, "submission_secret.txt is a link to /etc/passwd", adv.secret_link, None, not_graded="submission_secret.txt is a symbolic link (to /etc/passwd)"),
    Attack("declared_file", 16, "a file the trainer declared, as an ordinary file: copied", adv.declared_file, marks()),
    Attack("declared_file_link", 16, "the declared file is a link to gradebook.db", adv.declared_file_link, None, not_graded="the file my_notes.txt is a symbolic link"),
    Attack("declared_file_too_big", 16, "the declared file is 6 MB", adv.declared_file_too_big, None, not_graded="the file my_notes.txt is 6.0 MB, more than the 5.0 MB"),
    # -- 17. crafted literals score zero, never "not graded" --
    Attack("float_overflow", 17, "answer_q6 = 1e308 * 10", adv.float_overflow, marks(q6=0), refused={"q6_answer": "does not give a finite number"}),
    Attack("division_overflow", 17, "answer_q6 = 1e308 / 0.001", adv.division_overflow, marks(q6=0), refused={"q6_answer": "does not give a finite number"}),
    Attack("int_division_overflow", 17, "a 400-digit whole number / 3", adv.int_division_overflow, marks(q6=0), refused={"q6_answer": "too large to be an answer"}),
    Attack("infinite_literal", 17, "answer_q6 = 1e999 - 1e999", adv.infinite_literal, marks(q6=0), refused={"q6_answer": "not finite"}),
    Attack("int_times_float_overflow", 17, "a 400-digit whole number * 1.0", adv.int_times_float_overflow, marks(q6=0), refused={"q6_answer": "too large to be an answer"}),
    Attack("huge_integer", 17, "two 2,000-digit numbers multiplied", adv.huge_integer, marks(q6=0), refused={"q6_answer": "too large to be an answer"}),
    Attack("complex_number", 17, "answer_q6 = 95 + 0j", adv.complex_number, marks(q6=0), refused={"q6_answer": "complex number"}),
    Attack("surrogate_in_answer", 17, 'answer_q1 = "B" + a lone surrogate', adv.surrogate_in_answer, marks(q1=0), refused={"q1_answer": "lone surrogate"}),
    Attack("surrogate_in_set", 17, "a lone surrogate in one letter of the q3 set", adv.surrogate_in_set, marks(q3=0), refused={"q3_answer": "lone surrogate"}),
    Attack("surrogate_in_comment", 17, "the right q2 answer with a lone surrogate in a comment", adv.surrogate_in_comment, marks()),
    Attack("surrogate_outside_string", 17, "a lone surrogate after the q5 answer, outside the string", adv.surrogate_outside_string, marks(q5=0), refused={"q5_answer": "Python could not read it"}),
    Attack("surrogate_in_metadata", 17, "lone surrogates in notebook and cell metadata", adv.surrogate_in_metadata, marks()),
    Attack("surrogate_in_written_answer", 17, "lone surrogates in the written answer", adv.surrogate_in_written_answer, marks()),
    # -- 18. written answers that would act (see the tests below) --
    Attack("tex_links", 18, "\\href in $...$, $$...$$, \\(...\\), \\[...\\], an equation, \\unicode/\\class/\\style", adv.tex_links, marks()),
    Attack("markdown_links", 18, "autolinks, bare URLs, reference links, an image, <a> and <iframe>", adv.markdown_links, marks()),
    Attack("block_escape", 18, "</pre> to close the text block, fenced and indented code", adv.block_escape, marks()),
    # -- 19. long written answers --
    Attack("written_110k", 19, "a 110,000-character written answer", adv.written_110k, marks()),
    Attack("written_2mb", 19, "a 2,000,000-character written answer", adv.written_2mb, marks()),
    # -- 20. nbgrader's reserved markers in trainee text --
    Attack("hidden_test_marker", 20, "### BEGIN HIDDEN TESTS (no END) in the written answer", adv.hidden_test_marker, marks()),
    Attack("end_markers", 20, "END HIDDEN TESTS, END MARK SCHEME and END SOLUTION lines", adv.end_markers, marks()),
    Attack("mark_scheme_marker", 20, "BEGIN MARK SCHEME and BEGIN SOLUTION in the written answer", adv.mark_scheme_marker, marks()),
    Attack("marker_in_code_answer", 20, "the right q1 answer with # ### BEGIN HIDDEN TESTS", adv.marker_in_code_answer, marks()),
    Attack("marker_in_code_string", 20, 'answer_q2 = "### BEGIN MARK SCHEME"', adv.marker_in_code_string, marks(q2=0), tests_say={"q2_models_limits": "answer_q2 should be one of"}),
    # -- 21. answers and names that are spreadsheet formulas or HTML --
    Attack("csv_formulas", 21, "=HYPERLINK, @SUM, +, - and tab= answers", adv.csv_formulas, marks(q1=0, q2=0, q4=0, q5=0, q7=0)),
    Attack("csv_formulas_cr", 21, "a carriage-return formula and <img onerror> as answers", adv.csv_formulas_cr, marks(q1=0, q2=0)),
    Attack("formula_file_name", 21, "a renamed notebook called =HYPERLINK(...).ipynb", adv.formula_file_name, None, not_graded="it may have been renamed"),
    # -- 22. size and memory --
    Attack("oversized_notebook", 22, "a 25 MB notebook (a saved output)", adv.oversized_notebook, None, not_graded="more than the 20.0 MB a submission may be"),
    Attack("many_cells", 22, "1,500 added cells (within the limit)", adv.many_cells, marks(), added_cells=1500),
    Attack("too_many_cells", 22, "2,500 added cells", adv.too_many_cells, None, not_graded="more than the 2,000 a submission may have"),
    Attack("cell_flood", 22, "150,000 tiny cells (19 MB)", adv.cell_flood, None, not_graded="more than 50,000 JSON objects"),
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


def entries(folder: Path) -> list[Path]:
    """Everything in a folder, without following a link or opening a special file."""
    found = []
    for parent, folders, names in os.walk(folder):  # os.walk does not follow links
        found += [Path(parent) / name for name in folders + names]
    return sorted(found)


def digests(folder: Path) -> dict[str, str]:
    """Each entry's kind and content: a file's SHA-256, a link's target, a pipe or a folder."""
    found = {}
    for path in entries(folder):
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            found[str(path.relative_to(folder))] = f"link to {os.readlink(path)}"
        elif stat.S_ISREG(info.st_mode):
            found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[str(path.relative_to(folder))] = stat.filemode(info.st_mode)
    return found


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
    first: Run  # grade-cohort
    first_autograded: dict[str, dict[str, str]]  # student -> what the first run put there
    second: Run  # plain `nbgrader autograde --force`, the course's pipeline
    feedback: subprocess.CompletedProcess
    export: dict[str, dict[str, str]]  # student -> row of grades.csv
    report: subprocess.CompletedProcess  # cohort-report
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
        path = folder / file_name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, adv.Link):
            path.symlink_to(data.target)
        elif isinstance(data, adv.Fifo):
            os.mkfifo(path)
        else:
            path.write_bytes(data)
    if files and "timestamp.txt" not in files:
        (folder / "timestamp.txt").write_text("2026-11-28 10:00:00.000000 UTC\n")


@pytest.fixture(scope="module")
def batch(released_course, tmp_path_factory) -> Batch:
    """Every attack and both controls, graded in one grade-cohort run; then feedback, the
    export, and a second grade-cohort run (a regrade)."""
    course, released = copy_course(released_course, tmp_path_factory.mktemp("adv") / "course")
    with (course.root / "nbgrader_config.py").open("a") as config:  # one declared extra file
        config.write(f"\nc.CourseAutograde.allowed_files = {{{FIRST!r}: [{adv.DECLARED!r}]}}\n")
    released_bytes = (course.root / "assignments" / FIRST / NOTEBOOK).read_bytes()
    markers = course.root / "markers"
    markers.mkdir()
    for attack in ATTACKS:
        ctx = Ctx(released, released_bytes, course.root, markers / f"{attack.name}.marker")
        place(course, attack.name, attack.build(ctx))
    before = {a.name: digests(course.root / "submitted" / a.name / FIRST) for a in ATTACKS}

    first = record(course, *grade_cohort(course.root))
    first_autograded = {a.name: digests(course.root / "autograded" / a.name) for a in ATTACKS}
    second = record(course, *plain_autograde(course))
    feedback = course.nbgrader("generate_feedback", FIRST, "--force", check=False)
    export = {row["student_id"]: row for row in course.export() if row["assignment"] == FIRST}
    report = subprocess.run(
        [str(BIN / "cohort-report")], cwd=course.root, env=nbgrader_env(), capture_output=True,
        text=True, timeout=300,
    )
    after = {a.name: digests(course.root / "submitted" / a.name / FIRST) for a in ATTACKS}
    return Batch(
        course, markers, before, first, first_autograded, second, feedback, export, report, after
    )


def plain_autograde(course: CourseFolder) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    process = course.nbgrader("autograde", FIRST, "--force", check=False)
    return process, time.perf_counter() - start


# -- the batch as a whole ----------------------------------------------------------------------


def test_the_table_covers_every_kind_of_attack():
    """All twelve kinds of attack in the test plan are here, at least fifteen attacks in all,
    each with one trainee id."""
    assert {a.kind for a in ATTACKS if 1 <= a.kind <= 12} == set(range(1, 13))
    assert len([a for a in ATTACKS if a.kind]) >= 15
    assert len({a.name for a in ATTACKS}) == len(ATTACKS)


def test_one_grade_cohort_run_grades_the_whole_batch(batch):
    """grade-cohort finishes despite every attack, reports each submission, and the honest
    trainee gets full auto-marks and the blank one zero, as in an ordinary cohort; plain
    `nbgrader autograde` then goes through the whole batch too, naming each one it could not
    grade with its reason (and exits 1, as nbgrader does when a submission fails)."""
    run = batch.first
    # exit code 3: some submissions could not be graded (documented in the README)
    assert run.process.returncode == 3, run.process.stderr[-3000:]
    graded = len(ATTACKS) - len(run.not_graded)
    assert f"graded {graded} of {len(ATTACKS)} submissions" in run.process.stdout
    for name in run.not_graded:
        assert f"NOT GRADED {name}:" in run.process.stdout
    plain = batch.second.process
    log = plain.stdout + plain.stderr
    assert plain.returncode == 1, log[-3000:]
    for name, reason in batch.second.not_graded.items():
        if name != "missing":  # nbgrader skips a folder with no notebook at all
            assert f"NOT GRADED {name}: {reason}" in log
    assert batch.first.scores["honest"] == marks()
    assert batch.course.total(FIRST, "honest") == adv.FULL_AUTO_MARKS == 10
    assert batch.course.total(FIRST, "blank") == 0.0
    # its written answer waits for a trainer, so the export says so (issue 12)
    assert batch.export["honest"]["status"] == "awaiting marking"
    assert float(batch.export["honest"]["marked_so_far"]) == 10.0
    assert float(batch.export["blank"]["score"]) == 0.0
    assert batch.feedback.returncode == 0, batch.feedback.stderr[-3000:]


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
    assert bool(batch.before[attack.name]) == (attack.name != "missing")


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
    mark scheme and no Python traceback, whatever the submission did. (Trainees who typed
    nbgrader's markers themselves, kind 20, see their own text: only real tests are checked.)"""
    raw = batch.feedback_html(attack.name)
    text = html.unescape(re.sub(r"<[^>]+>", "", raw))  # code is split into highlight spans
    for page in (raw, text):
        if attack.kind != 20:
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


# -- second attack round (issue 10): what reaches autograded/, feedback/ and the reports -------

ALLOWED_OUTPUT = {NOTEBOOK, "timestamp.txt", "submission_secret.txt", f"{FIRST}.html"}
SIDE_FILE = f"{FIRST}_written_answers/{adv.WRITTEN}.txt"


def expected_outputs(attack: Attack) -> set[str]:
    names = set(ALLOWED_OUTPUT)
    if attack.name == "declared_file":
        names.add(adv.DECLARED)
    if attack.name in ("written_110k", "written_2mb"):
        names |= {SIDE_FILE, SIDE_FILE.split("/")[0]}
    return names


@pytest.mark.parametrize("attack", cases("test_only_the_submission_reaches_autograded_and_feedback", ATTACKS))
def test_only_the_submission_reaches_autograded_and_feedback(batch, attack):
    """(1, 2, 3) After either run, autograded/ and feedback/ hold only ordinary files made
    from the submission: the notebook (or its page), timestamp.txt, a declared file and a
    long answer's side file. No link, pipe or device, and nothing the links pointed to. A
    submission that could not be graded has no autograded or feedback folder at all."""
    for label, found in (
        ("grade-cohort", batch.first_autograded[attack.name]),
        ("nbgrader autograde", digests(batch.course.root / "autograded" / attack.name)),
        ("feedback", digests(batch.course.root / "feedback" / attack.name)),
    ):
        if attack.marks is None:
            assert found == {}, (label, found)
            continue
        names = {str(Path(p).relative_to(FIRST)) for p in found if p != FIRST}
        assert names, label
        assert names <= expected_outputs(attack), (label, names - expected_outputs(attack))
        kinds = set(found.values())
        assert not any(k.startswith("link to") or k.startswith("p") for k in kinds), (label, kinds)


def test_links_beside_the_notebook_never_hand_out_what_they_point_to(batch):
    """(2) The gradebook, the model answers and /etc/passwd reached through links beside a
    notebook are in no autograded or feedback file of that trainee (by content)."""
    secrets = [
        (batch.course.root / "solutions" / FIRST / NOTEBOOK).read_bytes(),
        Path("/etc/passwd").read_bytes(),
    ]
    for name in ("links_beside", "special_files_beside"):
        for folder in ("autograded", "feedback"):
            for path in entries(batch.course.root / folder / name):
                if path.is_file():
                    data = path.read_bytes()
                    assert all(secret not in data for secret in secrets), path


def test_a_declared_file_is_copied_as_it_was(batch):
    """(1) A file the trainer declared (c.CourseAutograde.allowed_files) is copied, as an
    ordinary file with the submitted bytes, into autograded/ and then feedback/."""
    for folder in ("autograded", "feedback"):
        path = batch.course.root / folder / "declared_file" / FIRST / adv.DECLARED
        assert not path.is_symlink()
        assert path.read_bytes() == b"notes the trainer asked for\n"


def test_every_not_graded_reason_says_what_went_wrong(batch):
    """(5) Every reason is in plain words: never nbgrader's 'see the above traceback'."""
    for reason in [*batch.first.not_graded.values(), *batch.second.not_graded.values()]:
        lowered = reason.lower()
        assert "traceback" not in lowered and "[error]" not in lowered, reason
        assert "nbgrader could not grade it" not in lowered, reason
        assert len(reason) < 400, reason


WRITTEN_ACTS = ["html_in_written_answer", "tex_links", "markdown_links", "block_escape"]
ACTIVE_TAGS = {"a", "img", "script", "iframe", "object", "embed", "svg", "math", "link", "form"}


class PageElements(HTMLParser):
    """The elements of a page as a browser's parser sees them, and the written answer's block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements, self.depth, self.block_children, self.block_text = [], 0, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if self.depth:
            self.block_children.append(tag)
        if tag == "pre" and "written-answer" in (attrs.get("class") or ""):
            self.depth = 1
            self.block_class = attrs["class"]

    def handle_endtag(self, tag):
        if self.depth and tag == "pre":
            self.depth = 0

    def handle_data(self, data):
        if self.depth:
            self.block_text.append(data)


def elements(page: str) -> PageElements:
    parser = PageElements()
    parser.feed(page)
    return parser


@pytest.mark.parametrize("name", WRITTEN_ACTS)
def test_a_written_answer_can_only_show_as_text(batch, name):
    """(3) In formgrader's rendering of the autograded notebook and in the feedback page, the
    written answer is one <pre> element holding only text (no child element, so no tag, link or
    image formed, not even from `</pre>`), marked for MathJax to skip; in the notebook and in
    formgrader's Markdown rendering no `$`, backslash or backtick is left raw for MathJax or
    Markdown; no element anywhere links to the trainee's addresses. Every word is shown.
    (MathJax 2 in Chromium typesets none of it; checked by hand, see the issue 10 report.)"""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    source, page = written_answer(batch, name)
    formgrader = markdown2html_mistune(source)  # the filter formgrader's template applies
    for raw in (source, formgrader):
        inner = raw[raw.index(">") + 1 : raw.rindex("</pre>")]
        assert "<" not in inner and ">" not in inner
        assert not re.search(r"[$\\`]", inner), "a TeX or Markdown delimiter is left raw"
    typed = adv.full_answers()[adv.WRITTEN]
    for rendered in (formgrader, page):
        found = elements(rendered)
        assert found.block_children == [], found.block_children
        assert "tex2jax_ignore" in found.block_class
        for tag, attrs in found.elements:
            values = " ".join(str(v) for v in attrs.values()).lower()
            assert not (tag in ACTIVE_TAGS and ("example.org" in values or "javascript" in values))
            assert tag != "iframe" and not any(k.startswith("on") for k in attrs)
        shown = "".join(found.block_text)
        assert typed.split()[0] in shown
        if name == "tex_links":
            assert "\\href{https://example.org/steal}{my sources}" in shown
        if name == "block_escape":
            assert '</pre><a href="https://example.org/escaped">' in shown


@pytest.mark.parametrize("name", ["written_110k", "written_2mb"])
def test_a_long_written_answer_is_cut_for_display_and_kept_in_full(batch, name):
    """(3) A written answer longer than 20,000 characters is shown up to that length with a
    note saying where the full text is; the side file beside the autograded notebook (and
    the feedback) holds every character, and feedback is made."""
    from safeguarding_course.grading.autograde import MAX_WRITTEN_CHARS

    submitted = read(batch.submitted(name) / NOTEBOOK)
    typed = next(c.source for c in submitted.cells if nbgrader_meta(c).get("grade_id") == adv.WRITTEN)
    source, page = written_answer(batch, name)
    assert len(html.unescape(source)) < MAX_WRITTEN_CHARS + 500
    notebook = batch.autograded(name)
    notes = [c.source for c in notebook.cells if "characters long" in c.source]
    assert notes and f"{len(typed):,} characters" in notes[0] and SIDE_FILE in notes[0]
    for folder in ("autograded", "feedback"):
        side = batch.course.root / folder / name / FIRST / SIDE_FILE
        assert side.read_text(encoding="utf-8") == typed
    assert "characters long" in page


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("hidden_test_marker", "my notes"),
        ("end_markers", "kept"),
        ("mark_scheme_marker", "I deserve 4 points"),
    ],
)
def test_reserved_markers_in_a_written_answer_are_shown_not_obeyed(batch, name, kept):
    """(3) nbgrader's markers typed by a trainee neither stop feedback nor hide their words:
    the page is made and every line they wrote is on it."""
    text = html.unescape(re.sub(r"<[^>]+>", "", batch.feedback_html(name)))
    assert kept in text
    assert "HIDDEN TESTS" in text or "MARK SCHEME" in text or "SOLUTION" in text


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cells(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def test_csv_reports_never_start_a_cell_with_a_formula(batch):
    """(4) In every CSV the course writes (not_graded.csv, grades.csv from the export,
    reports/*.csv), no cell begins with =, +, -, @, tab or carriage return; the trainees'
    formulas are there, as text behind an apostrophe."""
    assert batch.report.returncode == 0, batch.report.stderr[-2000:]
    root = batch.course.root
    paths = [root / "not_graded.csv", root / "grades.csv", *sorted((root / "reports").glob("*.csv"))]
    assert len(paths) == 5
    everything = []
    for path in paths:
        cells = csv_cells(path)
        bad = [c for c in cells if c.startswith(FORMULA_START)]
        assert not bad, (path.name, bad[:5])
        everything += cells
    assert any(c.startswith("'=hyperlink(") for c in everything)
    assert any(c.startswith("'@sum(") for c in everything)


def test_the_markdown_report_shows_trainee_text_as_code(batch):
    """(4) report.md shows what trainees typed only inside code spans: no HTML from them."""
    report = (batch.course.root / "reports" / "report.md").read_text(encoding="utf-8")
    outside_code = re.sub(r"(`+).*?\1", "", report)
    assert "onerror" not in outside_code and "=hyperlink" not in outside_code
    assert "onerror" in report  # the answer is reported, as text
    assert all(tag.startswith('<img src="data:image/png') for tag in re.findall(r"<img[^>]*", outside_code))


# -- one grading run at a time (5) -------------------------------------------------------------


@pytest.fixture(scope="module")
def small_course(released_course, tmp_path_factory) -> CourseFolder:
    course, released = copy_course(released_course, tmp_path_factory.mktemp("lock") / "course")
    released_bytes = (course.root / "assignments" / FIRST / NOTEBOOK).read_bytes()
    ctx = Ctx(released, released_bytes, course.root, course.root / "markers" / "none")
    for name, build in (("honest", adv.honest), ("blank", adv.blank), ("q6", adv.float_overflow), ("link", adv.link_to_solution)):
        place(course, name, build(ctx))
    return course


def test_a_second_run_waits_then_stops_with_a_clear_message(small_course):
    """(5) While a run holds the course's lock, grade-cohort and plain nbgrader autograde each
    wait the time they were given, then stop with a message that says so; nothing is graded
    or changed meanwhile."""
    from safeguarding_course.grading.lock import grading_lock

    root = small_course.root
    with grading_lock(root, what="a test holding the lock"):
        cohort = subprocess.run(
            [str(BIN / "grade-cohort"), FIRST, "--no-progress", "--wait", "1"],
            cwd=root, env=nbgrader_env(), capture_output=True, text=True, timeout=120,
        )
        plain = small_course.nbgrader("autograde", FIRST, "--force", "--CourseAutograde.lock_wait=1", check=False)
    assert cohort.returncode == 1
    assert "another grading run is using this course folder (a test holding the lock" in cohort.stderr
    assert "Waited 1 s" in cohort.stderr
    assert plain.returncode == 1
    assert "another grading run is using this course folder" in plain.stdout + plain.stderr
    assert not (root / "autograded").exists()


def test_two_runs_at_once_lose_no_graded_notebook(small_course):
    """(5, issue 10 kind 10) grade-cohort and `nbgrader autograde --force` started together:
    one waits for the other, both finish, and every graded trainee keeps an autograded
    notebook, a score and a feedback page."""
    root = small_course.root
    cohort = subprocess.Popen(
        [str(BIN / "grade-cohort"), FIRST, "--no-progress"],
        cwd=root, env=nbgrader_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    plain = subprocess.Popen(
        [str(BIN / "nbgrader"), "autograde", FIRST, "--force"],
        cwd=root, env=nbgrader_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    cohort_out, cohort_err = cohort.communicate(timeout=300)
    plain_out, plain_err = plain.communicate(timeout=300)
    assert cohort.returncode == 0, cohort_err[-2000:]
    assert plain.returncode == 1  # the linked notebook is not graded, as in any run
    assert "IntegrityError" not in plain_out + plain_err + cohort_out + cohort_err
    for name in ("honest", "blank", "q6"):
        assert (root / "autograded" / name / FIRST / NOTEBOOK).is_file(), name
    assert small_course.total(FIRST, "honest") == 10.0
    assert small_course.total(FIRST, "q6") == 8.0
    assert "link" in not_graded_csv(root)
    small_course.nbgrader("generate_feedback", FIRST, "--force")
    for name in ("honest", "blank", "q6"):
        assert (root / "feedback" / name / FIRST / f"{FIRST}.html").is_file(), name


def test_collect_keeps_a_link_in_the_exchange_as_a_link(small_course, tmp_path):
    """(1) A link a trainee leaves in the exchange's inbound folder reaches submitted/ as a
    link (nbgrader's own collect would copy the trainer's model answers in its place), a named
    pipe is left out, and grading then refuses the link by name."""
    root = small_course.root
    exchange = tmp_path / "exchange"
    inbound = exchange / "online-grooming-awareness" / "inbound"
    folder = inbound / f"linker+{FIRST}+2026-11-28 10:00:00.000000 UTC+a1b2"
    folder.mkdir(parents=True)
    (folder / NOTEBOOK).symlink_to(root / "solutions" / FIRST / NOTEBOOK)
    (folder / "timestamp.txt").write_text("2026-11-28 10:00:00.000000 UTC\n")
    os.mkfifo(folder / "pipe")
    small_course.nbgrader("collect", FIRST, f"--Exchange.root={exchange}")
    collected = root / "submitted" / "linker" / FIRST
    assert (collected / NOTEBOOK).is_symlink()
    assert not (collected / "pipe").exists()
    process, _ = grade_cohort(root)
    assert process.returncode == 0, process.stderr[-2000:]
    assert "is a symbolic link" in not_graded_csv(root)["linker"]
    assert not (root / "autograded" / "linker").exists()
