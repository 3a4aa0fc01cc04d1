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

Text from a submission is made safe to keep and to show: lone surrogates (which cannot be
saved as UTF-8) are written as `\\udc9d` escapes, nbgrader's reserved markers (such as
`BEGIN HIDDEN TESTS`) are broken with an invisible word joiner so no nbgrader step reacts to
them, and a written answer is shown as escaped text in an HTML `<pre>` block (see
`written_answer_markdown`). The notebook's metadata is the released notebook's, not the
submission's.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import functools
import html
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


MAX_WRITTEN_CHARS = 20_000  # about 3,000 words; longer answers are kept in full in a side file
WORD_JOINER = "\u2060"  # invisible; breaks a marker so that no nbgrader step matches it

# nbgrader's reserved markers: (preprocessor, setting, default). Trainee text never holds them.
_MARKER_SETTINGS = (
    ("ClearSolutions", "begin_solution_delimeter", "BEGIN SOLUTION"),
    ("ClearSolutions", "end_solution_delimeter", "END SOLUTION"),
    ("ClearHiddenTests", "begin_test_delimeter", "BEGIN HIDDEN TESTS"),
    ("ClearHiddenTests", "end_test_delimeter", "END HIDDEN TESTS"),
    ("ClearMarkScheme", "begin_mark_scheme_delimeter", "BEGIN MARK SCHEME"),
    ("ClearMarkScheme", "end_mark_scheme_delimeter", "END MARK SCHEME"),
    ("InstantiateTests", "autotest_delimiter", "AUTOTEST"),
    ("InstantiateTests", "hashed_delimiter", "HASHED"),
)
NOTE_LONG_ANSWER = (
    "**About this answer:** it is {length:,} characters long, more than "
    "the {limit:,} shown here. The whole answer is kept as text in `{side_file}` beside this "
    "notebook."
)


def reserved_markers(config=None) -> list[str]:
    """The markers nbgrader's preprocessors react to, as this course configures them."""
    markers = []
    for section, setting, default in _MARKER_SETTINGS:
        value = default
        if config is not None and section in config and setting in config[section]:
            value = str(config[section][setting])
        if value:
            markers.append(value)
    return sorted(set(markers), key=len, reverse=True)


def defuse_markers(text: str, markers: list[str]) -> str:
    """The text with each reserved marker broken by an invisible word joiner."""
    for marker in markers:
        if marker in text:
            text = text.replace(marker, marker[0] + WORD_JOINER + marker[1:])
    return text


def writable_text(text) -> str:
    """Submitted text that can be saved as UTF-8: a lone surrogate becomes a \\udc9d escape."""
    if isinstance(text, list):
        text = "".join(part if isinstance(part, str) else str(part) for part in text)
    elif not isinstance(text, str):
        text = str(text)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def written_answer_markdown(text: str) -> str:
    """A written answer as plain text in an HTML <pre> block, for formgrader and feedback.

    Markdown is not parsed inside an HTML block, so no link or image can form; HTML is
    escaped, so no tag can act; `$` and backslashes are character references and MathJax skips
    <pre> (and the tex2jax_ignore class), so no TeX command such as \\href can run. The block
    is passed through in one step, so rendering time grows in line with the text's length."""
    escaped = (
        html.escape(text, quote=True)
        .replace("$", "&#36;")
        .replace("\\", "&#92;")
        .replace("`", "&#96;")
    )
    return (
        '<pre class="written-answer tex2jax_ignore mathjax_ignore" '
        'style="white-space: pre-wrap; font-family: inherit; font-size: inherit;">'
        f"{escaped}</pre>"
    )


def inert_markdown(text: str) -> str:
    """Kept for older callers: the same as `written_answer_markdown`."""
    return written_answer_markdown(text)


@functools.lru_cache(maxsize=64)
def _read_released(path: str, modified: int) -> tuple[tuple, dict]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    order = tuple(c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in data["cells"])
    return order, data.get("metadata", {})


def _released_notebook(config, resources) -> tuple[list, dict]:
    """The grade ids of the released notebook in order (the gradebook keeps no order), and its
    notebook metadata. Read from the trainer's own release folder, or else the source folder."""
    course = config.CourseDirectory
    root = Path(course.get("root", os.getcwd()))
    info = resources["nbgrader"]
    for folder in (
        course.get("release_directory", "release"),
        course.get("source_directory", "source"),
    ):
        path = root / folder / info["assignment"] / f"{info['notebook']}.ipynb"
        if path.is_file():
            order, metadata = _read_released(str(path), path.stat().st_mtime_ns)
            return list(order), copy.deepcopy(metadata)
    return [], {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}


def _same_words(a: str, b: str) -> bool:
    return " ".join((a or "").split()) == " ".join((b or "").split())


class RebuildFromGradebook(NbGraderPreprocessor):
    """Rebuild the submission from the released cells, keeping only the trainee's answers."""

    def preprocess(self, nb, resources):
        cells, points, solutions, tasks = _trusted_cells(resources)
        order, released_metadata = _released_notebook(self.config, resources)
        markers = reserved_markers(self.config)
        position = {name: i for i, name in enumerate(order) if isinstance(name, str)}
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
                submitted_answers[grade_id] = defuse_markers(
                    writable_text(cell.get("source", "")), markers
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
            written = name in solutions and name in submitted_answers
            written = written and source_cell.cell_type != "code"
            if written and _same_words(text, source_cell.source):
                # left as released: kept as the released text, so its checksum still matches
                # and nbgrader scores it 0 with nothing to mark (as for a blank answer)
                text, written = source_cell.source, False
            if written:
                text = self._written_answer(text, name, resources)
            make = new_code_cell if source_cell.cell_type == "code" else new_markdown_cell
            cell = make(text, metadata={"nbgrader": meta})
            if name in solutions and source_cell.cell_type == "code":
                cell.metadata["nbgrader"]["stub"] = source_cell.source
            rebuilt.append(cell)
            if written and len(submitted_answers[name]) > MAX_WRITTEN_CHARS:
                rebuilt.append(new_markdown_cell(self._long_answer_note(name, resources)))
        if unknown:
            rebuilt.append(new_markdown_cell(NOTE_ADDED_CELLS.format(count=unknown)))
        nb.cells = rebuilt
        nb.metadata = released_metadata  # the submission's own metadata is never kept
        return nb, resources

    @staticmethod
    def _side_file(name: str, resources) -> str:
        return f"{resources['nbgrader']['notebook']}_written_answers/{name}.txt"

    def _written_answer(self, text: str, name: str, resources) -> str:
        """The answer as shown (at most MAX_WRITTEN_CHARS); a longer one is also written in
        full to a text file beside the autograded notebook (nbconvert writes `outputs`)."""
        if len(text) > MAX_WRITTEN_CHARS:
            outputs = resources.setdefault("outputs", {})
            outputs[self._side_file(name, resources)] = text.encode("utf-8")
            text = text[:MAX_WRITTEN_CHARS]
        return written_answer_markdown(text)

    def _long_answer_note(self, name: str, resources) -> str:
        full = resources["outputs"][self._side_file(name, resources)].decode("utf-8")
        return NOTE_LONG_ANSWER.format(
            length=len(full), limit=MAX_WRITTEN_CHARS, side_file=self._side_file(name, resources)
        )


class TrainerCellError(RuntimeError):
    """A cell the trainer wrote (not the trainee's answer) failed, so no fair grade exists."""


def _error_output(error: BaseException):
    message = writable_text(str(error) or "this check did not pass")
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
            outputs.append(
                new_output("stream", name="stdout", text=writable_text(stdout.getvalue()))
            )
        outputs.append(_error_output(error))
        return outputs
    if stdout.getvalue():
        outputs.append(new_output("stream", name="stdout", text=writable_text(stdout.getvalue())))
    if value is not None:
        outputs.append(
            new_output(
                "execute_result",
                data={"text/plain": writable_text(repr(value))},
                execution_count=None,
            )
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
