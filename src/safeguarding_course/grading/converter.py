"""The course's `nbgrader autograde`: plain files only, one run at a time, plain reasons.

nbgrader's own Autograde copies every other file in a submission folder into autograded/
(following symbolic links and reading named pipes and devices), reads the notebook through a
link, and reports any failure as "Please see the above traceback". `CourseAutograde` keeps
everything else nbgrader does (the gradebook, timestamps, late penalties, the course's safe
preprocessors from nbgrader_config.py) and changes three things:

1. Before a submission is touched, `inspect_submission` checks it (links, special files, sizes
   with lstat, valid notebook JSON, cell count). One that fails is "not graded" with the
   reason; its files are left as they are and nothing is copied.
2. Only `timestamp.txt`, `submission_secret.txt` (nbgrader's, for release_feedback) and the
   files the trainer declares for an assessment are copied, each
   as an ordinary file read without following links:

       c.CourseAutograde.allowed_files = {"02_recognising_risk_indicators": ["diagram.png"]}

3. The run holds the course's grading lock (see `lock`), and each submission that is not
   graded gets a reason in plain words, kept in not_graded.csv for `nbgrader export`.

`use_course_autograde()` (called from nbgrader_config.py) makes `nbgrader autograde`, the
formgrader's autograde button and `NbGraderAPI.autograde` use this class.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import Autograde
from nbgrader.converters.base import BaseConverter, NbGraderException
from traitlets import Dict, Float, Unicode

from .lock import DEFAULT_WAIT_SECONDS, GradingBusy, grading_lock, held_here
from .submissions import (
    MAX_EXTRA_FILE_BYTES,
    MAX_TIMESTAMP_BYTES,
    SECRET,
    TIMESTAMP,
    NotGraded,
    NotPlainFile,
    copy_plain_file,
    inspect_submission,
    read_notebook,
    update_register,
)


def plain_reason(error: BaseException) -> str:
    """What went wrong, in words a trainer can act on (never 'see the above traceback')."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    from .autograde import TrainerCellError

    if isinstance(error, (TrainerCellError, NotPlainFile)):
        return str(error)
    if isinstance(error, OperationalError) and "locked" in str(error):
        return "the gradebook was busy (database is locked); grade this submission again"
    if isinstance(error, IntegrityError):
        return (
            "the gradebook refused the grades because another write to the same submission "
            "happened at the same time; grade this submission again"
        )
    if isinstance(error, UnicodeError):
        return f"it holds text that cannot be saved ({type(error).__name__})"
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    message = message.encode("utf-8", "backslashreplace").decode("utf-8")[:200]
    return f"grading stopped with {type(error).__name__}" + (f": {message}" if message else "")


class _SubmissionFilesOnly(BaseConverter):
    """Replaces the two steps of nbgrader's BaseConverter that read a submission's files.

    It sits between Autograde and BaseConverter in CourseAutograde's bases, so Autograde's own
    `super().init_assignment(...)` and `super().convert_single_notebook(...)` land here."""

    allowed_files = Dict(
        {},
        help="Assessment id -> names of files trainees may hand in beside the notebook. "
        "Only these (and timestamp.txt) are copied, and only as ordinary files.",
    ).tag(config=True)

    _checked: dict

    def init_assignment(self, assignment_id: str, student_id: str) -> None:
        source = Path(self._format_source(assignment_id, student_id))
        dest = Path(self._format_dest(assignment_id, student_id))
        dest.mkdir(parents=True, exist_ok=True)
        limits = {TIMESTAMP: MAX_TIMESTAMP_BYTES, SECRET: MAX_TIMESTAMP_BYTES}
        for name in [TIMESTAMP, SECRET, *self.allowed_files.get(assignment_id, [])]:
            if os.path.lexists(source / name):
                self.log.info("Copying %s (an ordinary file) to %s", name, dest)
                copy_plain_file(source / name, dest / name, limits.get(name, MAX_EXTRA_FILE_BYTES))

    def convert_single_notebook(self, notebook_filename: str) -> None:
        resources = self.init_single_notebook_resources(notebook_filename)
        notebook = self._checked.pop(notebook_filename, None)
        if notebook is None:
            notebook, problem = read_notebook(Path(notebook_filename))
            if problem:
                raise NotPlainFile(problem)
        info = os.lstat(notebook_filename)
        path, basename = os.path.split(notebook_filename)
        resources["metadata"] = {
            "name": os.path.splitext(basename)[0],
            "path": path,
            "modified_date": datetime.datetime.fromtimestamp(
                info.st_mtime, tz=datetime.UTC
            ).strftime("%B %-d, %Y"),
        }
        output, resources = self.exporter.from_notebook_node(notebook, resources=resources)
        self.write_single_notebook(output, resources)


class CourseAutograde(Autograde, _SubmissionFilesOnly):
    """nbgrader's Autograde for this course (see the module docstring)."""

    lock_wait = Float(
        DEFAULT_WAIT_SECONDS,
        help="Seconds to wait for another grading run of this course to finish.",
    ).tag(config=True)
    run_name = Unicode("nbgrader autograde", help="Named in the lock's note.").tag(config=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.not_graded: list[NotGraded] = []  # refused or failed in this run, with the reason
        self._checked = {}
        self._current: tuple[str, str] | None = None
        self._graded: set[tuple[str, str]] = set()
        self._expected: dict[str, list[str]] = {}

    # -- the run ------------------------------------------------------------------------------

    def start(self) -> None:
        root = self.coursedir.root
        standalone = not held_here(root)  # grade-cohort keeps the register itself
        try:
            with grading_lock(root, self.lock_wait, self.run_name):
                try:
                    super().start()
                except NbGraderException:
                    if not self.not_graded:
                        raise  # nbgrader's own error (no assignment, no notebooks): as it was
                finally:
                    if standalone:
                        self._record()
        except GradingBusy as busy:
            message = f"Not grading: {busy}."
            self.log.error(message)
            raise NbGraderException(message) from None
        if self.not_graded:
            for entry in self.not_graded:
                self.log.error("NOT GRADED %s", entry.line())
            raise NbGraderException(f"{len(self.not_graded)} submission(s) could not be graded")

    def _record(self) -> None:
        """After a run of plain `nbgrader autograde`: the register, and every trainee in the
        gradebook, so that `nbgrader export` shows "not graded" with the reason."""
        root = Path(self.coursedir.root)
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            for entry in self.not_graded:
                gb.update_or_create_student(entry.student_id)
        assignments = {a for a, _ in self._graded} | {e.assignment for e in self.not_graded}
        for assignment in sorted(assignments):
            update_register(
                root,
                assignment,
                graded={s for a, s in self._graded if a == assignment},
                not_graded=[e for e in self.not_graded if e.assignment == assignment],
            )

    def _refuse(self, student_id: str, assignment_id: str, reason: str, path: str) -> None:
        self.not_graded.append(NotGraded(student_id, assignment_id, reason, path))

    # -- each submission ----------------------------------------------------------------------

    def _expected_notebooks(self, assignment_id: str) -> list[str]:
        """The notebooks the assessment has: those `generate_assignment` released (read from
        the release folder, which is quicker than opening the gradebook for every submission),
        or else the gradebook's."""
        if assignment_id not in self._expected:
            folder = Path(
                self.coursedir.format_path(self.coursedir.release_directory, ".", assignment_id)
            )
            names = sorted(p.name for p in folder.glob("*.ipynb")) if folder.is_dir() else []
            if not names:
                with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
                    try:
                        found = gb.find_assignment(assignment_id).notebooks
                    except MissingEntry:
                        found = []
                    names = sorted(f"{nb.name}.ipynb" for nb in found)
            self._expected[assignment_id] = names
        return self._expected[assignment_id]

    def init_destination(self, assignment_id: str, student_id: str) -> bool:
        self._current = (assignment_id, student_id)
        folder = Path(self._format_source(assignment_id, student_id))
        expected = self._expected_notebooks(assignment_id)
        if expected:  # an assignment unknown to the gradebook is nbgrader's own error
            inspection = inspect_submission(
                folder,
                student_id,
                assignment_id,
                expected,
                self.allowed_files.get(assignment_id, []),
            )
            if inspection.problem:
                self.not_graded.append(inspection.problem)
                self.log.error("Not graded: %s", inspection.problem.line())
                return False
            self._checked = inspection.notebooks
        return super().init_destination(assignment_id, student_id)

    def _failed(self, error: BaseException) -> None:
        if self._current and not any(
            (e.assignment, e.student_id) == self._current for e in self.not_graded
        ):
            assignment_id, student_id = self._current
            folder = self._format_source(assignment_id, student_id)
            self._refuse(student_id, assignment_id, plain_reason(error), folder)

    def init_assignment(self, assignment_id: str, student_id: str) -> None:
        try:
            super().init_assignment(assignment_id, student_id)
        except Exception as error:
            self._failed(error)
            raise

    def convert_single_notebook(self, notebook_filename: str) -> None:
        try:
            super().convert_single_notebook(notebook_filename)
        except Exception as error:
            self._failed(error)
            raise

    def set_permissions(self, assignment_id: str, student_id: str) -> None:
        super().set_permissions(assignment_id, student_id)
        self._graded.add((assignment_id, student_id))  # the last step: graded in full


def grade_submission(api, assignment_id: str, student_id: str, attempts: int = 3) -> str | None:
    """Autograde one submission with `api` (an NbGraderAPI) inside a run that holds the lock;
    None when graded, else why not, in plain words. Retries while the gradebook is busy."""
    import time

    from nbgrader.apps.api import capture_log
    from nbgrader.utils import temp_attrs

    reason = None
    for attempt in range(attempts):
        with temp_attrs(api.coursedir, assignment_id=assignment_id, student_id=student_id):
            app = CourseAutograde(coursedir=api.coursedir, parent=api)
            app.force = True
            app.create_student = True
            result = capture_log(app)
        if result.get("success"):
            return None
        reasons = [e.reason for e in app.not_graded]
        reason = reasons[0] if reasons else _reason_from_log(result)
        if "database is locked" not in reason:
            break
        time.sleep(0.5 * (attempt + 1))
    return reason


def _reason_from_log(result: dict) -> str:
    """For a failure nbgrader reported only in its log: its own most specific line."""
    lines = "\n".join(filter(None, (result.get("log"), result.get("error")))).splitlines()
    generic = ("see the above traceback", "see the the above traceback", "There was an error")
    useful = [
        line.strip().removeprefix("[ERROR] ")
        for line in lines
        if line.startswith("[ERROR]") and not any(g in line for g in generic)
    ]
    return (useful[-1] if useful else "nbgrader stopped without saying why")[:300]


def use_course_autograde() -> None:
    """Make nbgrader's autograde command, formgrader and API use CourseAutograde."""
    import nbgrader.apps.api
    import nbgrader.apps.autogradeapp

    nbgrader.apps.autogradeapp.Autograde = CourseAutograde
    nbgrader.apps.api.Autograde = CourseAutograde
