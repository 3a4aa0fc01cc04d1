"""Self-check questions: one answer (radio buttons) or several (tick boxes). After Check, the
feedback says why for every option, not only the right one, and cites the source."""

from __future__ import annotations

from html import escape

import ipywidgets as w

from .. import content
from ..content import SelfCheck
from ..progress import record_check_result
from ..scoring import compare_selection
from ._feedback import feedback_html, html_to_text
from .controls import Button, CourseBox, LiveRegion, RadioGroup, TickBoxGroup
from .progress import progress_note_html


class SelfCheckWidget(CourseBox):
    """A question (the legend of its group of options), a Check button and a feedback area."""

    plain_text = "A self-check question: run this cell to answer it."

    def __init__(self, question: SelfCheck):
        self.question = question
        # shown as the legend of the group of options; kept here for code that reads it
        self.prompt = w.HTML(value=f"<p><strong>{escape(question.prompt)}</strong></p>")
        labels = [(f"{key}. {text}", key) for key, text in question.options.items()]
        if question.multiple:
            choice_box = TickBoxGroup(options=labels, description=question.prompt)
            self.choices = list(choice_box.boxes)
        else:
            self.choices = RadioGroup(options=labels, value=None, description=question.prompt)
            choice_box = self.choices
        self.check_button = Button(description="Check my answer", tooltip="Check my answer")
        self.feedback = LiveRegion()
        self.progress_note = w.HTML(value="")  # only if the answer could not be saved
        self.check_button.on_click(lambda _button: self.check())
        super().__init__(
            [
                choice_box,
                self.check_button,
                self.feedback,
                self.progress_note,
            ]
        )
        self.add_class("sc-self-check")

    @property
    def selected(self) -> frozenset[str]:
        """The option keys the learner has chosen."""
        if self.question.multiple:
            keys = list(self.question.options)
            return frozenset(key for key, box in zip(keys, self.choices, strict=True) if box.value)
        return frozenset() if self.choices.value is None else frozenset({self.choices.value})

    @property
    def feedback_text(self) -> str:
        return html_to_text(self.feedback.value)

    def option_reasons(self) -> list[str]:
        return option_reason_lines(self.question, self.selected)

    def check(self) -> bool:
        """Show feedback for the current choice; return whether it was right."""
        q = self.question
        if not self.selected:
            self.feedback.value = (
                '<div class="sc-feedback"><p>Choose an answer first, '
                "then press Check my answer.</p></div>"
            )
            return False
        result = compare_selection(self.selected, q.correct)
        if result.all_right:
            verdict = "Correct."
            details = []
        elif q.multiple:
            verdict = "Not quite."
            details = []
            if result.missed:
                details.append("You did not choose: " + ", ".join(sorted(result.missed)) + ".")
            if result.wrong:
                details.append("These are not right: " + ", ".join(sorted(result.wrong)) + ".")
        else:
            verdict = "Not quite."
            details = [f"The best answer is {q.correct[0]}."]
        self.feedback.value = feedback_html(
            verdict,
            [*details, "Why, option by option:", *self.option_reasons(), q.explanation],
            q.sources,
        )
        self.progress_note.value = progress_note_html(
            record_check_result(q.id, result.all_right, kind="self_check", module=q.module)
        )
        return result.all_right


def option_reason_lines(question: SelfCheck, selected) -> list[str]:
    """One line per option, after an attempt: whether it is right, whether the learner chose
    it, and the reason for that option (so a wrong choice is explained, not only named)."""
    lines = []
    for key in question.options:
        right = "right" if key in question.correct else "not right"
        chosen = ", your choice" if key in selected else ""
        lines.append(f"{key} ({right}{chosen}): {question.reasons[key]}")
    return lines


def self_check(question_id: str) -> SelfCheckWidget:
    """The self-check with this id from the content data."""
    return SelfCheckWidget(content.self_check(question_id))
