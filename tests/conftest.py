"""Shared test settings."""

from __future__ import annotations

from pathlib import Path

import pytest

# The browser tests' shared fixtures (one server, one Chromium, one JupyterLab page and one app
# page per test process). Defined here, not imported by each test module, so they are shared.
from browser_support import app_server, chromium, lab_session, voila_page  # noqa: F401


@pytest.fixture(autouse=True)
def _learner_home(tmp_path, monkeypatch):
    """Widgets save a learner's progress; in tests it goes to a temporary folder, never to
    the real home of whoever runs the tests."""
    monkeypatch.setenv("SAFEGUARDING_COURSE_HOME", str(tmp_path / "learner_home"))


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """For tests of progress and the CPD record: the learner's folder, a home folder and the
    working folder are all temporary (CPD records are saved beside the working folder)."""
    folder = tmp_path / "course_home"
    monkeypatch.setenv("SAFEGUARDING_COURSE_HOME", str(folder))
    monkeypatch.setenv("HOME", str(tmp_path / "user_home"))
    monkeypatch.chdir(tmp_path)
    return folder
