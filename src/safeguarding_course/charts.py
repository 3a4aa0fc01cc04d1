"""Clear, colour-blind-safe charts that carry a text description.

A chart shows in a notebook as an image with alt text, a written description and a data
table, so a screen reader can reach every number. It uses a matplotlib `Figure` directly
(not pyplot), so nothing is drawn twice and nothing depends on a display.
"""

from __future__ import annotations

import base64
import io
import textwrap
from dataclasses import dataclass
from html import escape

from matplotlib.figure import Figure

from . import content
from .content import Dataset

TICK_WIDTH = 14  # characters per line of a bar's label
AXIS_LABEL_WIDTH = 32  # characters per line of the y axis label

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

    def png(self) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        return buffer.getvalue()

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


def bar_chart(dataset_id: str, highlight: str | None = None) -> Chart:
    """A bar chart of a data set from the content data, with its description.

    `highlight` names one label to draw in a contrasting colour (and it is said in words)."""
    dataset = content.dataset(dataset_id)
    labels = [p.label for p in dataset.points]
    values = [p.value for p in dataset.points]
    colours = [OKABE_ITO[1] if label == highlight else OKABE_ITO[0] for label in labels]

    figure = Figure(figsize=(7, 4.2), layout="constrained")
    axes = figure.subplots()
    # long labels wrap onto several lines, so no label runs into its neighbour
    positions = range(len(labels))
    bars = axes.bar(positions, values, color=colours, edgecolor="black", linewidth=0.6)
    axes.set_xticks(positions, [textwrap.fill(label, TICK_WIDTH) for label in labels])
    axes.bar_label(bars, labels=[_number(v, dataset.unit) for v in values], padding=2)
    axes.set_title(textwrap.fill(dataset.title, 70), fontsize=11)
    axes.set_xlabel(dataset.category_label)
    axes.set_ylabel(textwrap.fill(dataset.value_label, AXIS_LABEL_WIDTH))
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_ylim(0, max(values) * 1.15)

    alt = f"Bar chart: {dataset.title}. The description below gives every value."
    description = describe(dataset)
    if highlight:
        description += f" The bar for {highlight} is drawn in orange."
    return Chart(dataset=dataset, figure=figure, alt_text=alt, description=description)
