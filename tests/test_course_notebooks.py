"""Every teaching notebook runs top to bottom in a fresh kernel and follows the skeleton."""

from __future__ import annotations

import re

import pytest
from nbclient import NotebookClient
from notebook_files import ASSIGNMENTS, COURSE, REPO, SOLUTIONS, course_notebooks, notebooks, read

from safeguarding_course import content, render

OUTCOME_VERBS = {
    "Explain",
    "Describe",
    "Identify",
    "Recognise",
    "Name",
    "Use",
    "Choose",
    "Distinguish",
    "Interpret",
    "Read",
    "Find",
    "Answer",
    "Save",
    "Run",
    "Know",
    "Say",
    "List",
    "Outline",
    "Apply",
    "Judge",
    "Spot",
    "Summarise",
    "Give",
    "Decide",
    "Navigate",
    "Set",
    "Locate",
    "Open",
    "Check",
    "Reflect",
    "State",
    "Tell",
    "Respond",
    "Compare",
}
CLOSING_SECTIONS = [
    "## Check your understanding",
    "## Reflect",
    "## Key points",
    "## Further reading",
]


def markdown(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def test_there_is_a_start_page_and_a_first_module():
    names = [p.name for p in course_notebooks()]
    assert "00_start_here.ipynb" in names
    assert any(n.startswith("01_") for n in names)


@pytest.mark.parametrize("path", course_notebooks(), ids=lambda p: p.name)
def test_the_notebook_runs_top_to_bottom_in_a_fresh_kernel(path):
    nb = read(path)
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(COURSE)}}
    ).execute()
    problems = [
        output
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
        or (output.output_type == "stream" and output.name == "stderr")
    ]
    assert not problems, f"{path.name}: {problems[:2]}"
    shown = "\n".join(
        str(output.get("data", {}).get("text/markdown", ""))
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )
    assert content.route("samaritans").contact[0].value in shown, "the support block is shown"


@pytest.mark.parametrize("path", course_notebooks(), ids=lambda p: p.name)
def test_the_notebook_follows_the_skeleton(path):
    nb = read(path)
    meta = nb.metadata["course"]
    texts = markdown(nb)
    first = texts[0]
    assert re.match(rf"# {int(meta['module'])}\. {re.escape(meta['title'])}\n", first), first[:80]
    assert f"{meta['minutes']} minutes" in first or "minutes" in first

    note = next(t for t in texts if t.startswith("## Content note"))
    for words in (
        "explicit",
        "fictional",
        "pause",
        "supervisor",
        "safeguarding lead",
        "procedures",
    ):
        assert words in note, f"{path.name}: the content note should mention {words!r}"
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert any("render.support()" in c for c in code), "support contacts are shown from the data"

    outcomes_cell = next(t for t in texts if t.startswith("## Learning outcomes"))
    bullets = [line[2:].strip() for line in outcomes_cell.splitlines() if line.startswith("- ")]
    assert 3 <= len(bullets) <= 5
    assert bullets == meta["outcomes"], "metadata outcomes match the Learning outcomes cell"
    assert all(b.split()[0] in OUTCOME_VERBS for b in bullets), bullets

    headings = [line for t in texts for line in t.splitlines() if line.startswith("## ")]
    assert any(h.startswith(f"## {int(meta['module'])}.1 ") for h in headings)
    closing = [h for h in headings if h in CLOSING_SECTIONS]
    assert closing == CLOSING_SECTIONS, f"{path.name}: closing sections in order: {closing}"
    assert headings[-1] == "## Further reading"


@pytest.mark.parametrize("path", course_notebooks(), ids=lambda p: p.name)
def test_facts_are_not_typed_into_markdown(path):
    """Numbers and phone numbers come from the content data, shown by code cells. Years are
    allowed, because they name laws and guidance ("Children Act 1989")."""
    for text in markdown(read(path)):
        body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
        body = re.sub(r"\b(19|20)\d\d\b", "", body)
        found = re.search(r"\d{3,}|%", body)
        assert not found, (
            f"{path.name}: a fact typed in Markdown near: "
            f"{body[max(0, found.start() - 60) : found.end() + 20]!r}"
        )


@pytest.mark.parametrize(
    "path",
    notebooks(COURSE) + notebooks(SOLUTIONS) + notebooks(ASSIGNMENTS),
    ids=lambda p: str(p.relative_to(REPO)),
)
def test_notebooks_are_committed_without_outputs(path):
    for cell in read(path).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (
                f"{path.relative_to(REPO)} has outputs: clear them before committing"
            )


@pytest.mark.parametrize(
    "path",
    notebooks(COURSE) + notebooks(SOLUTIONS) + notebooks(ASSIGNMENTS),
    ids=lambda p: str(p.relative_to(REPO)),
)
def test_notebooks_are_committed_without_widget_state(path):
    """JupyterLab saves widget state into the metadata (the course turns saveState on)."""
    assert "widgets" not in read(path).metadata, (
        f"{path.relative_to(REPO)} carries saved widget state (metadata 'widgets'): remove it "
        "before committing (clearing the outputs does not; in JupyterLab, delete 'widgets' in "
        "the Property Inspector > Advanced Tools > Notebook metadata)"
    )


def test_the_readme_module_table_matches_the_notebooks():
    readme = (REPO / "README.md").read_text()
    for path in course_notebooks():
        meta = render.module_metadata(path)
        row = f"| {meta['module']} | [{meta['title']}](course/{path.name}) | {meta['minutes']} |"
        assert row in readme, f"README.md should list: {row}"
