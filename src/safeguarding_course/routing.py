"""The route finder's logic: questions about a concern, and rules that turn the answers into
the referral routes to use, in order.

The questions and rules live in `data/route_finder.yaml`; the routes they name (with contact
details, timescales and each nation's terms) live in `data/routes/*.yaml`. This module loads and
checks both, and `find_routes(answers)` is a pure function of the answers:

    >>> [step.route_id for step in find_routes({"nation": "Wales", "immediate_danger": "yes"})][:3]
    ['police_999', 'designated_safeguarding_lead', 'wales_social_services']

Bad data gets a `ContentError` that names the file and the item, as in `content`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import Field, model_validator

from .content import (
    DATA_DIR,
    NATIONS,
    Content,
    ContentError,
    GlossaryTerm,
    Route,
    _Item,
    _parse_items,
    _read_yaml,
    load_content,
)

FILE_NAME = "route_finder.yaml"


class Option(_Item):
    value: str = Field(pattern=r"^[A-Za-z0-9_ ]+$")
    label: str


class Question(_Item):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    prompt: str
    options: tuple[Option, ...] = Field(min_length=2)
    default: str

    @model_validator(mode="after")
    def _default_is_an_option(self) -> Question:
        values = self.values()
        if len(set(values)) != len(values):
            raise ValueError("an answer is listed twice")
        if self.default not in values:
            raise ValueError(f"default '{self.default}' is not among the answers {values}")
        return self

    def values(self) -> list[str]:
        return [option.value for option in self.options]

    def label_of(self, value: str) -> str:
        return next(option.label for option in self.options if option.value == value)


class Stage(_Item):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str


class StepTemplate(_Item):
    route: str
    why: str
    include: str


class Rule(_Item):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    stage: str
    when: dict[str, tuple[str, ...]] = {}
    unless: dict[str, tuple[str, ...]] = {}
    steps: tuple[StepTemplate, ...] = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)

    def applies(self, answers: Mapping[str, str]) -> bool:
        """Every `when` question has a listed answer and no `unless` question does."""
        return all(answers[q] in allowed for q, allowed in self.when.items()) and not any(
            answers[q] in barred for q, barred in self.unless.items()
        )

    def nations(self) -> list[str]:
        """The nations in which this rule can apply."""
        allowed = self.when.get("nation", NATIONS)
        return [n for n in NATIONS if n in allowed and n not in self.unless.get("nation", ())]


@dataclass(frozen=True)
class RouteStep:
    """One route to use: which, why, what to include, and the route's own data (contacts,
    timescale, notes, terms) for the nation."""

    route: Route
    stage: Stage
    why: str
    include: str
    rule_id: str
    rule_sources: tuple[str, ...]
    terms: tuple[GlossaryTerm, ...]

    @property
    def route_id(self) -> str:
        return self.route.id

    @property
    def sources(self) -> tuple[str, ...]:
        """The route's sources, then the rule's, each once."""
        return tuple(dict.fromkeys((*self.route.sources, *self.rule_sources)))


class RouteFinder:
    """The checked questions, stages and rules, with the content data they refer to."""

    def __init__(self, path: Path, questions, stages, rules, data: Content):
        self.path = path
        self.questions: dict[str, Question] = questions
        self.stages: dict[str, Stage] = stages
        self.rules: tuple[Rule, ...] = tuple(rules.values())
        self.content = data

    def answers(self, given: Mapping[str, str] | None = None) -> dict[str, str]:
        """The given answers, with the default for each question left out. Raises
        `ValueError` for an unknown question or an answer that is not one of its options."""
        given = dict(given or {})
        unknown = sorted(set(given) - set(self.questions))
        if unknown:
            raise ValueError(
                f"unknown question(s) {unknown}; the questions are {list(self.questions)}"
            )
        answers = {}
        for qid, question in self.questions.items():
            value = given.get(qid, question.default)
            if value not in question.values():
                raise ValueError(
                    f"{value!r} is not an answer to '{qid}'; choose one of {question.values()}"
                )
            answers[qid] = value
        return answers

    def find_routes(self, given: Mapping[str, str] | None = None) -> list[RouteStep]:
        """The routes to use for these answers, in order: by stage, then by rule order.
        A route comes once, with the first reason that brought it in."""
        answers = self.answers(given)
        order = list(self.stages)
        steps: dict[str, RouteStep] = {}
        for rule in sorted(self.rules, key=lambda r: order.index(r.stage)):
            if not rule.applies(answers):
                continue
            for template in rule.steps:
                if template.route in steps:
                    continue
                route = self.content.routes[template.route]
                steps[template.route] = RouteStep(
                    route=route,
                    stage=self.stages[rule.stage],
                    why=template.why,
                    include=template.include,
                    rule_id=rule.id,
                    rule_sources=rule.sources,
                    terms=tuple(self.content.glossary[t] for t in route.terms),
                )
        return list(steps.values())

    def nation_terms(self, nation: str) -> list[GlossaryTerm]:
        """The glossary terms named by the routes that belong to one nation, each once."""
        if nation not in NATIONS:
            raise ValueError(f"{nation!r} is not a UK nation; choose one of {list(NATIONS)}")
        ids = [t for r in self.content.routes.values() if r.coverage == nation for t in r.terms]
        return [self.content.glossary[t] for t in dict.fromkeys(ids)]


# -- loading and checking ---------------------------------------------------------------------


def _route_files(data_dir: Path) -> dict[str, Path]:
    """Which file each route id comes from, so an error can name it."""
    paths = [data_dir / "routes.yaml"] if (data_dir / "routes.yaml").is_file() else []
    paths += sorted((data_dir / "routes").glob("*.yaml"))
    found = {}
    for path in paths:
        for entry in _read_yaml(path) or []:
            if isinstance(entry, dict) and "id" in entry:
                found.setdefault(entry["id"], path)
    return found


def _check_route_terms(data: Content, data_dir: Path) -> None:
    files = _route_files(data_dir)
    for route in data.routes.values():
        for term in route.terms:
            if term not in data.glossary:
                raise ContentError(
                    f"{files.get(route.id, data_dir / 'routes')}: item '{route.id}' names term "
                    f"'{term}', which is not in the glossary"
                )


def _check_rules(path: Path, questions, stages, rules, data: Content) -> None:
    if "nation" not in questions or questions["nation"].values() != list(NATIONS):
        raise ContentError(
            f"{path}: item 'nation': the questions need a 'nation' question whose answers are "
            f"{list(NATIONS)}, in that order"
        )
    for rule in rules.values():
        where = f"{path}: item '{rule.id}'"
        if rule.stage not in stages:
            raise ContentError(f"{where}: stage '{rule.stage}' is not one of {list(stages)}")
        for field in ("when", "unless"):
            for qid, values in getattr(rule, field).items():
                if qid not in questions:
                    raise ContentError(f"{where}: {field} names unknown question '{qid}'")
                wrong = [v for v in values if v not in questions[qid].values()]
                if wrong:
                    raise ContentError(
                        f"{where}: {field} gives {wrong} for '{qid}', whose answers are "
                        f"{questions[qid].values()}"
                    )
        for source_id in rule.sources:
            if source_id not in data.sources:
                raise ContentError(f"{where}: cites source '{source_id}', which is not known")
        for number, step in enumerate(rule.steps, start=1):
            route = data.routes.get(step.route)
            if route is None:
                raise ContentError(
                    f"{where}: step {number} names route '{step.route}', which is not in "
                    "the routes (data/routes/*.yaml)"
                )
            for nation in rule.nations():
                if not route.applies_in(nation):
                    raise ContentError(
                        f"{where}: step {number} names route '{step.route}', which covers "
                        f"{route.coverage} only, but the rule can apply in {nation}; limit the "
                        "rule with `when: {nation: [...]}` or name a route that works there"
                    )


def _check_every_answer_has_a_route(path: Path, finder: RouteFinder) -> None:
    """No combination of answers may leave a person with nothing to do."""
    qids = list(finder.questions)
    for combination in itertools.product(*(finder.questions[q].values() for q in qids)):
        answers = dict(zip(qids, combination, strict=True))
        if not finder.find_routes(answers):
            raise ContentError(f"{path}: no rule gives a route for the answers {answers}")


def load_route_finder(data_dir: Path | str = DATA_DIR) -> RouteFinder:
    """Read and check the route finder's questions and rules, and the routes they name."""
    data_dir = Path(data_dir)
    data = load_content(data_dir)
    path = data_dir / FILE_NAME
    raw = _read_yaml(path)
    if not isinstance(raw, dict):
        raise ContentError(f"{path}: expected the sections 'stages:', 'questions:' and 'rules:'")
    sections = {}
    for key, model in (("stages", Stage), ("questions", Question), ("rules", Rule)):
        if key not in raw:
            raise ContentError(f"{path}: missing the '{key}:' section")
        sections[key] = _parse_items(path, raw[key], model)
    extra = sorted(set(raw) - set(sections))
    if extra:
        raise ContentError(f"{path}: unknown section(s) {extra}")
    _check_route_terms(data, data_dir)
    _check_rules(path, sections["questions"], sections["stages"], sections["rules"], data)
    finder = RouteFinder(path, sections["questions"], sections["stages"], sections["rules"], data)
    _check_every_answer_has_a_route(path, finder)
    return finder


@cache
def route_finder_data() -> RouteFinder:
    """The course's own route finder, loaded and checked once per process."""
    return load_route_finder()


def find_routes(answers: Mapping[str, str] | None = None) -> list[RouteStep]:
    """The routes to use for a concern, in order. `answers` maps question ids to answers;
    questions left out take their default (see `data/route_finder.yaml`)."""
    return route_finder_data().find_routes(answers)


def nation_terms(nation: str) -> list[GlossaryTerm]:
    """The terms a nation uses for its own routes (Gateway, IRD...), from the glossary."""
    return route_finder_data().nation_terms(nation)
