"""grade-cohort: autograde every submission of one or all assessments, on every core.

Run it from the course folder (where nbgrader_config.py is):

    grade-cohort 01_understanding_online_grooming
    grade-cohort --all

Each submission is checked first; one that cannot be graded is reported by name with the
reason, left untouched and listed in not_graded.csv, and the rest of the cohort is graded
anyway. Grading goes through nbgrader's own autograde (with the course's safe pipeline), one
submission at a time per worker process, writing to the same gradebook.

Exit codes, for scripts and scheduled jobs:
  0  every submission was graded (written answers may still await marking: that is normal)
  1  grade-cohort could not start (for example, the assessment is not in the gradebook)
  2  the command line was wrong
  3  at least one submission could not be graded (listed in not_graded.csv)
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from tqdm import tqdm

from .converter import grade_submission
from .gradebook import gradebook_url
from .lock import DEFAULT_WAIT_SECONDS, GradingBusy, grading_lock
from .submissions import NotGraded, check_folder, update_register

_API = None  # one nbgrader API per worker process
EXIT_OK = 0
EXIT_NOT_GRADED = 3  # documented in the module docstring, the README and the trainer guide


@dataclass(frozen=True)
class Outcome:
    assignment: str
    student_id: str
    problem: str | None  # None when graded


def _load_api(course_root: Path):
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course_root)).load_config()
    config.CourseDirectory.root = str(course_root)
    return NbGraderAPI(config=config)


def _init_worker(course_root: str) -> None:
    global _API
    # nbgrader 0.9 with SQLAlchemy 2 warns about its own session handling on every submission;
    # the warning is harmless and would bury the report a trainer needs to read.
    warnings.filterwarnings("ignore", message=".*not in session.*")
    os.chdir(course_root)
    _API = _load_api(Path(course_root))


def _grade_one(job: tuple[str, str]) -> Outcome:
    assignment, student_id = job
    return Outcome(assignment, student_id, grade_submission(_API, assignment, student_id))


def _expected_notebooks(course_root: Path, assignment: str) -> list[str]:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(gradebook_url(course_root)) as gb:
        try:
            found = gb.find_assignment(assignment)
        except MissingEntry:
            raise SystemExit(
                f"grade-cohort: '{assignment}' is not in the gradebook. Run "
                f"nbgrader generate_assignment {assignment} --force, then grade again."
            ) from None
        return sorted(f"{nb.name}.ipynb" for nb in found.notebooks)


def _record_trainees(course_root: Path, student_ids: set[str]) -> None:
    """Make sure trainees whose work could not be graded are in the gradebook, so that the
    export lists them as "not graded" rather than leaving them out."""
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(course_root)) as gb:
        for student_id in sorted(student_ids):
            gb.update_or_create_student(student_id)


def _assignments_with_submissions(course_root: Path) -> list[str]:
    return sorted({p.name for p in (course_root / "submitted").glob("*/*") if p.is_dir()})


def grade_cohort(
    course_root: Path,
    assignments: list[str],
    workers: int | None = None,
    progress: bool = True,
    wait: float = DEFAULT_WAIT_SECONDS,
) -> list[Outcome]:
    """Grade every submission of `assignments`; return one outcome per submission. Holds the
    course's grading lock, so that no other grading run writes the same folders meanwhile."""
    course_root = course_root.resolve()
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    with grading_lock(course_root, wait, "grade-cohort"):
        return _grade_cohort(course_root, assignments, workers, progress)


def _grade_cohort(
    course_root: Path, assignments: list[str], workers: int | None, progress: bool
) -> list[Outcome]:
    outcomes: list[Outcome] = []
    jobs: list[tuple[str, str]] = []
    for assignment in assignments:
        expected = _expected_notebooks(course_root, assignment)
        for folder in sorted((course_root / "submitted").glob(f"*/{assignment}")):
            student_id = folder.parent.name
            try:
                # the quick part here; the full check runs in the worker that grades it
                problem = check_folder(folder, student_id, assignment, expected)
            except Exception as error:  # one odd submission must not stop the cohort
                problem = NotGraded(
                    student_id,
                    assignment,
                    f"it could not be checked ({type(error).__name__})",
                    str(folder),
                )
            if problem:
                outcomes.append(Outcome(assignment, student_id, problem.reason))
            else:
                jobs.append((assignment, student_id))

    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    if jobs:
        from .keep_marks import prepare_gradebook

        prepare_gradebook(course_root)  # the table regrades use to keep marks, made once
        context = get_context("fork")
        with context.Pool(workers, initializer=_init_worker, initargs=(str(course_root),)) as pool:
            results = pool.imap_unordered(_grade_one, jobs)
            for outcome in tqdm(
                results, total=len(jobs), desc="Grading", unit="submission", disable=not progress
            ):
                outcomes.append(outcome)

    _record_trainees(course_root, {o.student_id for o in outcomes if o.problem})
    for assignment in assignments:
        mine = [o for o in outcomes if o.assignment == assignment]
        update_register(
            course_root,
            assignment,
            graded={o.student_id for o in mine if o.problem is None},
            not_graded=[
                NotGraded(
                    o.student_id,
                    assignment,
                    o.problem,
                    str(course_root / "submitted" / o.student_id / assignment),
                )
                for o in mine
                if o.problem
            ],
        )
    return sorted(outcomes, key=lambda o: (o.assignment, o.student_id))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="grade-cohort", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "assignments", nargs="*", help="assessment ids, such as 01_understanding_online_grooming"
    )
    parser.add_argument(
        "--all", action="store_true", help="grade every assessment with submissions"
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="worker processes (default: one per core)"
    )
    parser.add_argument("--no-progress", action="store_true", help="do not show a progress bar")
    parser.add_argument(
        "--wait",
        type=float,
        default=DEFAULT_WAIT_SECONDS,
        help="seconds to wait for another grading run of this course to finish (default: 60)",
    )
    args = parser.parse_args(argv)

    root = Path.cwd()
    if not (root / "nbgrader_config.py").is_file():
        parser.error("run grade-cohort from the course folder, where nbgrader_config.py is")
    assignments = _assignments_with_submissions(root) if args.all else args.assignments
    if not assignments:
        parser.error("name an assessment, or use --all")

    start = time.perf_counter()
    try:
        outcomes = grade_cohort(
            root, assignments, args.workers, progress=not args.no_progress, wait=args.wait
        )
    except GradingBusy as busy:
        print(f"grade-cohort: not grading: {busy}.", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    for assignment in assignments:
        mine = [o for o in outcomes if o.assignment == assignment]
        failed = [o for o in mine if o.problem]
        print(f"{assignment}: graded {len(mine) - len(failed)} of {len(mine)} submissions.")
        for o in failed:
            print(
                f"  NOT GRADED {o.student_id}: {o.problem}. "
                f"The files are kept as they were; fix them and run grade-cohort again."
            )
    return _end_of_run(root, outcomes, seconds)


def _end_of_run(root: Path, outcomes: list[Outcome], seconds: float) -> int:
    """What is left to do, and the exit code a script can act on."""
    from .status import course_statuses, summary_lines

    failed = [o for o in outcomes if o.problem]
    graded = {(o.assignment, o.student_id) for o in outcomes if not o.problem}
    for line in summary_lines(s for k, s in sorted(course_statuses(root).items()) if k in graded):
        print(line)
    if failed:
        print(
            f"Done in {seconds:.1f} s. {len(failed)} submission{'s' * (len(failed) != 1)} "
            f"could not be graded: listed in not_graded.csv, and shown as 'not graded' (never "
            f"0) in `nbgrader export`. Exit code {EXIT_NOT_GRADED}."
        )
        return EXIT_NOT_GRADED
    print(f"Done in {seconds:.1f} s. Every submission was graded.")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
