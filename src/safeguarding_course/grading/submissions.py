"""Check submissions before grading, and keep a register of those that could not be graded.

A submission that cannot be graded (malformed JSON, wrong file name, missing notebook,
unreadable encoding) is never graded as zero: it is left untouched, reported to the trainer by
name with the reason, and listed in `not_graded.csv` so exports show "not graded".
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

REGISTER = "not_graded.csv"
FIELDS = ("student_id", "assignment", "reason", "path")


@dataclass(frozen=True)
class NotGraded:
    student_id: str
    assignment: str
    reason: str
    path: str

    def line(self) -> str:
        return f"{self.student_id}: {self.reason} (kept untouched at {self.path})"


def notebook_problem(path: Path) -> str | None:
    """Why a submitted notebook file cannot be graded, or None if it can be read."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return f"the file cannot be read ({error.strerror})"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return f"the file is not UTF-8 text (byte {error.start}); it may be damaged"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return (
            f"the file is not valid notebook JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}); it may have been edited outside Jupyter or cut short"
        )
    except (RecursionError, ValueError, MemoryError) as error:
        return f"the file is JSON that cannot be read safely ({type(error).__name__})"
    try:
        notebook = nbformat.from_dict(data)
        if notebook.get("nbformat") != 4:
            return (
                f"the file is not a version 4 notebook (nbformat is {notebook.get('nbformat')!r})"
            )
        nbformat.validate(notebook)
    except Exception as error:  # any way a file can fail to be a notebook is a reason, not a crash
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else "invalid"
        return f"the file is JSON but not a valid notebook ({first_line[:160]})"
    return None


def check_submission(
    folder: Path, student_id: str, assignment: str, expected: list[str]
) -> NotGraded | None:
    """Check one trainee's submission folder against the notebooks the assignment expects."""
    found = sorted(p.name for p in folder.glob("*.ipynb")) if folder.is_dir() else []
    for name in expected:
        path = folder / name
        if not path.is_file():
            if found:
                reason = (
                    f"expected a notebook named {name} but found {', '.join(found)}; "
                    "it may have been renamed"
                )
            else:
                reason = f"no notebook named {name} in the submission"
            return NotGraded(student_id, assignment, reason, str(folder))
        problem = notebook_problem(path)
        if problem:
            return NotGraded(student_id, assignment, problem, str(path))
    return None


def read_register(course_root: Path) -> list[NotGraded]:
    path = course_root / REGISTER
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return [NotGraded(**{k: row.get(k, "") for k in FIELDS}) for row in csv.DictReader(handle)]


def update_register(
    course_root: Path, assignment: str, graded: set[str], not_graded: list[NotGraded]
) -> None:
    """Record this run: drop entries for trainees now graded, add or replace the new ones."""
    new_keys = {(n.student_id, n.assignment) for n in not_graded}
    kept = [
        entry
        for entry in read_register(course_root)
        if not (
            entry.assignment == assignment
            and (entry.student_id in graded or (entry.student_id, entry.assignment) in new_keys)
        )
    ]
    rows = kept + list(not_graded)
    with (course_root / REGISTER).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(asdict(row) for row in rows)
