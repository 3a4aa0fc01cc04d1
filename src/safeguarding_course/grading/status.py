"""What is left to do for each submission, in one place for every output.

A submission is, for the trainer and every file made from the gradebook:

- `graded`: every mark is final (auto-marked, or marked by a trainer);
- `awaiting marking`: auto-marked, but a written answer (or an overridden mark flagged for
  review) still needs a trainer; `to_mark` names the questions;
- `not graded`: it could not be graded; `reason` says why (never a zero);
- `no submission`: nothing was handed in.

`nbgrader export` (export.py), the cohort report (report.py), grade-cohort's end-of-run
message (cohort.py), the LMS files (lms.py) and certificates all read these statuses, so they
never disagree. Only a `graded` submission has a final `score`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .submissions import read_register

GRADED = "graded"
AWAITING = "awaiting marking"
NOT_GRADED = "not graded"
NO_SUBMISSION = "no submission"

QUESTION_HEADING = re.compile(r"^#+\s*(Question\s+\d+)\b.*$", re.M)
OPTION_ITEM = re.compile(
    r"^[ \t]*-[ \t]+([A-Z])\.[ \t]+(.+?)(?=^[ \t]*-[ \t]+[A-Z]\.|^[ \t]*$|\Z)", re.M | re.S
)
RELEASE_FOLDER = "assignments"  # nbgrader_config.py: CourseDirectory.release_directory


@dataclass(frozen=True)
class SubmissionStatus:
    assignment: str
    student_id: str
    status: str
    reason: str = ""
    to_mark: tuple[str, ...] = ()  # "Question 8 (q8_written_next_steps)", for the trainer
    score: float | None = None  # final score, after any late penalty: only when graded
    raw_score: float | None = None  # the gradebook's total before any late penalty
    marked_so_far: float | None = None  # points already marked, when awaiting marking
    max_score: float = 0.0
    timestamp: str = ""
    late_penalty: float = 0.0

    @property
    def final(self) -> bool:
        return self.status == GRADED


def released_order(course_root: Path, notebook) -> list[str]:
    """Grade ids of a notebook's cells in released order (the gradebook keeps no order)."""
    names = {c.name: c for c in notebook.source_cells}
    path = Path(course_root) / RELEASE_FOLDER / notebook.assignment.name / f"{notebook.name}.ipynb"
    if path.is_file():
        try:
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            order = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in cells]
            found = [name for name in order if name in names]
            return found + sorted(set(names) - set(found), key=lambda n: names[n].id)
        except (OSError, ValueError, KeyError, AttributeError):
            pass
    return sorted(names, key=lambda n: names[n].id)


def question_titles(course_root: Path, notebook) -> dict[str, str]:
    """'Question 8' for each graded cell: the question heading above it."""
    cells = {c.name: c for c in notebook.source_cells}
    graded = {c.name for c in notebook.grade_cells}
    titles, current = {}, None
    for name in released_order(course_root, notebook):
        cell = cells[name]
        if cell.cell_type == "markdown":
            found = QUESTION_HEADING.search(cell.source or "")
            if found:
                current = " ".join(found.group(1).split())
        if name in graded:
            titles[name] = current or name
    return titles


def options_in(markdown: str) -> dict[str, str]:
    """The lettered options of a question ("- A. ..."), each joined onto one line."""
    return {k: " ".join(v.split()) for k, v in OPTION_ITEM.findall(markdown or "")}


def _label(titles: dict[str, str], grade_id: str) -> str:
    title = titles.get(grade_id, grade_id)
    return title if title == grade_id else f"{title} ({grade_id})"


def submission_status(
    course_root: Path, gb, assignment, student_id: str, register
) -> SubmissionStatus:
    """The status of one trainee's submission of one assignment (gradebook objects)."""
    from nbgrader.api import MissingEntry

    root = Path(course_root)
    base = {"assignment": assignment.name, "student_id": student_id}
    maximum = float(assignment.max_score or 0.0)
    key = (student_id, assignment.name)
    if key in register:
        return SubmissionStatus(**base, status=NOT_GRADED, reason=register[key], max_score=maximum)
    submitted = (root / "submitted" / student_id / assignment.name).is_dir()
    try:
        submission = gb.find_submission(assignment.name, student_id)
    except MissingEntry:
        if submitted:
            return SubmissionStatus(
                **base, status=NOT_GRADED, reason="submitted but not yet graded", max_score=maximum
            )
        return SubmissionStatus(**base, status=NO_SUBMISSION, max_score=maximum)
    autograded = (root / "autograded" / student_id / assignment.name).is_dir()
    if submitted and not autograded:
        return SubmissionStatus(
            **base,
            status=NOT_GRADED,
            reason="autograding did not finish; see the autograde log",
            max_score=maximum,
        )
    penalty = float(submission.late_submission_penalty or 0.0)
    timestamp = str(submission.timestamp or "")
    to_mark = []
    for notebook in submission.notebooks:
        pending = [g.name for g in notebook.grades if g.needs_manual_grade]
        if pending:
            titles = question_titles(root, notebook.notebook)
            to_mark += [_label(titles, name) for name in pending]
    score = max(0.0, float(submission.score) - penalty)
    if to_mark:
        return SubmissionStatus(
            **base,
            status=AWAITING,
            reason="to mark: " + ", ".join(to_mark),
            to_mark=tuple(to_mark),
            raw_score=float(submission.score),
            marked_so_far=score,
            max_score=maximum,
            timestamp=timestamp,
            late_penalty=penalty,
        )
    return SubmissionStatus(
        **base,
        status=GRADED,
        score=score,
        raw_score=float(submission.score),
        max_score=maximum,
        timestamp=timestamp,
        late_penalty=penalty,
    )


def all_statuses(course_root: Path, gb) -> dict[tuple[str, str], SubmissionStatus]:
    """(assignment, trainee) -> status, for every assignment and trainee in the gradebook."""
    register = {(e.student_id, e.assignment): e.reason for e in read_register(Path(course_root))}
    students = [s.id for s in gb.students]
    return {
        (assignment.name, student): submission_status(
            course_root, gb, assignment, student, register
        )
        for assignment in gb.assignments
        for student in students
    }


def course_statuses(course_root: Path) -> dict[tuple[str, str], SubmissionStatus]:
    """All statuses, read from the course folder's gradebook (empty if there is none)."""
    from nbgrader.api import Gradebook

    from .gradebook import existing_gradebook_url

    url = existing_gradebook_url(course_root)
    if url is None:
        return {}
    with Gradebook(url) as gb:
        return all_statuses(course_root, gb)


def summary_lines(statuses) -> list[str]:
    """On-screen lines: who still has written answers to mark, and which questions."""
    waiting = [s for s in statuses if s.status == AWAITING]
    if not waiting:
        return []
    lines = [
        f"Awaiting marking ({len(waiting)} submission{'s' * (len(waiting) != 1)}): open "
        "formgrader to mark the written answers (see the trainer guide, section 5)."
    ]
    lines += [f"  {s.student_id}: {', '.join(s.to_mark)}" for s in waiting]
    return lines
