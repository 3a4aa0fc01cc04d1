"""Feedback shown under a widget: plain text in HTML, with its sources. Never colour alone.

Feedback is shown in a `LiveRegion` (controls.py), the one live region a widget has, so the
HTML here carries no `role="status"` or `aria-live` of its own: a second, nested region could
make a screen reader announce the same words twice."""

from __future__ import annotations

import re
from html import escape, unescape

from .. import content


def feedback_html(verdict: str, paragraphs: list[str], source_ids) -> str:
    """A verdict in words, the explanation, and the sources with the date each was checked."""
    body = "".join(f"<p>{escape(text)}</p>" for text in paragraphs)
    sources = "".join(
        f'<li>{escape(src.publisher)}, <a href="{escape(src.url)}" target="_blank" '
        f'rel="noopener">{escape(src.title)}</a> (checked {src.checked:%-d %B %Y})</li>'
        for src in (content.source(source_id) for source_id in source_ids)
    )
    return (
        '<div class="sc-feedback">'
        f"<p><strong>{escape(verdict)}</strong></p>{body}"
        f"<p>Sources:</p><ul>{sources}</ul></div>"
    )


def html_to_text(html: str) -> str:
    """The words a person reads in a feedback block (used by tests and screen-reader checks)."""
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", unescape(text)).strip()
