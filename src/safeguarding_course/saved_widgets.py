"""A saved notebook's widgets show again when it is reopened, or say plainly what to do.

JupyterLab (with the course's `saveState` setting) writes the state of the widgets into the
notebook's metadata when it saves, so a reopened notebook can draw them again before any cell
runs. It writes only the widgets that are live in a kernel at that moment. Widgets drawn from
saved state are not, so the next save (Lab's autosave included, which follows soon, because
drawing them marks the notebook changed) drops their state while the outputs still point at
them, and the notebook after that says "Error displaying widget: model not found"; the same
happens when the kernel was restarted before a save.

`keep_widgets_displayable` mends a notebook as it is saved: a widget output whose state is
missing gets it back from the copy on disk, and when no copy has it the output keeps only
its plain-text form (for the course's widgets: "... run this cell to use it").

It runs as a Jupyter Server pre-save hook, installed by the course's server extension (this
module; enabled in jupyter-config/jupyter_server_config.d/). It runs in the server, so it
imports nothing from the rest of the course.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_REFERENCE = re.compile(r"IPY_MODEL_([0-9a-f]+)")


def saved_state(notebook: dict) -> dict[str, dict]:
    """The widget models saved in a notebook's metadata, by model id."""
    widgets = notebook.get("metadata", {}).get("widgets") or {}
    return dict((widgets.get(WIDGET_STATE) or {}).get("state") or {})


def widget_outputs(notebook: dict) -> list[dict]:
    """Every output of a code cell that shows a widget."""
    return [
        output
        for cell in notebook.get("cells", [])
        if cell.get("cell_type") == "code"
        for output in cell.get("outputs", [])
        if WIDGET_VIEW in output.get("data", {})
    ]


def _models_needed(model_id: str, known: dict[str, dict]) -> set[str]:
    """A model and every model it refers to (children, layout, style...), as far as known."""
    needed, todo = set(), [model_id]
    while todo:
        current = todo.pop()
        if current in needed:
            continue
        needed.add(current)
        if current in known:
            todo.extend(_REFERENCE.findall(json.dumps(known[current].get("state", {}))))
    return needed


def keep_widgets_displayable(notebook: dict, previous: dict | None = None) -> list[str]:
    """Mend `notebook` (nbformat 4 JSON, changed in place) so that every widget output can be
    shown when it is opened again: fill in missing model state from `previous` (the copy
    being replaced), or else reduce the output to its plain text. Returns the model ids of
    the outputs reduced to plain text."""
    state = saved_state(notebook)
    earlier = saved_state(previous or {})
    reduced = []
    for output in widget_outputs(notebook):
        model_id = output["data"][WIDGET_VIEW].get("model_id", "")
        if not model_id:  # a closed widget: Lab hides it
            continue
        needed = _models_needed(model_id, {**earlier, **state})
        if needed <= state.keys():
            continue
        if needed <= state.keys() | earlier.keys():
            state.update({m: earlier[m] for m in needed - state.keys()})
            continue
        del output["data"][WIDGET_VIEW]
        output["data"].setdefault("text/plain", "Run this cell to use it.")
        reduced.append(model_id)
    if state:
        widgets = notebook.setdefault("metadata", {}).setdefault("widgets", {})
        saved = widgets.setdefault(WIDGET_STATE, {"version_major": 2, "version_minor": 0})
        saved["state"] = state
    return reduced


def _copy_on_disk(contents_manager, path: str) -> dict | None:
    """The notebook as last saved, read from the server's folder (None if there is none)."""
    root = getattr(contents_manager, "root_dir", None)
    if not root:
        return None
    root = Path(root).resolve()
    file = (root / path.strip("/")).resolve()
    if not file.is_relative_to(root) or not file.is_file():
        return None
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def pre_save_hook(model: dict, path: str, contents_manager, **_kwargs) -> None:
    """Jupyter Server pre-save hook: mend a notebook's widget outputs before it is written."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    if model["content"].get("nbformat") != 4 or not widget_outputs(model["content"]):
        return
    reduced = keep_widgets_displayable(model["content"], _copy_on_disk(contents_manager, path))
    if reduced:
        contents_manager.log.info(
            "%s: %d widget output(s) saved as plain text (their state was not saved)",
            path,
            len(reduced),
        )


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "safeguarding_course.saved_widgets"}]


def _load_jupyter_server_extension(serverapp) -> None:
    serverapp.contents_manager.register_pre_save_hook(pre_save_hook)
