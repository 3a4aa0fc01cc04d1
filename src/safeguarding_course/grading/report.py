"""cohort-report: where a cohort struggles, from the gradebook and the graded notebooks.

Run it from the course folder after grading:

    cohort-report            # writes reports/: questions.csv, scores.csv, missed.csv, report.md

Per question: how many trainees answered (changed the answer from its released value, or wrote
something in a written answer: see answered.py; the same count in every file), how many
written answers still await a trainer's mark, the share who got full marks, and how well the
question separates stronger from weaker trainees (the upper-lower discrimination index: the
share right among the top 27% by total score minus the share right among the bottom 27%).
Per assessment: the score distribution, as a chart with a written description. Per
multiple-answer or single-answer question: the options most often missed or wrongly chosen
(the indicators or routes a cohort misses). Each submission's status (graded, awaiting marking,
not graded, no submission) comes from status.py, as in `nbgrader export`; only final marks are
counted, and a submission that could not be graded is never a zero. An empty gradebook, a
trainee with missing submissions and a question nobody answered are all reported, not errors.
"""

from __future__ import annotations

import argparse
import ast
import base64
import html
import io
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from matplotlib.figure import Figure

from ..charts import OKABE_ITO
from .answered import answered
from .gradebook import existing_gradebook_url
from .literal_answers import declared_names, read_answers
from .safe_output import markdown_literal, write_csv
from .status import AWAITING, GRADED, all_statuses, options_in

HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
DISCRIMINATION_MIN = 4  # fewer trainees than this: the index is not meaningful


@dataclass
class Question:
    assignment: str
    grade_id: str
    max_score: float
    answer_name: str | None = None
    answer_cell: str | None = None
    correct: object = None  # a value, or a set for a multiple-answer question
    options: dict[str, str] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)  # trainee -> final score
    answers: dict[str, object] = field(default_factory=dict)  # trainee -> answer value read
    answered: set[str] = field(default_factory=set)  # trainees who answered (answered.py)
    awaiting: set[str] = field(default_factory=set)  # trainees whose mark is still to come
    released: str = ""  # the released source of the cell the trainee answers in
    cell_type: str = "code"


@dataclass
class Report:
    questions: list[Question]
    totals: dict[str, dict[str, float]]  # assignment -> trainee -> total
    max_totals: dict[str, float]
    status: dict[tuple[str, str], tuple[str, str]]  # (assignment, trainee) -> (status, reason)
    marked_so_far: dict[tuple[str, str], float] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(s in (GRADED, AWAITING) for s, _ in self.status.values())


def _expected(hidden: str, name: str | None):
    """The right answer in a hidden test: `selection_score(x, {...}, ...)` or `assert x == v`."""
    try:
        tree = ast.parse(hidden)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "selection_score":
            try:
                return set(ast.literal_eval(node.args[1]))
            except (ValueError, IndexError):
                return None
        if isinstance(node, ast.Assert) and isinstance(node.test, ast.Compare):
            compare = node.test
            if len(compare.ops) == 1 and isinstance(compare.ops[0], ast.Eq):
                try:
                    return ast.literal_eval(compare.comparators[0])
                except ValueError:
                    return None
    return None


def _questions(gb, assignment) -> list[Question]:
    """The assessment's graded questions, read from the gradebook's source cells."""
    questions = []
    for notebook in assignment.notebooks:
        cells = {c.name: c for c in notebook.source_cells}
        order = _released_order(notebook, cells)
        graded = {c.name: c for c in notebook.grade_cells}
        solutions = {c.name for c in notebook.solution_cells}
        last_answer, options = None, {}
        for name in order:
            cell = cells[name]
            if cell.cell_type == "markdown" and name not in solutions:
                found = options_in(cell.source)
                if found:
                    options = found
            if name in solutions and cell.cell_type == "code":
                last_answer = name
            if name in graded:
                question = Question(assignment.name, name, float(graded[name].max_score))
                if cell.cell_type == "code" and name not in solutions and last_answer:
                    names = declared_names(cells[last_answer].source)
                    question.answer_cell = last_answer
                    question.answer_name = names[0] if names else None
                    hidden = HIDDEN.search(cell.source)
                    question.correct = (
                        _expected(hidden.group(1), question.answer_name) if hidden else None
                    )
                    question.options = options
                    question.released = cells[last_answer].source or ""
                else:
                    question.cell_type = cell.cell_type
                    question.released = cell.source or ""
                    question.answer_cell = name if name in solutions else None
                questions.append(question)
                options = {} if cell.cell_type == "code" else options
    return questions


def _released_order(notebook, cells) -> list[str]:
    root = Path.cwd()
    path = root / "assignments" / notebook.assignment.name / f"{notebook.name}.ipynb"
    if path.is_file():
        ids = [
            c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
        ]
        return [i for i in ids if i in cells]
    return sorted(cells, key=lambda n: cells[n].id)


def _answers_in(path: Path) -> dict[str, str]:
    """Answer-cell sources of an autograded notebook, by grade id."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return {}
    found = {}
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and isinstance(meta.get("grade_id"), str):
            source = cell.get("source", "")
            found[meta["grade_id"]] = "".join(source) if isinstance(source, list) else source
    return found


def build_report(course_root: Path) -> Report:
    """Read the gradebook, the graded notebooks and the statuses (status.py)."""
    from nbgrader.api import Gradebook

    course_root = Path(course_root)
    url = existing_gradebook_url(course_root)
    report = Report(questions=[], totals={}, max_totals={}, status={})
    if url is None:
        return report
    with Gradebook(url) as gb:
        statuses = all_statuses(course_root, gb)
        students = [s.id for s in gb.students]
        for assignment in gb.assignments:
            questions = _questions(gb, assignment)
            report.max_totals[assignment.name] = float(assignment.max_score)
            report.totals[assignment.name] = {}
            for student in students:
                key = (assignment.name, student)
                state = statuses[key]
                report.status[key] = (state.status, state.reason)
                if state.status not in (GRADED, AWAITING):
                    continue
                if state.status == GRADED:
                    report.totals[assignment.name][student] = float(state.score)
                else:
                    report.marked_so_far[key] = float(state.marked_so_far or 0.0)
                submission = gb.find_submission(assignment.name, student)
                # a mark still waiting for a trainer is not counted yet
                grades = {
                    g.name: (None if g.needs_manual_grade else g.score)
                    for nb in submission.notebooks
                    for g in nb.grades
                }
                answers = {}
                for nb in submission.notebooks:
                    answers.update(
                        _answers_in(
                            course_root
                            / "autograded"
                            / student
                            / assignment.name
                            / f"{nb.name}.ipynb"
                        )
                    )
                for question in questions:
                    if grades.get(question.grade_id) is not None:
                        question.scores[student] = float(grades[question.grade_id])
                    elif question.grade_id in grades:
                        question.awaiting.add(student)
                    given = answers.get(question.answer_cell) if question.answer_cell else None
                    if given is None or not answered(question.cell_type, question.released, given):
                        continue
                    question.answered.add(student)
                    if question.cell_type == "code" and question.answer_name:
                        read = read_answers(given, [question.answer_name])
                        value = read.values.get(question.answer_name)
                        question.answers[student] = None if read.problem else value
            report.questions += questions
    return report


# -- the figures ------------------------------------------------------------------------------


def share_full_marks(question: Question) -> float | None:
    if not question.scores:
        return None
    return sum(s >= question.max_score for s in question.scores.values()) / len(question.scores)


def discrimination(question: Question, totals: dict[str, float]) -> float | None:
    """Upper-lower index on the item's score fraction, groups of 27% by total score."""
    trainees = [t for t in question.scores if t in totals]
    if len(trainees) < DISCRIMINATION_MIN or not question.max_score:
        return None
    ranked = sorted(trainees, key=lambda t: (totals[t], t))
    size = max(1, round(len(ranked) * 0.27))
    lower, upper = ranked[:size], ranked[-size:]
    mean = lambda group: sum(question.scores[t] / question.max_score for t in group) / len(group)  # noqa: E731
    return round(mean(upper) - mean(lower), 3)


def _normalise(value):
    """Answers as the grader compares them: letters in capitals, words in lower case."""
    if isinstance(value, (set, frozenset, list, tuple)):
        return {str(v).strip().upper() for v in value}
    if isinstance(value, str):
        text = value.strip()
        return text.upper() if len(text) == 1 else text.lower()
    return value


def missed_options(question: Question) -> list[dict]:
    """For a question with a known right answer: each right option missed, and each wrong
    option chosen, with how many trainees did so (among the answers the grader could read);
    `answered` is the same count as in questions.csv."""
    if question.correct is None or not question.answered:
        return []
    rows = []
    given = {t: question.answers.get(t) for t in question.answered}
    if isinstance(question.correct, set):
        correct = {c.upper() for c in question.correct}
        missed, wrong = Counter(), Counter()
        for value in given.values():
            chosen = _normalise(value)
            if not isinstance(chosen, set):
                continue  # not readable as options: it says nothing about which were missed
            missed.update(correct - chosen)
            wrong.update(chosen - correct)
        for option, count in missed.most_common():
            rows.append({"kind": "missed", "option": option, "count": count})
        for option, count in wrong.most_common():
            rows.append({"kind": "chosen but wrong", "option": option, "count": count})
    else:
        chosen = Counter(
            str(_normalise(v))
            for v in given.values()
            if v is not None and _normalise(v) != _normalise(question.correct)
        )
        for option, count in chosen.most_common():
            rows.append({"kind": "chosen but wrong", "option": option, "count": count})
    for row in rows:
        row["text"] = question.options.get(row["option"], row["option"])
        row.update(
            assignment=question.assignment,
            question=question.grade_id,
            answered=len(question.answered),
        )
    return rows


def _histogram(assignment: str, totals: list[float], maximum: float) -> tuple[str, str]:
    figure = Figure(figsize=(6.5, 3.2), layout="constrained")
    axes = figure.subplots()
    bins = [i * maximum / 10 for i in range(11)] if maximum else [0, 1]
    counts, edges, _ = axes.hist(totals, bins=bins, color=OKABE_ITO[0], edgecolor="black")
    axes.set_title(f"Scores on {assignment}")
    axes.set_xlabel(f"Score (out of {maximum:g})")
    axes.set_ylabel("Trainees")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    bands = "; ".join(
        f"{edges[i]:g} to {edges[i + 1]:g}: {int(c)}" for i, c in enumerate(counts) if c
    )
    mean = sum(totals) / len(totals)
    description = (
        f"Histogram of the scores of {len(totals)} graded trainees on {assignment}, out of "
        f"{maximum:g}. Mean {mean:.1f}; lowest {min(totals):g}; highest {max(totals):g}. "
        f"Trainees per band: {bands}."
    )
    return base64.b64encode(buffer.getvalue()).decode("ascii"), description


# -- writing ----------------------------------------------------------------------------------


def _write_csv(path: Path, fields: list[str], rows: list[dict]) -> None:
    write_csv(path, fields, rows)  # text cells made safe to open in a spreadsheet


def question_rows(report: Report) -> list[dict]:
    rows = []
    for q in report.questions:
        share = share_full_marks(q)
        index = discrimination(q, report.totals.get(q.assignment, {}))
        rows.append(
            {
                "assignment": q.assignment,
                "question": q.grade_id,
                "max_points": q.max_score,
                "answered": len(q.answered),
                "awaiting_marking": len(q.awaiting),
                "share_full_marks": "" if share is None else round(share, 3),
                "mean_points": ""
                if not q.scores
                else round(sum(q.scores.values()) / len(q.scores), 3),
                "discrimination": "" if index is None else index,
            }
        )
    return rows


def score_rows(report: Report) -> list[dict]:
    rows = []
    for (assignment, student), (status, reason) in sorted(report.status.items()):
        score = report.totals.get(assignment, {}).get(student)
        so_far = report.marked_so_far.get((assignment, student))
        rows.append(
            {
                "assignment": assignment,
                "student_id": student,
                "status": status,
                "reason": reason,
                "score": "" if score is None else score,
                "max_score": report.max_totals[assignment],
                "marked_so_far": "" if so_far is None else so_far,
            }
        )
    return rows


def write_report(report: Report, folder: Path) -> Path:
    """CSV files and a Markdown report (charts with descriptions) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    questions = question_rows(report)
    scores = score_rows(report)
    missed = [row for q in report.questions for row in missed_options(q)]
    _write_csv(folder / "questions.csv", list(QUESTION_FIELDS), questions)
    _write_csv(folder / "scores.csv", list(SCORE_FIELDS), scores)
    _write_csv(folder / "missed.csv", list(MISSED_FIELDS), missed)

    lines = ["# Cohort report", ""]
    if report.empty:
        lines += [
            "No graded submissions yet. Grade the cohort (`grade-cohort --all`), then run "
            "`cohort-report` again.",
            "",
        ]
    for assignment, totals in sorted(report.totals.items()):
        statuses = Counter(s for (a, _), (s, _r) in report.status.items() if a == assignment)
        lines += [
            f"## {assignment}",
            "",
            f"Graded: {statuses['graded']}; awaiting marking: {statuses['awaiting marking']}; "
            f"not graded: {statuses['not graded']}; no submission: {statuses['no submission']}.",
            "",
        ]
        waiting = sorted(
            (student, reason)
            for (a, student), (s, reason) in report.status.items()
            if a == assignment and s == AWAITING
        )
        if waiting:
            lines += [
                "Still to mark (their scores are not final, so they are not in the chart):",
                "",
                *[f"- {who}: {reason.removeprefix('to mark: ')}" for who, reason in waiting],
                "",
            ]
        if totals:
            image, description = _histogram(
                assignment, list(totals.values()), report.max_totals[assignment]
            )
            lines += [
                f'<img src="data:image/png;base64,{image}" alt="{html.escape(description)}">',
                "",
                f"*{description}*",
                "",
            ]
        lines += [
            "| Question | Points | Answered | Awaiting marking | Full marks | Discrimination |",
            "|---|---|---|---|---|---|",
        ]
        for row in (r for r in questions if r["assignment"] == assignment):
            share = (
                "no answers" if row["share_full_marks"] == "" else f"{row['share_full_marks']:.0%}"
            )
            index = "too few trainees" if row["discrimination"] == "" else row["discrimination"]
            lines.append(
                f"| {row['question']} | {row['max_points']:g} | {row['answered']} | "
                f"{row['awaiting_marking']} | {share} | {index} |"
            )
        mine = [m for m in missed if m["assignment"] == assignment]
        if mine:
            lines += ["", "Most often missed or wrongly chosen:", ""]
            lines += [
                f"- {m['question']}: {m['kind']} {markdown_literal(m['text'])} "
                f"by {m['count']} of {m['answered']}"
                for m in mine[:15]
            ]
        lines.append("")
    path = folder / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


QUESTION_FIELDS = (
    "assignment",
    "question",
    "max_points",
    "answered",
    "awaiting_marking",
    "share_full_marks",
    "mean_points",
    "discrimination",
)
SCORE_FIELDS = (
    "assignment",
    "student_id",
    "status",
    "reason",
    "score",
    "max_score",
    "marked_so_far",
)
MISSED_FIELDS = ("assignment", "question", "kind", "option", "text", "count", "answered")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cohort-report", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="reports", help="folder for the report (default: reports)")
    args = parser.parse_args(argv)
    root = Path.cwd()
    if not (root / "nbgrader_config.py").is_file():
        parser.error("run cohort-report from the course folder, where nbgrader_config.py is")
    report = build_report(root)
    path = write_report(report, root / args.out)
    graded = sum(len(t) for t in report.totals.values())
    waiting = sum(s == AWAITING for s, _ in report.status.values())
    print(
        f"Cohort report for {graded} graded submission(s) written to {path.parent}/ "
        "(report.md, questions.csv, scores.csv, missed.csv)."
    )
    if waiting:
        print(
            f"{waiting} submission(s) are awaiting marking: their written answers are not "
            "counted until a trainer marks them (see scores.csv)."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
