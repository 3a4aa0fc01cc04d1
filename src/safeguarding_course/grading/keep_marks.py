"""Regrading keeps every trainer's mark and its status.

nbgrader 0.9.6's `SaveAutoGrades._add_score` sets `needs_manual_grade = True` on every grade
that has a manual score, each time a submission is autograded. So rerunning `grade-cohort` or
`nbgrader autograde --force` after marking sends every marked written answer back to
"needs manual grading": formgrader lists the trainee as unmarked again and reports leave the
mark out, although the answer has not changed.

`SaveAutoGradesKeepingMarks` (set in nbgrader_config.py in place of `SaveAutoGrades`) keeps
nbgrader's rule only where it is needed. Each time a cell is graded, it records a fingerprint
of what the mark is about: the written answer's text, or for an auto-marked question the
trainee's answer and the auto score. On a regrade, a grade a trainer had marked stays marked
when the fingerprint is unchanged; if the trainee's answer (or the auto score) changed, it is
flagged for review as nbgrader does, with the trainer's mark kept in view. A grade marked
before the course recorded fingerprints is flagged too, once: there is nothing to compare.

The fingerprints live in the gradebook itself, in a small table of the course's own
(`course_marked_answers`), so they are backed up and moved with the marks.
"""

from __future__ import annotations

import hashlib
import time

from nbgrader import utils
from nbgrader.preprocessors import SaveAutoGrades
from sqlalchemy import Column, MetaData, String, Table, and_, delete, insert, select
from sqlalchemy.exc import OperationalError, ProgrammingError

_METADATA = MetaData()
MARKED_ANSWERS = Table(
    "course_marked_answers",
    _METADATA,
    Column("assignment", String(128), primary_key=True),
    Column("notebook", String(128), primary_key=True),
    Column("student", String(128), primary_key=True),
    Column("grade_id", String(128), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
)


def ensure_table(engine, attempts: int = 5) -> None:
    """Create the fingerprint table if needed. Two grading workers may race to create it, or
    find the database busy: both are retried, never a reason to fail a grade."""
    for attempt in range(attempts):
        try:
            _METADATA.create_all(engine, checkfirst=True)
            return
        except (OperationalError, ProgrammingError) as error:
            if "already exists" in str(error):
                return
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.5 * (attempt + 1))


def prepare_gradebook(course_root) -> None:
    """Make the table once before a cohort is graded in parallel (grade-cohort calls this)."""
    from pathlib import Path

    from sqlalchemy import create_engine

    from .gradebook import existing_gradebook_url

    url = existing_gradebook_url(Path(course_root))
    if url is not None:
        engine = create_engine(url)
        try:
            ensure_table(engine)
        finally:
            engine.dispose()


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def answer_sources(nb) -> dict[str, str]:
    """For each graded cell, the trainee's text its mark depends on: a written answer's own
    text, or the answer cells above a test cell (since the previous question's tests)."""
    sources: dict[str, str] = {}
    group: list[str] = []
    after_grade = False
    for cell in nb.cells:
        if utils.is_solution(cell):
            if after_grade:
                group, after_grade = [], False
            group.append(cell.source)
        if utils.is_grade(cell):
            grade_id = cell.metadata["nbgrader"]["grade_id"]
            sources[grade_id] = cell.source if utils.is_solution(cell) else "\x1e".join(group)
            after_grade = True
    return sources


class SaveAutoGradesKeepingMarks(SaveAutoGrades):
    """nbgrader's SaveAutoGrades, except that a regrade keeps a trainer's mark final while
    the answer it was given for is unchanged."""

    def preprocess(self, nb, resources):
        self._answer_sources = answer_sources(nb)
        self._table_ready = False
        return super().preprocess(nb, resources)

    def _key(self, grade_id: str):
        return and_(
            MARKED_ANSWERS.c.assignment == self.assignment_id,
            MARKED_ANSWERS.c.notebook == self.notebook_id,
            MARKED_ANSWERS.c.student == self.student_id,
            MARKED_ANSWERS.c.grade_id == grade_id,
        )

    def _add_score(self, cell, resources) -> None:
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        if not self._table_ready:  # once per notebook
            ensure_table(self.gradebook.engine)
            self._table_ready = True
        grade = self.gradebook.find_grade(
            grade_id, self.notebook_id, self.assignment_id, self.student_id
        )
        marked = grade.manual_score is not None and not grade.needs_manual_grade
        session = self.gradebook.db
        before = session.execute(
            select(MARKED_ANSWERS.c.fingerprint).where(self._key(grade_id))
        ).scalar_one_or_none()

        super()._add_score(cell, resources)  # nbgrader's rule: a manual score needs review

        auto = "" if grade.auto_score is None else repr(float(grade.auto_score))
        now = _digest(self._answer_sources.get(grade_id, cell.source), auto)
        if marked and before == now:
            grade.needs_manual_grade = False  # same answer, same auto score: the mark stands
        session.execute(delete(MARKED_ANSWERS).where(self._key(grade_id)))
        session.execute(
            insert(MARKED_ANSWERS).values(
                assignment=self.assignment_id,
                notebook=self.notebook_id,
                student=self.student_id,
                grade_id=grade_id,
                fingerprint=now,
            )
        )
        session.commit()
