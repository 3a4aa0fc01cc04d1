"""Every command in docs/trainer_guide.md runs, as written, in a real course folder.

The guide's bash blocks are run in order with bash: the trainer's in the course folder, the
trainees' (section 3) in each trainee's own folder, with the variables the guide names
(EXCHANGE, TRAINEE). Between fetch and submit the trainees answer the questions.
"""

from __future__ import annotations

import copy
import csv
import os
import re
import shutil
import subprocess

import nbformat
import pytest
from nbgrader_course import BIN, REPO, CourseFolder
from test_assignments import FIRST, fill, solution_answers

GUIDE = REPO / "docs" / "trainer_guide.md"
BLOCK = re.compile(r"```bash\n(.*?)```", re.S)
TRAINEES = {"trainee_a": "model", "trainee_b": "blank"}
HUB_SECTION = "Running a cohort on JupyterHub"  # its heading, whatever its number


def guide_blocks() -> list[tuple[str, str]]:
    """(section heading, block) for every bash block, in order."""
    text = GUIDE.read_text()
    blocks = []
    for match in BLOCK.finditer(text):
        heading = re.findall(r"^## .*$", text[: match.start()], re.M)[-1]
        if HUB_SECTION in heading:  # run on a real hub by tests/test_hub_cohort.py
            continue
        blocks.append((heading, match.group(1)))
    return blocks


def bash(command: str, cwd, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def walkthrough(tmp_path_factory):
    """The whole guide, run in a temporary course folder with two trainees."""
    root = tmp_path_factory.mktemp("guide")
    course = CourseFolder.create(root / "course")
    (course.root / ".venv").symlink_to(BIN.parent)
    exchange = root / "exchange"
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "EXCHANGE": str(exchange),
    }
    ran: list[tuple[str, subprocess.CompletedProcess]] = []
    answers = {"model": solution_answers(FIRST), "blank": {}}

    for heading, block in guide_blocks():
        if heading.startswith("## 3."):
            for trainee, kind in TRAINEES.items():
                home = root / trainee
                home.mkdir(exist_ok=True)
                trainee_env = {**env, "TRAINEE": trainee}
                for line in block.strip().splitlines():
                    if line.startswith("nbgrader submit"):  # the trainee answers, then submits
                        path = home / FIRST / f"{FIRST}.ipynb"
                        notebook = nbformat.read(path, 4)
                        nbformat.write(fill(copy.deepcopy(notebook), answers[kind]), path)
                    ran.append((line, bash(line, home, trainee_env)))
        else:
            ran.append((block.strip(), bash(block, course.root, env)))
    return course, ran


def test_the_guide_has_the_whole_workflow():
    commands = " ".join(block for _, block in guide_blocks())
    for step in (
        "generate_assignment",
        "release_assignment",
        "fetch_assignment",
        "submit",
        "collect",
        "grade-cohort",
        "generate_feedback",
        "release_feedback",
        "nbgrader export",
        "cohort-report",
        "export-grades",
        "course-certificate status",
        "course-certificate issue",
        "course-certificate verify",
    ):
        assert step in commands, f"the guide should show `{step}`"


def test_every_command_in_the_guide_succeeds(walkthrough):
    _, ran = walkthrough
    assert len(ran) >= len(guide_blocks())
    for command, result in ran:
        assert result.returncode == 0, (
            f"`{command}` failed:\n{result.stdout[-1500:]}\n{result.stderr[-3000:]}"
        )


def test_the_walkthrough_grades_collects_and_reports(walkthrough):
    course, _ = walkthrough
    assert (
        course.total(FIRST, "trainee_a") == 10.0
    )  # model answers; the written one awaits a trainer
    assert course.total(FIRST, "trainee_b") == 0.0
    for trainee in TRAINEES:
        assert (course.root / "feedback" / trainee / FIRST / f"{FIRST}.html").is_file()
    with (course.root / "grades.csv").open() as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    # nobody marked trainee_a's written answer in the walkthrough: not final, and it says so
    assert rows["trainee_a"]["status"] == "awaiting marking"
    assert rows["trainee_a"]["score"] == "" and float(rows["trainee_a"]["marked_so_far"]) == 10.0
    assert rows["trainee_b"]["status"] == "graded" and float(rows["trainee_b"]["score"]) == 0.0
    for name in ("report.md", "questions.csv", "scores.csv", "missed.csv"):
        assert (course.root / "reports" / name).is_file()
    with (course.root / "lms" / "moodle_grades.csv").open() as handle:
        moodle = {row["ID number"]: row for row in csv.DictReader(handle)}
    assert moodle["trainee_a"]["Assessment 1. Understanding online grooming"] == "-"  # never 0
    assert not (course.root / "certificates" / "trainee_a").exists()


def test_the_first_problem_in_the_table_reads_as_the_guide_says(tmp_path):
    """Grading before generating gives the message the guide's table starts with."""
    course = CourseFolder.create(tmp_path / "course")
    (course.root / "submitted" / "t1" / FIRST).mkdir(parents=True)
    result = subprocess.run(
        [str(BIN / "grade-cohort"), FIRST],
        cwd=course.root,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"},
    )
    assert result.returncode != 0
    assert f"grade-cohort: '{FIRST}' is not in the gradebook. Run nbgrader generate_assignment" in (
        result.stderr + result.stdout
    )
    assert "is not in the gradebook. Run nbgrader generate_assignment" in GUIDE.read_text()


def test_a_damaged_notebook_gets_the_message_the_guide_explains(tmp_path):
    course = CourseFolder.create(tmp_path / "course")
    course.generate(FIRST)
    folder = course.root / "submitted" / "t1" / FIRST
    folder.mkdir(parents=True)
    (folder / f"{FIRST}.ipynb").write_text('{"cells": [')
    result = subprocess.run(
        [str(BIN / "grade-cohort"), FIRST, "--no-progress"],
        cwd=course.root,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"},
    )
    assert "NOT GRADED t1: the file is not valid notebook JSON (line" in result.stdout
    assert "NOT GRADED <trainee>: the file is not valid notebook JSON" in GUIDE.read_text()
    assert result.returncode == 3  # the exit code the guide's table documents
    assert "| 3 | At least one submission could not be graded" in GUIDE.read_text()
    shutil.rmtree(course.root)
