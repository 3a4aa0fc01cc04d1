"""Shared test settings."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _learner_home(tmp_path, monkeypatch):
    """Widgets save a learner's progress; in tests it goes to a temporary folder, never to
    the real home of whoever runs the tests."""
    monkeypatch.setenv("SAFEGUARDING_COURSE_HOME", str(tmp_path / "learner_home"))
