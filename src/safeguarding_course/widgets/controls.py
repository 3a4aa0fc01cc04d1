"""The course's own controls, accessible in JupyterLab and in Voila (WCAG 2.2 AA).

Stock ipywidgets controls fall short here: `RadioButtons` has no group label and no shared
`name`, `ToggleButtons` shows its choice by a grey shade only, and JupyterLab's notebook
shortcuts fire while a control has focus ("d d" deletes the cell). These controls are small
anywidgets (plain HTML and a little JavaScript, in controls.js and controls.css) with native
semantics instead:

- `RadioGroup` (one answer) and `TickBoxGroup` (several): a fieldset with the question as its
  legend, native inputs sharing one name (arrow keys move between radios), the chosen state
  exposed by the browser itself;
- `Button`, `Select` (a labelled drop-down list), `LiveRegion` (one status region that stays in
  the page, so every change is announced) and `FileLinks` (open or download a file the course
  made, in JupyterLab, Voila or on a hub alike);
- a visible 3 px focus ring, underlined links and text with room to breathe;
- every focusable element carries Lumino's `data-lm-suppress-shortcuts`, so the notebook's
  keyboard shortcuts never fire from inside a course widget.

Their Python side mirrors ipywidgets: set `.value`, call `.click()`, read `.description`, so a
test drives them as before. `CourseBox` is the VBox every course widget is built on.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from pathlib import Path

import anywidget
import ipywidgets as w
import traitlets as t

_HERE = Path(__file__).parent
WIDGET_CLASS = "sc-widget"
_MIME_TYPES = {
    ".html": "text/html;charset=utf-8",
    ".md": "text/markdown;charset=utf-8",
    ".csv": "text/csv;charset=utf-8",
}


def _pairs(options: Iterable) -> tuple[tuple[str, object], ...]:
    """Options as (label, value) pairs; a bare option is its own label."""
    pairs = []
    for option in options:
        if isinstance(option, (tuple, list)) and len(option) == 2:
            pairs.append((str(option[0]), option[1]))
        else:
            pairs.append((str(option), option))
    return tuple(pairs)


class CourseBox(w.VBox):
    """A course widget's outer box: it carries the course's styles, and its plain-text form
    (what shows where widgets cannot) says what to do."""

    plain_text = "An interactive part of the course: run this cell to use it."

    def __init__(self, children=(), **kwargs):
        super().__init__(children, **kwargs)
        self.add_class(WIDGET_CLASS)

    def __repr__(self) -> str:
        return self.plain_text


class _Control(anywidget.AnyWidget):
    _esm = (_HERE / "controls.js").read_text(encoding="utf-8")
    _css = (_HERE / "controls.css").read_text(encoding="utf-8")
    kind = t.Unicode("").tag(sync=True)
    description = t.Unicode("").tag(sync=True)
    disabled = t.Bool(False).tag(sync=True)


class _OneOf(_Control):
    options = t.Tuple().tag(sync=True)
    value = t.Any(None, allow_none=True).tag(sync=True)

    def __init__(self, options: Iterable = (), value=None, **kwargs):
        super().__init__(options=_pairs(options), value=value, **kwargs)

    @t.validate("options")
    def _valid_options(self, proposal):
        return _pairs(proposal.value)

    @t.validate("value")
    def _valid_value(self, proposal):
        value = proposal.value
        values = [v for _label, v in self.options]
        if value is not None and value not in values:
            raise t.TraitError(f"{value!r} is not one of the options {values}")
        return value

    @property
    def labels(self) -> list[str]:
        return [label for label, _value in self.options]


class RadioGroup(_OneOf):
    """One answer from several: native radios in a fieldset whose legend is `description`.
    `value` is the chosen option's value, or None until the learner chooses."""

    kind = t.Unicode("radio").tag(sync=True)
    orientation = t.Unicode("vertical").tag(sync=True)


class TickBoxGroup(_Control):
    """Any number of answers: native tick boxes in a fieldset whose legend is `description`.
    `value` holds the chosen values, in the order of the options; `boxes` gives one
    `TickBox` per option, for code that reads or sets them one at a time."""

    kind = t.Unicode("ticks").tag(sync=True)
    options = t.Tuple().tag(sync=True)
    value = t.Tuple().tag(sync=True)

    def __init__(self, options: Iterable = (), value=(), **kwargs):
        super().__init__(options=_pairs(options), value=tuple(value), **kwargs)
        self.boxes = tuple(TickBox(self, i) for i in range(len(self.options)))

    @t.validate("options")
    def _valid_options(self, proposal):
        return _pairs(proposal.value)

    @t.validate("value")
    def _valid_value(self, proposal):
        values = [v for _label, v in self.options]
        unknown = [v for v in proposal.value if v not in values]
        if unknown:
            raise t.TraitError(f"{unknown!r} are not among the options {values}")
        return tuple(v for v in values if v in proposal.value)


class TickBox:
    """One tick box of a `TickBoxGroup`: `.description` is its label, `.value` is whether it
    is ticked (set it to tick or untick)."""

    def __init__(self, group: TickBoxGroup, index: int):
        self.group, self.index = group, index

    @property
    def description(self) -> str:
        return self.group.options[self.index][0]

    @property
    def option(self):
        return self.group.options[self.index][1]

    @property
    def value(self) -> bool:
        return self.option in self.group.value

    @value.setter
    def value(self, ticked: bool) -> None:
        others = tuple(v for v in self.group.value if v != self.option)
        self.group.value = (*others, self.option) if ticked else others


class Select(_Control):
    """A labelled drop-down list of `options` (strings); `value` is the chosen one."""

    kind = t.Unicode("select").tag(sync=True)
    options = t.Tuple().tag(sync=True)
    value = t.Unicode("").tag(sync=True)

    def __init__(self, options: Iterable[str] = (), value: str | None = None, **kwargs):
        options = tuple(str(o) for o in options)
        super().__init__(options=options, value=value or options[0], **kwargs)

    @t.validate("value")
    def _valid_value(self, proposal):
        if proposal.value not in self.options:
            raise t.TraitError(f"{proposal.value!r} is not one of the options {self.options}")
        return proposal.value


class Button(_Control):
    """A button. `on_click(callback)` registers `callback(button)`; `.click()` runs them, as
    a press in the browser does. If a press gets no answer from Python (the notebook was
    reopened and the cell not run yet), the button says to run the cell."""

    kind = t.Unicode("button").tag(sync=True)
    tooltip = t.Unicode("").tag(sync=True)
    focus_request = t.Int(0).tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._click_handlers = w.CallbackDispatcher()
        self.on_msg(self._handle_message)

    def on_click(self, callback: Callable[[Button], object], remove: bool = False) -> None:
        self._click_handlers.register_callback(callback, remove=remove)

    def click(self) -> None:
        self._click_handlers(self)

    def focus(self) -> None:
        """Move the keyboard focus to this button in the browser, now or as soon as it shows."""
        self.focus_request += 1

    def _handle_message(self, _widget, content, _buffers) -> None:
        if content.get("event") == "click":
            self.send({"do": "clicked"})
            self.click()


class LiveRegion(_Control):
    """Feedback or a result, as HTML in `value`, shown inside one `role="status"` region that
    stays in the page, so a screen reader announces each change."""

    kind = t.Unicode("live").tag(sync=True)
    value = t.Unicode("").tag(sync=True)


def file_entry(path: Path | str, label: str, open_label: str = "") -> dict:
    """A file for `FileLinks`: its bytes, its name, the link's words, and (for a page to read)
    the words of a link that opens it in a new browser tab."""
    path = Path(path)
    return {
        "name": path.name,
        "mime": _MIME_TYPES.get(path.suffix.lower(), "application/octet-stream"),
        "data": base64.b64encode(path.read_bytes()).decode("ascii"),
        "label": label,
        "open": open_label,
    }


class FileLinks(_Control):
    """Links to files the course saved for the learner: open (in a new tab) or download. The
    file travels with the widget, so the links work wherever the page is (JupyterLab, Voila,
    a hub), even when the file's folder is not one the server shows."""

    kind = t.Unicode("files").tag(sync=True)
    files = t.List(t.Dict()).tag(sync=True)

    @property
    def names(self) -> list[str]:
        return [f["name"] for f in self.files]
