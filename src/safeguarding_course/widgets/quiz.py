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
from .progress import progress_note_html

# ipywidgets gives radio labels one fixed-height line, so a long option overlaps the next one
# and cannot be clicked on a narrow screen; let option labels wrap instead.
WRAP_LONG_OPTIONS = (
    "<style>.sc-self-check .widget-radio-box label, .sc-self-check .widget-checkbox label "
    "{white-space: normal !important; height: auto !important; line-height: 1.35 !important; "
    "margin-bottom: 0.35em !important;}</style>"
)


class SelfCheckWidget(w.VBox):
    """A question, its options, a Check button and a feedback area."""

    def __init__(self, question: SelfCheck):
        self.question = question
        self.prompt = w.HTML(value=f"<p><strong>{escape(question.prompt)}</strong></p>")
        labels = [(f"{key}. {text}", key) for key, text in question.options.items()]
        if question.multiple:
            self.choices = [
                w.Checkbox(
                    value=False, description=label, indent=False, layout=w.Layout(width="auto")
                )
                for label, _ in labels
            ]
            choice_box = w.VBox(self.choices)
        else:
            self.choices = w.RadioButtons(
                options=labels,
                value=None,
                description="Your answer:",
                style={"description_width": "initial"},
                layout=w.Layout(width="auto"),
            )
            choice_box = self.choices
        self.check_button = w.Button(
            description="Check my answer", tooltip="Check my answer", layout=w.Layout(width="auto")
        )
        self.feedback = w.HTML(value="")
        self.progress_note = w.HTML(value="")  # only if the answer could not be saved
        self.check_button.on_click(lambda _button: self.check())
        super().__init__(
            [
                w.HTML(WRAP_LONG_OPTIONS),
                self.prompt,
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
                '<div class="sc-feedback" role="status"><p>Choose an answer first, '
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
