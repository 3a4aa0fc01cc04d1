"""Benchmark: grade a synthetic cohort with grade-cohort and with plain serial nbgrader.

    python benchmarks/grade_cohort.py [--trainees 30]

For every assessment in solutions/, it builds a synthetic cohort (right, wrong, partly right,
blank and badly formatted answers), grades the same submissions twice in one run on this
machine, and prints submissions per minute for each side and whether every score matched:

- plain: `nbgrader autograde ASSIGNMENT`, serial, with nbgrader's stock pipeline (a kernel
  runs each notebook);
- course: `grade-cohort ASSIGNMENT`, with the course's safe pipeline, on every core.

It prints figures; it asserts nothing about speed (speed is not a test).
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)

# nbgrader's stock pipeline with the course's folders: everything except the safe grading.
PLAIN_CONFIG = """
c = get_config()
c.CourseDirectory.course_id = "online-grooming-awareness"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "assignments"
c.ClearSolutions.code_stub = {"python": ""}
c.ClearSolutions.text_stub = "Write your answer here, in your own words."
c.ClearMarkScheme.enforce_metadata = False
c.Execute.timeout = 60
"""

WRONG = {"choice": '"A"', "choices": '{"B", "D"}', "word": '"childline"', "number": "12"}
BADLY_FORMED = {"choice": '"E"', "choices": '"AC"', "word": '"CEOP"', "number": '"95"'}


def env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}


def run(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=env(), check=True, capture_output=True, text=True)
    return time.perf_counter() - start


def answer_kind(stub: str) -> str:
    if "set of letters" in stub:
        return "choices"
    if "number" in stub:
        return "number"
    if "route id" in stub or "word" in stub:
        return "word"
    return "choice"


def synthetic_cohort(assignment: str, released, trainees: int) -> dict[str, object]:
    """Trainees with a mix of right, wrong, badly formed and blank answers (seeded)."""
    source = nbformat.read(REPO / "solutions" / assignment / f"{assignment}.ipynb", 4)
    right = {}
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            right[meta["grade_id"]] = SOLUTION.search(cell.source).group(1)
    randomiser = random.Random(assignment)
    cohort = {}
    for number in range(trainees):
        notebook = copy.deepcopy(released)
        for cell in notebook.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id not in right:
                continue
            name = cell.source.split("=")[0].strip()
            kind = answer_kind(cell.source)
            roll = randomiser.random()
            if roll < 0.55:
                cell.source = right[grade_id]
            elif roll < 0.75:
                cell.source = f"{name} = {WRONG[kind]}"
            elif roll < 0.85:
                cell.source = f"{name} = {BADLY_FORMED[kind]}"
            # else: left blank
        cohort[f"trainee{number:02d}"] = notebook
    return cohort


def make_course(root: Path, config: str | None) -> Path:
    root.mkdir(parents=True)
    shutil.copytree(REPO / "solutions", root / "solutions")
    if config is None:
        shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    else:
        (root / "nbgrader_config.py").write_text(config)
    return root


def scores(root: Path, assignment: str) -> dict[tuple[str, str], float | None]:
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        return {
            (submission.student.id, grade.name): grade.score
            for submission in gb.assignment_submissions(assignment)
            for notebook in submission.notebooks
            for grade in notebook.grades
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=30)
    args = parser.parse_args()
    assignments = sorted(p.name for p in (REPO / "solutions").iterdir() if p.is_dir())

    with tempfile.TemporaryDirectory() as scratch:
        plain = make_course(Path(scratch) / "plain", PLAIN_CONFIG)
        course = make_course(Path(scratch) / "course", None)
        total = 0
        for assignment in assignments:
            for root in (plain, course):
                run([str(BIN / "nbgrader"), "generate_assignment", assignment, "--force"], root)
            released = nbformat.read(course / "assignments" / assignment / f"{assignment}.ipynb", 4)
            for student, notebook in synthetic_cohort(assignment, released, args.trainees).items():
                for root in (plain, course):
                    folder = root / "submitted" / student / assignment
                    folder.mkdir(parents=True)
                    nbformat.write(notebook, folder / f"{assignment}.ipynb")
                    (folder / "timestamp.txt").write_text("2026-11-28 10:00:00.000000 UTC\n")
                total += 1

        plain_seconds = sum(
            run([str(BIN / "nbgrader"), "autograde", assignment, "--force"], plain)
            for assignment in assignments
        )
        course_seconds = run([str(BIN / "grade-cohort"), "--all", "--no-progress"], course)

        mismatches = [
            (assignment, key)
            for assignment in assignments
            for key, value in scores(plain, assignment).items()
            if scores(course, assignment).get(key) != value
        ]

    plain_rate = total / plain_seconds * 60
    course_rate = total / course_seconds * 60
    print(f"Machine: {os.cpu_count()} cores; {len(assignments)} assessment(s) x "
          f"{args.trainees} trainees = {total} submissions")
    print(f"{'command':<42}{'seconds':>10}{'submissions/min':>18}")
    print(f"{'nbgrader autograde (plain, serial)':<42}{plain_seconds:>10.1f}{plain_rate:>18.1f}")
    print(f"{'grade-cohort (course, all cores)':<42}{course_seconds:>10.1f}{course_rate:>18.1f}")
    print(f"Speed-up: {course_rate / plain_rate:.1f}x")
    print(f"Identical scores: {'yes' if not mismatches else 'NO: ' + repr(mismatches[:5])}")
    return 0 if not mismatches else 1


if __name__ == "__main__":
    sys.exit(main())
