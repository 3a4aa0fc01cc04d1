"""The scenario player: work through a fictional branching case, one decision at a time.

Each choice gets feedback straight away: its quality in words ("Good practice",
"Acceptable, but...", "Unsafe"), the practice reason, and the sources with the date each was
checked. At an ending the player shows what happened, then "what went well" and "what to do
differently", built from the choices the learner actually made (so an unsafe choice is never
praised), the case's points to take away, and the learner's path, each decision with its
quality. Last come the advice and the routes the case draws on (its `ending_facts` and
`ending_routes`), read from the content data: they state the case's answers, so, like the
debrief, they are shown only at an ending, never before.

Scenario text never types a phone number: it writes `{{route_id}}` and the player shows the
number from the routes data, so a number changed there is changed everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

import ipywidgets as w

from .. import content
from ..content import Choice, Scenario, ScenarioNode
from ._feedback import feedback_html, html_to_text
from .controls import Button, CourseBox, LiveRegion

VERDICTS = {
    "best": "Good practice.",
    "acceptable": "Acceptable, but there is a better step.",
    "unsafe": "Unsafe.",
}
"""The quality of a choice, said in words (never colour alone)."""

SHORT_VERDICTS = {
    "best": "Good practice",
    "acceptable": "Acceptable, but not the best step",
    "unsafe": "Unsafe",
}

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z0-9_]+)\s*\}\}")


def fill_routes(text: str) -> str:
    """Replace each `{{route_id}}` with that route's first contact (a phone number)."""
    return _PLACEHOLDER.sub(lambda m: content.route(m.group(1)).contact[0].value, text)


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(part.strip())}</p>" for part in text.split("\n\n") if part.strip())


@dataclass(frozen=True)
class Step:
    """One decision on the learner's path: where they were and what they chose."""

    node_id: str
    choice: Choice

    @property
    def label(self) -> str:
        return fill_routes(self.choice.label)

    @property
    def quality(self) -> str:
        return self.choice.quality


class ScenarioPlayer(CourseBox):
    """A branching case: the current situation, one button per choice, feedback on the choice
    just made, the path so far, and a Start again button."""

    plain_text = "A branching case scenario: run this cell to play it."

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.header = w.HTML(
            value=(
                f"<p><strong>{escape(scenario.title)}</strong> "
                f"(a fictional case, set in {escape(scenario.nation)})</p>"
                f"<p>{escape(scenario.summary)}</p>"
                "<p>Read each situation and choose what you would do. After each choice you "
                "see feedback on it. There is no score: try again to explore other routes.</p>"
            )
        )
        self.feedback = LiveRegion()
        self.situation = w.HTML(value="")
        self.choices_box = w.VBox([])
        self.summary = w.HTML(value="")
        self.history = w.HTML(value="")
        self.restart_button = Button(
            description="Start again", tooltip="Start this case again from the beginning"
        )
        self.restart_button.on_click(lambda _button: self.restart())
        self.choice_buttons: list[Button] = []
        self.node_id = scenario.start
        self._path: list[Step] = []
        super().__init__(
            [
                self.header,
                self.feedback,
                self.situation,
                self.choices_box,
                self.summary,
                self.history,
                self.restart_button,
            ]
        )
        self.add_class("sc-scenario")
        self._show_node()

    # -- what a test (or a screen reader) reads ---------------------------------------------

    @property
    def path(self) -> tuple[Step, ...]:
        """The decisions made so far, in order."""
        return tuple(self._path)

    @property
    def node(self) -> ScenarioNode:
        """The situation the learner is in now."""
        return self.scenario.nodes[self.node_id]

    @property
    def at_ending(self) -> bool:
        return bool(self.node.ending)

    @property
    def situation_text(self) -> str:
        return html_to_text(self.situation.value)

    @property
    def feedback_text(self) -> str:
        return html_to_text(self.feedback.value)

    @property
    def summary_text(self) -> str:
        return html_to_text(self.summary.value)

    @property
    def history_text(self) -> str:
        return html_to_text(self.history.value)

    # -- actions ------------------------------------------------------------------------------

    def choose(self, index: int) -> None:
        """Make choice `index` at the current node: show its feedback and move on."""
        if self.at_ending:
            return
        choice = self.node.choices[index]
        self._path.append(Step(self.node_id, choice))
        self.feedback.value = feedback_html(
            VERDICTS[choice.quality],
            [f"You chose: {fill_routes(choice.label)}", fill_routes(choice.feedback)],
            choice.sources,
        )
        self.node_id = choice.next
        self._show_node()
        # keep keyboard users in place: focus the first new choice, or Start again at the end
        (self.choice_buttons[0] if self.choice_buttons else self.restart_button).focus()

    def restart(self) -> None:
        """Go back to the start, with no feedback and an empty path."""
        self._path.clear()
        self.node_id = self.scenario.start
        self.feedback.value = ""
        self._show_node()

    # -- drawing --------------------------------------------------------------------------------

    def _on_click(self, node_id: str, index: int) -> None:
        if node_id == self.node_id:  # a button from an earlier situation does nothing
            self.choose(index)

    def _show_node(self) -> None:
        node = self.node
        heading = "Outcome" if node.ending else f"Decision {len(self._path) + 1}"
        self.situation.value = (
            f"<div class='sc-situation'><p><strong>{heading}</strong></p>"
            f"{_paragraphs(fill_routes(node.text))}</div>"
        )
        for button in self.choice_buttons:
            button.close()
        self.choice_buttons = []
        for index, choice in enumerate(node.choices):
            label = fill_routes(choice.label)
            button = Button(description=label, tooltip=label)
            button.add_class("sc-choice")
            button.on_click(lambda _b, node_id=self.node_id, i=index: self._on_click(node_id, i))
            self.choice_buttons.append(button)
        prompt = [w.HTML(value="<p>What would you do? Choose one:</p>")] if node.choices else []
        self.choices_box.children = [*prompt, *self.choice_buttons]
        if node.ending:
            self.summary.value = self._summary_html()
            self.history.value = ""
        else:
            self.summary.value = ""
            self.history.value = self._history_html()

    def _steps_html(self) -> str:
        items = "".join(
            f"<li><strong>{SHORT_VERDICTS[step.quality]}:</strong> {escape(step.label)}</li>"
            for step in self._path
        )
        return f"<ol>{items}</ol>"

    def _history_html(self) -> str:
        if not self._path:
            return ""
        return f"<div class='sc-history'><p>Your path so far:</p>{self._steps_html()}</div>"

    def went_well(self) -> list[str]:
        """What went well on this path: only from good or acceptable choices, never unsafe."""
        return _unique(
            fill_routes(step.choice.went_well)
            for step in self._path
            if step.choice.went_well and step.quality != "unsafe"
        )

    def do_differently(self) -> list[str]:
        """What to do differently on this path: from every acceptable or unsafe choice."""
        return _unique(
            fill_routes(step.choice.do_differently)
            for step in self._path
            if step.choice.do_differently and step.quality != "best"
        )

    def _summary_html(self) -> str:
        counts = {q: sum(step.quality == q for step in self._path) for q in VERDICTS}
        decisions = "decision" if len(self._path) == 1 else "decisions"
        tally = (
            f"You made {len(self._path)} {decisions}: {counts['best']} good practice, "
            f"{counts['acceptable']} acceptable, {counts['unsafe']} unsafe."
        )
        advice = (
            "Look again at the unsafe choices: the feedback on each says why, and what to do "
            "instead."
            if counts["unsafe"]
            else ""
        )
        well = self.went_well() or [
            "No decision on this path was good practice yet. Read the feedback on each, and "
            "try again."
        ]
        differently = self.do_differently() or [
            "Nothing on this path: every decision was good practice."
        ]
        debrief = (
            f"<p>Points to take away from this case:</p>{_list(self.scenario.debrief)}"
            if self.scenario.debrief
            else ""
        )
        draws_on = _draws_on_html(self.scenario)
        return (
            "<div class='sc-summary' role='status'>"
            "<p><strong>End of the case.</strong></p>"
            f"<p>What happened: {escape(fill_routes(self.node.ending or ''))}</p>"
            f"<p>What went well:</p>{_list(well)}"
            f"<p>What to do differently:</p>{_list(differently)}"
            f"{debrief}"
            f"{draws_on}"
            f"<p>Your path:</p>{self._steps_html()}"
            f"<p>{tally} {advice}</p>"
            "<p>Press Start again to try a different route.</p></div>"
        )


def _unique(items) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def _source_items(source_ids) -> str:
    return "".join(
        f'<li>{escape(src.publisher)}, <a href="{escape(src.url)}" target="_blank" '
        f'rel="noopener">{escape(src.title)}</a> (checked {src.checked:%-d %B %Y})</li>'
        for src in (content.source(source_id) for source_id in source_ids)
    )


def _contact_html(contact) -> str:
    value = escape(contact.value)
    if contact.url:
        value = f'<a href="{escape(contact.url)}" target="_blank" rel="noopener">{value}</a>'
    extras = "; ".join(e for e in (contact.hours, "free" if contact.free else None) if e)
    return f"{escape(contact.method.capitalize())}: {value}" + (
        f" ({escape(extras)})" if extras else ""
    )


def _draws_on_html(scenario: Scenario) -> str:
    """The advice and routes the case draws on, each with its sources (shown at an ending)."""
    if not (scenario.ending_facts or scenario.ending_routes):
        return ""
    facts = "".join(
        f"<li>{escape(item.statement)}<ul>{_source_items(item.sources)}</ul></li>"
        for item in (content.fact(fact_id) for fact_id in scenario.ending_facts)
    )
    routes = "".join(
        f"<li><strong>{escape(r.name)}.</strong> Use it when: {escape(r.use_when)} "
        + "; ".join(_contact_html(c) for c in r.contact)
        + (f". Timescale: {escape(r.timescale)}" if r.timescale else "")
        + f"<ul>{_source_items(r.sources)}</ul></li>"
        for r in (content.route(route_id) for route_id in scenario.ending_routes)
    )
    return (
        "<div class='sc-draws-on'><p>The advice and routes this case draws on:</p>"
        f"<ul>{facts}{routes}</ul></div>"
    )


def _list(items) -> str:
    return "<ul>" + "".join(f"<li>{escape(fill_routes(item))}</li>" for item in items) + "</ul>"


def scenario_player(scenario_id: str) -> ScenarioPlayer:
    """The scenario player for the branching case with this id."""
    return ScenarioPlayer(content.scenario(scenario_id))
