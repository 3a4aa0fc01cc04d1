"""Benchmark: grade a synthetic cohort with grade-cohort and with plain serial nbgrader.

    python benchmarks/grade_cohort.py [--trainees 30]

For every assessment in solutions/, it builds a synthetic cohort (right, wrong, partly right,
blank and badly formatted answers), grades the same submissions twice in one run on this
machine, and prints submissions per minute for each side and whether every score matched:

- plain: `nbgrader autograde ASSIGNMENT`, serial, with nbgrader's stock pipeline (a kernel
  runs each notebook);
- course: `grade-cohort ASSIGNMENT`, with the course's safe pipeline, on every core.

It then measures the peak memory of grading one submission (in a forked child of a loaded
worker, so the figure is what one submission adds): a sample of the cohort, and a few large
probes (a big saved output, many cells, a long written answer). A probe the course refuses
before reading it in full shows as "not graded".

It prints figures; it asserts nothing about speed (speed is not a test).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
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


def run_measured(args: list[str], cwd: Path) -> tuple[float, int]:
    """Seconds, and the peak memory (KiB) of the largest process of the command's tree."""
    start = time.perf_counter()
    process = subprocess.Popen(args, cwd=cwd, env=env(), stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed")
    return seconds, usage.ru_maxrss


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


# -- peak memory per submission --------------------------------------------------------------

FIRST = "01_understanding_online_grooming"


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def probe_notebooks(released) -> dict[str, bytes]:
    """Large submissions, each built from the released notebook of the first assessment."""

    def with_cells(extra: int) -> bytes:
        notebook = copy.deepcopy(released)
        notebook.cells += [nbformat.v4.new_markdown_cell(f"note {i}") for i in range(extra)]
        return nbformat.writes(notebook).encode("utf-8")

    big_output = copy.deepcopy(released)
    for cell in big_output.cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 15_000_000)]
            break
    long_written = copy.deepcopy(released)
    for cell in long_written.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "q8_written_next_steps":
            cell.source = "I would tell my supervisor the same day. [a](b) $x$ <b>. " * 20_000
    return {
        "a 15 MB saved output": nbformat.writes(big_output).encode("utf-8"),
        "1,500 cells": with_cells(1_500),
        "150,000 cells (the second attack round)": with_cells(150_000),
        "a 1.2 MB written answer": nbformat.writes(long_written).encode("utf-8"),
    }


def _grading_steps():
    """What grade-cohort does for one submission: its check in the main process, then the
    autograde in a worker (the steps changed with issue 10; the older ones are kept so that
    the benchmark can measure the code before it too)."""
    try:
        from safeguarding_course.grading.converter import grade_submission
        from safeguarding_course.grading.submissions import check_folder as check
    except ImportError:  # the code before issue 10
        from safeguarding_course.grading.submissions import check_submission as check

        def grade(api, assignment, student):
            return bool(api.autograde(assignment, student, force=True).get("success"))
    else:

        def grade(api, assignment, student):
            return grade_submission(api, assignment, student) is None

    return check, grade


def grade_in_child(api, course: Path, assignment: str, student: str) -> tuple[int, bool]:
    """(peak KiB above the loaded worker, graded?) for one submission, graded in a fork."""
    check, grade = _grading_steps()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: grade, report, leave without clean-up
        os.close(read_end)
        warnings.filterwarnings("ignore")  # nbgrader's SQLAlchemy session warnings
        start = _rss_kib()
        folder = course / "submitted" / student / assignment
        graded = False
        try:
            if check(folder, student, assignment, [f"{assignment}.ipynb"]) is None:
                graded = grade(api, assignment, student)
        finally:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            os.write(write_end, json.dumps([peak - start, graded]).encode())
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as handle:
        peak, graded = json.loads(handle.read())
    os.waitpid(pid, 0)
    return peak, graded


def memory_per_submission(course: Path, sample: list[tuple[str, str]]) -> None:
    os.chdir(course)
    os.environ["PATH"] = env()["PATH"]
    from safeguarding_course.grading.cohort import _load_api

    api = _load_api(course)
    typical = []
    for assignment, student in sample:
        size = (course / "submitted" / student / assignment / f"{assignment}.ipynb").stat().st_size
        peak, _ = grade_in_child(api, course, assignment, student)
        typical.append((peak, size))
    peaks = sorted(p for p, _ in typical)
    print(
        f"Peak memory per submission, {len(typical)} cohort submissions "
        f"(about {typical[0][1] / 1024:.0f} KB each): "
        f"median {peaks[len(peaks) // 2] / 1024:.1f} MB, largest {peaks[-1] / 1024:.1f} MB"
    )
    released = nbformat.read(course / "assignments" / FIRST / f"{FIRST}.ipynb", 4)
    print(f"{'probe':<42}{'file MB':>9}{'peak MB':>9}{'x file':>8}  result")
    for number, (what, data) in enumerate(probe_notebooks(released).items()):
        student = f"probe{number}"
        folder = course / "submitted" / student / FIRST
        folder.mkdir(parents=True)
        (folder / f"{FIRST}.ipynb").write_bytes(data)
        (folder / "timestamp.txt").write_text("2026-11-28 10:00:00.000000 UTC\n")
        peak, graded = grade_in_child(api, course, FIRST, student)
        size = len(data) / 1e6
        print(
            f"{what:<42}{size:>9.1f}{peak / 1024:>9.1f}{peak / 1024 / size:>8.1f}  "
            f"{'graded' if graded else 'not graded'}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=30)
    parser.add_argument(
        "--memory-sample", type=int, default=30, help="cohort submissions whose memory is measured"
    )
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
        course_seconds, course_peak = run_measured(
            [str(BIN / "grade-cohort"), "--all", "--no-progress"], course
        )

        mismatches = [
            (assignment, key)
            for assignment in assignments
            for key, value in scores(plain, assignment).items()
            if scores(course, assignment).get(key) != value
        ]
        report_speed(total, args.trainees, len(assignments), plain_seconds, course_seconds)
        print(f"Identical scores: {'yes' if not mismatches else 'NO: ' + repr(mismatches[:5])}")
        print(f"Peak memory of the largest grade-cohort process: {course_peak / 1024:.0f} MB")
        sample = [
            (assignment, f"trainee{number:02d}")
            for number in range(args.trainees)
            for assignment in assignments
        ][: args.memory_sample]
        memory_per_submission(course, sample)
        os.chdir(REPO)
    return 0 if not mismatches else 1


def report_speed(total, trainees, assessments, plain_seconds, course_seconds) -> None:
    plain_rate = total / plain_seconds * 60
    course_rate = total / course_seconds * 60
    print(
        f"Machine: {os.cpu_count()} cores; {assessments} assessment(s) x "
        f"{trainees} trainees = {total} submissions"
    )
    print(f"{'command':<42}{'seconds':>10}{'submissions/min':>18}")
    print(f"{'nbgrader autograde (plain, serial)':<42}{plain_seconds:>10.1f}{plain_rate:>18.1f}")
    print(f"{'grade-cohort (course, all cores)':<42}{course_seconds:>10.1f}{course_rate:>18.1f}")
    print(f"Speed-up: {course_rate / plain_rate:.1f}x")


if __name__ == "__main__":
    sys.exit(main())
