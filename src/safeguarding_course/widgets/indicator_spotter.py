"""The indicator spotter: read a short fictional account, tick the signs it shows, and see,
after Check, why each sign offered is or is not shown in that account, and a debrief."""

from __future__ import annotations

from html import escape

import ipywidgets as w

from .. import content
from ..content import Vignette
from ..progress import record_check_result
from ..scoring import compare_selection
from ._feedback import feedback_html, html_to_text
from .controls import Button, CourseBox, LiveRegion, TickBoxGroup
from .progress import progress_note_html


class IndicatorSpotter(CourseBox):
    plain_text = "An indicator spotter: run this cell to use it."

    def __init__(self, vignette: Vignette):
        self.vignette = vignette
        self.indicator_ids = vignette.offered()
        account = w.HTML(
            value=(
                f"<p><strong>{escape(vignette.title)}</strong> (a fictional account)</p>"
                f"<blockquote>{escape(vignette.text)}</blockquote>"
            )
        )
        group = TickBoxGroup(
            options=[(content.indicator(i).name, i) for i in self.indicator_ids],
            description="Tick each possible sign of grooming that this account shows.",
        )
        self.boxes = dict(zip(self.indicator_ids, group.boxes, strict=True))
        self.check_button = Button(
            description="Check the signs I ticked", tooltip="Check the signs I ticked"
        )
        self.feedback = LiveRegion()
        self.progress_note = w.HTML(value="")  # only if the answer could not be saved
        self.check_button.on_click(lambda _button: self.check())
        super().__init__([account, group, self.check_button, self.feedback, self.progress_note])
        self.add_class("sc-indicator-spotter")

    @property
    def selected(self) -> frozenset[str]:
        return frozenset(i for i, box in self.boxes.items() if box.value)

    @property
    def feedback_text(self) -> str:
        return html_to_text(self.feedback.value)

    def check(self) -> bool:
        """Show, for every sign offered, whether the account shows it and why, then the
        debrief; return whether all was right. Nothing of this is shown before Check."""
        present = {p.indicator: p.evidence for p in self.vignette.present}
        absent = {a.indicator: a.why for a in self.vignette.absent}
        result = compare_selection(self.selected, present)
        name = lambda i: content.indicator(i).name  # noqa: E731
        names = lambda ids: "; ".join(name(i) for i in sorted(ids))  # noqa: E731
        lines = []
        if self.vignette.ordinary:
            if result.all_right:
                lines.append(
                    "You ticked nothing, and that was right: this account shows no sign of "
                    "grooming. Not reading signs into ordinary life is part of the skill."
                )
            else:
                lines.append("This account shows no sign of grooming, so nothing needed a tick.")
        else:
            lines.append(f"You spotted {len(result.hits)} of {len(present)}.")
            if result.missed:
                lines.append("You missed: " + names(result.missed) + ".")
        if result.wrong:
            lines.append("The account does not show: " + names(result.wrong) + ".")
        lines.append("Sign by sign:")
        for i in self.indicator_ids:
            ticked = "you ticked it" if i in self.selected else "you did not tick it"
            if i in present:
                lines.append(f"{name(i)} (a sign here; {ticked}): {present[i]}")
            else:
                lines.append(f"{name(i)} (not shown; {ticked}): {absent[i]}")
        lines.append("Debrief: " + self.vignette.debrief)
        lines.append(
            "Remember: no single sign proves grooming. What matters is the pattern and the "
            "change, and you share your concern rather than investigate."
        )
        verdict = "All correct." if result.all_right else "Some signs to look at again."
        self.feedback.value = feedback_html(verdict, lines, self.vignette.sources)
        self.progress_note.value = progress_note_html(
            record_check_result(
                self.vignette.id, result.all_right, kind="spotter", module=self.vignette.module
            )
        )
        return result.all_right


def indicator_spotter(vignette_id: str) -> IndicatorSpotter:
    """The indicator spotter for the fictional account with this id."""
    return IndicatorSpotter(content.vignette(vignette_id))
