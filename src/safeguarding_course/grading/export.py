"""`nbgrader export` that tells "not graded" from zero.

nbgrader's own CSV gives 0 both to a blank submission and to one that could not be graded.
This plugin adds a `status` column ("graded", "not graded", "no submission") and a `reason`,
and leaves the score empty when a submission was not graded.
"""

from __future__ import annotations

import csv
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins.export import ExportPlugin

from .safe_output import safe_row
from .submissions import read_register

COLUMNS = [
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
    "status",
    "reason",
]


def _status(
    root: Path, assignment: str, student_id: str, submission, register: dict
) -> tuple[str, str]:
    key = (student_id, assignment)
    if key in register:
        return "not graded", register[key]
    submitted = (root / "submitted" / student_id / assignment).is_dir()
    autograded = (root / "autograded" / student_id / assignment).is_dir()
    if submission is None:
        if submitted:
            return "not graded", "submitted but not yet autograded"
        return "no submission", ""
    if submitted and not autograded:
        return "not graded", "autograding did not finish; see the autograde log"
    return "graded", ""


class StatusCsvExportPlugin(ExportPlugin):
    """CSV export with a status column, so a broken file never looks like a zero."""

    def export(self, gradebook: Gradebook) -> None:
        root = Path.cwd()
        register = {(e.student_id, e.assignment): e.reason for e in read_register(root)}
        destination = self.to or "grades.csv"
        only_assignments = {str(a) for a in self.assignment}
        only_students = {str(s) for s in self.student}
        self.log.info("Exporting grades with status to %s", destination)
        with open(destination, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            for assignment in gradebook.assignments:
                if only_assignments and assignment.name not in only_assignments:
                    continue
                for student in gradebook.students:
                    if only_students and student.id not in only_students:
                        continue
                    try:
                        submission = gradebook.find_submission(assignment.name, student.id)
                    except MissingEntry:
                        submission = None
                    status, reason = _status(
                        root, assignment.name, student.id, submission, register
                    )
                    row = {
                        "assignment": assignment.name,
                        "duedate": assignment.duedate or "",
                        "student_id": student.id,
                        "last_name": student.last_name or "",
                        "first_name": student.first_name or "",
                        "email": student.email or "",
                        "max_score": assignment.max_score,
                        "status": status,
                        "reason": reason,
                        "timestamp": "",
                        "raw_score": "",
                        "late_submission_penalty": "",
                        "score": "",
                    }
                    if status == "graded":
                        penalty = submission.late_submission_penalty or 0.0
                        row.update(
                            timestamp=submission.timestamp or "",
                            raw_score=submission.score,
                            late_submission_penalty=penalty,
                            score=max(0.0, submission.score - penalty),
                        )
                    elif status == "no submission":
                        row.update(raw_score=0.0, late_submission_penalty=0.0, score=0.0)
                    writer.writerow(safe_row(row))  # text cells never run as formulas
