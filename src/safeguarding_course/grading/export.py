"""`nbgrader export` that says what is left to do, and never shows a zero that is not one.

nbgrader's own CSV gives 0 both to a blank submission and to one that could not be graded,
and shows a total as final while written answers are still unmarked. This plugin writes a
`status` for every trainee and assessment (see status.py): `graded`, `awaiting marking` (the
`reason` names the questions to mark), `not graded` (the `reason` says why) or
`no submission`. `score` is filled in only when the submission is graded: while it awaits
marking, the points marked so far are in `marked_so_far`.
"""

from __future__ import annotations

import csv
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.plugins.export import ExportPlugin

from .safe_output import safe_row
from .status import GRADED, NO_SUBMISSION, all_statuses

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
    "marked_so_far",
]


def export_rows(root: Path, gradebook: Gradebook, assignments=(), students=()) -> list[dict]:
    """One row per assessment per trainee, with its status."""
    statuses = all_statuses(root, gradebook)
    only_assignments = {str(a) for a in assignments}
    only_students = {str(s) for s in students}
    rows = []
    for assignment in gradebook.assignments:
        if only_assignments and assignment.name not in only_assignments:
            continue
        for student in gradebook.students:
            if only_students and student.id not in only_students:
                continue
            status = statuses[(assignment.name, student.id)]
            row = {
                "assignment": assignment.name,
                "duedate": assignment.duedate or "",
                "timestamp": status.timestamp,
                "student_id": student.id,
                "last_name": student.last_name or "",
                "first_name": student.first_name or "",
                "email": student.email or "",
                "raw_score": "",
                "late_submission_penalty": "",
                "score": "",
                "max_score": assignment.max_score,
                "status": status.status,
                "reason": status.reason,
                "marked_so_far": "" if status.marked_so_far is None else status.marked_so_far,
            }
            if status.status == GRADED:
                row.update(
                    raw_score=status.raw_score,
                    late_submission_penalty=status.late_penalty,
                    score=status.score,
                )
            elif status.status == NO_SUBMISSION:
                row.update(raw_score=0.0, late_submission_penalty=0.0, score=0.0)
            rows.append(row)
    return rows


class StatusCsvExportPlugin(ExportPlugin):
    """CSV export with a status column, so nothing unfinished ever looks final."""

    def export(self, gradebook: Gradebook) -> None:
        destination = self.to or "grades.csv"
        self.log.info("Exporting grades with status to %s", destination)
        rows = export_rows(Path.cwd(), gradebook, self.assignment, self.student)
        with open(destination, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(safe_row(row) for row in rows)  # text cells never run as formulas
