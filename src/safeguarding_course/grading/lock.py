"""One grading run at a time per course folder.

Two runs at once (`grade-cohort` and `nbgrader autograde --force`, or two of either) write the
same gradebook and the same autograded/ folders; nbgrader's clean-up after a failed write can
then delete a folder the other run has just graded. So every course grading run holds a lock
file in the course folder (`.grading.lock`, through the filelock library). A second run waits
for it a bounded time, then stops with a message that says who holds it.

grade-cohort's worker processes are forked from the run that holds the lock; they grade under
it, so they must not wait for it (see `held_here`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

LOCK_NAME = ".grading.lock"
OWNER_NAME = ".grading.lock.owner"
DEFAULT_WAIT_SECONDS = 60.0

_HELD: set[str] = set()  # lock files held by this process, or by the run that forked it


class GradingBusy(RuntimeError):
    """Another grading run holds the course's lock."""


def lock_path(course_root: str | os.PathLike) -> Path:
    return Path(course_root).resolve() / LOCK_NAME


def held_here(course_root: str | os.PathLike) -> bool:
    """True inside a run that already holds the lock (or in a worker it forked)."""
    return str(lock_path(course_root)) in _HELD


def _owner(course_root: Path) -> str:
    try:
        return (course_root / OWNER_NAME).read_text(encoding="utf-8").strip() or "another run"
    except OSError:
        return "another run"


@contextmanager
def grading_lock(
    course_root: str | os.PathLike, wait: float = DEFAULT_WAIT_SECONDS, what: str = "grading"
) -> Iterator[None]:
    """Hold the course's grading lock, waiting at most `wait` seconds for it."""
    root = Path(course_root).resolve()
    path = str(lock_path(root))
    if path in _HELD:
        yield
        return
    lock = FileLock(path, timeout=max(0.0, wait))
    try:
        lock.acquire()
    except Timeout:
        raise GradingBusy(
            f"another grading run is using this course folder ({_owner(root)}). "
            f"Waited {wait:g} s. Let it finish, then run this again; nothing was graded or changed"
        ) from None
    _HELD.add(path)
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    try:
        (root / OWNER_NAME).write_text(
            f"{what}, process {os.getpid()}, started {started}\n", encoding="utf-8"
        )
    except OSError:
        pass  # the note only improves the message a waiting run shows
    try:
        yield
    finally:
        _HELD.discard(path)
        try:
            (root / OWNER_NAME).unlink()
        except OSError:
            pass
        lock.release()
