"""Did a trainee answer a question? One definition for every figure the course reports.

A question counts as answered when the trainee changed its answer from the released value:

- an auto-marked answer (`answer_q1 = None`): the value the grader reads differs from the
  released one, or the cell holds something the grader cannot read (an attempt, which the
  grader refuses with a reason and scores zero). A changed comment alone is not an answer;
- a written answer: the cell holds text other than the released prompt (ignoring spaces).

A question left as released is not answered, even though it is graded (as zero).
"""

from __future__ import annotations

from .autograde import inert_markdown
from .literal_answers import declared_names, read_answers


def _words(text: str) -> str:
    return " ".join((text or "").split())


def written_answered(released: str, submitted: str | None) -> bool:
    """A written answer counts when it holds text other than the released prompt. The graded
    notebook keeps the text made inert for the browser, so both forms of the prompt match."""
    text = _words(submitted or "")
    return bool(text) and text not in {_words(released), _words(inert_markdown(released or ""))}


def code_answered(released: str, submitted: str | None) -> bool:
    """An auto-marked answer counts when its value differs from the released one, or when
    the cell cannot be read as values (an attempt the grader refused)."""
    if submitted is None:
        return False
    names = declared_names(released)
    if not names:
        return _words(submitted) != _words(released)
    before = read_answers(released, names)
    after = read_answers(submitted, names)
    if after.problem:
        return True
    return any(after.values.get(n) != before.values.get(n) for n in names)


def answered(cell_type: str, released: str, submitted: str | None) -> bool:
    """The one test used everywhere: cell type, released source and the trainee's source."""
    if cell_type == "markdown":
        return written_answered(released, submitted)
    return code_answered(released, submitted)
