"""A saved notebook never points at a widget it cannot draw: the course's pre-save hook
(safeguarding_course.saved_widgets) fills in a widget's missing state from the copy on disk,
or else leaves the output as its plain text ("... run this cell to use it"). The browser test
of the same thing, in JupyterLab, is in test_browser_lab.py."""

from __future__ import annotations

import copy
import json
import logging
from types import SimpleNamespace

import nbformat
import pytest
from nbclient import NotebookClient
from notebook_files import COURSE

from safeguarding_course import saved_widgets as sw


@pytest.fixture(scope="module")
def run_start_page():
    """Module 0 as it is after Run All: widget outputs, and their state in the metadata (as
    nbclient, like JupyterLab with saveState, stores it)."""
    nb = nbformat.read(COURSE / "00_start_here.ipynb", as_version=4)
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(COURSE)}}
    ).execute()
    return json.loads(nbformat.writes(nb))


def _manager(tmp_path):
    return SimpleNamespace(root_dir=str(tmp_path), log=logging.getLogger("test"))


def _views(notebook) -> list[str]:
    return [o["data"][sw.WIDGET_VIEW]["model_id"] for o in sw.widget_outputs(notebook)]


def test_a_notebook_saved_with_its_widget_state_is_left_as_it_is(run_start_page):
    notebook = copy.deepcopy(run_start_page)
    assert _views(notebook), "module 0 shows widgets"
    assert sw.keep_widgets_displayable(notebook) == []
    assert notebook == run_start_page


def test_state_missing_from_a_save_comes_back_from_the_copy_on_disk(run_start_page, tmp_path):
    """As after a reopen: Lab saves only live widgets, and the reopened ones are not live."""
    (tmp_path / "m.ipynb").write_text(json.dumps(run_start_page), encoding="utf-8")
    saving = copy.deepcopy(run_start_page)
    saving["metadata"]["widgets"][sw.WIDGET_STATE]["state"] = {}
    model = {"type": "notebook", "content": saving}
    sw.pre_save_hook(model=model, path="m.ipynb", contents_manager=_manager(tmp_path))
    state = sw.saved_state(saving)
    for view in _views(saving):
        needed = sw._models_needed(view, state)
        assert needed <= state.keys(), "the widget, its children, layouts and styles are back"
        assert len(needed) > 1


def test_a_widget_whose_state_is_nowhere_is_saved_as_its_plain_text(run_start_page, tmp_path):
    saving = copy.deepcopy(run_start_page)
    del saving["metadata"]["widgets"]
    model = {"type": "notebook", "content": saving}
    sw.pre_save_hook(model=model, path="m.ipynb", contents_manager=_manager(tmp_path))
    assert _views(saving) == []
    texts = [
        "".join(o["data"]["text/plain"])
        for c in saving["cells"]
        if c["cell_type"] == "code"
        for o in c["outputs"]
        if "text/plain" in o.get("data", {}) and "run this cell" in "".join(o["data"]["text/plain"])
    ]
    assert len(texts) == len(_views(run_start_page))
    assert "A self-check question: run this cell to answer it." in texts


def test_a_widget_with_a_child_missing_from_every_copy_is_saved_as_plain_text(run_start_page):
    saving = copy.deepcopy(run_start_page)
    state = sw.saved_state(saving)
    first = _views(saving)[0]
    child = sorted(sw._models_needed(first, state) - {first})[0]
    del saving["metadata"]["widgets"][sw.WIDGET_STATE]["state"][child]
    assert first in sw.keep_widgets_displayable(saving)
    assert first not in _views(saving)


def test_the_hook_leaves_other_files_and_notebooks_without_widgets_alone(tmp_path):
    text = {"type": "file", "format": "text", "content": "hello"}
    sw.pre_save_hook(model=dict(text), path="a.txt", contents_manager=_manager(tmp_path))
    plain = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    model = {"type": "notebook", "content": json.loads(nbformat.writes(plain))}
    before = copy.deepcopy(model)
    sw.pre_save_hook(model=model, path="b.ipynb", contents_manager=_manager(tmp_path))
    assert model == before


def test_the_copy_on_disk_is_read_only_from_inside_the_servers_folder(tmp_path):
    outside = tmp_path / "outside.ipynb"
    outside.write_text("{}", encoding="utf-8")
    root = tmp_path / "root"
    root.mkdir()
    assert sw._copy_on_disk(_manager(root), "../outside.ipynb") is None
    assert sw._copy_on_disk(_manager(root), "missing.ipynb") is None
