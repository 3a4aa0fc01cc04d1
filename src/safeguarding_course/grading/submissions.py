"""Check submissions before grading, and keep a register of those that could not be graded.

A submission is plain files or nothing. Before anything reads it, its notebook must be an
ordinary file (not a symbolic link, a folder, a named pipe or a device), no larger than
`MAX_NOTEBOOK_BYTES`, valid UTF-8 notebook JSON with at most `MAX_CELLS` cells. Sizes and kinds
are checked with `os.lstat` before a byte is read, and files are then opened without following
links (`O_NOFOLLOW`), so a check and a read cannot see different files. Other files beside the
notebook are never read or copied, except `timestamp.txt`, nbgrader's `submission_secret.txt`
and files the trainer declared for an
assessment (`CourseAutograde.allowed_files` in nbgrader_config.py), which must be ordinary files
too.

A submission that cannot be graded is never graded as zero: it is left untouched, reported to
the trainer by name with the reason, and listed in `not_graded.csv` so exports show
"not graded".
"""

from __future__ import annotations

import csv
import json
import os
import stat
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from nbformat.v4.rwbase import rejoin_lines, strip_transient

from .safe_output import restore_cell, write_csv

REGISTER = "not_graded.csv"
FIELDS = ("student_id", "assignment", "reason", "path")
TIMESTAMP = "timestamp.txt"
SECRET = "submission_secret.txt"  # written by `nbgrader submit`; release_feedback needs it

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024  # a notebook with many saved charts is about 2 MB
MAX_EXTRA_FILE_BYTES = 5 * 1024 * 1024
MAX_TIMESTAMP_BYTES = 1024
MAX_CELLS = 2_000  # the released assessments have about 30
MAX_JSON_OBJECTS = 50_000  # parsing stops here, so a file of tiny objects cannot fill memory

CLEAR_OUTPUTS = (
    "ask the trainee to clear its outputs (Edit > Clear Outputs of All Cells), save it and "
    "submit again"
)


@dataclass(frozen=True)
class NotGraded:
    student_id: str
    assignment: str
    reason: str
    path: str

    def line(self) -> str:
        return f"{self.student_id}: {self.reason} (kept untouched at {self.path})"


class NotPlainFile(ValueError):
    """A file that must not be read: a link, a special file, or one that is too large."""


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB"


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not an ordinary file")


def plain_file_problem(path: Path, limit: int, what: str) -> str | None:
    """Why `path` must not be read (checked with lstat, so nothing is opened), or None."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return f"{what} is missing"
    except OSError as error:
        return f"{what} cannot be read ({error.strerror})"
    if stat.S_ISLNK(info.st_mode):
        try:
            target = os.readlink(path)
        except OSError:
            target = "somewhere else"
        return (
            f"{what} is a symbolic link (to {target}), not a file; links are never followed, "
            "so ask the trainee to hand in the file itself"
        )
    if not stat.S_ISREG(info.st_mode):
        return f"{what} is {_kind(info.st_mode)}, not an ordinary file, so it was not read"
    if info.st_size > limit:
        return (
            f"{what} is {_megabytes(info.st_size)}, more than the {_megabytes(limit)} "
            "a submission may be"
        )
    return None


def read_plain_file(path: Path, limit: int) -> bytes:
    """The bytes of an ordinary file of at most `limit` bytes, opened without following a link
    and without waiting on a pipe; anything else raises NotPlainFile."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        handle = os.open(path, flags)
    except OSError as error:
        raise NotPlainFile(
            plain_file_problem(Path(path), limit, Path(path).name) or error.strerror
        ) from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            raise NotPlainFile(plain_file_problem(Path(path), limit, Path(path).name))
        chunks, remaining = [], limit + 1
        while remaining > 0:
            chunk = os.read(handle, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        if remaining <= 0:
            raise NotPlainFile(f"{Path(path).name} grew beyond {_megabytes(limit)} while read")
        return b"".join(chunks)
    finally:
        os.close(handle)


def copy_plain_file(source: Path, destination: Path, limit: int) -> None:
    """Copy an ordinary file (never a link or a special file) to a new file."""
    data = read_plain_file(source, limit)
    destination.parent.mkdir(parents=True, exist_ok=True)
    if destination.is_symlink() or destination.exists():
        destination.unlink()
    with open(destination, "xb") as handle:
        handle.write(data)


class _TooManyObjects(ValueError):
    pass


def _counting_hook(limit: int):
    count = 0

    def hook(pairs):
        nonlocal count
        count += 1
        if count > limit:
            raise _TooManyObjects
        return dict(pairs)

    return hook


def parse_notebook(raw: bytes) -> tuple[nbformat.NotebookNode | None, str | None]:
    """(notebook, None) for bytes that are a valid version 4 notebook, else (None, why)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, f"the file is not UTF-8 text (byte {error.start}); it may be damaged"
    try:
        data = json.loads(text, object_pairs_hook=_counting_hook(MAX_JSON_OBJECTS))
    except _TooManyObjects:
        return None, (
            f"the notebook holds more than {MAX_JSON_OBJECTS:,} JSON objects (a notebook may "
            f"have at most {MAX_CELLS:,} cells), so it was not read further"
        )
    except json.JSONDecodeError as error:
        return None, (
            f"the file is not valid notebook JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}); it may have been edited outside Jupyter or cut short"
        )
    except (RecursionError, ValueError, MemoryError) as error:
        return None, f"the file is JSON that cannot be read safely ({type(error).__name__})"
    cells = data.get("cells") if isinstance(data, dict) else None
    if isinstance(cells, list) and len(cells) > MAX_CELLS:
        return None, (
            f"the notebook has {len(cells):,} cells, more than the {MAX_CELLS:,} a submission "
            "may have"
        )
    try:
        notebook = nbformat.from_dict(data)
        if notebook.get("nbformat") != 4:
            return None, (
                f"the file is not a version 4 notebook (nbformat is {notebook.get('nbformat')!r})"
            )
        nbformat.validate(notebook)
        # as nbformat.reads does: sources and texts saved as lists of lines become strings
        notebook = strip_transient(rejoin_lines(notebook))
    except Exception as error:  # any way a file can fail to be a notebook is a reason, not a crash
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else "invalid"
        return None, f"the file is JSON but not a valid notebook ({first_line[:160]})"
    return notebook, None


def read_notebook(path: Path) -> tuple[nbformat.NotebookNode | None, str | None]:
    """Read a notebook file safely: (notebook, None) or (None, why it cannot be graded)."""
    problem = plain_file_problem(path, MAX_NOTEBOOK_BYTES, f"the notebook {path.name}")
    if problem:
        return None, problem + (f"; {CLEAR_OUTPUTS}" if "more than the" in problem else "")
    try:
        raw = read_plain_file(path, MAX_NOTEBOOK_BYTES)
    except NotPlainFile as error:
        return None, str(error)
    return parse_notebook(raw)


def notebook_problem(path: Path) -> str | None:
    """Why a submitted notebook file cannot be graded, or None if it can be read."""
    return read_notebook(path)[1]


def timestamp_problem(path: Path) -> str | None:
    """Why a submission's timestamp.txt cannot be used, or None (an absent file is fine)."""
    from nbgrader.utils import parse_utc

    if not os.path.lexists(path):
        return None
    problem = plain_file_problem(path, MAX_TIMESTAMP_BYTES, TIMESTAMP)
    if problem:
        return problem
    try:
        text = read_plain_file(path, MAX_TIMESTAMP_BYTES).decode("utf-8").strip()
    except (NotPlainFile, UnicodeDecodeError):
        return f"{TIMESTAMP} is not plain text"
    if not text:
        return None
    try:
        parse_utc(text)
    except (ValueError, OverflowError, TypeError):
        shown = text.encode("ascii", "backslashreplace").decode("ascii")[:60]
        return (
            f"{TIMESTAMP} does not hold a date and time nbgrader can read ({shown!r}); "
            "it should look like 2026-11-28 10:00:00.000000 UTC"
        )
    return None


@dataclass
class Inspection:
    """What checking a submission found: a reason it cannot be graded, or its notebooks."""

    problem: NotGraded | None = None
    notebooks: dict[str, nbformat.NotebookNode] = field(default_factory=dict)  # path -> notebook


def _entries(folder: Path) -> dict[str, os.DirEntry]:
    with os.scandir(folder) as listing:
        return {entry.name: entry for entry in listing}


def inspect_submission(
    folder: Path,
    student_id: str,
    assignment: str,
    expected: list[str],
    allowed_files: list[str] | tuple[str, ...] = (),
) -> Inspection:
    """Check one trainee's submission folder: the notebooks the assignment expects, its
    timestamp.txt and the extra files the trainer declared. Nothing else in it is read."""

    def refuse(reason: str, where: Path = folder) -> Inspection:
        reason = reason.encode("utf-8", "backslashreplace").decode("utf-8")  # printable, savable
        return Inspection(NotGraded(student_id, assignment, reason, str(where)))

    for level, name in ((folder.parent, "trainee's folder"), (folder, "submission folder")):
        if level.is_symlink():
            return refuse(f"the {name} is a symbolic link; links are never followed")
    if not folder.is_dir():
        return refuse(f"no notebook named {expected[0] if expected else '?'} in the submission")
    entries = _entries(folder)
    found = sorted(name for name in entries if name.endswith(".ipynb"))
    inspection = Inspection()
    for name in expected:
        path = folder / name
        if name not in entries:
            if found:
                shown = ", ".join(n.encode("utf-8", "backslashreplace").decode() for n in found)
                return refuse(
                    f"expected a notebook named {name} but found {shown[:300]}; "
                    "it may have been renamed"
                )
            return refuse(f"no notebook named {name} in the submission")
        notebook, problem = read_notebook(path)
        if problem:
            return refuse(problem, path)
        inspection.notebooks[str(path)] = notebook
    problem = timestamp_problem(folder / TIMESTAMP)
    if problem:
        return refuse(problem, folder / TIMESTAMP)
    if SECRET in entries:
        problem = plain_file_problem(folder / SECRET, MAX_TIMESTAMP_BYTES, SECRET)
        if problem:
            return refuse(problem, folder / SECRET)
    for name in allowed_files:
        if name in entries:
            problem = plain_file_problem(folder / name, MAX_EXTRA_FILE_BYTES, f"the file {name}")
            if problem:
                return refuse(problem, folder / name)
    return inspection


def check_submission(
    folder: Path,
    student_id: str,
    assignment: str,
    expected: list[str],
    allowed_files: list[str] | tuple[str, ...] = (),
) -> NotGraded | None:
    """Check one trainee's submission folder against the notebooks the assignment expects."""
    return inspect_submission(folder, student_id, assignment, expected, allowed_files).problem


def check_folder(
    folder: Path, student_id: str, assignment: str, expected: list[str]
) -> NotGraded | None:
    """The quick part of the check, which reads no file: the folder and the notebooks' names,
    kinds and sizes (the full check runs again where the submission is graded)."""
    for level, name in ((folder.parent, "trainee's folder"), (folder, "submission folder")):
        if level.is_symlink():
            return NotGraded(
                student_id,
                assignment,
                f"the {name} is a symbolic link; links are never followed",
                str(folder),
            )
    if not folder.is_dir():
        return NotGraded(student_id, assignment, "the submission folder is missing", str(folder))
    entries = _entries(folder)
    for name in expected:
        if name not in entries:
            return check_submission(folder, student_id, assignment, expected)
        problem = plain_file_problem(folder / name, MAX_NOTEBOOK_BYTES, f"the notebook {name}")
        if problem:
            return check_submission(folder, student_id, assignment, expected)
    return None


def read_register(course_root: Path) -> list[NotGraded]:
    path = course_root / REGISTER
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        return [
            NotGraded(**{k: restore_cell(row.get(k) or "") for k in FIELDS})
            for row in csv.DictReader(handle)
        ]


def update_register(
    course_root: Path, assignment: str, graded: set[str], not_graded: list[NotGraded]
) -> None:
    """Record this run: drop entries for trainees now graded, add or replace the new ones."""
    new_keys = {(n.student_id, n.assignment) for n in not_graded}
    kept = [
        entry
        for entry in read_register(course_root)
        if not (
            entry.assignment == assignment
            and (entry.student_id in graded or (entry.student_id, entry.assignment) in new_keys)
        )
    ]
    rows = kept + list(not_graded)
    write_csv(course_root / REGISTER, FIELDS, (asdict(row) for row in rows))
