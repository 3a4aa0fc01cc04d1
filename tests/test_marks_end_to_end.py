"""Marks a trainer can trust, end to end, through the README's trainer block as written.

One course folder, three trainees on assessment 1 (model answers, a blank copy, and a partly
right one). Every command of the README's trainer block runs, in order, as a trainer types
it; `jupyter lab` is started as written (its port and token come from a fresh Jupyter config
folder) and the written answers are marked through formgrader's own API, as formgrader's
page does. Then the cohort is regraded with both `grade-cohort` and
`nbgrader autograde --force`, and formgrader's state, the export and the cohort report must
not change. The statuses, the hand-computed cohort statistics, the feedback page (read as
text, in Lab's HTML viewer and in Chromium), the exit codes and the LMS files are checked
along the way.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import html
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from browser_support import free_port, launch_chromium
from nbgrader_course import BIN, REPO, CourseFolder, nbgrader_env
from test_assignments import FIRST, fill, solution_answers

pytestmark = pytest.mark.nbgrader

README = REPO / "README.md"
NOTEBOOK = f"{FIRST}.ipynb"
WRITTEN = "q8_written_next_steps"
PARTLY = {  # trainee_c: hand-made answers for the statistics below
    "q1_answer": 'answer_q1 = "A"',  # wrong
    "q2_answer": "answer_q2 = None  # not sure",  # only the comment changed: not answered
    "q3_answer": 'answer_q3 = {"A", "C"}',  # two of three: 2 of 3 points
    "q4_answer": 'answer_q4 = "report_remove"',
    "q6_answer": 'answer_q6 = int("95")',  # a call: refused, scores 0, but it was answered
    "q7_answer": 'answer_q7 = "B"',
    WRITTEN: "I would tell my supervisor the same day and write down what Tom said.",
}
MARKS = {
    "trainee_a": (3.0, "Good pattern spotting. Say by when you would tell."),
    "trainee_c": (1.0, "Name the signs you see, and say who you would tell."),
}


def trainer_block() -> list[str]:
    """The lines of the README's trainer block (the bash block under 'For trainers')."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## For trainers", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def bash(line: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", line],
        cwd=cwd,
        env=nbgrader_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def snapshot(course: CourseFolder, folder: str) -> dict:
    """What `nbgrader export` and `cohort-report` would show now (the same code, run here to
    keep the test quick; the README's own commands run them for real)."""
    from nbgrader.api import Gradebook

    from safeguarding_course.grading.export import export_rows
    from safeguarding_course.grading.report import build_report, write_report

    with (
        contextlib.chdir(course.root),
        Gradebook(f"sqlite:///{course.root / 'gradebook.db'}") as gb,
    ):
        export = {
            r["student_id"]: {k: str(v) for k, v in r.items()} for r in export_rows(course.root, gb)
        }
        report = write_report(build_report(course.root), course.root / folder)
    reports = report.parent
    return {
        "export": export,
        "questions": {r["question"]: r for r in read_csv(reports / "questions.csv")},
        "scores": {r["student_id"]: r for r in read_csv(reports / "scores.csv")},
        "missed": read_csv(reports / "missed.csv"),
        "report": report.read_text(encoding="utf-8"),
    }


def page_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<style>.*?</style>", "", raw, flags=re.S)
    raw = re.sub(r"<(h\d|p|li|tr|div)\b[^>]*>", "\n", raw)
    return html.unescape(re.sub(r"<[^>]+>", " ", raw))


class Lab:
    """`jupyter lab` started exactly as the README writes it; a fresh config folder gives it
    a free port on 127.0.0.1, a token and no browser."""

    def __init__(self, line: str, root: Path, tmp: Path):
        self.token, self.port = secrets.token_hex(16), free_port()
        config = tmp / "jupyter_config"
        config.mkdir()
        (config / "jupyter_server_config.py").write_text(
            "c.ServerApp.ip = '127.0.0.1'\n"
            f"c.ServerApp.port = {self.port}\nc.ServerApp.port_retries = 0\n"
            "c.ServerApp.open_browser = False\nc.ServerApp.allow_root = True\n"
            f"c.IdentityProvider.token = '{self.token}'\n"
            "c.LabApp.check_for_updates_class = 'jupyterlab.NeverCheckForUpdate'\n"
        )
        env = {
            **nbgrader_env(),
            "JUPYTER_CONFIG_DIR": str(config),
            "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
            "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces"),
            "JUPYTERLAB_SETTINGS_DIR": str(tmp / "settings"),
        }
        self.log = tmp / "lab.log"
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                ["bash", "-c", line],
                cwd=root,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"`{line}` exited:\n{self.log.read_text()[-3000:]}")
            with contextlib.suppress(OSError, ValueError):
                self.get("api/status")
                return
            time.sleep(0.3)
        self.stop()
        raise AssertionError(f"`{line}` did not answer:\n{self.log.read_text()[-3000:]}")

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"http://127.0.0.1:{self.port}/{path}{sep}token={self.token}"

    def get(self, path: str):
        with urllib.request.urlopen(self.url(path), timeout=30) as response:
            body = response.read().decode("utf-8")
        return json.loads(body) if path.startswith(("api/", "formgrader/api/")) else body

    def put(self, path: str, data: dict):
        request = urllib.request.Request(
            self.url(path),
            data=json.dumps(data).encode(),
            method="PUT",
            headers={"Content-Type": "application/json", "Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def needs_marking(self) -> dict[str, bool]:
        """Formgrader's own view: which trainees' submissions still need manual grading."""
        return {
            s["student"]: s["needs_manual_grade"]
            for s in self.get(f"formgrader/api/submissions/{FIRST}")
        }

    def mark(self, student: str, score: float, comment: str) -> None:
        """What a trainer does in formgrader: give the written answer a mark and a comment."""
        notebooks = self.get(f"formgrader/api/submitted_notebooks/{FIRST}/{FIRST}")
        submission = next(n for n in notebooks if n["student"] == student)
        grade = next(
            g
            for g in self.get(f"formgrader/api/grades?submission_id={submission['id']}")
            if g["name"] == WRITTEN
        )
        self.put(f"formgrader/api/grade/{grade['id']}", {"manual_score": score})
        note = next(
            c
            for c in self.get(f"formgrader/api/comments?submission_id={submission['id']}")
            if c["name"] == WRITTEN
        )
        self.put(f"formgrader/api/comment/{note['id']}", {"manual_comment": comment})

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)


def feedback_in_browser(lab: Lab, course: CourseFolder, trainee: str) -> dict:
    """The feedback page in Lab's HTML viewer and straight from disk, in Chromium: what it
    shows, and every request it makes."""
    relative = f"feedback/{trainee}/{FIRST}/{FIRST}.html"
    seen: dict = {"lab": "", "file": "", "requests": [], "pdf_bytes": 0}
    with launch_chromium() as browser:
        page = browser.new_page()
        page.goto(lab.url(f"lab/tree/{relative}?reset"))
        frame = page.frame_locator("#jp-main-dock-panel iframe")
        frame.locator("h1").wait_for(timeout=60_000)
        seen["lab"] = frame.locator("body").inner_text()
        page.close()
        page = browser.new_page()
        page.on("request", lambda r: seen["requests"].append(r.url))
        page.goto((course.root / relative).as_uri())
        seen["file"] = page.locator("body").inner_text()
        seen["pdf_bytes"] = len(page.pdf(format="A4"))
        page.close()
    return seen


@pytest.fixture(scope="module")
def journey(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("journey")
    course = CourseFolder.create(tmp / "course")
    (course.root / ".venv").symlink_to(BIN.parent)
    ran: list[tuple[str, subprocess.CompletedProcess | str]] = []
    seen: dict = {}
    clock = time.perf_counter()
    for line in trainer_block():
        seen.setdefault("seconds", []).append((line[:40], round(time.perf_counter() - clock, 1)))
        if line.startswith("jupyter lab"):
            lab = Lab(line, course.root, tmp)
            try:
                ran.append((line, "started"))
                seen["formgrader_page"] = lab.get("formgrader/manage_assignments")
                seen["needs_before"] = lab.needs_marking()
                seen["lab_view"] = feedback_in_browser(lab, course, "trainee_a")
                seen["seconds"].append(("browser done", round(time.perf_counter() - clock, 1)))
                for student, (score, comment) in MARKS.items():
                    lab.mark(student, score, comment)
                seen["needs_marked"] = lab.needs_marking()
                seen["marked"] = snapshot(course, "reports_marked")
                seen["regrade_cohort"] = bash(f"grade-cohort {FIRST} --no-progress", course.root)
                seen["regrade_nbgrader"] = bash(f"nbgrader autograde {FIRST} --force", course.root)
                seen["needs_regraded"] = lab.needs_marking()
                seen["regraded"] = snapshot(course, "reports_regraded")
                seen["seconds"].append(("regraded", round(time.perf_counter() - clock, 1)))
            finally:
                lab.stop()
            continue
        if line.startswith("grade-cohort"):
            released = nbformat.read(course.root / "assignments" / FIRST / NOTEBOOK, 4)
            course.submit(
                "trainee_a", FIRST, fill(copy.deepcopy(released), solution_answers(FIRST))
            )
            course.submit("trainee_b", FIRST, copy.deepcopy(released))
            course.submit("trainee_c", FIRST, fill(copy.deepcopy(released), PARTLY))
        ran.append((line, bash(line, course.root)))
        if line.startswith("grade-cohort"):
            seen["before"] = snapshot(course, "reports_before")
            course.nbgrader("generate_feedback", FIRST)  # feedback made before any marking
            seen["feedback_before"] = page_text(
                course.root / "feedback" / "trainee_a" / FIRST / NOTEBOOK.replace("ipynb", "html")
            )
    seen["seconds"].append(("end", round(time.perf_counter() - clock, 1)))
    print(seen["seconds"], file=sys.stderr)
    seen["feedback_after"] = page_text(
        course.root / "feedback" / "trainee_a" / FIRST / f"{FIRST}.html"
    )
    seen["feedback_c"] = page_text(course.root / "feedback" / "trainee_c" / FIRST / f"{FIRST}.html")
    seen["feedback_raw"] = (
        course.root / "feedback" / "trainee_a" / FIRST / f"{FIRST}.html"
    ).read_text()
    return course, ran, seen


# -- the README's commands ---------------------------------------------------------------------


def test_the_readme_trainer_block_opens_formgrader_the_way_that_works():
    lines = trainer_block()
    assert not any(line.startswith("nbgrader formgrader") for line in lines)
    assert any(line.startswith("jupyter lab") and "Formgrader" in line for line in lines)
    for command in (
        "grade-cohort",
        "nbgrader generate_feedback",
        "nbgrader export",
        "cohort-report",
        "export-grades",
        "course-certificate",
    ):
        assert any(line.startswith(command) for line in lines), command


def test_every_command_in_the_readme_trainer_block_runs_as_written(journey):
    _, ran, seen = journey
    assert [line for line, _ in ran] == trainer_block()
    for line, result in ran:
        if result == "started":
            continue
        assert result.returncode == 0, (
            f"`{line}` failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
        )
    assert "Manage Assignments" in seen["formgrader_page"]


def test_no_command_prints_a_warning_from_the_course_config(journey):
    _, ran, _ = journey
    for line, result in ran:
        if result != "started":
            output = result.stdout + result.stderr
            assert "not recognized by" not in output, (line, output[-2000:])
            assert "Config option" not in output, (line, output[-2000:])


# -- statuses: what is left to do ------------------------------------------------------------


def test_before_marking_the_export_says_awaiting_marking_with_the_question(journey):
    _, ran, seen = journey
    rows = seen["before"]["export"]
    assert rows["trainee_a"]["status"] == "awaiting marking"
    assert rows["trainee_a"]["reason"] == f"to mark: Question 8 ({WRITTEN})"
    assert rows["trainee_a"]["score"] == "" and float(rows["trainee_a"]["marked_so_far"]) == 10.0
    assert rows["trainee_b"]["status"] == "graded" and float(rows["trainee_b"]["score"]) == 0.0
    assert rows["trainee_c"]["status"] == "awaiting marking"
    scores = seen["before"]["scores"]
    assert (
        scores["trainee_a"]["status"] == "awaiting marking" and scores["trainee_a"]["score"] == ""
    )
    assert (
        "Still to mark" in seen["before"]["report"]
        and "trainee_a: Question 8" in seen["before"]["report"]
    )
    grade_cohort = next(r for line, r in ran if line.startswith("grade-cohort"))
    assert "Awaiting marking (2 submissions)" in grade_cohort.stdout
    assert f"trainee_a: Question 8 ({WRITTEN})" in grade_cohort.stdout


def test_after_marking_every_submission_is_graded_with_the_trainers_marks(journey):
    _, _, seen = journey
    assert seen["needs_before"] == {"trainee_a": True, "trainee_b": False, "trainee_c": True}
    assert seen["needs_marked"] == {"trainee_a": False, "trainee_b": False, "trainee_c": False}
    rows = seen["marked"]["export"]
    assert {r["status"] for r in rows.values()} == {"graded"}
    assert float(rows["trainee_a"]["score"]) == 13.0
    assert float(rows["trainee_c"]["score"]) == 5.0  # q3 2, q4 1, q7 1, and the trainer's 1


def test_regrading_with_both_commands_keeps_every_mark_and_its_status(journey):
    """The bug: nbgrader's SaveAutoGrades set a marked written answer back to 'needs manual
    grading' on every regrade. Formgrader, the export and the report must not change."""
    _, _, seen = journey
    assert seen["regrade_cohort"].returncode == 0, seen["regrade_cohort"].stderr[-2000:]
    assert seen["regrade_nbgrader"].returncode == 0, seen["regrade_nbgrader"].stderr[-2000:]
    assert seen["needs_regraded"] == seen["needs_marked"]
    assert seen["regraded"]["export"] == seen["marked"]["export"]
    for part in ("questions", "scores", "missed", "report"):
        assert seen["regraded"][part] == seen["marked"][part], part


def test_a_changed_answer_is_sent_back_for_review_and_an_ungradable_file_exits_3(journey, tmp_path):
    """Only an unchanged answer keeps its mark final: a resubmission with new text is flagged
    for the trainer again (the old mark stays in view), as nbgrader intends. In the same
    regrade, a damaged notebook makes grade-cohort exit with code 3 and name not_graded.csv
    (the README's own grade-cohort run, with every file fine, exited 0 without naming it)."""
    course, ran, _ = journey
    first_run = next(r for line, r in ran if line.startswith("grade-cohort"))
    assert "Every submission was graded." in first_run.stdout
    assert "not_graded.csv" not in first_run.stdout
    root = tmp_path / "copy"
    shutil.copytree(course.root, root, symlinks=True)
    path = root / "submitted" / "trainee_c" / FIRST / NOTEBOOK
    changed = {WRITTEN: "A longer answer: the gifts, the flattery and the secrecy worry me."}
    nbformat.write(fill(nbformat.read(path, 4), changed), path)
    broken = root / "submitted" / "trainee_d" / FIRST
    broken.mkdir(parents=True)
    (broken / NOTEBOOK).write_text('{"cells": [')
    result = bash(f"grade-cohort {FIRST} --no-progress", root)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "NOT GRADED trainee_d" in result.stdout
    assert "1 submission could not be graded: listed in not_graded.csv" in result.stdout
    rows = {r["student_id"]: r for r in CourseFolder(root).export()}
    assert rows["trainee_c"]["status"] == "awaiting marking"
    assert rows["trainee_a"]["status"] == "graded" and float(rows["trainee_a"]["score"]) == 13.0
    assert rows["trainee_d"]["status"] == "not graded" and rows["trainee_d"]["score"] == ""


# -- one definition of "answered", checked against a hand-computed cohort ---------------------


def test_the_cohort_statistics_match_the_hand_computed_cohort(journey):
    """a: model answers; b: blank; c: PARTLY. Worked out by hand from the answers above."""
    _, _, seen = journey
    expected_answered = {
        "q1_pattern_of_signs": 2,
        "q2_models_limits": 1,
        "q3_spot_indicators": 2,
        "q4_image_removal_route": 2,
        "q5_reading_recorded_crime": 1,
        "q6_percent_change": 2,
        "q7_reading_arrests": 2,
        WRITTEN: 2,
    }
    for when in ("before", "marked"):
        questions = seen[when]["questions"]
        assert {q: int(r["answered"]) for q, r in questions.items()} == expected_answered, when
    before, marked = seen["before"]["questions"], seen["marked"]["questions"]
    assert float(before["q1_pattern_of_signs"]["share_full_marks"]) == pytest.approx(
        1 / 3, abs=0.001
    )
    assert float(before["q3_spot_indicators"]["mean_points"]) == pytest.approx(5 / 3, abs=0.001)
    assert float(before["q4_image_removal_route"]["share_full_marks"]) == pytest.approx(
        2 / 3, abs=0.001
    )
    assert float(before["q6_percent_change"]["share_full_marks"]) == pytest.approx(1 / 3, abs=0.001)
    # the written answer: two await marking and only b's final 0 counts; then 3, 1 and 0
    assert (
        before[WRITTEN]["awaiting_marking"] == "2" and float(before[WRITTEN]["mean_points"]) == 0.0
    )
    assert marked[WRITTEN]["awaiting_marking"] == "0"
    assert float(marked[WRITTEN]["mean_points"]) == pytest.approx(4 / 3, abs=0.001)
    missed = {(r["question"], r["kind"], r["option"]): r for r in seen["marked"]["missed"]}
    assert set(missed) == {
        ("q1_pattern_of_signs", "chosen but wrong", "A"),
        ("q3_spot_indicators", "missed", "E"),
    }
    for row in missed.values():  # the same "answered" as questions.csv
        assert row["count"] == "1"
        assert int(row["answered"]) == expected_answered[row["question"]]
    assert missed[("q3_spot_indicators", "missed", "E")]["text"] == "Losing interest in hobbies"


# -- the feedback page ----------------------------------------------------------------------------


def test_feedback_made_before_marking_says_the_written_answer_is_still_to_be_marked(journey):
    _, _, seen = journey
    text = seen["feedback_before"]
    assert "still to be marked by your trainer" in text.lower()
    assert re.search(r"Question 8\s+still to be marked by your trainer\s+\(out of 4\)", text)
    assert "0 of 4" not in text and "0.0 / 4.0" not in text
    assert "your final score is not known yet" in text


def test_the_feedback_page_is_plain_language_with_marks_why_comment_and_what_to_read(journey):
    _, _, seen = journey
    text, raw = seen["feedback_after"], seen["feedback_raw"]
    assert "Your score: 13 of 14 (93%)." in text
    for heading in ("Your answer", "Marks", "Why", "Your trainer's comment", "To read again"):
        assert heading in text
    assert MARKS["trainee_a"][1] in text
    assert (
        "Module 1, Understanding online grooming: section 1.4, Signs: patterns, not checklists."
        in text
    )
    # the right answer in words: the whole option, read from the released question
    right = re.search(r'"([A-D])"', solution_answers(FIRST)["q1_answer"]).group(1)
    released = nbformat.read(REPO / "assignments" / FIRST / NOTEBOOK, 4)
    question = next(c.source for c in released.cells if c.source.startswith("## Question 1 "))
    found = re.search(rf"^- {right}\. (.+?)(?=^- [A-D]\.|\Z)", question, re.M | re.S)
    assert f"{right}. {' '.join(found.group(1).split())}" in " ".join(text.split())
    for jargon in (
        "Test cell",
        "Grade cell",
        "grade_id",
        "q3_spot_indicators",
        WRITTEN,
        "In [",
        "AssertionError",
        "Traceback",
        "answer_q1 =",
        "nbgrader",
        "Student's answer",
    ):
        assert jargon not in text, jargon
    for leak in ("HIDDEN TESTS", "MARK SCHEME", "selection_score", "Four marks, one for each"):
        assert leak not in raw, leak
    assert not re.search(r"<(script|link|img|iframe)\b", raw, re.I)
    assert "mathjax" not in raw.lower() and "cdn" not in raw.lower()
    assert not re.search(r"\bhref\s*=", raw, re.I), "no links: nothing that can blank Lab's viewer"
    text_c = seen["feedback_c"]
    assert "Partly right: 2 of 3 marks." in text_c
    assert "Your answer could not be marked: it calls int(...)" in text_c
    assert "You did not answer this question, so it earned no marks." in text_c  # q2 and q5
    assert "report_remove (Report Remove" in text_c


def test_the_feedback_page_renders_in_labs_viewer_and_in_chromium_without_requests(journey):
    _, _, seen = journey
    view = seen["lab_view"]
    assert "Your feedback: Assessment 1. Understanding online grooming" in view["lab"]
    assert "still to be marked by your trainer" in view["lab"]
    assert "Your marks" in view["file"]
    assert [u for u in view["requests"] if not u.startswith("file://")] == []
    assert view["pdf_bytes"] > 1000


# -- LMS files -------------------------------------------------------------------------------------


def test_the_moodle_and_canvas_files_read_back_with_final_marks_only(journey):
    course, _, _ = journey
    with (course.root / "lms" / "moodle_grades.csv").open(newline="") as handle:
        moodle = list(csv.reader(handle))
    title = "Assessment 1. Understanding online grooming"
    assert moodle[0] == ["First name", "Last name", "ID number", "Email address", title]
    rows = {r[2]: r for r in moodle[1:]}
    assert (
        rows["trainee_a"][4] == "13" and rows["trainee_b"][4] == "0" and rows["trainee_c"][4] == "5"
    )
    with (course.root / "lms" / "canvas_grades.csv").open(newline="") as handle:
        canvas = list(csv.reader(handle))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", title]
    assert "Points Possible" in canvas[1][0] and canvas[1][5] == "14"
    rows = {r[3]: r for r in canvas[2:]}
    assert rows["trainee_a"][5] == "13" and rows["trainee_c"][5] == "5"


def test_marks_that_are_not_final_are_never_written_as_zero_in_the_lms_files(tmp_path):
    """Before marking, and for a submission that cannot be graded: 'no grade', never 0."""
    from safeguarding_course.grading.lms import write_canvas, write_moodle
    from safeguarding_course.grading.status import SubmissionStatus

    statuses = {
        ("a1", "waiting"): SubmissionStatus(
            "a1", "waiting", "awaiting marking", marked_so_far=10.0
        ),
        ("a1", "broken"): SubmissionStatus("a1", "broken", "not graded", reason="not valid JSON"),
        ("a1", "done"): SubmissionStatus("a1", "done", "graded", score=0.0),
    }
    trainees = [
        ("broken", "", "", ""),
        ("done", "Ann", "Lee", "ann@example.org"),
        ("waiting", "", "", ""),
    ]
    moodle = write_moodle(tmp_path / "m.csv", [("a1", "A1", 14.0)], trainees, statuses)
    canvas = write_canvas(tmp_path / "c.csv", [("a1", "A1", 14.0)], trainees, statuses)
    m = {r["ID number"]: r["A1"] for r in csv.DictReader(moodle.open())}
    assert m == {"broken": "-", "done": "0", "waiting": "-"}
    rows = list(csv.reader(canvas.open()))
    c = {r[3]: r[5] for r in rows[2:]}
    assert c == {"broken": "", "done": "0", "waiting": ""}
    assert rows[3][0] == "Lee, Ann"


def test_export_grades_says_which_marks_it_left_out(journey):
    course, ran, _ = journey
    line, result = next((line, r) for line, r in ran if line.startswith("export-grades"))
    assert "moodle_grades.csv" in result.stdout and "canvas_grades.csv" in result.stdout
    assert "No grade (not 0)" not in result.stdout  # after marking, every mark is final


# -- what to read again: the content data points at real questions and sections ---------------


def test_every_question_says_what_to_read_again_and_every_section_exists():
    from notebook_files import SOLUTIONS, nbgrader_meta, read

    from safeguarding_course.grading.feedback import course_sections, read_again_map

    pointers, sections = read_again_map(), course_sections()
    for assignment_folder in sorted(p for p in SOLUTIONS.iterdir() if p.is_dir()):
        notebook = read(assignment_folder / f"{assignment_folder.name}.ipynb")
        graded = {
            nbgrader_meta(c)["grade_id"] for c in notebook.cells if nbgrader_meta(c).get("grade")
        }
        mapped = pointers.get(assignment_folder.name, {})
        assert set(mapped) == graded, assignment_folder.name
        for grade_id, numbers in mapped.items():
            assert numbers and all(n in sections for n in numbers), (grade_id, numbers)
