"""The trainee's feedback page, in plain language, made by `nbgrader generate_feedback`.

nbgrader's own feedback is the whole graded notebook as HTML: code prompts, "Test cell",
grade ids, error names, MathJax from a CDN and a contents list whose in-page links blank the
page in JupyterLab's HTML viewer. nbgrader_config.py sets `GenerateFeedback.exporter_class`
to `FeedbackPage`, so `nbgrader generate_feedback` (and formgrader's feedback buttons) write
this page instead. For each question it shows the question, the trainee's answer, the marks,
why, the trainer's comment and what to read again in the course. It shows no code, no hidden
test and no mark scheme, loads nothing from anywhere (no scripts, styles, fonts or images
from elsewhere) and has no links, so it reads the same in Lab's viewer, a browser or on paper.

A written answer that the trainer has not marked yet says so ("still to be marked by your
trainer"), never "0".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from html import escape
from pathlib import Path

import yaml
from nbconvert.exporters import Exporter
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from traitlets import default

from .answered import answered
from .literal_answers import declared_names, read_answers
from .status import QUESTION_HEADING, options_in

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "feedback_read_again.yaml"
MARK_SCHEME = re.compile(r"#+\s*BEGIN MARK SCHEME.*?#+\s*END MARK SCHEME", re.S)
LINK = re.compile(r'<a\b[^>]*?href="([^"]*)"[^>]*>(.*?)</a>', re.S | re.I)
NO_ANSWER = "<p>You did not answer this question.</p>"
IMAGE = re.compile(r"<img\b[^>]*>", re.I)


# -- what to read again ------------------------------------------------------------------------


@cache
def read_again_map(path: Path = DATA_FILE) -> dict[str, dict[str, tuple[str, ...]]]:
    """assessment -> grade id -> section numbers ("1.4"), from the content data."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"{path}: could not be read ({error})") from None
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping of assessment ids")
    found = {}
    for assessment, questions in raw.items():
        if not isinstance(questions, dict):
            raise ValueError(f"{path}: '{assessment}' should map grade ids to section lists")
        found[str(assessment)] = {}
        for grade_id, sections in questions.items():
            if not isinstance(sections, list) or not all(
                isinstance(s, str) and re.fullmatch(r"\d+\.\d+", s) for s in sections
            ):
                raise ValueError(
                    f"{path}: {assessment}.{grade_id} should be a list of section numbers "
                    'such as ["1.4"]'
                )
            found[str(assessment)][str(grade_id)] = tuple(sections)
    return found


@cache
def course_sections() -> dict[str, tuple[str, str, str]]:
    """'1.4' -> (module number, module title, section title), from the course notebooks."""
    from ..progress import course_modules

    return {
        number: (module.number, module.title, title)
        for module in course_modules().values()
        for number, title in module.sections
    }


def read_again(assessment: str, grade_ids: list[str]) -> list[str]:
    """Plain sentences: 'Module 1, Understanding online grooming: section 1.4, Signs ...'."""
    numbers: list[str] = []
    for grade_id in grade_ids:
        for number in read_again_map().get(assessment, {}).get(grade_id, ()):
            if number not in numbers:
                numbers.append(number)
    sections = course_sections()
    lines = []
    for number in numbers:
        if number in sections:
            module, module_title, title = sections[number]
            lines.append(f"Module {module}, {module_title}: section {number}, {title}.")
        else:
            lines.append(f"Section {number} of the course.")
    if not lines:
        module = assessment[:2]
        from ..progress import course_modules

        found = course_modules().get(module)
        if found:
            lines.append(f"Module {int(module)}, {found.title}.")
    return lines


# -- one question, as the page shows it ---------------------------------------------------------


@dataclass
class QuestionFeedback:
    title: str  # "Question 3"
    text_html: str = ""
    shows_chart: bool = False
    written: bool = False
    answered: bool = False
    answer_html: str = ""
    problem: str = ""  # why an auto-marked answer could not be read
    format_error: str = ""  # what the answer-format check said
    overridden: bool = False  # a trainer set the mark of an auto-marked question
    marks: float = 0.0
    points: float = 0.0
    to_mark: bool = False
    why: str = ""
    comments: list[str] = field(default_factory=list)
    read_again: list[str] = field(default_factory=list)
    grade_ids: list[str] = field(default_factory=list)


def _plain_links(html: str) -> str:
    """No live links or images: a link becomes its text (and its address, if different)."""

    def text(match: re.Match) -> str:
        href, label = match.group(1), match.group(2)
        return label if label.strip() == href.strip() else f"{label} ({escape(href)})"

    return IMAGE.sub("", LINK.sub(text, html))


def _markdown(text: str) -> str:
    return _plain_links(markdown2html_mistune(text))


def _question_text(source: str) -> str:
    """The question as the trainee read it: no heading (the page has its own), no mark scheme."""
    source = MARK_SCHEME.sub("", source)
    return QUESTION_HEADING.sub("", source, count=1).lstrip("\n")


def _points(value: float) -> str:
    return f"{float(value):g}"


def _marks_phrase(marks: float, points: float) -> str:
    return f"{_points(marks)} of {_points(points)} mark{'s' * (points != 1)}"


def _describe_value(value, options: dict[str, str]) -> str:
    """An answer value in words, with the option's text where the question listed options."""

    def one(item) -> str:
        text = str(item).strip()
        key = text.upper()
        if key in options:
            return f"{escape(key)}. {escape(options[key])}"
        return escape(_route_name(text))

    if isinstance(value, (set, frozenset, list, tuple)):
        items = sorted(value, key=lambda v: str(v).upper())
        if not items:
            return "<p>No options chosen.</p>"
        return "<ul>" + "".join(f"<li>{one(v)}</li>" for v in items) + "</ul>"
    return f"<p>{one(value)}</p>"


def _route_name(text: str) -> str:
    """A route id answer with the route's name: 'report_remove (Report Remove)'."""
    try:
        from .. import content

        return f"{text} ({content.route(text).name})"
    except Exception:  # not a route id, or no content data: the answer as written
        return text


def _stream(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


def _format_error(cell) -> str:
    for output in cell.get("outputs", []):
        if output.output_type == "error" and output.get("ename") == "AnswerFormatError":
            return str(output.get("evalue", "")).strip()
    return ""


class _Grades:
    """The marks, flags and comments of one submitted notebook, from the gradebook."""

    def __init__(self, resources):
        from nbgrader.api import Gradebook

        info = resources["nbgrader"]
        self.grades, self.comments, self.released = {}, {}, {}
        self.submitted_at = ""
        with Gradebook(info["db_url"]) as gb:
            notebook = gb.find_submission_notebook(
                info["notebook"], info["assignment"], info["student"]
            )
            for grade in notebook.grades:
                self.grades[grade.name] = (
                    float(grade.score or 0.0),
                    float(grade.max_score or 0.0),
                    bool(grade.needs_manual_grade),
                    grade.manual_score is not None,
                )
            for comment in notebook.comments:
                if comment.manual_comment and comment.manual_comment.strip():
                    self.comments[comment.name] = comment.manual_comment.strip()
            for cell in notebook.notebook.source_cells:
                self.released[cell.name] = cell.source or ""
            stamp = notebook.assignment.timestamp
            self.submitted_at = f"{stamp:%-d %B %Y}" if stamp else ""


def _answer(q: QuestionFeedback, cell, released: str, options: dict[str, str]) -> None:
    """Record the trainee's answer cell: the answer in words, and whether it counts."""
    q.answered = q.answered or answered(cell.cell_type, released, cell.source)
    if cell.cell_type == "markdown":
        q.written = True
        q.answer_html = (
            _markdown(cell.source) if q.answered else "<p>You did not write an answer.</p>"
        )
        return
    names = declared_names(released)
    read = read_answers(cell.source, names)
    stream = _stream(cell)
    q.problem = stream.split("Not marked:", 1)[1].strip() if "Not marked:" in stream else ""
    q.problem = q.problem or (read.problem or "")
    if not q.answered:
        q.answer_html = "<p>You did not answer this question.</p>"
    elif q.problem:
        q.answer_html = "<p>Your answer could not be read as a value.</p>"
    else:
        q.answer_html = _describe_value(read.values.get(names[0]) if names else None, options)


def _why(q: QuestionFeedback) -> str:
    """Why the question earned its marks, in plain words (never a test's code or an error)."""
    if q.to_mark:
        return (
            "Your trainer has not marked this answer yet. Your feedback will show the mark "
            "once they have."
        )
    if not q.answered:
        return "You did not answer this question, so it earned no marks."
    if q.written:
        return "Marked by your trainer against the assessment's mark scheme."
    if q.overridden:
        return "Your trainer reviewed this answer and set its mark."
    if q.problem:
        return f"Your answer could not be marked: {q.problem}"
    if q.format_error:
        return f"Your answer was not in the form the question asks for. {q.format_error}"
    if q.marks >= q.points:
        return "Right: full marks."
    if q.marks > 0:
        return (
            f"Partly right: {_marks_phrase(q.marks, q.points)}. Some of what you chose fits, "
            "but something is missing or does not fit."
        )
    return "Not right this time. Read the section below again, then look at the question afresh."


def build_feedback(nb, resources) -> list[QuestionFeedback]:
    """Walk the graded notebook and gather each question's feedback."""
    grades = _Grades(resources)
    resources["nbgrader"].setdefault("submitted", grades.submitted_at)
    questions: list[QuestionFeedback] = []
    current: QuestionFeedback | None = None
    options: dict[str, str] = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id", "")
        if cell.cell_type == "markdown" and not meta.get("solution"):
            text = MARK_SCHEME.sub("", cell.source)
            heading = QUESTION_HEADING.search(text)
            if heading:
                current = QuestionFeedback(title=" ".join(heading.group(1).split()))
                questions.append(current)
                options = {}
                current.text_html = _markdown(_question_text(text))
            elif current is not None and not current.grade_ids:
                current.text_html += _markdown(text)
            options.update(options_in(text))
            continue
        if current is None:
            continue
        if cell.cell_type == "code" and not meta.get("solution") and not meta.get("grade"):
            current.shows_chart = current.shows_chart or not current.grade_ids
            continue
        if meta.get("solution"):
            _answer(current, cell, grades.released.get(grade_id, ""), options)
            if grade_id in grades.comments:
                current.comments.append(grades.comments[grade_id])
        if meta.get("grade") and grade_id in grades.grades:
            score, points, pending, overridden = grades.grades[grade_id]
            current.grade_ids.append(grade_id)
            current.points += points
            current.to_mark = current.to_mark or pending
            current.marks += 0.0 if pending else score
            if cell.cell_type == "code" and not meta.get("solution"):
                current.format_error = current.format_error or _format_error(cell)
                current.overridden = current.overridden or overridden
    questions = [q for q in questions if q.grade_ids]
    for q in questions:
        q.why = _why(q)
        q.read_again = read_again(resources["nbgrader"]["assignment"], q.grade_ids)
    return questions


# -- the page -----------------------------------------------------------------------------------

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; line-height: 1.5;
       color: #111; background: #fff; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; border-top: 1px solid #777;
     padding-top: 1rem; margin-top: 2rem; } h3 { font-size: 1.05rem; margin: 1rem 0 0.2rem; }
.question { border-left: 4px solid #555; padding: 0.1rem 0.9rem; background: #f4f4f4; }
.answer { border-left: 4px solid #0b5394; padding: 0.1rem 0.9rem; }
.comment { border-left: 4px solid #38761d; padding: 0.1rem 0.9rem; white-space: pre-wrap; }
.to-mark { font-weight: bold; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #555; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
@page { margin: 2cm; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; }
  section { break-inside: avoid-page; } }
"""


def _title(nb, assessment: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found = re.search(r"^#\s+(.+?)\s*$", cell.source, re.M)
            if found:
                return found.group(1)
    return assessment.replace("_", " ")


def render_page(nb, resources, questions: list[QuestionFeedback]) -> str:
    info = resources["nbgrader"]
    title = _title(nb, info["assignment"])
    total = sum(q.points for q in questions)
    marked = sum(q.marks for q in questions if not q.to_mark)
    waiting = sum(q.points for q in questions if q.to_mark)
    penalty = float(info.get("late_penalty") or 0.0)
    if waiting:
        summary = (
            f"Marked so far: {_points(marked - penalty)} of the {_points(total - waiting)} marks "
            f"already marked. {_points(waiting)} more mark{'s' * (waiting != 1)} "
            f"{'are' if waiting != 1 else 'is'} for written answers that your trainer has not "
            f"marked yet, so your final score is not known yet (it will be out of "
            f"{_points(total)})."
        )
    else:
        score = max(0.0, marked - penalty)
        percent = f" ({score / total:.0%})" if total else ""
        summary = f"Your score: {_points(score)} of {_points(total)}{percent}."
    rows = "".join(
        f'<tr><th scope="row">{escape(q.title)}</th><td>'
        + (
            f'<span class="to-mark">still to be marked by your trainer</span> '
            f"(out of {_points(q.points)})"
            if q.to_mark
            else escape(_marks_phrase(q.marks, q.points))
        )
        + "</td></tr>"
        for q in questions
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Your feedback: {escape(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>Your feedback: {escape(title)}</h1>",
        f"<p>Feedback for {escape(info['student'])}"
        + (
            f", on the assessment you handed in on {escape(info['submitted'])}"
            if info.get("submitted")
            else ""
        )
        + ".</p>",
        '<section aria-labelledby="summary">',
        '<h2 id="summary">Your marks</h2>',
        f"<p>{escape(summary)}</p>",
    ]
    if penalty:
        parts.append(f"<p>{escape(_points(penalty))} marks were taken off because it was late.</p>")
    parts += [
        "<table><caption>Marks for each question</caption>"
        '<thead><tr><th scope="col">Question</th><th scope="col">Marks</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>",
        "</section>",
    ]
    for index, q in enumerate(questions, start=1):
        marks = (
            '<p class="to-mark">Still to be marked by your trainer '
            f"(out of {_points(q.points)}).</p>"
            if q.to_mark
            else f"<p>{escape(_marks_phrase(q.marks, q.points))}</p>"
        )
        chart = (
            "<p><em>In the assessment, this question shows a chart made from the course's "
            "data.</em></p>"
            if q.shows_chart
            else ""
        )
        comments = (
            "".join(f'<div class="comment">{escape(c)}</div>' for c in q.comments)
            if q.comments
            else "<p>No comment.</p>"
        )
        read = "".join(f"<li>{escape(line)}</li>" for line in q.read_again)
        parts += [
            f'<section aria-labelledby="q{index}">',
            f'<h2 id="q{index}">{escape(q.title)}</h2>',
            f'<div class="question">{q.text_html}{chart}</div>',
            "<h3>Your answer</h3>",
            f'<div class="answer">{q.answer_html or NO_ANSWER}</div>',
            "<h3>Marks</h3>",
            marks,
            "<h3>Why</h3>",
            f"<p>{escape(q.why)}</p>",
            "<h3>Your trainer's comment</h3>",
            comments,
            "<h3>To read again</h3>",
            f"<ul>{read}</ul>" if read else "<p>The module this assessment goes with.</p>",
            "</section>",
        ]
    made = dt.datetime.now(dt.UTC).astimezone()
    parts += [
        "<section aria-labelledby='support'>",
        "<h2 id='support'>If this work has affected you</h2>",
        "<p>Talk to your supervisor or tutor. Your local safeguarding procedures, your "
        "supervisor and your designated safeguarding lead always come first.</p>",
        "</section>",
        f"<p><small>Page made on {made:%-d %B %Y}. To keep a copy, use your browser's Print "
        "command.</small></p>",
        "</main>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


class FeedbackPage(Exporter):
    """nbconvert exporter for `nbgrader generate_feedback`: the course's plain feedback page."""

    output_mimetype = "text/html"
    export_from_notebook = None  # not offered as a general nbconvert format

    @default("file_extension")
    def _file_extension_default(self):
        return ".html"

    def from_notebook_node(self, nb, resources=None, **kw):
        nb, resources = super().from_notebook_node(nb, resources, **kw)
        questions = build_feedback(nb, resources)
        resources["output_extension"] = ".html"
        return render_page(nb, resources, questions), resources
