"""Exercises teach: every option and every sign has its own explanation, and no debrief, reason
or model answer is printed in a notebook's Markdown, or in a fact or route card a code cell
renders, where a learner would read it before trying the exercise. The advice and routes a
scenario draws on state its answers, so they are never rendered on the page: the player shows
them at an ending. (The widgets show these only after Check, or at a scenario's ending:
tests/test_widgets.py and tests/test_scenarios.py drive them.)"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from notebook_files import SOLUTIONS, course_notebooks, nbgrader_meta, notebooks, read

from safeguarding_course import content, render
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


RENDERS = {"fact": "fact", "facts": "fact", "routes": "route"}


def rendered_items(code: str) -> list[tuple[str, str]]:
    """The facts and routes a code cell renders: `render.fact("id")`, `render.facts(...)`,
    `render.routes(...)`, as ("fact" or "route", id)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "render"
            and node.func.attr in RENDERS
        ):
            kind = RENDERS[node.func.attr]
            found += [(kind, a.value) for a in node.args if isinstance(a, ast.Constant)]
    return found


def rendered_text(kind: str, item_id: str) -> str:
    """The words a fact or route card shows on the page."""
    if kind == "fact":
        return render.fact(item_id).data
    return render.routes(item_id).data


def flat_rendered(path) -> str:
    """Everything the notebook's code cells render as fact and route cards."""
    cells = read(path).cells
    texts = [
        rendered_text(kind, item_id)
        for c in cells
        if c.cell_type == "code"
        for kind, item_id in rendered_items(c.source)
    ]
    return re.sub(r"\s+", " ", " ".join(texts))


def scenario_leaks(cells) -> list[str]:
    """Fact and route cards on the page that give a scenario away before it is played: those
    the scenario shows at its ending (`ending_facts`, `ending_routes`), anywhere on the page;
    and, in the scenario's own section (from its `## ` heading to the next), any card that
    draws on the same sources as the scenario's choices."""
    sections: list[list] = [[]]
    for c in cells:
        if c.cell_type == "markdown" and c.source.lstrip().startswith("## "):
            sections.append([])
        sections[-1].append(c)
    played = [
        (content.scenario(item_id), section)
        for section in sections
        for c in section
        if c.cell_type == "code"
        for kind, item_id in EXERCISE.findall(c.source)
        if kind == "scenario_player"
    ]
    leaks = []
    for scenario, section in played:
        at_ending = {("fact", f) for f in scenario.ending_facts} | {
            ("route", r) for r in scenario.ending_routes
        }
        for c in cells:
            if c.cell_type == "code":
                for item in rendered_items(c.source):
                    if item in at_ending:
                        leaks.append(f"{item[0]} '{item[1]}' is shown at the ending of "
                                     f"'{scenario.id}' and must not be on the page")
        for c in section:
            if c.cell_type == "code":
                for kind, item_id in rendered_items(c.source):
                    item = content.fact(item_id) if kind == "fact" else content.route(item_id)
                    shared = set(item.sources) & scenario.all_sources()
                    if shared:
                        leaks.append(f"{kind} '{item_id}' in the section of '{scenario.id}' "
                                     f"draws on its sources {sorted(shared)}")
    return leaks


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
    texts = [*s.debrief, *(content.fact(f).statement for f in s.ending_facts)]
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
    page = markdown + " " + flat_rendered(path)  # the Markdown and every fact or route card
    for kind, item_id in exercises(path):
        for text in answer_texts(kind, item_id):
            for sentence in sentences(text):
                assert sentence not in page, (
                    f"{path.name}: the page gives away {kind} '{item_id}': {sentence!r}"
                )
    for answer in model_answers():
        for sentence in sentences(answer):
            assert sentence not in page, f"{path.name}: a model answer appears: {sentence!r}"


@pytest.mark.parametrize("path", course_notebooks(), ids=lambda p: p.name)
def test_no_rendered_fact_or_route_gives_a_scenario_away_before_it_is_played(path):
    assert scenario_leaks(read(path).cells) == [], path.name


def test_the_scenario_leak_check_catches_advice_rendered_under_a_player():
    """The layout the review found: the NCA's advice rendered right under Ryan's case."""
    cells = [
        nbformat.v4.new_markdown_cell("## 7.3 Ryan and the threat"),
        nbformat.v4.new_code_cell('scenario_player("m07_ryan_blackmail")'),
        nbformat.v4.new_code_cell('render.facts("m03_sextortion_advice", "m07_sextortion_keep_going")'),
        nbformat.v4.new_markdown_cell("## 7.4 Another section"),
        nbformat.v4.new_code_cell('render.routes("report_remove")'),
    ]
    leaks = scenario_leaks(cells)
    assert any("'m03_sextortion_advice'" in leak for leak in leaks), leaks
    assert any("'report_remove' is shown at the ending" in leak for leak in leaks), leaks
    assert rendered_items('render.facts("a_b", "c")') == [("fact", "a_b"), ("fact", "c")]


def test_every_scenario_names_the_advice_and_routes_it_draws_on():
    for s in content.content().scenarios.values():
        assert s.ending_facts and s.ending_routes, s.id


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
