"""Widgets for the learner's progress: the progress panel, the end-of-module block
(reflections, confidence check, mark complete, CPD record) and the confidence check.

Each factory returns a widget and never calls `display`; controls are attributes so a test
can set `.value` and `.click()` and read the `*_text` properties. Nothing here raises into
the notebook because of the progress file: problems are shown as short text.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

import ipywidgets as w

from .. import content
from ..cpd import export_cpd
from ..progress import (
    RATING_WORDS,
    STAGE_PATTERN,
    START,
    Module,
    Progress,
    ProgressError,
    course_modules,
    home_dir,
    stage_label,
)
from ._feedback import html_to_text
from .controls import Button, CourseBox, FileLinks, LiveRegion, RadioGroup, file_entry

CPD_FOLDER_NAME = "my_cpd_record"
#: where a learner's ratings and reflections are kept, in words true on a laptop and on a hub
WHERE_KEPT = (
    "in your own course folder, in your home folder (on your computer, or on the JupyterHub "
    "if you use one)"
)
_CELL = "text-align: left; padding: 0.2em 0.8em; border-bottom: 1px solid #bbb;"


def default_cpd_folder() -> Path:
    """Where the CPD record and the ratings export are saved unless the learner types another
    folder: in the learner's own course folder (`progress.home_dir()`, in their home), never
    beside the notebooks or in the server's working folder, so each learner on a shared
    server or hub keeps their own. The learner opens them from the links the widget shows."""
    return home_dir() / CPD_FOLDER_NAME


def _status_html(lines: list[str]) -> str:
    body = "".join(f"<p>{escape(line)}</p>" for line in lines if line)
    return f'<div class="sc-progress-status">{body}</div>'


def progress_note_html(note: str) -> str:
    """A short note under a self-check or spotter when its answer could not be saved (or the
    progress file had to be replaced); empty when all went well. Not a status region, so the
    widget's feedback stays its only announced status."""
    return f'<p class="sc-progress-note"><em>{escape(note)}</em></p>' if note else ""


def _modules() -> tuple[dict[str, Module], str]:
    """The course's modules, or none and a plain message saying why."""
    try:
        return course_modules(), ""
    except ProgressError as exc:
        return {}, str(exc)


def _progress() -> Progress:
    return Progress()


class _StatusMixin:
    status: LiveRegion

    @property
    def status_text(self) -> str:
        return html_to_text(self.status.value)

    def _say(self, *lines: str) -> None:
        self.status.value = _status_html(list(lines))


# -- confidence check -----------------------------------------------------------------------


class ConfidenceCheck(_StatusMixin, CourseBox):
    """One 1-5 radio group per confidence statement, and a Save my ratings button."""

    def __init__(self, stage: str):
        if not isinstance(stage, str) or not re.fullmatch(STAGE_PATTERN, stage):
            raise ValueError(f"stage must be 'start' or a module id such as '01', not {stage!r}")
        self.stage = stage
        saved = _progress().ratings(stage)
        when = (
            "now, at the start of the course"
            if stage == START
            else "now, at the end of this module"
        )
        intro = w.HTML(
            value=(
                f"<p><strong>How confident do you feel {when}?</strong> Rate each "
                "statement from 1 to 5: 1 = not at all confident, 5 = very confident. Your "
                f"ratings are kept {WHERE_KEPT} and go into your CPD record; they are not "
                "marked.</p>"
            )
        )
        options = [(f"{n} = {words}", n) for n, words in RATING_WORDS.items()]
        self.statements = dict(content.content().confidence_statements)
        self.ratings = {
            sid: RadioGroup(
                options=options,
                value=saved.get(sid),
                description=statement.text,
                orientation="horizontal",
            )
            for sid, statement in self.statements.items()
        }
        self.save_button = Button(description="Save my ratings", tooltip="Save my ratings")
        self.status = LiveRegion()
        self.save_button.on_click(lambda _button: self.save())
        super().__init__([intro, *self.ratings.values(), self.save_button, self.status])
        self.add_class("sc-confidence")

    def save(self) -> bool:
        """Save the ratings if every statement is rated; say what happened in words."""
        missing = [sid for sid, radio in self.ratings.items() if radio.value is None]
        if missing:
            self._say(
                f"Rate every statement first: {len(missing)} of {len(self.ratings)} not rated yet.",
                *[f"Not rated: {self.statements[sid].text}" for sid in missing],
            )
            return False
        ratings = {sid: radio.value for sid, radio in self.ratings.items()}
        try:
            progress = _progress()
            progress.save_confidence(self.stage, ratings)
        except Exception as exc:  # a failure to save is a note, never a crash
            self._say(f"Your ratings could not be saved: {exc}")
            return False
        self._say(
            *progress.notices,
            f"Your ratings are saved ({stage_label(self.stage).lower()}). "
            "You can change them and save again.",
        )
        return True


def confidence_check(stage: str) -> ConfidenceCheck:
    """The confidence check for a stage: "start" (the start page) or a module id ("01")."""
    return ConfidenceCheck(stage)


# -- CPD record and anonymous ratings -------------------------------------------------------


class CpdExport(_StatusMixin, CourseBox):
    """A folder box, a Save my CPD record button and a button for the anonymous ratings. What
    is saved is also offered as links (open, download), which work in JupyterLab and Voila."""

    def __init__(self):
        self.folder = w.Text(
            value=str(default_cpd_folder()),
            description="Folder for your CPD record:",
            style={"description_width": "initial"},
            layout=w.Layout(width="100%"),
        )
        self.cpd_button = Button(
            description="Save my CPD record",
            tooltip="Save my CPD record as a web page and a Markdown file",
        )
        self.export_button = Button(
            description="Save my confidence ratings for my trainer (anonymous)",
            tooltip="Save my confidence ratings, with no name, as a CSV file",
        )
        self.status = LiveRegion()
        self.files = FileLinks()
        self.cpd_button.on_click(lambda _button: self.save_cpd())
        self.export_button.on_click(lambda _button: self.save_ratings())
        super().__init__(
            [
                self.folder,
                w.HBox([self.cpd_button, self.export_button], layout=w.Layout(flex_flow="wrap")),
                self.status,
                self.files,
            ]
        )
        self.add_class("sc-cpd-export")

    def _folder(self) -> Path:
        text = self.folder.value.strip()
        return Path(text).expanduser() if text else default_cpd_folder()

    def save_cpd(self) -> tuple[Path, Path] | None:
        try:
            progress = _progress()
            md_path, html_path = export_cpd(self._folder(), progress)
        except Exception as exc:  # shown as a note, never a crash
            self.files.files = []
            self._say(f"Your CPD record could not be saved: {exc}")
            return None
        self._say(
            *progress.notices,
            f"Your CPD record is saved in your own folder, {html_path.parent}: the web page "
            f"{html_path} and the Markdown {md_path}. Open or download it with the links below.",
        )
        self.files.files = [
            file_entry(html_path, "Download the web page", "Open my CPD record to read or print"),
            file_entry(md_path, "Download the Markdown (for a CPD log)"),
        ]
        return md_path, html_path

    def save_ratings(self) -> Path | None:
        try:
            progress = _progress()
            if not progress.stages:
                self._say(
                    "You have not saved any confidence ratings yet, so there is nothing to export."
                )
                return None
            path = self._folder() / progress.export_file_name()
            progress.anonymous_confidence_export(path)
        except Exception as exc:  # shown as a note, never a crash
            self.files.files = []
            self._say(f"Your ratings could not be exported: {exc}")
            return None
        self._say(
            *progress.notices,
            f"Your confidence ratings are saved in {path}.",
            "The file holds your ratings and a random id only: no name. Send it to your "
            "trainer if they ask for it: download it with the link below.",
        )
        self.files.files = [file_entry(path, "Download my confidence ratings")]
        return path


# -- progress panel -------------------------------------------------------------------------


class ProgressPanel(_StatusMixin, CourseBox):
    """Each module with its status, the self-checks answered and right, and the minutes of
    completed modules; a Refresh button and the CPD record buttons."""

    def __init__(self):
        self.summary = w.HTML(value="")
        self.table = w.HTML(value="")
        self.status = LiveRegion()
        self.refresh_button = Button(
            description="Refresh my progress", tooltip="Read my progress again"
        )
        self.cpd = CpdExport()
        self.refresh_button.on_click(lambda _button: self.refresh())
        heading = w.HTML(value="<h3>Your progress</h3>")
        super().__init__(
            [heading, self.summary, self.table, self.refresh_button, self.status, self.cpd]
        )
        self.add_class("sc-progress-panel")
        self.refresh()

    # convenience for tests and notebooks
    cpd_button = property(lambda self: self.cpd.cpd_button)
    cpd_folder = property(lambda self: self.cpd.folder)

    @property
    def summary_text(self) -> str:
        return html_to_text(self.summary.value)

    @property
    def table_text(self) -> str:
        return html_to_text(self.table.value)

    def refresh(self) -> None:
        progress = _progress()
        modules, problem = _modules()
        rows, minutes, completed, answered, right, total = [], 0, 0, 0, 0, 0
        for module in modules.values():
            status = progress.module_status(module.id)
            checks = progress.module_checks(module.id)
            n_answered = sum(c.answered for c in checks)
            n_right = sum(c.correct for c in checks)
            answered, right, total = answered + n_answered, right + n_right, total + len(checks)
            if status == "complete":
                completed, minutes = completed + 1, minutes + module.minutes
            cells = [escape(module.title), module.minutes, status, f"{n_answered} of {len(checks)}"]
            rows.append(
                f'<tr><th scope="row" style="{_CELL}">{escape(module.number)}</th>'
                + "".join(f'<td style="{_CELL}">{cell}</td>' for cell in [*cells, n_right])
                + "</tr>"
            )
        if problem:
            self.summary.value = f"<p>{escape(problem)}</p>"
            self.table.value = ""
        else:
            self.summary.value = (
                f"<p>You have completed {completed} of {len(modules)} modules: about "
                f"{minutes} minutes of study. Self-checks and spotters: {answered} of {total} "
                f"answered, {right} right at your last try.</p>"
            )
            headings = ["Module", "Title", "Minutes", "Status", "Self-checks answered", "Right"]
            self.table.value = (
                '<table style="border-collapse: collapse;">'
                '<caption style="text-align: left;">Your progress by module</caption><thead><tr>'
                + "".join(f'<th scope="col" style="{_CELL}">{h}</th>' for h in headings)
                + f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            )
        self._say(*progress.notices)


def progress_panel() -> ProgressPanel:
    """The learner's progress across the course, with buttons to save their CPD record."""
    return ProgressPanel()


# -- the end of a module --------------------------------------------------------------------


class FinishModule(_StatusMixin, CourseBox):
    """Reflections for the CPD log, the confidence check, and Mark this module complete."""

    def __init__(self, module_id: str):
        modules, problem = _modules()
        if modules and module_id not in modules:
            raise ValueError(
                f"there is no module {module_id!r} in the course (modules: {', '.join(modules)})"
            )
        self.module_id = module_id
        self.module = modules.get(module_id)
        progress = _progress()
        name = f"module {self.module.number}: {self.module.title}" if self.module else module_id
        heading = w.HTML(
            value=(
                f"<h3>Finish {escape(name)}</h3>"
                + (f"<p>{escape(problem)}</p>" if problem else "")
                + "<p>Write a few lines for your CPD log: what you learned, what you will do "
                "differently, and what you want to take to supervision. Your reflections are "
                f"kept {WHERE_KEPT} and go into your CPD record.</p>"
            )
        )
        self.reflection = w.Textarea(
            value=progress.reflection(module_id),
            description="Your reflections for your CPD log",
            placeholder="What I learned, what I will do differently, what to take to supervision",
            continuous_update=False,
            style={"description_width": "initial"},
            layout=w.Layout(width="100%", height="12em", flex_flow="column"),
        )
        self.save_reflection_button = Button(
            description="Save my reflections", tooltip="Save my reflections"
        )
        self.confidence = ConfidenceCheck(module_id)
        self.complete_button = Button(
            description="Mark this module complete", tooltip="Mark this module complete"
        )
        self.status = LiveRegion()
        self.cpd = CpdExport()
        self.save_reflection_button.on_click(lambda _button: self.save_reflection())
        # saved when the learner leaves the box, too, so nothing typed is lost
        self.reflection.observe(lambda _change: self.save_reflection(), names="value")
        self.complete_button.on_click(lambda _button: self.mark_complete())
        super().__init__(
            [
                heading,
                self.reflection,
                self.save_reflection_button,
                self.confidence,
                self.complete_button,
                self.status,
                self.cpd,
            ]
        )
        self.add_class("sc-finish-module")
        if progress.notices:
            self._say(*progress.notices)
        elif progress.is_complete(module_id):
            when = progress.completed[module_id].astimezone()
            self._say(f"You marked this module complete on {when:%-d %B %Y}.")

    # convenience for tests and notebooks
    cpd_button = property(lambda self: self.cpd.cpd_button)
    cpd_folder = property(lambda self: self.cpd.folder)

    def save_reflection(self) -> bool:
        try:
            progress = _progress()
            progress.set_reflection(self.module_id, self.reflection.value)
        except Exception as exc:  # a failure to save is a note, never a crash
            self._say(f"Your reflections could not be saved: {exc}")
            return False
        self._say(*progress.notices, "Your reflections are saved.")
        return True

    def mark_complete(self) -> bool:
        try:
            progress = _progress()
            progress.set_reflection(self.module_id, self.reflection.value)
            when = progress.mark_complete(self.module_id)
        except Exception as exc:  # a failure to save is a note, never a crash
            self._say(f"This module could not be marked complete: {exc}")
            return False
        lines = [
            *progress.notices,
            f"Done: this module is marked complete ({when.astimezone():%-d %B %Y}). "
            "Your reflections are saved.",
        ]
        if not progress.ratings(self.module_id):
            lines.append("You have not saved your confidence ratings for this module yet.")
        lines.append("Use Save my CPD record below to keep a copy for your CPD log.")
        self._say(*lines)
        return True


def finish_module(module_id: str) -> FinishModule:
    """The block at the end of a module: reflections, confidence check, mark complete and
    save the CPD record."""
    return FinishModule(module_id)
