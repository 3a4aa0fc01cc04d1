"""Exercises teach: every option and every sign has its own explanation, and no debrief, reason
or model answer is printed in a notebook's Markdown, where a learner would read it before
trying the exercise. (The widgets show these only after Check, or at a scenario's ending:
tests/test_widgets.py and tests/test_scenarios.py drive them.)"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from notebook_files import SOLUTIONS, course_notebooks, nbgrader_meta, notebooks, read

from safeguarding_course import content
from safeguarding_course.content import DATA_DIR, ContentError, load_content

EXERCISE = re.compile(r"""\b(self_check|indicator_spotter|scenario_player)\(\s*["']([a-z0-9_]+)["']""")
MIN_WORDS = 7  # a sentence this long, found word for word in Markdown, has been given away


def sentences(text: str) -> list[str]:
    """The longer sentences of a text, with whitespace collapsed."""
    flat = re.sub(r"\s+", " ", text).strip()
    parts = re.split(r"(?<=[.!?])\s+", flat)
    return [p for p in parts if len(p.split()) >= MIN_WORDS]


def flat_markdown(path) -> str:
    cells = read(path).cells
    return re.sub(r"\s+", " ", " ".join(c.source for c in cells if c.cell_type == "markdown"))


def exercises(path) -> list[tuple[str, str]]:
    code = "\n".join(c.source for c in read(path).cells if c.cell_type == "code")
    return EXERCISE.findall(code)


def answer_texts(kind: str, item_id: str) -> list[str]:
    """Everything an exercise shows only after an attempt."""
    if kind == "self_check":
        q = content.self_check(item_id)
        return [*q.reasons.values(), q.explanation]
    if kind == "indicator_spotter":
        v = content.vignette(item_id)
        return [v.debrief, *(p.evidence for p in v.present), *(a.why for a in v.absent)]
    s = content.scenario(item_id)
    texts = [*s.debrief]
    for node in s.nodes.values():
        texts += [node.ending or ""]
        for c in node.choices:
            texts += [c.feedback, c.went_well or "", c.do_differently or ""]
    return texts


def model_answers() -> list[str]:
    """The written model answers of every assessment."""
    found = []
    for path in notebooks(SOLUTIONS):
        for cell in read(path).cells:
            if cell.cell_type == "markdown" and nbgrader_meta(cell).get("solution"):
                found.append(cell.source)
    return found


@pytest.mark.parametrize("path", course_notebooks(), ids=lambda p: p.name)
def test_no_answer_or_debrief_is_printed_in_the_notebook_markdown(path):
    markdown = flat_markdown(path)
    assert not re.search(r"\*\*Debrief", markdown), f"{path.name}: a debrief in Markdown"
    for kind, item_id in exercises(path):
        for text in answer_texts(kind, item_id):
            for sentence in sentences(text):
                assert sentence not in markdown, (
                    f"{path.name}: the Markdown gives away {kind} '{item_id}': {sentence!r}"
                )
    for answer in model_answers():
        for sentence in sentences(answer):
            assert sentence not in markdown, f"{path.name}: a model answer appears: {sentence!r}"


def test_every_module_has_exercises_that_the_leak_check_can_see():
    kinds = {kind for path in course_notebooks() for kind, _ in exercises(path)}
    assert kinds == {"self_check", "indicator_spotter", "scenario_player"}


def test_every_self_check_option_has_its_own_reason():
    for q in content.content().self_checks.values():
        assert set(q.reasons) == set(q.options), q.id
        for key, reason in q.reasons.items():
            assert len(reason.split()) >= 5, f"{q.id} {key}: say why, in a sentence"
        texts = list(q.reasons.values())
        assert len(set(texts)) == len(texts), f"{q.id}: each option needs its own reason"


def test_every_sign_offered_in_a_spotter_says_why_it_is_or_is_not_shown():
    for v in content.content().vignettes.values():
        for item in [*v.present, *v.absent]:
            reason = getattr(item, "evidence", None) or getattr(item, "why", "")
            assert len(reason.split()) >= 4, f"{v.id} {item.indicator}: say why"
        assert len(v.debrief.split()) >= 20, f"{v.id}: a debrief after Check"


def test_every_self_check_used_by_a_module_belongs_to_it():
    for path in course_notebooks():
        module = path.name[:2]
        for kind, item_id in exercises(path):
            if kind == "self_check":
                assert content.self_check(item_id).module == module, (path.name, item_id)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the content data that a test may break."""
    return Path(shutil.copytree(DATA_DIR, tmp_path / "data"))


def _write_first_self_check(data_copy, edit):
    path = data_copy / "self_checks" / "00_start_here.yaml"
    path.write_text(edit(path.read_text()))
    return path


def test_a_self_check_missing_a_reason_is_refused_naming_file_item_and_option(data_copy):
    _write_first_self_check(
        data_copy, lambda t: re.sub(r"\n    B: Waiting for certainty[^\n]*", "", t, count=1)
    )
    with pytest.raises(ContentError) as error:
        load_content(data_copy)
    message = str(error.value)
    assert "00_start_here.yaml: item 'start_first_step'" in message
    assert "add a reason for option(s) ['B']" in message


def test_a_reason_for_an_option_that_does_not_exist_is_refused(data_copy):
    _write_first_self_check(
        data_copy, lambda t: t.replace("  reasons:\n", "  reasons:\n    E: No such option.\n", 1)
    )
    with pytest.raises(ContentError, match=r"start_first_step.*remove the reason\(s\) for \['E'\]"):
        load_content(data_copy)
