"""Where a course folder's gradebook is: SQLite in the folder, unless its config says
otherwise (`c.CourseDirectory.db_url`, for example PostgreSQL on a hub for hundreds)."""

from __future__ import annotations

from pathlib import Path


def gradebook_url(course_root: Path | str) -> str:
    """The gradebook's database URL, as nbgrader reads it from the course folder's
    nbgrader_config.py (and the nbgrader_local_config.py it loads)."""
    from traitlets.config.loader import PyFileConfigLoader

    course_root = Path(course_root)
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course_root)).load_config()
    section = config.get("CourseDirectory", {})
    if "db_url" in section and section["db_url"]:
        return str(section["db_url"])
    return f"sqlite:///{course_root / 'gradebook.db'}"


def existing_gradebook_url(course_root: Path | str) -> str | None:
    """The gradebook's URL, or None while a SQLite gradebook has not been made yet (nothing
    has been graded); reading must not create an empty one."""
    url = gradebook_url(course_root)
    if url.startswith("sqlite:") and not (Path(course_root) / "gradebook.db").is_file():
        return None
    return url
