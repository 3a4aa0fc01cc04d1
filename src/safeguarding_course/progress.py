"""A learner's progress, kept on their own machine so it survives restarts.

What is kept: the self-checks and indicator spotters they have answered (and whether the
last answer was right), the modules they have marked complete, their reflections for their
CPD log, and their confidence ratings (at the start and at the end of each module).

Where: one JSON file, `progress.json`, in the folder named by the environment variable
`SAFEGUARDING_COURSE_HOME`, or else in `~/.safeguarding_course/`. Every change re-reads the
file, applies the change and writes the file again through a temporary file that then
replaces it, so an interrupted write never leaves half a file, and two notebooks open at
once do not undo each other's changes.

A file that cannot be used (not UTF-8, not JSON, not the expected shape, unreadable) is
never deleted: it is moved aside to `progress.json.corrupt-<timestamp>`, the learner is told
in plain words which file and what was wrong (`Progress.notices`), and a fresh file is
started. Nothing here crashes a notebook: the widgets catch a failure to save and show it as
a short note.

Module titles, minutes and outcomes come from the course notebooks' metadata, through the
index `course_modules.json` shipped with the package (`course_modules()`), so they are known
however the package was installed. Confidence ratings can be exported without any name or
identifier except a random id made once per progress file (`anonymous_confidence_export`),
and a trainer can pool a cohort's exports (`pool_confidence`).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import re
import secrets
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from statistics import fmean
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
)

from . import content, render

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

HOME_VARIABLE = "SAFEGUARDING_COURSE_HOME"
FILE_NAME = "progress.json"
FORMAT = "safeguarding-course-progress"
VERSION = 1
START = "start"
RATING_WORDS = {
    1: "not at all confident",
    2: "a little confident",
    3: "fairly confident",
    4: "confident",
    5: "very confident",
}
EXPORT_COLUMNS = ("learner_id", "stage", "statement_id", "rating")

STAGE_PATTERN = r"^(start|[0-9]{2})$"
MODULE_PATTERN = r"^[0-9]{2}$"
ID_PATTERN = r"^[a-z0-9_]+$"
LEARNER_ID_PATTERN = r"^[0-9a-f]{32}$"

Status = Literal["not started", "in progress", "complete"]


class ProgressError(RuntimeError):
    """Progress could not be saved (or the course's modules could not be read)."""


class CourseFolderMissing(ProgressError, FileNotFoundError):
    """The course notebooks, where module titles and minutes are kept, were not found."""


# -- where things are -----------------------------------------------------------------------


def home_dir() -> Path:
    """The progress folder: `$SAFEGUARDING_COURSE_HOME`, else `~/.safeguarding_course`."""
    configured = os.environ.get(HOME_VARIABLE, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".safeguarding_course"


def progress_path() -> Path:
    return home_dir() / FILE_NAME


COURSE_DIR_VARIABLE = "SAFEGUARDING_COURSE_DIR"
#: module ids, titles, minutes and outcomes, generated from the notebooks' metadata and shipped
#: with the package, so progress and CPD records work from a non-editable install (a wheel,
#: as on JupyterHub) where the course/ folder is not beside the package.
MODULE_INDEX = Path(__file__).with_name("course_modules.json")


def course_dir() -> Path:
    """The course's `course/` folder: `$SAFEGUARDING_COURSE_DIR`, else the repository's
    `course/` folder beside the package source (an editable install)."""
    configured = os.environ.get(COURSE_DIR_VARIABLE, "").strip()
    folder = (
        Path(configured).expanduser()
        if configured
        else Path(__file__).resolve().parents[2] / "course"
    )
    if not folder.is_dir():
        raise CourseFolderMissing(
            f"The course notebooks were not found in {folder}. Set {COURSE_DIR_VARIABLE} to "
            "the folder that holds them, or use the course from a copy of its repository."
        )
    return folder


@dataclass(frozen=True)
class Module:
    """One teaching notebook, as its metadata describes it."""

    id: str
    title: str
    minutes: int
    outcomes: tuple[str, ...]
    notebook: Path  # the notebook's path, or only its file name when read from the index
    sections: tuple[tuple[str, str], ...] = ()  # ("1.4", "Signs: patterns, not checklists")

    @property
    def number(self) -> str:
        """The module number as people say it: "1" for module "01"."""
        return str(int(self.id)) if self.id.isdigit() else self.id


SECTION_HEADING = re.compile(r"^##\s+(\d+\.\d+)\s+(.+?)\s*$", re.M)


def _sections(path: Path) -> tuple[tuple[str, str], ...]:
    """The numbered section headings ("## 1.4 ...") of a teaching notebook, in order."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    found = []
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            found += SECTION_HEADING.findall(source)
    return tuple((number, title) for number, title in found)


def _modules_from_notebooks(folder: Path) -> dict[str, Module]:
    modules: dict[str, Module] = {}
    for path in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        try:
            meta = render.module_metadata(path)
            module = Module(
                id=str(meta["module"]),
                title=str(meta["title"]),
                minutes=int(meta["minutes"]),
                outcomes=tuple(str(o) for o in meta.get("outcomes", ())),
                notebook=path,
                sections=_sections(path),
            )
        except (KeyError, TypeError, ValueError, OSError) as exc:
            raise ProgressError(f"{path}: could not read the module's metadata ({exc})") from None
        modules[module.id] = module
    return dict(sorted(modules.items()))


def module_index(folder: Path | str) -> list[dict]:
    """What `course_modules.json` holds: each module's metadata, read from the notebooks."""
    return [
        {
            "module": m.id,
            "title": m.title,
            "minutes": m.minutes,
            "outcomes": list(m.outcomes),
            "notebook": m.notebook.name,
            "sections": [list(s) for s in m.sections],
        }
        for m in _modules_from_notebooks(Path(folder)).values()
    ]


def write_module_index(folder: Path | str | None = None) -> Path:
    """Regenerate `course_modules.json` from the notebooks. Run it after editing a module's
    metadata (`python -m safeguarding_course.progress module-index`); a test checks it."""
    index = module_index(folder if folder is not None else course_dir())
    text = json.dumps(index, indent=2, ensure_ascii=False) + "\n"
    return atomic_write_text(MODULE_INDEX, text)


def _modules_from_index() -> dict[str, Module]:
    try:
        index = json.loads(MODULE_INDEX.read_text(encoding="utf-8"))
        modules = {
            str(entry["module"]): Module(
                id=str(entry["module"]),
                title=str(entry["title"]),
                minutes=int(entry["minutes"]),
                outcomes=tuple(str(o) for o in entry.get("outcomes", ())),
                notebook=Path(str(entry["notebook"])),
                sections=tuple((str(n), str(t)) for n, t in entry.get("sections", ())),
            )
            for entry in index
        }
    except FileNotFoundError:
        raise CourseFolderMissing(
            f"The list of the course's modules ({MODULE_INDEX}) is missing: reinstall the "
            "course package (pip install .), which ships it."
        ) from None
    except (KeyError, TypeError, ValueError, OSError) as exc:
        raise ProgressError(f"{MODULE_INDEX}: could not read the list of modules ({exc})") from None
    return dict(sorted(modules.items()))


def course_modules(folder: Path | str | None = None) -> dict[str, Module]:
    """Every module, by module id ("00", "01", ...), in order: from the notebooks in `folder`
    if given, else from the index shipped with the package (which works however the package
    was installed)."""
    if folder is None:
        return _modules_from_index()
    folder = Path(folder)
    if not folder.is_dir():
        raise CourseFolderMissing(f"The course folder {folder} does not exist.")
    return _modules_from_notebooks(folder)


def stage_label(stage: str, modules: Mapping[str, Module] | None = None) -> str:
    """'At the start of the course' or 'After module 1'."""
    if stage == START:
        return "At the start of the course"
    number = modules[stage].number if modules and stage in modules else stage.lstrip("0") or "0"
    return f"After module {number}"


def _stage_order(stage: str) -> tuple[int, str]:
    return (0, "") if stage == START else (1, stage)


def statement_text(statement_id: str) -> str:
    """The words of a confidence statement, or its id if the content data no longer has it."""
    statements = content.content().confidence_statements
    return statements[statement_id].text if statement_id in statements else statement_id


def module_items(module_id: str) -> list[tuple[str, str]]:
    """(item id, kind) of every self-check and indicator spotter of a module in the data."""
    data = content.content()
    return [(i.id, "self_check") for i in data.self_checks.values() if i.module == module_id] + [
        (v.id, "spotter") for v in data.vignettes.values() if v.module == module_id
    ]


def item_label(item_id: str, kind: str) -> str:
    """The question's prompt or the spotter's title, for the CPD record."""
    data = content.content()
    if kind == "self_check" and item_id in data.self_checks:
        return data.self_checks[item_id].prompt
    if kind == "spotter" and item_id in data.vignettes:
        return f"Indicator spotter: {data.vignettes[item_id].title}"
    return item_id


# -- the file format ------------------------------------------------------------------------

ModuleId = Annotated[str, Field(pattern=MODULE_PATTERN)]
Stage = Annotated[str, Field(pattern=STAGE_PATTERN)]
ItemId = Annotated[str, Field(pattern=ID_PATTERN)]
Rating = Annotated[StrictInt, Field(ge=1, le=5)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class CheckRecord(_Record):
    """The learner's answers to one self-check or spotter."""

    kind: Literal["self_check", "spotter"]
    module: ModuleId
    correct: StrictBool  # whether the last answer was right
    attempts: Annotated[StrictInt, Field(ge=1)]
    first_answered: AwareDatetime
    last_answered: AwareDatetime


class Reflection(_Record):
    text: StrictStr
    updated: AwareDatetime


class Ratings(_Record):
    saved: AwareDatetime
    ratings: dict[ItemId, Rating]


class ProgressData(_Record):
    format: Literal["safeguarding-course-progress"] = FORMAT
    version: Literal[1] = VERSION
    learner_id: Annotated[str, Field(pattern=LEARNER_ID_PATTERN)]
    created: AwareDatetime
    updated: AwareDatetime
    checks: dict[ItemId, CheckRecord] = {}
    completed: dict[ModuleId, AwareDatetime] = {}
    reflections: dict[ModuleId, Reflection] = {}
    confidence: dict[Stage, Ratings] = {}

    @classmethod
    def fresh(cls) -> ProgressData:
        now = _now()
        return cls(learner_id=secrets.token_hex(16), created=now, updated=now)


def _now() -> dt.datetime:
    """The time now, in UTC (a function so tests can fix the clock)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _problem_with(raw: bytes) -> tuple[str | None, ProgressData | None]:
    """What is wrong with a progress file's bytes, in plain words; or its data if all is well."""
    if not raw.strip():
        return "it is empty", None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return (
            f"it is not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start} "
            "cannot be read)",
            None,
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"it is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})", None
    if not isinstance(data, dict):
        return f"it holds a JSON {type(data).__name__}, not the expected object of fields", None
    if data.get("format") != FORMAT:
        return f'it is not a progress file of this course (no "format": "{FORMAT}")', None
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        return (
            f"it was written by a newer version of the course (format version {version}; "
            f"this version reads {VERSION})",
            None,
        )
    try:
        return None, ProgressData.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{' > '.join(str(p) for p in err['loc']) or 'the file'}: {err['msg']}"
            for err in exc.errors()[:3]
        ]
        more = f" (and {exc.error_count() - 3} more)" if exc.error_count() > 3 else ""
        return "it does not have the expected contents: " + "; ".join(problems) + more, None


# -- writing safely ---------------------------------------------------------------------------


def atomic_write_text(path: Path | str, text: str) -> Path:
    """Write `text` to `path` through a temporary file in the same folder that then replaces
    it, so readers see either the old file or the new one, never half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


@contextlib.contextmanager
def _locked(folder: Path, create: bool = False) -> Iterator[None]:
    """Hold an advisory lock on the progress folder while reading and changing the file, so
    two notebooks open at once take turns. POSIX only; elsewhere (and in a folder that cannot
    be written to) changes still re-read the file first, without the lock."""
    handle = None
    if fcntl is not None:
        try:
            if create:
                folder.mkdir(parents=True, exist_ok=True)
            if folder.is_dir():
                handle = open(folder / "progress.lock", "a")  # noqa: SIM115
        except OSError:
            handle = None
    if handle is None:
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _timestamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


# -- progress ---------------------------------------------------------------------------------


class Progress:
    """A learner's progress file. Reading never raises; each change is saved at once.

    `notices` lists, in plain words, anything the learner should know (a progress file that
    could not be used and where it was kept). A failure to save raises `ProgressError`
    with a plain message; the widgets catch it and show it as a note.
    """

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path).expanduser() if path is not None else progress_path()
        self.notices: list[str] = []
        self._blocked: str | None = None
        with _locked(self.path.parent):
            self._data = self._read()

    @classmethod
    def load(cls, path: Path | str | None = None) -> Progress:
        """The same as `Progress(path)`: read the progress file (or start a fresh one)."""
        return cls(path)

    # -- reading and writing --

    def _read(self) -> ProgressData:
        if not self.path.exists() and not self.path.is_symlink():
            return ProgressData.fresh()
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            problem = f"it could not be opened ({exc.strerror or exc})"
        else:
            problem, data = _problem_with(raw)
            if data is not None:
                self._blocked = None
                return data
        self._set_aside(problem)
        fresh = ProgressData.fresh()
        if self._blocked is None:
            try:
                self._write(fresh)
            except ProgressError as exc:
                self.notices.append(str(exc))
        return fresh

    def _set_aside(self, problem: str) -> None:
        """Move an unusable file out of the way, keeping it; never delete it."""
        target = self.path.with_name(f"{self.path.name}.corrupt-{_timestamp()}")
        counter = 1
        while target.exists():
            counter += 1
            target = self.path.with_name(f"{self.path.name}.corrupt-{_timestamp()}-{counter}")
        try:
            os.replace(self.path, target)
        except OSError as exc:
            self._blocked = (
                f"Your progress file {self.path} could not be used: {problem}. It could not be "
                f"moved aside either ({exc.strerror or exc}), so it has been left as it is and "
                "your progress in this session will not be saved. Ask your trainer for help, "
                f"or set {HOME_VARIABLE} to another folder."
            )
            self.notices.append(self._blocked)
            return
        self._blocked = None
        self.notices.append(
            f"Your progress file {self.path} could not be used: {problem}. It has been kept, "
            f"unchanged, as {target}, and a fresh progress file has been started. Nothing has "
            "been deleted."
        )

    def _write(self, data: ProgressData) -> None:
        if self._blocked:
            raise ProgressError(self._blocked)
        text = json.dumps(data.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
        try:
            atomic_write_text(self.path, text)
        except OSError as exc:
            raise ProgressError(
                f"Your progress could not be saved to {self.path} ({exc.strerror or exc})."
            ) from None

    def reload(self) -> Progress:
        """Read the file again (another notebook may have changed it)."""
        with _locked(self.path.parent):
            self._data = self._read()
        return self

    def _update(self, change: Callable[[ProgressData, dt.datetime], None]) -> None:
        """Re-read the file, apply `change`, and save, all under the lock."""
        with _locked(self.path.parent, create=True):
            self._data = self._read()
            now = _now()
            change(self._data, now)
            self._data.updated = now
            self._write(self._data)

    def notices_text(self) -> str:
        return " ".join(self.notices)

    # -- changes (each is saved at once) --

    def record_check(
        self, item_id: str, correct: bool, *, kind: str = "self_check", module: str
    ) -> None:
        """Record an answer to a self-check (kind "self_check") or spotter (kind "spotter")."""

        def change(data: ProgressData, now: dt.datetime) -> None:
            old = data.checks.get(item_id)
            data.checks[item_id] = CheckRecord(
                kind=kind,
                module=module,
                correct=bool(correct),
                attempts=(old.attempts + 1) if old else 1,
                first_answered=old.first_answered if old else now,
                last_answered=now,
            )

        self._validate(ID_PATTERN, item_id, "item id")
        self._update(change)

    def set_reflection(self, module_id: str, text: str) -> None:
        """Save the learner's reflections on a module (replacing earlier ones)."""
        self._validate(MODULE_PATTERN, module_id, "module id")
        if not isinstance(text, str):
            raise TypeError("reflections must be text")

        def change(data: ProgressData, now: dt.datetime) -> None:
            old = data.reflections.get(module_id)
            if old is None or old.text != text:
                data.reflections[module_id] = Reflection(text=text, updated=now)

        self._update(change)

    def mark_complete(self, module_id: str) -> dt.datetime:
        """Mark a module complete (keeping the first date if it already was); return the date."""
        self._validate(MODULE_PATTERN, module_id, "module id")
        self._update(lambda data, now: data.completed.setdefault(module_id, now))
        return self._data.completed[module_id]

    def mark_incomplete(self, module_id: str) -> None:
        self._update(lambda data, now: data.completed.pop(module_id, None))

    def save_confidence(self, stage: str, ratings: Mapping[str, int]) -> None:
        """Save ratings (1-5, by statement id) for a stage: "start" or a module id."""
        self._validate(STAGE_PATTERN, stage, "stage")
        checked = Ratings(saved=_now(), ratings=dict(ratings))

        def change(data: ProgressData, now: dt.datetime) -> None:
            data.confidence[stage] = Ratings(saved=now, ratings=checked.ratings)

        self._update(change)

    @staticmethod
    def _validate(pattern: str, value, what: str) -> None:
        if not isinstance(value, str) or not re.fullmatch(pattern, value):
            raise ValueError(f"{value!r} is not a valid {what}")

    # -- reading --

    @property
    def data(self) -> ProgressData:
        """A copy of everything in the file."""
        return self._data.model_copy(deep=True)

    @property
    def learner_id(self) -> str:
        return self._data.learner_id

    @property
    def checks(self) -> dict[str, CheckRecord]:
        return dict(self._data.checks)

    @property
    def completed(self) -> dict[str, dt.datetime]:
        return dict(sorted(self._data.completed.items()))

    def is_complete(self, module_id: str) -> bool:
        return module_id in self._data.completed

    def reflection(self, module_id: str) -> str:
        found = self._data.reflections.get(module_id)
        return found.text if found else ""

    def reflection_updated(self, module_id: str) -> dt.datetime | None:
        found = self._data.reflections.get(module_id)
        return found.updated if found else None

    def ratings(self, stage: str) -> dict[str, int]:
        found = self._data.confidence.get(stage)
        return dict(found.ratings) if found else {}

    @property
    def stages(self) -> list[str]:
        """Stages with saved ratings, "start" first."""
        return sorted(self._data.confidence, key=_stage_order)

    def module_checks(self, module_id: str) -> list[CheckResult]:
        """Each self-check and spotter of a module, answered or not, in the data's order;
        answered items no longer in the data are listed after them."""
        listed = module_items(module_id)
        known = {item_id for item_id, _ in listed}
        listed += [
            (item_id, record.kind)
            for item_id, record in self._data.checks.items()
            if record.module == module_id and item_id not in known
        ]
        results = []
        for item_id, kind in listed:
            record = self._data.checks.get(item_id)
            results.append(
                CheckResult(
                    item_id=item_id,
                    kind=kind,
                    label=item_label(item_id, kind),
                    answered=record is not None,
                    correct=bool(record and record.correct),
                    attempts=record.attempts if record else 0,
                )
            )
        return results

    def module_status(self, module_id: str) -> Status:
        if self.is_complete(module_id):
            return "complete"
        started = (
            any(r.module == module_id for r in self._data.checks.values())
            or bool(self.reflection(module_id).strip())
            or module_id in self._data.confidence
        )
        return "in progress" if started else "not started"

    def confidence_before_after(self) -> dict[str, tuple[int | None, int | None]]:
        """Per statement id: (rating at the start, latest rating after a module). Statements
        in the content data come first, in its order; None where there is no rating."""
        start = self.ratings(START)
        later = sorted(
            (r for stage, r in self._data.confidence.items() if stage != START),
            key=lambda r: r.saved,
        )
        latest: dict[str, int] = {}
        for ratings in later:
            latest.update(ratings.ratings)
        ids = list(content.content().confidence_statements)
        ids += sorted((set(start) | set(latest)) - set(ids))
        return {sid: (start.get(sid), latest.get(sid)) for sid in ids}

    # -- anonymous export --

    def anonymous_confidence_export(self, csv_path: Path | str | None = None) -> list[dict]:
        """The confidence ratings as rows (learner_id, stage, statement_id, rating) with no
        name or identifier except this file's random learner id; written to `csv_path` as
        CSV if given. A trainer pools a cohort's files with `pool_confidence`."""
        rows = [
            {"learner_id": self.learner_id, "stage": stage, "statement_id": sid, "rating": rating}
            for stage in self.stages
            for sid, rating in sorted(self._data.confidence[stage].ratings.items())
        ]
        if csv_path is not None:
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            atomic_write_text(csv_path, buffer.getvalue())
        return rows

    def export_file_name(self) -> str:
        """A name for the export that will not clash with other learners' in one folder."""
        return f"confidence_{self.learner_id[:12]}.csv"


@dataclass(frozen=True)
class CheckResult:
    item_id: str
    kind: str
    label: str
    answered: bool
    correct: bool
    attempts: int


def record_check_result(item_id: str, correct: bool, *, kind: str, module: str) -> str:
    """Record a self-check or spotter answer in the learner's progress. Never raises: returns
    "" when all went well, else a short note in plain words for the learner."""
    try:
        progress = Progress()
        progress.record_check(item_id, correct, kind=kind, module=module)
        return progress.notices_text()
    except Exception as exc:  # the widget must keep working whatever happens here
        return f"Your answer was checked, but it could not be saved to your progress: {exc}"


def anonymous_confidence_export(
    csv_path: Path | str | None = None, progress: Progress | None = None
) -> list[dict]:
    """The learner's confidence ratings with only a random id (see
    `Progress.anonymous_confidence_export`); from the default progress file unless given."""
    return (progress or Progress()).anonymous_confidence_export(csv_path)


# -- pooling a cohort's exports ----------------------------------------------------------------


@dataclass(frozen=True)
class PooledRating:
    statement_id: str
    stage: str
    learners: int
    mean: float


@dataclass
class ConfidencePool:
    """Per statement and stage: how many learners rated it and their mean rating."""

    ratings: list[PooledRating] = field(default_factory=list)
    files_read: list[str] = field(default_factory=list)
    #: (file, what is wrong), e.g. ("a.csv", "line 3: rating '7' is not ...")
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def mean(self, statement_id: str, stage: str) -> float | None:
        found = self.get(statement_id, stage)
        return found.mean if found else None

    def learners(self, statement_id: str, stage: str) -> int:
        found = self.get(statement_id, stage)
        return found.learners if found else 0

    def get(self, statement_id: str, stage: str) -> PooledRating | None:
        return next(
            (r for r in self.ratings if (r.statement_id, r.stage) == (statement_id, stage)), None
        )

    def text(self) -> str:
        """A plain-text report: files read, files skipped and why, and the means."""
        lines = [f"Files read: {len(self.files_read)}."]
        if self.skipped:
            lines.append(f"Files skipped: {len(self.skipped)}.")
            lines += [f"- {Path(name).name} {why}" for name, why in self.skipped]
        for r in self.ratings:
            lines.append(
                f"{statement_text(r.statement_id)} | {stage_label(r.stage)} | "
                f"learners: {r.learners} | mean rating: {r.mean:.1f}"
            )
        return "\n".join(lines)

    __str__ = text


def _read_export(path: Path) -> list[tuple[str, str, str, int]]:
    """The rows of one export; raises ValueError saying what is wrong."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"could not be opened ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")  # a file saved again by a spreadsheet may have a BOM
    except UnicodeDecodeError as exc:
        raise ValueError(f"is not UTF-8 text (position {exc.start})") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in EXPORT_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"is not a confidence export (missing columns: {', '.join(missing)})")
    rows, seen = [], set()
    for row in reader:
        where = f"line {reader.line_num}"
        learner, stage, sid = (row.get(c) or "" for c in EXPORT_COLUMNS[:3])
        rating_text = (row.get("rating") or "").strip()
        if not re.fullmatch(LEARNER_ID_PATTERN, learner):
            raise ValueError(f"{where}: learner_id is not a random id of 32 hex digits")
        if not re.fullmatch(STAGE_PATTERN, stage):
            raise ValueError(f"{where}: stage {stage!r} is not 'start' or a module number")
        if not re.fullmatch(ID_PATTERN, sid):
            raise ValueError(f"{where}: statement_id {sid!r} is not a statement id")
        if not re.fullmatch(r"[1-5]", rating_text):
            raise ValueError(f"{where}: rating {rating_text!r} is not a whole number from 1 to 5")
        if (learner, stage, sid) in seen:
            raise ValueError(f"{where}: the same rating appears twice")
        seen.add((learner, stage, sid))
        rows.append((learner, stage, sid, int(rating_text)))
    if not rows:
        raise ValueError("has no ratings")
    return rows


def pool_confidence(paths: Iterable[Path | str]) -> ConfidencePool:
    """Pool several learners' anonymous exports. A file that cannot be read, or that repeats
    ratings already read from another file (the same learner twice), is skipped and named in
    `skipped` with the reason, so no one is counted twice and one bad file spoils nothing."""
    pool = ConfidencePool()
    by_key: dict[tuple[str, str], list[int]] = {}
    owner: dict[tuple[str, str, str], str] = {}
    for path in map(Path, paths):
        try:
            rows = _read_export(path)
        except ValueError as exc:
            pool.skipped.append((str(path), str(exc)))
            continue
        clash = next((owner[r[:3]] for r in rows if r[:3] in owner), None)
        if clash:
            pool.skipped.append(
                (
                    str(path),
                    f"repeats ratings already read from {Path(clash).name} "
                    "(the same learner's export twice?), so it was not counted",
                )
            )
            continue
        for learner, stage, sid, rating in rows:
            owner[(learner, stage, sid)] = str(path)
            by_key.setdefault((sid, stage), []).append(rating)
        pool.files_read.append(str(path))
    order = {sid: n for n, sid in enumerate(content.content().confidence_statements)}
    for (sid, stage), values in sorted(
        by_key.items(),
        key=lambda kv: (order.get(kv[0][0], len(order)), kv[0][0], _stage_order(kv[0][1])),
    ):
        pool.ratings.append(PooledRating(sid, stage, learners=len(values), mean=fmean(values)))
    return pool


def main(argv: list[str] | None = None) -> int:
    """`python -m safeguarding_course.progress pool FILE.csv ...`: a trainer's pooled report.
    `python -m safeguarding_course.progress module-index`: regenerate course_modules.json."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["module-index"]:
        print(f"Wrote {write_module_index()}")
        return 0
    if len(args) < 2 or args[0] != "pool":
        print("usage: python -m safeguarding_course.progress pool EXPORT.csv [EXPORT.csv ...]")
        print("       python -m safeguarding_course.progress module-index")
        return 2
    print(pool_confidence(args[1:]).text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
