"""The learner's CPD record: what they completed, when, what it covered, what they wrote.

`cpd_markdown(progress)` and `cpd_html(progress)` build the record from a `Progress`;
`export_cpd(folder)` writes both files. The HTML page is self-contained (no scripts, fonts or
images from elsewhere), prints cleanly, and escapes everything the learner wrote.

Both end with a CPD entry in Social Work England's terms (`swe_cpd_entry`): what the learning
was, when, what was learnt, its impact on practice, and a prompt for the peer reflection that
at least one piece of CPD a year must include. The trainer's certificate pack uses the same
entry, filled in with the assessed results.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path

from . import content
from .progress import (
    RATING_WORDS,
    CheckResult,
    Module,
    Progress,
    atomic_write_text,
    course_modules,
    statement_text,
)

COURSE_TITLE = "Online grooming: recognise, respond, refer"
MD_NAME = "cpd_record.md"
HTML_NAME = "cpd_record.html"
SELF_STUDY_NOTE = (
    "This record was produced by the learner from their own self-study progress. Self-checks "
    "are ungraded practice questions; the results show the learner's last answer to each."
)


# -- the CPD entry in Social Work England's terms ------------------------------------------

SWE_FACTS = ("cert_swe_cpd_each_year", "cert_swe_cpd_record_questions")


@dataclass(frozen=True)
class CpdEntry:
    """One piece of CPD as Social Work England's record asks for it: (heading, text) pairs,
    where the learner completes the parts marked as prompts."""

    parts: tuple[tuple[str, str], ...]
    note: str  # what Social Work England asks for, with its sources

    def markdown(self, level: int = 2) -> str:
        hashes = "#" * level
        title = f"{hashes} CPD entry for your Social Work England record"
        lines = [title, "", f"*{self.note}*", ""]
        for heading, text in self.parts:
            lines += [f"{hashes}# {heading}", "", _md_cell(text), ""]
        return "\n".join(lines)

    def html(self, level: int = 2) -> str:
        parts = [
            '<section class="cpd-entry">',
            f"<h{level}>CPD entry for your Social Work England record</h{level}>",
            f'<p class="note">{_h(self.note)}</p>',
        ]
        for heading, text in self.parts:
            parts += [f"<h{level + 1}>{_h(heading)}</h{level + 1}>", f"<p>{_h(text)}</p>"]
        return "\n".join([*parts, "</section>"])


def swe_cpd_entry(
    modules: list[Module],
    first: dt.date | None,
    last: dt.date | None,
    assessed: str = "",
) -> CpdEntry:
    """The CPD entry for completed modules, between two dates. `assessed` adds a sentence on
    the assessment results (from a trainer's certificate); the learner writes the rest."""
    minutes = sum(m.minutes for m in modules)
    titles = "; ".join(f"{m.number} {m.title}" for m in modules) or "none yet"
    when = (
        "not recorded"
        if first is None
        else f"{first:%-d %B %Y}"
        if last is None or last == first
        else f"{first:%-d %B %Y} to {last:%-d %B %Y}"
    )
    what = (
        f"Online learning: the open course '{COURSE_TITLE}', about {_minutes(minutes)} of "
        f"self-study. Modules: {titles}."
    )
    if assessed:
        what += " " + assessed
    facts = [content.fact(fact_id) for fact_id in SWE_FACTS]
    sources = sorted({s for f in facts for s in f.sources})
    note = " ".join(f.statement for f in facts) + " Sources: " + "; ".join(
        content.source(s).citation() for s in sources
    )
    return CpdEntry(
        parts=(
            ("Type of CPD", "Online learning (a course with self-checks and assessments)."),
            ("What I did, and why it matters to me", what + " Add a sentence on why this "
             "matters in your role."),
            ("When", when),
            ("What I learnt", "In your own words: two or three things you now understand or do "
             "differently about recognising, responding to and referring online grooming. Your "
             "module reflections in this record can help."),
            ("The impact on my practice and the people I work with", "Describe a situation, now "
             "or to come, where you will use this learning, and the difference it makes (or will "
             "make) for the children and families you work with."),
            ("Peer reflection", "Talk this learning through with a colleague, your supervisor or "
             "in group supervision. Which decision in the course would you have made "
             "differently before it, and why? What did your colleague see differently? What did "
             "you learn from the discussion, and what will you do next?"),
        ),
        note=note,
    )


def _record_entry(progress: Progress, modules: Mapping[str, Module]) -> CpdEntry:
    entries = _entries(progress, modules)
    days = sorted(e.completed.astimezone().date() for e in entries)
    return swe_cpd_entry(
        [e.module for e in entries], days[0] if days else None, days[-1] if days else None
    )


def _date(moment: dt.datetime | None) -> str:
    return f"{moment.astimezone():%-d %B %Y}" if moment else "not recorded"


def _minutes(total: int) -> str:
    hours, minutes = divmod(total, 60)
    parts = [f"{hours} hour{'s' * (hours != 1)}"] if hours else []
    if minutes or not parts:
        parts.append(f"{minutes} minute{'s' * (minutes != 1)}")
    return " and ".join(parts)


def _rating(value: int | None) -> str:
    return f"{value} ({RATING_WORDS[value]})" if value else "not rated"


def _check_status(result: CheckResult) -> str:
    if not result.answered:
        return "Not answered"
    return "Right" if result.correct else "Not right at the last try"


@dataclass(frozen=True)
class _Entry:
    module: Module
    completed: dt.datetime
    reflection: str
    checks: list[CheckResult]

    @property
    def check_summary(self) -> str:
        answered = sum(c.answered for c in self.checks)
        right = sum(c.correct for c in self.checks)
        return f"{answered} of {len(self.checks)} answered, {right} right at the last try."


def _entries(progress: Progress, modules: Mapping[str, Module]) -> list[_Entry]:
    entries = []
    for module_id, when in progress.completed.items():
        module = modules.get(module_id) or Module(
            id=module_id,
            title="(a module no longer in the course)",
            minutes=0,
            outcomes=(),
            notebook=Path(),
        )
        entries.append(
            _Entry(module, when, progress.reflection(module_id), progress.module_checks(module_id))
        )
    return entries


def _confidence_rows(progress: Progress) -> list[tuple[str, str, str]]:
    return [
        (statement_text(sid), _rating(before), _rating(after))
        for sid, (before, after) in progress.confidence_before_after().items()
    ]


def _in_progress(progress: Progress, modules: Mapping[str, Module]) -> list[Module]:
    return [m for m in modules.values() if progress.module_status(m.id) == "in progress"]


# -- Markdown ------------------------------------------------------------------------------


def _md_text(text: str) -> str:
    """Learner text for Markdown: HTML-escaped (Markdown viewers render HTML) and quoted."""
    lines = escape(text.strip(), quote=False).splitlines() or [""]
    return "\n".join(f"> {line}".rstrip() for line in lines)


def _md_cell(text: str) -> str:
    return escape(text, quote=False).replace("|", "\\|")


def cpd_markdown(progress: Progress, modules: Mapping[str, Module] | None = None) -> str:
    """The CPD record as Markdown."""
    modules = course_modules() if modules is None else modules
    entries = _entries(progress, modules)
    total = sum(e.module.minutes for e in entries)
    lines = [
        f"# CPD record: {COURSE_TITLE}",
        "",
        f"Record made on {_date(dt.datetime.now(dt.UTC))}.",
        "",
        f"Modules completed: {len(entries)} of {len(modules)}. "
        f"Study time of the completed modules: about {_minutes(total)}.",
        "",
        f"*{SELF_STUDY_NOTE}*",
        "",
    ]
    if not entries:
        lines += ["No modules are marked complete yet.", ""]
    for e in entries:
        lines += [
            f"## Module {e.module.number}: {_md_cell(e.module.title)}",
            "",
            f"- Completed: {_date(e.completed)}",
            f"- Time: about {_minutes(e.module.minutes)}",
            "",
            "### Learning outcomes",
            "",
            *([f"- {_md_cell(o)}" for o in e.module.outcomes] or ["- (not recorded)"]),
            "",
            "### My reflections",
            "",
            _md_text(e.reflection) if e.reflection.strip() else "No reflections recorded.",
            "",
            "### Self-checks",
            "",
            e.check_summary,
            "",
            *[f"- {_check_status(c)}: {_md_cell(c.label)}" for c in e.checks],
            "",
        ]
    started = _in_progress(progress, modules)
    if started:
        names = ", ".join(f"module {m.number} ({_md_cell(m.title)})" for m in started)
        lines += [f"Started but not yet complete: {names}.", ""]
    lines += [
        "## Confidence before and after",
        "",
        "Ratings from 1 (not at all confident) to 5 (very confident): at the start of the "
        "course, and the latest rating given at the end of a module.",
        "",
        "| Statement | At the start | Latest |",
        "|---|---|---|",
        *[f"| {_md_cell(s)} | {b} | {a} |" for s, b, a in _confidence_rows(progress)],
        "",
        _record_entry(progress, modules).markdown(),
    ]
    return "\n".join(lines)


# -- HTML ----------------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; line-height: 1.5;
       color: #111; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; border-top: 1px solid #999;
     padding-top: 1rem; } h3 { font-size: 1.05rem; margin-bottom: 0.3rem; }
.note { font-style: italic; }
.reflection { white-space: pre-wrap; border-left: 4px solid #555; padding: 0.3rem 0.8rem;
              margin: 0; }
table { border-collapse: collapse; width: 100%; }
thead th { font-weight: bold; }
th, td { border: 1px solid #555; padding: 0.3rem 0.5rem; text-align: left;
         font-weight: normal;
         vertical-align: top; }
@page { margin: 2cm; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  section, tr { break-inside: avoid; page-break-inside: avoid; }
  .screen-only { display: none; }
}
"""


def _h(text: object) -> str:
    return escape(str(text), quote=True)


def cpd_html(progress: Progress, modules: Mapping[str, Module] | None = None) -> str:
    """The CPD record as one printable, self-contained HTML page."""
    modules = course_modules() if modules is None else modules
    entries = _entries(progress, modules)
    total = sum(e.module.minutes for e in entries)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>CPD record: {_h(COURSE_TITLE)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>CPD record: {_h(COURSE_TITLE)}</h1>",
        f"<p>Record made on {_h(_date(dt.datetime.now(dt.UTC)))}.</p>",
        f"<p>Modules completed: {len(entries)} of {len(modules)}. Study time of the completed "
        f"modules: about {_h(_minutes(total))}.</p>",
        f'<p class="note">{_h(SELF_STUDY_NOTE)}</p>',
        '<p class="screen-only">To keep a paper or PDF copy, use your browser\'s Print '
        "command.</p>",
    ]
    if not entries:
        parts.append("<p>No modules are marked complete yet.</p>")
    for e in entries:
        outcomes = "".join(f"<li>{_h(o)}</li>" for o in e.module.outcomes) or (
            "<li>(not recorded)</li>"
        )
        reflection = (
            f'<blockquote class="reflection">{_h(e.reflection.strip())}</blockquote>'
            if e.reflection.strip()
            else "<p>No reflections recorded.</p>"
        )
        checks = "".join(f"<li>{_h(_check_status(c))}: {_h(c.label)}</li>" for c in e.checks)
        parts += [
            "<section>",
            f"<h2>Module {_h(e.module.number)}: {_h(e.module.title)}</h2>",
            f"<p>Completed: {_h(_date(e.completed))}<br>"
            f"Time: about {_h(_minutes(e.module.minutes))}</p>",
            f"<h3>Learning outcomes</h3><ul>{outcomes}</ul>",
            f"<h3>My reflections</h3>{reflection}",
            f"<h3>Self-checks</h3><p>{_h(e.check_summary)}</p>",
            f"<ul>{checks}</ul>" if checks else "",
            "</section>",
        ]
    started = _in_progress(progress, modules)
    if started:
        names = ", ".join(f"module {_h(m.number)} ({_h(m.title)})" for m in started)
        parts.append(f"<p>Started but not yet complete: {names}.</p>")
    rows = "".join(
        f'<tr><th scope="row">{_h(s)}</th><td>{_h(b)}</td><td>{_h(a)}</td></tr>'
        for s, b, a in _confidence_rows(progress)
    )
    parts += [
        "<section>",
        "<h2>Confidence before and after</h2>",
        "<p>Ratings from 1 (not at all confident) to 5 (very confident): at the start of the "
        "course, and the latest rating given at the end of a module.</p>",
        "<table><caption>Confidence ratings</caption>"
        '<thead><tr><th scope="col">Statement</th><th scope="col">At the start</th>'
        f'<th scope="col">Latest</th></tr></thead><tbody>{rows}</tbody></table>',
        "</section>",
        _record_entry(progress, modules).html(),
        "</main>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(p for p in parts if p)


def export_cpd(
    folder: Path | str,
    progress: Progress | None = None,
    modules: Mapping[str, Module] | None = None,
) -> tuple[Path, Path]:
    """Write `cpd_record.md` and `cpd_record.html` into `folder` (made if needed); return
    their paths. Uses the learner's own progress file unless a `Progress` is given."""
    progress = Progress() if progress is None else progress
    modules = course_modules() if modules is None else modules
    folder = Path(folder).expanduser()
    md_path = atomic_write_text(folder / MD_NAME, cpd_markdown(progress, modules))
    html_path = atomic_write_text(folder / HTML_NAME, cpd_html(progress, modules))
    return md_path, html_path
