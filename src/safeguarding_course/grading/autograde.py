"""nbgrader preprocessors that grade a submission by its answers only.

Stock nbgrader runs a trainee's whole notebook in a kernel with the grader's rights. Here:

1. `RebuildFromGradebook` (sanitise step) builds the notebook again from the cells the trainer
   released, as stored in the gradebook, in their released order. From the submission it
   takes only the text of each answer cell. Cells a trainee added, edits to any other cell,
   and changes to cell metadata (grade ids, points, checksums) are dropped.
2. `GradeLiteralAnswers` (instead of nbgrader's `Execute`) reads each answer cell as data
   (see `literal_answers`), never as code, and runs only the trainer's own cells (setup and
   tests) in this process. No kernel, no trainee code: nothing in a submission can run a
   command, read or write a file, or reach the network.

Test cells report as they would in a kernel (an error output scores zero; a number as the
last value is partial credit), but an error shows only its message, never the test's code.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import warnings
from pathlib import Path

from nbformat.v4 import new_code_cell, new_markdown_cell, new_output
from nbgrader.api import Gradebook, SourceCell
from nbgrader.preprocessors import NbGraderPreprocessor

from .literal_answers import declared_names, example_from_stub, read_answers

NOTE_ADDED_CELLS = (
    "**Note from the grader:** this submission had {count} cell(s) that are not part of the "
    "assessment. They were not run and earn no marks."
)


def _trusted_cells(resources) -> tuple[list[SourceCell], dict, set, set]:
    info = resources["nbgrader"]
    with Gradebook(info["db_url"]) as gb:
        notebook = gb.find_notebook(info["notebook"], info["assignment"])
        cells = (
            gb.db.query(SourceCell)
            .filter(SourceCell.notebook_id == notebook.id)
            .order_by(SourceCell.id)
            .all()
        )
        points = {c.name: float(c.max_score) for c in notebook.grade_cells}
        solutions = {c.name for c in notebook.solution_cells}
        tasks = {c.name for c in notebook.task_cells}
        gb.db.expunge_all()
    return cells, points, solutions, tasks


def inert_markdown(text: str) -> str:
    """A written answer as the trainee typed it, but unable to act in a browser: raw HTML is
    shown as text and no link or image can form, so formgrader and feedback are safe."""
    text = text.replace("\\", "\\\\")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("[", "\\[").replace("]", "\\]")  # no link or image can form


def _released_order(config, resources) -> list[str]:
    """The grade ids of the released notebook, in order (the gradebook keeps no order).
    Read from the trainer's own release folder, or else the source folder."""
    course = config.CourseDirectory
    root = Path(course.get("root", os.getcwd()))
    info = resources["nbgrader"]
    for folder in (
        course.get("release_directory", "release"),
        course.get("source_directory", "source"),
    ):
        path = root / folder / info["assignment"] / f"{info['notebook']}.ipynb"
        if path.is_file():
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            return [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in cells]
    return []


class RebuildFromGradebook(NbGraderPreprocessor):
    """Rebuild the submission from the released cells, keeping only the trainee's answers."""

    def preprocess(self, nb, resources):
        cells, points, solutions, tasks = _trusted_cells(resources)
        position = {
            name: i for i, name in enumerate(_released_order(self.config, resources)) if name
        }
        cells.sort(key=lambda c: position.get(c.name, len(position)))
        submitted_answers: dict[str, str] = {}
        unknown = 0
        known = {c.name for c in cells}
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
            if not isinstance(grade_id, str):
                grade_id = None  # tampered metadata: treat the cell as unknown
            if grade_id in solutions and grade_id not in submitted_answers:
                source = cell.get("source", "")
                submitted_answers[grade_id] = (
                    "".join(source) if isinstance(source, list) else str(source)
                )
            elif grade_id not in known:
                unknown += 1

        rebuilt = []
        for source_cell in cells:
            name = source_cell.name
            meta = {
                "grade": name in points,
                "grade_id": name,
                "locked": bool(source_cell.locked),
                "schema_version": 3,
                "solution": name in solutions,
                "task": name in tasks,
                "checksum": source_cell.checksum,
            }
            if name in points:
                meta["points"] = points[name]
            text = (
                submitted_answers.get(name, source_cell.source)
                if name in solutions
                else source_cell.source
            )
            if name in solutions and name in submitted_answers and source_cell.cell_type != "code":
                text = inert_markdown(text)
            make = new_code_cell if source_cell.cell_type == "code" else new_markdown_cell
            cell = make(text, metadata={"nbgrader": meta})
            if name in solutions and source_cell.cell_type == "code":
                cell.metadata["nbgrader"]["stub"] = source_cell.source
            rebuilt.append(cell)
        if unknown:
            rebuilt.append(new_markdown_cell(NOTE_ADDED_CELLS.format(count=unknown)))
        nb.cells = rebuilt
        return nb, resources


class TrainerCellError(RuntimeError):
    """A cell the trainer wrote (not the trainee's answer) failed, so no fair grade exists."""


def _error_output(error: BaseException):
    message = str(error) or "this check did not pass"
    name = type(error).__name__
    return new_output("error", ename=name, evalue=message, traceback=[f"{name}: {message}"])


def run_trusted(source: str, namespace: dict) -> list:
    """Run one of the trainer's own cells here, returning the outputs a kernel would give:
    printed text, the value of a final expression, or an error (message only)."""
    outputs = []
    stdout = io.StringIO()
    try:
        tree = ast.parse(source)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        with contextlib.redirect_stdout(stdout), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(tree, "<test>", "exec"), namespace)  # noqa: S102  (trusted source)
            value = None
            if last is not None:
                value = eval(compile(ast.Expression(last.value), "<test>", "eval"), namespace)  # noqa: S307
    except Exception as error:  # a failing check is a result, not a crash
        if stdout.getvalue():
            outputs.append(new_output("stream", name="stdout", text=stdout.getvalue()))
        outputs.append(_error_output(error))
        return outputs
    if stdout.getvalue():
        outputs.append(new_output("stream", name="stdout", text=stdout.getvalue()))
    if value is not None:
        outputs.append(
            new_output("execute_result", data={"text/plain": repr(value)}, execution_count=None)
        )
    return outputs


class GradeLiteralAnswers(NbGraderPreprocessor):
    """Read answers as data and run only the trainer's cells; replaces nbgrader's Execute."""

    def preprocess(self, nb, resources):
        namespace: dict = {"__name__": "__grader__"}
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            meta = cell.metadata.get("nbgrader", {})
            cell.outputs = []
            cell.execution_count = None
            if meta.get("solution"):
                stub = meta.pop("stub", "")
                names = declared_names(stub)
                answers = read_answers(cell.source, names, example_from_stub(stub, names))
                if answers.problem:
                    cell.outputs = [
                        new_output(
                            "stream", name="stdout", text=(f"Not marked: {answers.problem}\n")
                        )
                    ]
                else:
                    namespace.update(answers.values)
                    if answers.ignored:
                        cell.outputs = [
                            new_output(
                                "stream",
                                name="stdout",
                                text=(
                                    f"Note: only {', '.join(declared_names(stub))} is marked here; "
                                    f"{', '.join(answers.ignored)} was ignored.\n"
                                ),
                            )
                        ]
            else:
                cell.outputs = run_trusted(cell.source, namespace)
                if not meta.get("grade"):
                    failed = [o for o in cell.outputs if o.output_type == "error"]
                    if failed:
                        # the trainer's own cell failed: grading would be unfair, so stop and
                        # let the submission be reported as not graded
                        raise TrainerCellError(
                            f"the assessment's own cell '{meta.get('grade_id')}' failed: "
                            f"{failed[0].ename}: {failed[0].evalue}"
                        )
                    cell.outputs = []  # setup and chart cells only prepare the tests
        return nb, resources
