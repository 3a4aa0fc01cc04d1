"""Clear, colour-blind-safe charts that carry a text description.

A chart shows in a notebook as an image with alt text, a written description and a data
table, so a screen reader can reach every number. It uses a matplotlib `Figure` directly
(not pyplot), so nothing depends on a display.

Drawing is most of a module's Run All time, so a chart is drawn once: its margins are set
from the lines of text around the axes (measured in lines and characters, not by a drawing
pass), with no layout engine and no tight bounding box, which would each draw it again. The
PNG is kept once made. tests/test_charts_layout.py checks in the rendered figure that no two
labels overlap and that every label lies inside the figure.
"""

from __future__ import annotations

import base64
import io
import textwrap
from dataclasses import dataclass, field
from html import escape

from matplotlib.figure import Figure

from . import content
from .content import Dataset

TICK_WIDTH = 14  # characters per line of a bar's label
AXIS_LABEL_WIDTH = 32  # characters per line of the y axis label
TITLE_WIDTH = 70  # characters per line of the title
FIGURE_SIZE = (7.0, 4.2)  # inches
DPI = 100

# Text sizes and spacing, in points (matplotlib's defaults, which the charts use).
TEXT_PT, TITLE_PT = 10.0, 11.0
LINE = 1.2  # line height, in font sizes
TICK_SPACE = 3.5 + 3.5  # tick length and the pad between tick and label
LABEL_PAD, TITLE_PAD = 4.0, 6.0
EDGE = 8.0  # empty space kept at each edge of the figure
CHAR_EM = 0.65  # width of a digit, comma or % sign in DejaVu Sans, in font sizes (at most)

# Okabe and Ito's palette, distinguishable with the common forms of colour blindness.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")


def _number(value: float, unit: str) -> str:
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text}%" if unit == "percent" else text


@dataclass
class Chart:
    """A figure and the words that describe it."""

    dataset: Dataset
    figure: Figure
    alt_text: str
    description: str

    _png: bytes | None = field(default=None, init=False, repr=False)

    def png(self) -> bytes:
        """The chart as a PNG image (drawn the first time it is asked for)."""
        if self._png is None:
            buffer = io.BytesIO()
            self.figure.savefig(buffer, format="png", dpi=DPI)
            self._png = buffer.getvalue()
        return self._png

    def table_html(self) -> str:
        d = self.dataset
        rows = "".join(
            f"<tr><th scope='row'>{escape(p.label)}</th><td>{_number(p.value, d.unit)}</td></tr>"
            for p in d.points
        )
        return (
            f"<table><caption>Data: {escape(d.title)}</caption>"
            f"<thead><tr><th scope='col'>{escape(d.category_label)}</th>"
            f"<th scope='col'>{escape(d.value_label)}</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )

    def _repr_html_(self) -> str:
        image = base64.b64encode(self.png()).decode("ascii")
        return (
            '<figure class="sc-chart">'
            f'<img src="data:image/png;base64,{image}" alt="{escape(self.alt_text)}">'
            f"<figcaption>{escape(self.description)}</figcaption>"
            f"<details><summary>Show the data as a table</summary>{self.table_html()}</details>"
            "</figure>"
        )


def describe(dataset: Dataset) -> str:
    """A written description of a bar chart of `dataset`: every value, the highest and
    lowest, the notes that limit what it shows, and the source."""
    values = "; ".join(f"{p.label}: {_number(p.value, dataset.unit)}" for p in dataset.points)
    highest = max(dataset.points, key=lambda p: p.value)
    lowest = min(dataset.points, key=lambda p: p.value)
    sources = "; ".join(
        f"{s.publisher}, {s.title}" for s in (content.source(i) for i in dataset.sources)
    )
    parts = [
        f"Bar chart: {dataset.title}.",
        f"Each bar is one {dataset.category_label.split(' (')[0].lower()}; "
        f"its height is the {dataset.value_label.lower()}.",
        f"Values: {values}.",
        f"Highest: {highest.label} ({_number(highest.value, dataset.unit)}). "
        f"Lowest: {lowest.label} ({_number(lowest.value, dataset.unit)}).",
    ]
    if dataset.denominator:
        parts.append(f"Shares are of {dataset.denominator:,} cases.")
    parts += list(dataset.notes)
    parts.append(f"Source: {sources}.")
    return " ".join(parts)


def _lines(text: str) -> int:
    return text.count("\n") + 1


def _fit_margins(
    figure: Figure, ticks: list[str], title: str, y_label: str, y_ticks: list[str]
) -> None:
    """Leave room around the axes for exactly the text that is there: the bar labels and the
    x axis label below, the title above, the y axis label and tick labels on the left."""
    text, title_line = TEXT_PT * LINE, TITLE_PT * LINE
    bottom = TICK_SPACE + max(map(_lines, ticks)) * text + LABEL_PAD + text + EDGE
    top = TITLE_PAD + _lines(title) * title_line + EDGE
    widest_tick = max(map(len, y_ticks), default=1) * CHAR_EM * TEXT_PT
    left = EDGE + _lines(y_label) * text + LABEL_PAD + widest_tick + TICK_SPACE
    right = EDGE
    width, height = (inches * 72 for inches in FIGURE_SIZE)
    figure.subplots_adjust(
        left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height
    )


def bar_chart(dataset_id: str, highlight: str | None = None) -> Chart:
    """A bar chart of a data set from the content data, with its description.

    `highlight` names one label to draw in a contrasting colour (and it is said in words)."""
    dataset = content.dataset(dataset_id)
    labels = [p.label for p in dataset.points]
    values = [p.value for p in dataset.points]
    colours = [OKABE_ITO[1] if label == highlight else OKABE_ITO[0] for label in labels]

    figure = Figure(figsize=FIGURE_SIZE, dpi=DPI)
    axes = figure.subplots()
    # long labels wrap onto several lines, so no label runs into its neighbour
    ticks = [textwrap.fill(label, TICK_WIDTH) for label in labels]
    title = textwrap.fill(dataset.title, TITLE_WIDTH)
    y_label = textwrap.fill(dataset.value_label, AXIS_LABEL_WIDTH)
    positions = range(len(labels))
    bars = axes.bar(positions, values, color=colours, edgecolor="black", linewidth=0.6)
    axes.set_xticks(positions, ticks)
    axes.bar_label(bars, labels=[_number(v, dataset.unit) for v in values], padding=2)
    axes.set_title(title, fontsize=TITLE_PT, pad=TITLE_PAD)
    axes.set_xlabel(dataset.category_label, labelpad=LABEL_PAD)
    axes.set_ylabel(y_label, labelpad=LABEL_PAD)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_ylim(0, max(values) * 1.15)
    axes.yaxis.set_major_formatter(lambda v, _pos: _number(v, dataset.unit))
    y_ticks = [_number(v, dataset.unit) for v in axes.get_yticks() if 0 <= v <= max(values) * 1.15]
    _fit_margins(figure, ticks, title, y_label, y_ticks)

    alt = f"Bar chart: {dataset.title}. The description below gives every value."
    description = describe(dataset)
    if highlight:
        description += f" The bar for {highlight} is drawn in orange."
    return Chart(dataset=dataset, figure=figure, alt_text=alt, description=description)
