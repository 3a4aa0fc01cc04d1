"""A written answer reaches the trainer and the trainee as text, never as live HTML."""

from __future__ import annotations

import copy
import subprocess

import pytest
from nbgrader_course import BIN, CourseFolder, nbgrader_env
from notebook_files import read

FIRST = "01_understanding_online_grooming"
HOSTILE = (
    "My answer <img src=x onerror=\"fetch('/api/kernels', {method: 'POST'})\"> "
    "<script>alert(1)</script> [more](javascript:alert(2))"
)


@pytest.mark.nbgrader
def test_html_in_a_written_answer_is_shown_as_text_in_formgrader_and_feedback(tmp_path):
    course = CourseFolder.create(tmp_path / "course")
    released = read(course.generate(FIRST))
    notebook = copy.deepcopy(released)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "q8_written_next_steps":
            cell.source = HOSTILE
    course.submit("trainee", FIRST, notebook)
    subprocess.run(
        [str(BIN / "grade-cohort"), FIRST, "--no-progress"],
        cwd=course.root,
        env=nbgrader_env(),
        check=True,
        capture_output=True,
    )
    course.nbgrader("generate_feedback", FIRST, "--force")

    autograded = (course.root / "autograded" / "trainee" / FIRST / f"{FIRST}.ipynb").read_text()
    feedback = (course.root / "feedback" / "trainee" / FIRST / f"{FIRST}.html").read_text()
    for page in (autograded, feedback):
        assert "<script>alert(1)</script>" not in page
        assert "<img src=x onerror" not in page
        assert 'href="javascript:' not in page
    assert '<pre class=\\"written-answer' in autograded  # one text block (JSON-escaped)
    assert "My answer" in feedback
    assert course.scores(FIRST, "trainee")["q8_written_next_steps"] == 0.0  # unmarked yet
