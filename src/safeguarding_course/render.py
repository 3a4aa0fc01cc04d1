"""Text blocks for the notebooks, written from the content data so no fact is typed twice.

Each function returns `IPython.display.Markdown`; a notebook shows it by making it the last
line of a cell. Tests read `.data` to see the words a person sees.
"""

from __future__ import annotations

import json
from pathlib import Path

from IPython.display import Markdown

from . import content
from .content import Route

SUPPORT_ROUTES = (
    "samaritans",
    "napac",
    "nspcc_helpline",
    "police_999",
    "designated_safeguarding_lead",
)


def _contact_line(contact) -> str:
    text = contact.value
    if contact.url:
        text = f"[{contact.value}]({contact.url})"
    extras = [e for e in (contact.hours, "free" if contact.free else None) if e]
    extra = f" ({'; '.join(extras)})" if extras else ""
    return f"{contact.method.capitalize()}: {text}{extra}"


def _source_note(source_ids) -> str:
    source_ids = list(source_ids)
    links = "; ".join(
        f"{s.publisher}, [{s.title}]({s.url}), checked {s.checked:%-d %B %Y}"
        for s in (content.source(i) for i in source_ids)
    )
    label = "Sources" if len(source_ids) > 1 else "Source"
    return f"{label}: {links}."


def route_text(route: Route, heading_level: int = 3) -> str:
    lines = [
        f"{'#' * heading_level} {route.name}",
        f"**Use it when:** {route.use_when}  ",
        f"**Who can use it:** {route.who_can_use}  ",
    ]
    lines += [
        f"**{_contact_line(c).split(':', 1)[0]}:**{_contact_line(c).split(':', 1)[1]}  "
        for c in route.contact
    ]
    if route.timescale:
        lines.append(f"**Timescale:** {route.timescale}  ")
    lines += [f"- {note}" for note in route.notes]
    lines.append(f"\n<small>{_source_note(route.sources)}</small>")
    return "\n".join(lines)


def routes(*route_ids: str) -> Markdown:
    """Cards for the named routes, in the order given."""
    return Markdown("\n\n".join(route_text(content.route(r)) for r in route_ids))


def support() -> Markdown:
    """Where to get support, for the content note that opens every module."""
    items = []
    for route_id in SUPPORT_ROUTES:
        r = content.route(route_id)
        contacts = "; ".join(_contact_line(c) for c in r.contact)
        items.append(f"- **{r.name}.** Use it when: {r.use_when} {contacts}.")
    return Markdown(
        "**Where to get support**\n\n"
        + "\n".join(items)
        + "\n\nYour local safeguarding procedures, your supervisor and your designated "
        "safeguarding lead always come first.\n\n<small>"
        + _source_note(sorted({s for r in SUPPORT_ROUTES for s in content.route(r).sources}))
        + "</small>"
    )


def fact(fact_id: str) -> Markdown:
    """One fact in words, with its source."""
    item = content.fact(fact_id)
    return Markdown(f"{item.statement}\n\n<small>{_source_note(item.sources)}</small>")


def facts(*fact_ids: str) -> Markdown:
    return Markdown("\n\n".join(fact(f).data for f in fact_ids))


def grooming_models() -> Markdown:
    """The grooming models, with their parts and how sure we are of each."""
    blocks = []
    for m in content.content().models.values():
        parts = "\n".join(f"{n}. {part}" for n, part in enumerate(m.parts, start=1))
        parts = parts or "*Stages not shown: see the note below.*"
        caveat = f"\n\n*{m.caveat}*" if m.caveat else ""
        blocks.append(
            f"### {m.name} ({m.authors}, {m.year})\n\n{m.summary}\n\n{parts}{caveat}\n\n"
            f"<small>{m.publication}. {_source_note(m.sources)}</small>"
        )
    return Markdown("\n\n".join(blocks))


def indicator_list(category: str | None = None) -> Markdown:
    """Possible signs of online grooming, optionally of one category."""
    items = [
        f"- **{i.name}.** {i.description}"
        for i in content.content().indicators.values()
        if category is None or i.category == category
    ]
    sources = sorted({s for i in content.content().indicators.values() for s in i.sources})
    return Markdown("\n".join(items) + f"\n\n<small>{_source_note(sources)}</small>")


def named_list(kind: str) -> Markdown:
    """The vulnerability factors or the tactics, as a list with their sources."""
    items = getattr(content.content(), kind).values()
    sources = sorted({s for i in items for s in i.sources})
    return Markdown(
        "\n".join(f"- {i.name}" for i in items) + f"\n\n<small>{_source_note(sources)}</small>"
    )


def further_reading(*source_ids: str) -> Markdown:
    return Markdown("\n".join(f"- {content.source(i).citation()}" for i in source_ids))


def module_metadata(notebook: Path) -> dict:
    """The `course` block of a teaching notebook's metadata (module, title, minutes, outcomes)."""
    data = json.loads(Path(notebook).read_text(encoding="utf-8"))
    try:
        return data["metadata"]["course"]
    except KeyError:
        raise KeyError(f"{notebook}: notebook metadata has no 'course' block") from None


def module_map(course_dir: Path | str = ".") -> Markdown:
    """A table of the course's modules, read from the notebooks' own metadata."""
    rows = ["| Module | Title | Minutes |", "|---|---|---|"]
    for path in sorted(Path(course_dir).glob("[0-9][0-9]_*.ipynb")):
        meta = module_metadata(path)
        rows.append(f"| {meta['module']} | [{meta['title']}]({path.name}) | {meta['minutes']} |")
    return Markdown("\n".join(rows))
