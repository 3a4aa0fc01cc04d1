"""Load and validate the course's content data (the YAML files in `data/`).

Every fact, route, indicator, question and data set lives once in those files, with its
sources. This module turns them into typed, frozen objects and refuses bad data with an
error that names the file and the item. Use one function per kind of content:
`source()`, `route()`, `indicator()`, `dataset()`, `fact()`, `self_check()`, `vignette()`...
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DATA_DIR = Path(__file__).parent / "data"
NATIONS = ("England", "Wales", "Scotland", "Northern Ireland")
# Where a law or a piece of guidance applies: one nation, England and Wales together, or the UK.
JURISDICTIONS = ("UK", "Great Britain", "England and Wales", *NATIONS)
# What a fact is about. Facts about law and statutory guidance must cite at least one primary
# source (the statute on legislation.gov.uk, or the guidance on its publisher's own site).
FACT_KINDS = (
    "law",
    "statutory_guidance",
    "guidance",
    "service",
    "research",
    "figure",
    "practice",
)
NEEDS_PRIMARY = ("law", "statutory_guidance")


class ContentError(ValueError):
    """The content data is malformed or refers to something that does not exist."""


class UnverifiedFactError(LookupError):
    """A fact is recorded as unverified, so the course must not teach it as fact."""


class _Item(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Sourced(_Item):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    sources: tuple[str, ...] = Field(min_length=1)

    def all_sources(self) -> set[str]:
        """Every source id the item cites, including those of its parts."""
        return set(self.sources)


class Source(_Item):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    title: str
    publisher: str
    url: str = Field(pattern=r"^https?://\S+$")
    checked: dt.date
    status: Literal["primary", "secondary"]
    # How the page was read when it was not read at its own address (an archive copy, say).
    seen_via: str | None = None

    @property
    def is_primary(self) -> bool:
        return self.status == "primary"

    def citation(self) -> str:
        """'Publisher, Title (checked 28 November 2026): address'."""
        return f"{self.publisher}, {self.title} (checked {self.checked:%-d %B %Y}): {self.url}"


class Contact(_Item):
    method: Literal[
        "phone", "text message", "email", "online form", "online chat", "website", "local",
        "in person",
    ]
    value: str
    url: str | None = Field(default=None, pattern=r"^https://\S+$")
    hours: str | None = None
    free: bool | None = None


class Route(_Sourced):
    name: str
    # "Worldwide": a service based outside the UK that anyone can use, in any nation.
    coverage: Literal["UK", "Worldwide", "England", "Wales", "Scotland", "Northern Ireland"]
    use_when: str
    who_can_use: str
    contact: tuple[Contact, ...] = Field(min_length=1)
    timescale: str | None = None
    # Figures in the timescale that code reads (an assessment's hidden test, say), so nothing
    # has to parse them out of the prose: {"initial_assessment_working_days": 10}.
    values: dict[str, str | int | float] = {}
    notes: tuple[str, ...] = ()
    # Glossary ids of the nation's own terms that go with this route (IRD, Gateway...);
    # `routing.load_route_finder` checks that each one is in the glossary.
    terms: tuple[str, ...] = ()

    def applies_in(self, nation: str) -> bool:
        """Whether the service works in this nation (UK-wide and worldwide services work in all
        four)."""
        return self.coverage in ("UK", "Worldwide", nation)


class Indicator(_Sourced):
    name: str
    category: Literal["behavioural", "emotional", "online"]
    description: str


class NamedItem(_Sourced):
    """A vulnerability factor or a tactic: a name and its sources."""

    name: str


class GroomingModel(_Sourced):
    name: str
    authors: str
    year: int = Field(ge=1950, le=2100)
    publication: str
    summary: str
    parts: tuple[str, ...] = ()
    evidence: Literal["primary", "secondary", "unverified"]
    caveat: str | None = None

    @model_validator(mode="after")
    def _evidence_is_explained(self) -> GroomingModel:
        if self.evidence != "primary" and not self.caveat:
            raise ValueError("a model not seen at first hand needs a caveat that says so")
        if self.evidence == "unverified" and self.parts:
            raise ValueError("an unverified model must not list parts the course would teach")
        if self.evidence != "unverified" and len(self.parts) < 2:
            raise ValueError("a model needs at least two parts")
        return self


class DataPoint(_Item):
    label: str
    value: float


class Dataset(_Sourced):
    title: str
    category_label: str
    value_label: str
    unit: Literal["offences", "percent", "count"]
    points: tuple[DataPoint, ...] = Field(min_length=1)
    denominator: int | None = None
    notes: tuple[str, ...] = ()

    def value(self, label: str) -> float:
        """The value for one label, for example `dataset.value("2017/18")`."""
        for point in self.points:
            if point.label == label:
                return point.value
        raise KeyError(f"data set '{self.id}' has no point labelled '{label}'")


class Fact(_Sourced):
    statement: str
    kind: Literal[FACT_KINDS]
    # Where it applies; required for law and statutory guidance.
    nation: Literal[JURISDICTIONS] | None = None
    values: dict[str, str | int | float] = {}
    status: Literal["primary", "secondary", "unverified"]
    # For facts likely to change soon (a commencement date, a final text): check again by then.
    review_by: dt.date | None = None

    @model_validator(mode="after")
    def _law_has_a_nation(self) -> Fact:
        if self.kind in NEEDS_PRIMARY and self.nation is None:
            kind = self.kind.replace("_", " ")
            raise ValueError(f"a {kind} fact needs `nation:` (one of {list(JURISDICTIONS)})")
        return self


class SelfCheck(_Sourced):
    """An ungraded question. `reasons` says, for every option, why it is or is not right, so
    the feedback after an attempt explains each option, not only the answer."""

    module: str
    prompt: str
    options: dict[str, str] = Field(min_length=2)
    correct: tuple[str, ...] = Field(min_length=1)
    multiple: bool = False
    reasons: dict[str, str]
    explanation: str

    @model_validator(mode="after")
    def _correct_are_options(self) -> SelfCheck:
        unknown = [key for key in self.correct if key not in self.options]
        if unknown:
            raise ValueError(f"correct answers {unknown} are not among the options")
        if not self.multiple and len(self.correct) != 1:
            raise ValueError("a single-choice question needs exactly one correct answer")
        missing = [key for key in self.options if not self.reasons.get(key, "").strip()]
        extra = [key for key in self.reasons if key not in self.options]
        problems = []
        if missing:
            problems.append(f"add a reason for option(s) {missing}")
        if extra:
            problems.append(f"remove the reason(s) for {extra}, which are not options")
        if problems:
            raise ValueError("every option needs its own reason: " + "; ".join(problems))
        return self


class PresentIndicator(_Item):
    indicator: str
    evidence: str


class AbsentIndicator(_Item):
    indicator: str
    why: str


class Vignette(_Sourced):
    """A short fictional account for the indicator spotter. `present` may be empty: an
    ordinary account, where the right answer is to tick nothing. `debrief` is shown only
    after the learner has checked their answer."""

    module: str
    synthetic: Literal[True]
    title: str
    text: str
    present: tuple[PresentIndicator, ...] = ()
    absent: tuple[AbsentIndicator, ...] = Field(min_length=1)
    debrief: str

    @field_validator("text")
    @classmethod
    def _short(cls, text: str) -> str:
        if len(text.split()) > 150:
            raise ValueError("a vignette should be short (150 words at most)")
        return text

    @property
    def ordinary(self) -> bool:
        """An account that shows no sign: the lesson is not to over-read it."""
        return not self.present

    def offered(self) -> list[str]:
        """Indicator ids a learner chooses from: present and absent, in a stable order."""
        return sorted([p.indicator for p in self.present] + [a.indicator for a in self.absent])


class Choice(_Item):
    """One option at a decision. The ending is built from the choices a learner made:
    `went_well` (for good or acceptable practice) goes under "What went well", and
    `do_differently` (for acceptable or unsafe practice) under "What to do differently",
    so an unsafe choice is never praised."""

    label: str
    next: str
    feedback: str
    quality: Literal["best", "acceptable", "unsafe"]
    sources: tuple[str, ...] = Field(min_length=1)
    went_well: str | None = None
    do_differently: str | None = None

    @model_validator(mode="after")
    def _unsafe_is_never_praised(self) -> Choice:
        if self.quality == "unsafe" and self.went_well:
            raise ValueError("an unsafe choice cannot say what went well")
        if self.quality == "best" and self.do_differently:
            raise ValueError("a good-practice choice has nothing to do differently")
        return self


class ScenarioNode(_Item):
    text: str
    choices: tuple[Choice, ...] = ()
    ending: str | None = None

    @model_validator(mode="after")
    def _choices_or_ending(self) -> ScenarioNode:
        if bool(self.choices) == bool(self.ending):
            raise ValueError("a node has either choices or an ending summary, not both or neither")
        return self


class Scenario(_Sourced):
    """A branching case: nodes with choices leading to other nodes, ending in outcomes."""

    module: str
    synthetic: Literal[True]
    title: str
    summary: str
    nation: Literal["England", "Wales", "Scotland", "Northern Ireland"] = "England"
    start: str
    nodes: dict[str, ScenarioNode] = Field(min_length=2)
    # Points to take away, shown at every ending (never before the learner has played).
    debrief: tuple[str, ...] = ()
    # The advice (fact ids) and routes (route ids) the case draws on. They state its answers,
    # so the player shows them at every ending, never before: a notebook must not render them.
    ending_facts: tuple[str, ...] = ()
    ending_routes: tuple[str, ...] = ()

    def all_sources(self) -> set[str]:
        return set(self.sources) | {
            s for node in self.nodes.values() for c in node.choices for s in c.sources
        }

    def decision_points(self) -> list[str]:
        return [name for name, node in self.nodes.items() if node.choices]

    def endings(self) -> list[str]:
        return [name for name, node in self.nodes.items() if node.ending]

    @model_validator(mode="after")
    def _a_graph_where_every_path_ends(self) -> Scenario:
        if self.start not in self.nodes:
            raise ValueError(f"start node '{self.start}' is not among the nodes")
        for name, node in self.nodes.items():
            for choice in node.choices:
                if choice.next not in self.nodes:
                    raise ValueError(f"node '{name}': choice leads to unknown node '{choice.next}'")
        reached, stack = set(), [self.start]
        while stack:
            name = stack.pop()
            if name not in reached:
                reached.add(name)
                stack.extend(c.next for c in self.nodes[name].choices)
        unreachable = sorted(set(self.nodes) - reached)
        if unreachable:
            raise ValueError(f"nodes cannot be reached from the start: {unreachable}")
        visiting, done = set(), set()

        def walk(name: str) -> None:  # every path must end: no loops
            if name in done:
                return
            if name in visiting:
                raise ValueError(f"a path loops back to node '{name}' and never ends")
            visiting.add(name)
            for choice in self.nodes[name].choices:
                walk(choice.next)
            visiting.discard(name)
            done.add(name)

        walk(self.start)
        return self


class GlossaryTerm(_Sourced):
    term: str
    definition: str


class ConfidenceStatement(_Sourced):
    """A statement a learner rates their confidence in, before and after the course."""

    text: str


SOURCED_KINDS = (
    "routes",
    "indicators",
    "vulnerability_factors",
    "tactics",
    "models",
    "datasets",
    "facts",
    "self_checks",
    "vignettes",
    "scenarios",
    "glossary",
    "confidence_statements",
)


class Content(_Item):
    """All content data, indexed by id."""

    sources: dict[str, Source]
    routes: dict[str, Route]
    indicators: dict[str, Indicator]
    vulnerability_factors: dict[str, NamedItem]
    tactics: dict[str, NamedItem]
    models: dict[str, GroomingModel]
    datasets: dict[str, Dataset]
    facts: dict[str, Fact]
    self_checks: dict[str, SelfCheck]
    vignettes: dict[str, Vignette]
    scenarios: dict[str, Scenario]
    glossary: dict[str, GlossaryTerm]
    confidence_statements: dict[str, ConfidenceStatement]


# -- loading --------------------------------------------------------------------------------


def _read_yaml(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(f"{path}: file is missing") from None
    except UnicodeDecodeError as exc:
        raise ContentError(f"{path}: not UTF-8 text ({exc.reason}); save it as UTF-8") from None
    try:
        # libyaml's C parser when it is installed (it is with PyYAML's wheels): the same safe
        # loading, several times faster, which keeps each module's Run All quick.
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: not valid YAML: {exc}") from None


def _parse_items(path: Path, raw, model: type[BaseModel]) -> dict[str, BaseModel]:
    """Validate a YAML list of items into a dict by id; errors name the file and the item."""
    if not isinstance(raw, list):
        raise ContentError(f"{path}: expected a list of items, found {type(raw).__name__}")
    items: dict[str, BaseModel] = {}
    for position, entry in enumerate(raw, start=1):
        label = entry.get("id") if isinstance(entry, dict) else None
        where = f"{path}: item '{label}'" if label else f"{path}: item {position}"
        if not isinstance(entry, dict):
            raise ContentError(f"{where}: expected a mapping of fields")
        try:
            item = model.model_validate(entry)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'item'}: {err['msg']}"
                for err in exc.errors()
            )
            raise ContentError(f"{where}: {problems}") from None
        if item.id in items:
            raise ContentError(f"{where}: id '{item.id}' is used twice")
        items[item.id] = item
    return items


def _section(path: Path, raw, key: str):
    if not isinstance(raw, dict) or key not in raw:
        raise ContentError(f"{path}: missing the '{key}:' section")
    return raw[key]


def _load_kind(
    data_dir: Path, name: str, model: type[BaseModel], origin: dict, section: str | None = None
) -> dict[str, BaseModel]:
    """Items of one kind, from `name.yaml` and/or every `name/*.yaml` (so each module's
    author can keep their own file). Ids must be unique across all of them."""
    paths = [data_dir / f"{name}.yaml"] if (data_dir / f"{name}.yaml").is_file() else []
    paths += sorted((data_dir / name).glob("*.yaml")) if (data_dir / name).is_dir() else []
    if not paths:
        raise ContentError(
            f"{data_dir / name}.yaml: file is missing (or add files in {data_dir / name}/)"
        )
    items: dict[str, BaseModel] = {}
    for path in paths:
        raw = _read_yaml(path)
        if section is not None:
            raw = _section(path, raw, section)
        for item_id, item in _parse_items(path, raw, model).items():
            if item_id in items:
                first = origin[(section or name, item_id)]
                raise ContentError(f"{path}: item '{item_id}': id is also used in {first}")
            items[item_id] = item
            origin[(section or name, item_id)] = path
    return items


def _check_references(content: Content, origin: dict) -> None:
    """Every source id, indicator id and scenario node that an item names must exist."""
    sources_file = next(iter(p for (kind, _), p in origin.items() if kind == "sources"))
    for kind in SOURCED_KINDS:
        for item in getattr(content, kind).values():
            for source_id in item.all_sources():
                if source_id not in content.sources:
                    raise ContentError(
                        f"{origin[(kind, item.id)]}: item '{item.id}' cites source '{source_id}', "
                        f"which is not in {sources_file.parent}/sources"
                    )
    for vignette in content.vignettes.values():
        for indicator_id in vignette.offered():
            if indicator_id not in content.indicators:
                raise ContentError(
                    f"{origin[('vignettes', vignette.id)]}: item '{vignette.id}' names indicator "
                    f"'{indicator_id}', which is not in the indicators"
                )
        if len(set(vignette.offered())) != len(vignette.offered()):
            where = origin[("vignettes", vignette.id)]
            raise ContentError(f"{where}: item '{vignette.id}' lists an indicator twice")
    for scenario in content.scenarios.values():
        where = f"{origin[('scenarios', scenario.id)]}: item '{scenario.id}'"
        for fact_id in scenario.ending_facts:
            if fact_id not in content.facts:
                raise ContentError(f"{where}: ending_facts names '{fact_id}', which is not a fact")
            if content.facts[fact_id].status == "unverified":
                raise ContentError(
                    f"{where}: ending_facts names '{fact_id}', which is unverified and cannot "
                    "be taught; check it first or leave it out"
                )
        for route_id in scenario.ending_routes:
            if route_id not in content.routes:
                raise ContentError(
                    f"{where}: ending_routes names '{route_id}', which is not a route"
                )


def _check_fact_evidence(content: Content, origin: dict) -> None:
    """A fact's status must match its sources, and law or statutory guidance needs a primary one."""
    for fact in content.facts.values():
        if fact.status == "unverified":
            continue
        where = f"{origin[('facts', fact.id)]}: item '{fact.id}'"
        primary = [s for s in fact.sources if content.sources[s].is_primary]
        if fact.kind in NEEDS_PRIMARY and not primary:
            raise ContentError(
                f"{where}: a {fact.kind.replace('_', ' ')} fact must cite a primary source (the "
                "statute on legislation.gov.uk, or the guidance on its publisher's own site), but "
                f"{list(fact.sources)} are all secondary; add the primary source, or mark the "
                "fact `status: unverified` and say what is known"
            )
        if fact.status == "primary" and not primary:
            raise ContentError(
                f"{where}: `status: primary` needs at least one primary source, but "
                f"{list(fact.sources)} are all secondary; use `status: secondary`"
            )


def load_content(data_dir: Path | str = DATA_DIR) -> Content:
    """Read and validate every content file under `data_dir`."""
    data_dir = Path(data_dir)
    origin: dict[tuple[str, str], Path] = {}
    content = Content(
        sources=_load_kind(data_dir, "sources", Source, origin),
        routes=_load_kind(data_dir, "routes", Route, origin),
        indicators=_load_kind(data_dir, "indicators", Indicator, origin, "indicators"),
        vulnerability_factors=_load_kind(
            data_dir, "indicators", NamedItem, origin, "vulnerability_factors"
        ),
        tactics=_load_kind(data_dir, "indicators", NamedItem, origin, "tactics"),
        models=_load_kind(data_dir, "models", GroomingModel, origin),
        datasets=_load_kind(data_dir, "datasets", Dataset, origin),
        facts=_load_kind(data_dir, "facts", Fact, origin),
        self_checks=_load_kind(data_dir, "self_checks", SelfCheck, origin),
        vignettes=_load_kind(data_dir, "vignettes", Vignette, origin),
        scenarios=_load_kind(data_dir, "scenarios", Scenario, origin),
        glossary=_load_kind(data_dir, "glossary", GlossaryTerm, origin),
        confidence_statements=_load_kind(
            data_dir, "confidence_statements", ConfidenceStatement, origin
        ),
    )
    _check_references(content, origin)
    _check_fact_evidence(content, origin)
    return content


@cache
def content() -> Content:
    """The course's own content data, loaded once per process."""
    return load_content()


# -- one function per kind of content --------------------------------------------------------


def _get(kind: str, item_id: str):
    items = getattr(content(), kind)
    try:
        return items[item_id]
    except KeyError:
        raise KeyError(
            f"no {kind[:-1].replace('_', ' ')} with id '{item_id}' in the content data"
        ) from None


def source(source_id: str) -> Source:
    return _get("sources", source_id)


def route(route_id: str) -> Route:
    return _get("routes", route_id)


def indicator(indicator_id: str) -> Indicator:
    return _get("indicators", indicator_id)


def model(model_id: str) -> GroomingModel:
    return _get("models", model_id)


def dataset(dataset_id: str) -> Dataset:
    return _get("datasets", dataset_id)


def self_check(check_id: str) -> SelfCheck:
    return _get("self_checks", check_id)


def vignette(vignette_id: str) -> Vignette:
    return _get("vignettes", vignette_id)


def scenario(scenario_id: str) -> Scenario:
    return _get("scenarios", scenario_id)


def glossary_term(term_id: str) -> GlossaryTerm:
    return _get("glossary", term_id)


def fact(fact_id: str) -> Fact:
    """A fact the course may teach; an unverified one raises `UnverifiedFactError`."""
    item = _get("facts", fact_id)
    if item.status == "unverified":
        raise UnverifiedFactError(
            f"fact '{fact_id}' is recorded as unverified: check it against a good source "
            "before the course teaches it"
        )
    return item


def citations(source_ids) -> list[str]:
    """Readable citations for a list of source ids."""
    return [source(source_id).citation() for source_id in source_ids]
