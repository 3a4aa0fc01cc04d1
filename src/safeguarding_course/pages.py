"""The course's glossary and sources pages, generated from the content data.

`course/glossary.md` and `course/sources.md` are written by this module and never edited by
hand. After changing the content data, regenerate them from the repository root with:

    python -m safeguarding_course.pages

A test (tests/test_pages.py) fails when the committed pages differ from what this module
generates now, so the pages never drift from the data.
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from pathlib import Path

from . import content
from .content import SOURCED_KINDS, Content

COMMAND = "python -m safeguarding_course.pages"
GLOSSARY_FILE = "glossary.md"
SOURCES_FILE = "sources.md"
DEFAULT_FOLDER = Path("course")

_GENERATED = (
    "<!-- Generated from the course's content data by safeguarding_course.pages. "
    f"Do not edit by hand: change the data, then run `{COMMAND}` from the repository root. -->"
)

STATUS_WORDS = {
    "primary": "yes (the body's own site, the statute or the guidance itself)",
    "secondary": (
        "no, a secondary source (a reliable copy, such as a news agency, council or law firm)"
    ),
}

# What each kind of content is called on the sources page, and the words that name one item.
_KIND_NAMES = {
    "routes": ("referral route", lambda i: i.name),
    "indicators": ("possible sign", lambda i: i.name),
    "vulnerability_factors": ("vulnerability factor", lambda i: i.name),
    "tactics": ("tactic", lambda i: i.name),
    "models": ("grooming model", lambda i: i.name),
    "datasets": ("data set", lambda i: i.title),
    "facts": ("fact", None),
    "self_checks": ("self-check", None),
    "vignettes": ("fictional account", lambda i: i.title),
    "scenarios": ("scenario", lambda i: i.title),
    "glossary": ("glossary term", lambda i: i.term),
    "confidence_statements": ("confidence statement", None),
}

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def escape_markdown(text: str) -> str:
    """Text shown literally in Markdown: brackets, stars, underscores and the like escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def link_target(url: str) -> str:
    """A link target that survives any character in an address: bare when it is safe,
    in angle brackets when the address holds parentheses or spaces."""
    return f"<{url}>" if re.search(r"[()\s<>]", url) else url


def _link(text: str, url: str) -> str:
    return f"[{escape_markdown(text)}]({link_target(url)})"


def _address(url: str) -> str:
    """The address itself as a link: an autolink `<url>` where the address allows it."""
    return _link(url, url) if re.search(r"[\s<>]", url) else f"<{url}>"


def _checked(source) -> str:
    return f"{source.checked:%-d %B %Y}"


def _cite(source) -> str:
    """'Publisher, [Title](address) (checked 28 November 2026)'."""
    return (
        f"{escape_markdown(source.publisher)}, {_link(source.title, source.url)} "
        f"(checked {_checked(source)})"
    )


# -- glossary ---------------------------------------------------------------------------------


def glossary_markdown(data: Content | None = None) -> str:
    """Every glossary term, in alphabetical order, with its definition and sources."""
    data = data or content.content()
    terms = sorted(data.glossary.values(), key=lambda t: (t.term.casefold(), t.id))
    lines = [
        _GENERATED,
        "",
        "# Glossary",
        "",
        "Terms used in the course, in plain English, in alphabetical order. Each one lists "
        "where it is explained, with the date the source was last checked. The full list of "
        "sources is in [Sources](sources.md).",
    ]
    letter = None
    for term in terms:
        first = term.term[:1].upper()
        first = first if first.isalpha() else "#"
        if first != letter:
            letter = first
            heading = "Numbers and symbols" if first == "#" else first
            lines += ["", f"## {heading}"]
        label = "Sources" if len(term.sources) > 1 else "Source"
        cites = "; ".join(_cite(data.sources[s]) for s in term.sources)
        lines += [
            "",
            f"### {escape_markdown(term.term)}",
            "",
            escape_markdown(term.definition),
            "",
            f"{label}: {cites}.",
        ]
    return "\n".join(lines) + "\n"


# -- sources ----------------------------------------------------------------------------------


def _item_label(kind: str, item) -> str:
    name, words = _KIND_NAMES[kind]
    label = f"{name} `{item.id}`"
    if words is not None:
        label = f"{name} “{escape_markdown(words(item))}” (`{item.id}`)"
    module = getattr(item, "module", None)
    return f"{label}, module {module}" if module else label


def citing_items(data: Content | None = None) -> dict[str, list[str]]:
    """For each source id, the items that cite it, in words ("fact `s15_offence`" ...)."""
    data = data or content.content()
    cited: dict[str, list[str]] = defaultdict(list)
    for kind in SOURCED_KINDS:
        for item in getattr(data, kind).values():
            for source_id in sorted(item.all_sources()):
                cited[source_id].append(_item_label(kind, item))
    return dict(cited)


def sources_markdown(data: Content | None = None) -> str:
    """Every source: publisher, title, address, date checked, primary or secondary, and the
    items that cite it. Ordered by publisher, then title."""
    data = data or content.content()
    cited = citing_items(data)
    sources = sorted(
        data.sources.values(), key=lambda s: (s.publisher.casefold(), s.title.casefold(), s.id)
    )
    primary = sum(1 for s in sources if s.status == "primary")
    lines = [
        _GENERATED,
        "",
        "# Sources",
        "",
        f"Every source the course cites: {len(sources)} in all, {primary} primary and "
        f"{len(sources) - primary} secondary. A primary source is the body's own site, a "
        "statute or guidance; a secondary source is a reliable copy. Facts about law and statutory "
        "guidance always cite at least one primary source. Each entry gives the date "
        "someone last read the page and saw the facts that cite it, and the items in the "
        "course that rely on it. Terms are explained in the [Glossary](glossary.md).",
    ]
    for source in sources:
        users = cited.get(source.id, [])
        lines += [
            "",
            f"### {escape_markdown(source.publisher)}: {escape_markdown(source.title)}",
            "",
            f"- Publisher: {escape_markdown(source.publisher)}",
            f"- Title: {escape_markdown(source.title)}",
            f"- Address: {_address(source.url)}",
            f"- Checked: {_checked(source)}",
            f"- Primary source: {STATUS_WORDS[source.status]}",
            *([f"- Read via: {escape_markdown(source.seen_via)}"] if source.seen_via else []),
            f"- Source id: `{source.id}`",
            f"- Cited by ({len(users)}): " + ("; ".join(users) if users else "nothing yet"),
        ]
    return "\n".join(lines) + "\n"


# -- writing the pages ------------------------------------------------------------------------


def pages(data: Content | None = None) -> dict[str, str]:
    """The pages' file names and their text."""
    return {GLOSSARY_FILE: glossary_markdown(data), SOURCES_FILE: sources_markdown(data)}


def write_pages(folder: Path | str = DEFAULT_FOLDER, data: Content | None = None) -> list[Path]:
    """Write `glossary.md` and `sources.md` into `folder`; return the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in pages(data).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m safeguarding_course.pages",
        description="Regenerate the course's glossary and sources pages from the content data.",
    )
    parser.add_argument(
        "folder",
        nargs="?",
        default=str(DEFAULT_FOLDER),
        help="where to write glossary.md and sources.md (default: course, from the repo root)",
    )
    args = parser.parse_args(argv)
    for path in write_pages(args.folder):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
