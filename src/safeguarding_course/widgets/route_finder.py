"""The route finder: answer a few questions about a concern, press "Show the routes", and read
the routes to use, in order, with contact details, timescales, what to include in a referral,
the nation's own terms and the sources (with the date each was checked).

The questions and rules are data (`data/route_finder.yaml`); the logic is
`safeguarding_course.routing`. Each question's control is an attribute named after the question
(`finder.nation`, `finder.concern`...), a `RadioGroup`, so a test can set `.value`, press
`finder.show_button.click()` and read `finder.result_text`. No answer is preselected, and a
question that does not apply to the answers so far (its `ask_when`) is hidden.
"""

from __future__ import annotations

from html import escape

import ipywidgets as w
from IPython.display import Markdown

from .. import content, routing
from ..routing import MissingAnswersError, RouteFinder, RouteStep
from ._feedback import html_to_text
from .controls import Button, CourseBox, LiveRegion, RadioGroup

INTRO = (
    "<p>Answer each question about the concern, then press <strong>Show the routes</strong>. "
    "The routes appear in the order to use them. This is a guide for learning: your local "
    "procedures, your supervisor and your designated safeguarding lead always come first.</p>"
)
CHANGED = (
    '<div class="sc-feedback"><p>Your answers have changed. '
    "Press <strong>Show the routes</strong> to see the routes for them.</p></div>"
)


def _contact_html(contact) -> str:
    value = escape(contact.value)
    if contact.url:
        value = (
            f'<a href="{escape(contact.url)}" target="_blank" rel="noopener">{value}</a> '
            f"({escape(contact.url)})"
        )
    extras = [escape(e) for e in (contact.hours, "free" if contact.free else None) if e]
    extra = f" ({'; '.join(extras)})" if extras else ""
    return f"<li>{escape(contact.method.capitalize())}: {value}{extra}</li>"


def _sources_html(source_ids) -> str:
    items = "".join(
        f'<li>{escape(s.publisher)}, <a href="{escape(s.url)}" target="_blank" rel="noopener">'
        f"{escape(s.title)}</a> (checked {s.checked:%-d %B %Y})</li>"
        for s in (content.source(i) for i in source_ids)
    )
    return f"<p><strong>Sources for these routes</strong></p><ul>{items}</ul>"


def _step_sources(step: RouteStep) -> tuple[str, ...]:
    return (*step.sources, *(s for t in step.terms for s in t.sources))


def _step_html(number: int, step: RouteStep) -> str:
    """One line (the route, and its first contact) that opens to the details."""
    route = step.route
    first = route.contact[0]
    parts = [
        f"<p><em>{escape(step.stage.label)}.</em> <strong>Why:</strong> {escape(step.why)}</p>",
        f"<p><strong>How to contact:</strong></p><ul>"
        f"{''.join(_contact_html(c) for c in route.contact)}</ul>",
    ]
    if route.timescale:
        parts.append(f"<p><strong>Timescale:</strong> {escape(route.timescale)}</p>")
    parts.append(f"<p><strong>What to include:</strong> {escape(step.include)}</p>")
    if route.notes:
        notes = "".join(f"<li>{escape(n)}</li>" for n in route.notes)
        parts.append(f"<p><strong>Good to know:</strong></p><ul>{notes}</ul>")
    if step.terms:
        terms = "".join(
            f"<li><strong>{escape(t.term)}:</strong> {escape(t.definition)}</li>"
            for t in step.terms
        )
        parts.append(f"<p><strong>Terms used here:</strong></p><ul>{terms}</ul>")
    return (
        '<details class="sc-route-step"><summary>'
        f"<strong>{number}. {escape(route.name)}</strong>: "
        f"{escape(first.method.capitalize())}, {escape(first.value)}</summary>"
        f"{''.join(parts)}</details>"
    )


def result_html(nation: str, steps: list[RouteStep]) -> str:
    """The routes, in order, one line each that opens to its details, then every source once
    (as HTML text, never colour alone)."""
    body = "".join(_step_html(n, s) for n, s in enumerate(steps, start=1))
    sources = dict.fromkeys(s for step in steps for s in _step_sources(step))
    return (
        '<div class="sc-feedback sc-route-result">'
        f"<p><strong>Routes for this concern in {escape(nation)}, in the order to use them "
        f"({len(steps)} in all).</strong> Open a route to see why, how to contact it, the "
        f"timescale and what to include.</p>{body}"
        "<p>Follow your local procedures. If you are unsure, ask your supervisor or designated "
        "safeguarding lead, and never let seeking advice delay action when a child is in "
        f"danger.</p>{_sources_html(sources)}</div>"
    )


def unanswered_html(prompts: list[str]) -> str:
    """What to answer before the routes can be shown: the questions themselves, in order."""
    items = "".join(f"<li>{escape(prompt)}</li>" for prompt in prompts)
    return (
        '<div class="sc-feedback"><p><strong>Answer these questions first</strong>, then press '
        f"<strong>Show the routes</strong>:</p><ul>{items}</ul></div>"
    )


class RouteFinderWidget(CourseBox):
    """One group of radio buttons per question (the nation first), a button and the result.
    Built from the finder's questions, whatever they are; a question with no default starts
    unanswered."""

    plain_text = "The route finder: run this cell to use it."

    def __init__(self, finder: RouteFinder):
        self.finder = finder
        self.controls: dict[str, RadioGroup] = {}
        rows = [w.HTML(value=INTRO)]
        for qid, question in finder.questions.items():
            control = RadioGroup(
                options=[(o.label, o.value) for o in question.options],
                value=getattr(question, "default", None),
                description=question.prompt,
                orientation="horizontal",
            )
            control.observe(self._answers_changed, names="value")
            self.controls[qid] = control
            setattr(self, qid, control)
            rows.append(control)
        self.show_button = Button(
            description="Show the routes", tooltip="Show the routes for these answers, in order"
        )
        self.show_button.on_click(lambda _button: self.show())
        self.result = LiveRegion()
        super().__init__([*rows, self.show_button, self.result])
        self.add_class("sc-route-finder")
        self._show_questions_that_apply()

    @property
    def answers(self) -> dict[str, str]:
        """The answers given to the questions that apply (unanswered ones left out)."""
        applying = {q.id for q in self.finder.questions_for(self._given())}
        return {q: v for q, v in self._given().items() if q in applying}

    def _given(self) -> dict[str, str]:
        return {qid: c.value for qid, c in self.controls.items() if c.value is not None}

    def _show_questions_that_apply(self) -> None:
        applying = {q.id for q in self.finder.questions_for(self._given())}
        for qid, control in self.controls.items():
            control.layout.display = None if qid in applying else "none"

    @property
    def result_text(self) -> str:
        """The words a person reads in the result."""
        return html_to_text(self.result.value)

    def show(self) -> list[RouteStep]:
        """Show the routes for the current answers and return them; if a question that applies
        is unanswered, say which and return no routes."""
        try:
            steps = self.finder.find_routes(self.answers)
        except MissingAnswersError as missing:
            self.result.value = unanswered_html(
                [self.finder.questions[q].prompt for q in missing.missing]
            )
            return []
        self.result.value = result_html(self.answers["nation"], steps)
        return steps

    def _answers_changed(self, _change) -> None:
        self._show_questions_that_apply()
        if self.result.value:
            self.result.value = CHANGED


def route_finder() -> RouteFinderWidget:
    """The route finder, with the course's own questions, rules and routes."""
    return RouteFinderWidget(routing.route_finder_data())


def _source_line(source_ids) -> str:
    links = "; ".join(
        f"{s.publisher}, [{s.title}]({s.url}), checked {s.checked:%-d %B %Y}"
        for s in (content.source(i) for i in dict.fromkeys(source_ids))
    )
    return f"<small>Sources: {links}.</small>"


def terms(*glossary_ids: str) -> Markdown:
    """A text block of glossary terms, in the order given, with their sources."""
    items = [content.glossary_term(i) for i in glossary_ids]
    lines = [f"- **{t.term}.** {t.definition}" for t in items]
    return Markdown("\n".join(lines) + "\n\n" + _source_line(s for t in items for s in t.sources))


def nation_terms(nation: str) -> Markdown:
    """A text block of the terms a nation uses for its own routes, with their sources."""
    found = routing.nation_terms(nation)
    if not found:
        return Markdown(f"*No terms of its own are recorded for {nation}'s routes.*")
    return terms(*(t.id for t in found))


def timescales(*route_ids: str) -> Markdown:
    """What happens when, for the named routes: a text block read from the route data."""
    routes = [content.route(i) for i in route_ids]
    missing = [r.id for r in routes if not r.timescale]
    if missing:
        raise ValueError(f"these routes record no timescale: {missing}")
    lines = [f"- **{r.name}** ({r.coverage}): {r.timescale}" for r in routes]
    return Markdown("\n".join(lines) + "\n\n" + _source_line(s for r in routes for s in r.sources))
