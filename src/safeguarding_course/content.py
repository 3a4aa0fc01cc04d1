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


class ContentError(ValueError):
    """The content data is malformed or refers to something that does not exist."""


class UnverifiedFactError(LookupError):
    """A fact is recorded as unverified, so the course must not teach it as fact."""


class _Item(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Sourced(_Item):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    sources: tuple[str, ...] = Field(min_length=1)


class Source(_Item):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    title: str
    publisher: str
    url: str = Field(pattern=r"^https?://\S+$")
    checked: dt.date
    status: Literal["primary", "secondary"]

    def citation(self) -> str:
        """'Publisher, Title (checked 28 November 2026): address'."""
        return f"{self.publisher}, {self.title} (checked {self.checked:%-d %B %Y}): {self.url}"


class Contact(_Item):
    method: Literal["phone", "email", "online form", "online chat", "local", "in person"]
    value: str
    url: str | None = Field(default=None, pattern=r"^https://\S+$")
    hours: str | None = None
    free: bool | None = None


class Route(_Sourced):
    name: str
    coverage: Literal["UK", "England", "Wales", "Scotland", "Northern Ireland"]
    use_when: str
    who_can_use: str
    contact: tuple[Contact, ...] = Field(min_length=1)
    timescale: str | None = None
    notes: tuple[str, ...] = ()


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
    values: dict[str, str | int | float] = {}
    status: Literal["primary", "secondary", "unverified"]


class SelfCheck(_Sourced):
    module: str
    prompt: str
    options: dict[str, str] = Field(min_length=2)
    correct: tuple[str, ...] = Field(min_length=1)
    multiple: bool = False
    explanation: str

    @model_validator(mode="after")
    def _correct_are_options(self) -> SelfCheck:
        unknown = [key for key in self.correct if key not in self.options]
        if unknown:
            raise ValueError(f"correct answers {unknown} are not among the options")
        if not self.multiple and len(self.correct) != 1:
            raise ValueError("a single-choice question needs exactly one correct answer")
        return self


class PresentIndicator(_Item):
    indicator: str
    evidence: str


class AbsentIndicator(_Item):
    indicator: str
    why: str


class Vignette(_Sourced):
    module: str
    synthetic: Literal[True]
    title: str
    text: str
    present: tuple[PresentIndicator, ...] = Field(min_length=1)
    absent: tuple[AbsentIndicator, ...] = Field(min_length=1)

    @field_validator("text")
    @classmethod
    def _short(cls, text: str) -> str:
        if len(text.split()) > 150:
            raise ValueError("a vignette should be short (150 words at most)")
        return text

    def offered(self) -> list[str]:
        """Indicator ids a learner chooses from: present and absent, in a stable order."""
        return sorted([p.indicator for p in self.present] + [a.indicator for a in self.absent])


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


# -- loading --------------------------------------------------------------------------------


def _read_yaml(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(f"{path}: file is missing") from None
    except UnicodeDecodeError as exc:
        raise ContentError(f"{path}: not UTF-8 text ({exc.reason}); save it as UTF-8") from None
    try:
        return yaml.safe_load(text)
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


def _check_references(content: Content, files: dict[str, Path], route_files: dict[str, Path]):
    """Every source id and indicator id that an item names must exist."""
    kinds = {
        "routes": content.routes,
        "indicators": content.indicators,
        "vulnerability_factors": content.vulnerability_factors,
        "tactics": content.tactics,
        "models": content.models,
        "datasets": content.datasets,
        "facts": content.facts,
        "self_checks": content.self_checks,
        "vignettes": content.vignettes,
    }
    for kind, items in kinds.items():
        for item in items.values():
            for source_id in item.sources:
                if source_id not in content.sources:
                    path = route_files[item.id] if kind == "routes" else files[kind]
                    raise ContentError(
                        f"{path}: item '{item.id}' cites source '{source_id}', "
                        f"which is not in {files['sources']}"
                    )
    for vignette in content.vignettes.values():
        for indicator_id in vignette.offered():
            if indicator_id not in content.indicators:
                raise ContentError(
                    f"{files['vignettes']}: item '{vignette.id}' names indicator "
                    f"'{indicator_id}', which is not in {files['indicators']}"
                )
        if len(set(vignette.offered())) != len(vignette.offered()):
            raise ContentError(
                f"{files['vignettes']}: item '{vignette.id}' lists an indicator twice"
            )


def load_content(data_dir: Path | str = DATA_DIR) -> Content:
    """Read and validate every content file under `data_dir`."""
    data_dir = Path(data_dir)
    files = {
        "sources": data_dir / "sources.yaml",
        "indicators": data_dir / "indicators.yaml",
        "models": data_dir / "models.yaml",
        "datasets": data_dir / "figures.yaml",
        "facts": data_dir / "facts.yaml",
        "self_checks": data_dir / "self_checks.yaml",
        "vignettes": data_dir / "vignettes.yaml",
    }
    route_files = sorted((data_dir / "routes").glob("*.yaml"))
    if not route_files:
        raise ContentError(f"{data_dir / 'routes'}: no route files (*.yaml) found")

    routes: dict[str, Route] = {}
    file_of_route: dict[str, Path] = {}
    for path in route_files:
        for route_id, route in _parse_items(path, _read_yaml(path), Route).items():
            if route_id in routes:
                raise ContentError(f"{path}: item '{route_id}': id is used in another route file")
            routes[route_id] = route
            file_of_route[route_id] = path

    indicators_raw = _read_yaml(files["indicators"])
    files["vulnerability_factors"] = files["tactics"] = files["indicators"]
    content = Content(
        sources=_parse_items(files["sources"], _read_yaml(files["sources"]), Source),
        routes=routes,
        indicators=_parse_items(
            files["indicators"],
            _section(files["indicators"], indicators_raw, "indicators"),
            Indicator,
        ),
        vulnerability_factors=_parse_items(
            files["indicators"],
            _section(files["indicators"], indicators_raw, "vulnerability_factors"),
            NamedItem,
        ),
        tactics=_parse_items(
            files["indicators"], _section(files["indicators"], indicators_raw, "tactics"), NamedItem
        ),
        models=_parse_items(files["models"], _read_yaml(files["models"]), GroomingModel),
        datasets=_parse_items(files["datasets"], _read_yaml(files["datasets"]), Dataset),
        facts=_parse_items(files["facts"], _read_yaml(files["facts"]), Fact),
        self_checks=_parse_items(files["self_checks"], _read_yaml(files["self_checks"]), SelfCheck),
        vignettes=_parse_items(files["vignettes"], _read_yaml(files["vignettes"]), Vignette),
    )
    _check_references(content, files, file_of_route)
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
