"""The route finder's logic: questions about a concern, and rules that turn the answers into
the referral routes to use, in order.

The questions and rules live in `data/route_finder.yaml`; the routes they name (with contact
details, timescales and each nation's terms) live in `data/routes/*.yaml`. This module loads and
checks both, and `find_routes(answers)` is a pure function of the answers:

    >>> answers = {"nation": "Wales", "concern": "grooming_online", "child_identified": "yes",
    ...            "immediate_danger": "yes", "age": "13_to_15"}
    >>> [step.route_id for step in find_routes(answers)][:3]
    ['police_999', 'designated_safeguarding_lead', 'wales_social_services']

No answer is assumed. A question may apply only for some answers to earlier questions
(`ask_when`, for example the child's age only when a child is identified); `questions_for(answers)`
lists the questions that apply so far, and `find_routes` raises `MissingAnswersError` naming each
question that applies but has no answer. Answers to questions that do not apply are ignored.

Bad data gets a `ContentError` that names the file and the item, as in `content`.
"""

from __future__ import annotations

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


class MissingAnswersError(ValueError):
    """Some questions that apply to these answers have not been answered."""

    def __init__(self, missing: list[Question]):
        self.missing = [q.id for q in missing]
        listed = "; ".join(f"'{q.id}' ({q.prompt})" for q in missing)
        super().__init__(f"answer these questions first: {listed}")


class Question(_Item):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    prompt: str
    options: tuple[Option, ...] = Field(min_length=2)
    # Ask this question only when earlier questions have one of these answers.
    ask_when: dict[str, tuple[str, ...]] = {}
    # Kept for the widget's interface; the course's own questions set none (no answer is
    # preselected), and `find_routes` never fills in a default.
    default: str | None = None
    help: str | None = None

    @model_validator(mode="after")
    def _default_is_an_option(self) -> Question:
        values = self.values()
        if len(set(values)) != len(values):
            raise ValueError("an answer is listed twice")
        if self.default is not None and self.default not in values:
            raise ValueError(f"default '{self.default}' is not among the answers {values}")
        return self

    def applies(self, answers: Mapping[str, str]) -> bool:
        """Whether to ask this question, given the answers to earlier ones."""
        return all(answers.get(q) in allowed for q, allowed in self.ask_when.items())

    def values(self) -> list[str]:
        return [option.value for option in self.options]

    def label_of(self, value: str) -> str:
        return next(option.label for option in self.options if option.value == value)


class Stage(_Item):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str


class StepTemplate(_Item):
    # One route id, or one per nation ({England: police_101, Wales: police_101_wales, ...}).
    route: str | dict[str, str]
    why: str
    include: str

    def route_for(self, nation: str | None) -> str | None:
        if isinstance(self.route, str):
            return self.route
        return self.route.get(nation)

    def route_ids(self) -> list[str]:
        return [self.route] if isinstance(self.route, str) else list(self.route.values())


class Rule(_Item):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    stage: str
    when: dict[str, tuple[str, ...]] = {}
    unless: dict[str, tuple[str, ...]] = {}
    steps: tuple[StepTemplate, ...] = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)

    def applies(self, answers: Mapping[str, str]) -> bool:
        """Every `when` question has a listed answer and no `unless` question does. A question
        that was not asked (it does not apply) matches no `when` and no `unless`."""
        return all(answers.get(q) in allowed for q, allowed in self.when.items()) and not any(
            answers.get(q) in barred for q, barred in self.unless.items()
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

    def _checked(self, given: Mapping[str, str | None] | None) -> dict[str, str]:
        """The given answers that are not None, each checked against its question."""
        given = {q: v for q, v in dict(given or {}).items() if v is not None}
        unknown = sorted(set(given) - set(self.questions))
        if unknown:
            raise ValueError(
                f"unknown question(s) {unknown}; the questions are {list(self.questions)}"
            )
        for qid, value in given.items():
            if value not in self.questions[qid].values():
                raise ValueError(
                    f"{value!r} is not an answer to '{qid}'; "
                    f"choose one of {self.questions[qid].values()}"
                )
        return given

    def questions_for(self, given: Mapping[str, str | None] | None = None) -> list[Question]:
        """The questions that apply, in order, given the answers so far."""
        given = self._checked(given)
        applying, known = [], {}
        for question in self.questions.values():
            if question.applies(known):
                applying.append(question)
                if question.id in given:
                    known[question.id] = given[question.id]
        return applying

    def answers(self, given: Mapping[str, str | None] | None = None) -> dict[str, str]:
        """The answers to the questions that apply. Raises `ValueError` for an unknown
        question or answer, and `MissingAnswersError` naming each question still to answer."""
        given = self._checked(given)
        applying = self.questions_for(given)
        missing = [q for q in applying if q.id not in given]
        if missing:
            raise MissingAnswersError(missing)
        return {q.id: given[q.id] for q in applying}

    def missing(self, given: Mapping[str, str | None] | None = None) -> list[str]:
        """Ids of the questions that apply but have no answer yet."""
        given = self._checked(given)
        return [q.id for q in self.questions_for(given) if q.id not in given]

    def find_routes(self, given: Mapping[str, str | None] | None = None) -> list[RouteStep]:
        """The routes to use for these answers, in order: by stage, then by rule order.
        A route comes once, with the first reason that brought it in."""
        answers = self.answers(given)
        order = list(self.stages)
        steps: dict[str, RouteStep] = {}
        for rule in sorted(self.rules, key=lambda r: order.index(r.stage)):
            if not rule.applies(answers):
                continue
            for template in rule.steps:
                route_id = template.route_for(answers.get("nation"))
                if route_id is None or route_id in steps:
                    continue
                route = self.content.routes[route_id]
                steps[route_id] = RouteStep(
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
            if isinstance(step.route, dict):
                if sorted(step.route) != sorted(NATIONS):
                    raise ContentError(
                        f"{where}: step {number} gives a route per nation, so it needs one for "
                        f"each of {list(NATIONS)}"
                    )
            for route_id in step.route_ids():
                if route_id not in data.routes:
                    raise ContentError(
                        f"{where}: step {number} names route '{route_id}', which is not in "
                        "the routes (data/routes/*.yaml)"
                    )
            for nation in rule.nations():
                route_id = step.route_for(nation)
                route = data.routes[route_id]
                if not route.applies_in(nation):
                    raise ContentError(
                        f"{where}: step {number} names route '{route_id}', which covers "
                        f"{route.coverage} only, but the rule can apply in {nation}; limit the "
                        "rule with `when: {nation: [...]}` or name a route that works there"
                    )


def every_answer_set(finder: RouteFinder):
    """Every complete set of answers a person can give, asking only the questions that apply."""

    def extend(answers: dict[str, str]):
        pending = [q for q in finder.questions_for(answers) if q.id not in answers]
        if not pending:
            yield dict(answers)
            return
        for value in pending[0].values():
            yield from extend({**answers, pending[0].id: value})

    yield from extend({})


def _check_questions(path: Path, questions) -> None:
    earlier: list[str] = []
    for qid, question in questions.items():
        for other, values in question.ask_when.items():
            if other not in earlier:
                raise ContentError(
                    f"{path}: item '{qid}': ask_when names '{other}', "
                    "which is not an earlier question"
                )
            wrong = [v for v in values if v not in questions[other].values()]
            if wrong:
                raise ContentError(
                    f"{path}: item '{qid}': ask_when gives {wrong} for '{other}', whose answers "
                    f"are {questions[other].values()}"
                )
        earlier.append(qid)


def _check_every_answer_has_a_route(path: Path, finder: RouteFinder) -> None:
    """No combination of answers may leave a person with nothing to do."""
    for answers in every_answer_set(finder):
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
    _check_questions(path, sections["questions"])
    _check_rules(path, sections["questions"], sections["stages"], sections["rules"], data)
    finder = RouteFinder(path, sections["questions"], sections["stages"], sections["rules"], data)
    _check_every_answer_has_a_route(path, finder)
    return finder


@cache
def route_finder_data() -> RouteFinder:
    """The course's own route finder, loaded and checked once per process."""
    return load_route_finder()


def find_routes(answers: Mapping[str, str] | None = None) -> list[RouteStep]:
    """The routes to use for a concern, in order. `answers` maps question ids to answers; every
    question that applies must be answered (see `data/route_finder.yaml`), or this raises
    `MissingAnswersError` naming the questions left."""
    return route_finder_data().find_routes(answers)


def questions_for(answers: Mapping[str, str | None] | None = None) -> list[Question]:
    """The course's questions that apply, in order, given the answers so far."""
    return route_finder_data().questions_for(answers)


def nation_terms(nation: str) -> list[GlossaryTerm]:
    """The terms a nation uses for its own routes (Gateway, IRD...), from the glossary."""
    return route_finder_data().nation_terms(nation)
