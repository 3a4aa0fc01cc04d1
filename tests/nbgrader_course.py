"""A real nbgrader course folder in a temporary directory, driven by nbgrader's own commands.

Tests use it to generate, submit, autograde, give feedback and export exactly as a trainer
would, then read the real gradebook.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def assignment_ids() -> list[str]:
    return sorted(p.name for p in (REPO / "solutions").iterdir() if p.is_dir())


def nbgrader_env() -> dict[str, str]:
    """nbgrader runs `alembic` as a subprocess, so the environment's bin must be on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


@dataclass
class CourseFolder:
    root: Path

    @classmethod
    def create(cls, root: Path) -> CourseFolder:
        root.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
        shutil.copytree(REPO / "solutions", root / "solutions")
        return cls(root)

    def nbgrader(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(BIN / "nbgrader"), *args],
            cwd=self.root,
            env=nbgrader_env(),
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"nbgrader {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-4000:]}"
            )
        return result

    def generate(self, assignment: str) -> Path:
        self.nbgrader("generate_assignment", assignment, "--force")
        return self.root / "assignments" / assignment / f"{assignment}.ipynb"

    def submit(self, student: str, assignment: str, notebook: nbformat.NotebookNode) -> Path:
        """Place a notebook where `nbgrader collect` would put it."""
        folder = self.root / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{assignment}.ipynb"
        nbformat.write(notebook, path)
        (folder / "timestamp.txt").write_text("2026-11-28 10:00:00.000000 UTC\n")
        return path

    def autograde(self, assignment: str, *students: str) -> subprocess.CompletedProcess:
        for student in students:
            self.nbgrader("db", "student", "add", student)
        return self.nbgrader("autograde", assignment, "--force")

    def scores(self, assignment: str, student: str) -> dict[str, float | None]:
        """Each graded cell's score (manual score if a trainer set one, else the auto score)."""
        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}") as gb:
            submission = gb.find_submission_notebook(assignment, assignment, student)
            return {grade.name: grade.score for grade in submission.grades}

    def total(self, assignment: str, student: str) -> float:
        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}") as gb:
            return gb.find_submission(assignment, student).score

    def set_manual_score(self, assignment: str, student: str, grade_id: str, score: float):
        """What a trainer does in formgrader when marking a written answer."""
        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}") as gb:
            grade = gb.find_grade(grade_id, assignment, assignment, student)
            grade.manual_score = score
            grade.needs_manual_grade = False
            gb.db.commit()

    def export(self) -> list[dict[str, str]]:
        self.nbgrader("export")
        with (self.root / "grades.csv").open(newline="") as handle:
            return list(csv.DictReader(handle))
