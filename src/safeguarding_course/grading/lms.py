"""export-grades: the gradebook's final marks as files Moodle and Canvas import.

Run it from the course folder after marking:

    export-grades            # writes lms/moodle_grades.csv and lms/canvas_grades.csv

Only a final mark (status `graded`, see status.py) is written. A submission awaiting
marking, one that could not be graded and a missing one are written as "no grade", never as
0, and listed on screen with the reason, so an LMS never shows an unfinished mark as final.

Moodle (Grades > Import > CSV file). Checked against Moodle's documentation and code on
1 December 2026: https://docs.moodle.org/405/en/Grade_import (map a column to identify each
user, such as "Email address" to "useremail" or "ID number" to "useridnumber"; map each grade
column to a grade item) and grade/import/csv/classes/load_data.php in moodle/moodle (an empty
value or "-" is imported as "no grade"). The file has one row per trainee: First name, Last
name, ID number (the nbgrader trainee id), Email address, then one column of points per
assessment, with "-" where there is no final mark. Grade items need a maximum at least the
assessment's points (Moodle's default maximum is 100).

Canvas (Grades > Import). Checked against Canvas's importer, app/models/gradebook_importer.rb
in instructure/canvas-lms, and Ohio State's guide to it
(https://teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades),
on 1 December 2026: the header starts Student, ID, SIS User ID, SIS Login ID, Section, and
each further column is an assignment, matched by "Title (Canvas id)" or by its title (an
unknown title makes a new assignment); a row whose first cell contains "Points Possible"
gives each assignment's points; a blank or "-" grade means no score. Canvas finds a student
by ID, then SIS User ID or SIS Login ID, then name: this file leaves ID (Canvas's own number)
and SIS User ID blank, gives the nbgrader trainee id as SIS Login ID, and the name as
"Last, First". Canvas's own guide, "How do I import grades in the Gradebook?" in the
Instructor Guide at community.canvaslms.com, was not read here.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

from .gradebook import existing_gradebook_url, gradebook_url
from .status import GRADED, all_statuses

FOLDER = "lms"
MOODLE_FILE = "moodle_grades.csv"
CANVAS_FILE = "canvas_grades.csv"
MOODLE_NO_GRADE = "-"
CANVAS_NO_GRADE = ""
MOODLE_USER_COLUMNS = ["First name", "Last name", "ID number", "Email address"]
CANVAS_USER_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text for a spreadsheet cell that cannot run as a formula (a leading ' is shown as is)."""
    value = str(value or "")
    return "'" + value if value.startswith(_FORMULA) else value


def assessment_title(course_root: Path, assignment: str) -> str:
    """The assessment's title from its released notebook ('Assessment 1. Understanding ...')."""
    path = Path(course_root) / "assignments" / assignment / f"{assignment}.ipynb"
    try:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            found = re.search(r"^#\s+(.+?)\s*$", "".join(cell.get("source", "")), re.M)
            if found:
                return found.group(1)
    except (OSError, ValueError, KeyError):
        pass
    return assignment


def _points(value: float) -> str:
    return f"{float(value):g}"


def lms_tables(course_root: Path):
    """(assessments with titles and maxima, trainees, statuses), read from the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(course_root)) as gb:
        statuses = all_statuses(course_root, gb)
        assessments = [
            (a.name, assessment_title(course_root, a.name), float(a.max_score or 0.0))
            for a in sorted(gb.assignments, key=lambda a: a.name)
        ]
        trainees = [
            (s.id, s.first_name or "", s.last_name or "", s.email or "")
            for s in sorted(gb.students, key=lambda s: s.id)
        ]
    return assessments, trainees, statuses


def _cell(statuses, assignment: str, student_id: str, no_grade: str) -> str:
    status = statuses[(assignment, student_id)]
    return _points(status.score) if status.status == GRADED else no_grade


def write_moodle(path: Path, assessments, trainees, statuses) -> Path:
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(MOODLE_USER_COLUMNS + [title for _, title, _ in assessments])
        for student_id, first, last, email in trainees:
            writer.writerow(
                [safe_text(first), safe_text(last), safe_text(student_id), safe_text(email)]
                + [_cell(statuses, a, student_id, MOODLE_NO_GRADE) for a, _, _ in assessments]
            )
    return Path(path)


def write_canvas(path: Path, assessments, trainees, statuses) -> Path:
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CANVAS_USER_COLUMNS + [title for _, title, _ in assessments])
        writer.writerow(
            ["    Points Possible", "", "", "", ""] + [_points(m) for *_, m in assessments]
        )
        for student_id, first, last, _email in trainees:
            name = f"{last}, {first}" if first and last else (last or first or student_id)
            writer.writerow(
                [safe_text(name), "", "", safe_text(student_id), ""]
                + [_cell(statuses, a, student_id, CANVAS_NO_GRADE) for a, _, _ in assessments]
            )
    return Path(path)


def export_lms(course_root: Path, folder: Path | None = None) -> tuple[Path, Path, list[str]]:
    """Write both files; return their paths and a line for each mark left out (and why)."""
    course_root = Path(course_root)
    folder = Path(folder) if folder else course_root / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    assessments, trainees, statuses = lms_tables(course_root)
    moodle = write_moodle(folder / MOODLE_FILE, assessments, trainees, statuses)
    canvas = write_canvas(folder / CANVAS_FILE, assessments, trainees, statuses)
    left_out = [
        f"  {s.student_id}, {s.assignment}: {s.status}" + (f" ({s.reason})" if s.reason else "")
        for (_a, _s), s in sorted(statuses.items())
        if s.status != GRADED
    ]
    return moodle, canvas, left_out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="export-grades", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=FOLDER, help=f"folder for the files (default: {FOLDER})")
    args = parser.parse_args(argv)
    root = Path.cwd()
    if not (root / "nbgrader_config.py").is_file():
        parser.error("run export-grades from the course folder, where nbgrader_config.py is")
    if existing_gradebook_url(root) is None:
        parser.error("there is no gradebook.db here yet: grade the cohort first (grade-cohort)")
    moodle, canvas, left_out = export_lms(root, root / args.out)
    print(
        f"Wrote {moodle} (Moodle: Grades > Import > CSV file) and {canvas} "
        "(Canvas: Grades > Import)."
    )
    if left_out:
        print(f"No grade (not 0) was written for {len(left_out)} mark(s) that are not final:")
        print("\n".join(left_out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
