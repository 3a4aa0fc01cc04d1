"""Widgets for reading figures with care (module 8).

- `change_explorer`: pick two points of a data set and see the change, worked out in words.
- `share_comparison`: follow one category's share across two years, in percentage points and as
  a percent change, with the rough number of cases behind each share.
- `rate_explorer`: turn counts from periods of different lengths into rates.

Every number comes from the content data; the arithmetic is `scoring.percent_change`. The
result is text (never colour alone), in a live region so a screen reader announces it.
"""

from __future__ import annotations

from html import escape

import ipywidgets as w

from .. import content
from ..content import Dataset
from ..scoring import percent_change
from ._feedback import html_to_text
from .controls import CourseBox, LiveRegion, Select


def _fmt(value: float, decimals: int = 1) -> str:
    """12345 -> '12,345'; 6.333 -> '6.3'; whole numbers lose their decimals."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.{decimals}f}"


def _signed_percent(change: float) -> str:
    """A percent change in words: 'a rise of 11.2%', 'a fall of 16.7%' or 'no change'."""
    if round(change, 1) == 0:
        return "no change"
    return f"a {'rise' if change > 0 else 'fall'} of {abs(change):.1f}%"


def _singular(label: str) -> str:
    """'Arrests' -> 'arrest', 'Children safeguarded' -> 'child safeguarded',
    'Further safeguarding visits' -> 'further safeguarding visit'."""
    words = label.lower().split()
    if words[0] == "children":
        words[0] = "child"
    elif words[-1].endswith("s"):
        words[-1] = words[-1][:-1]
    return " ".join(words)


def _result_html(paragraphs: list[str], source_ids) -> str:
    body = "".join(f"<p>{escape(text)}</p>" for text in paragraphs)
    sources = "; ".join(
        f"{escape(s.publisher)}, {escape(s.title)} (checked {s.checked:%-d %B %Y})"
        for s in (content.source(i) for i in source_ids)
    )
    return (
        f'<div class="sc-numbers-result">{body}'
        f"<p><small>Source: {sources}.</small></p></div>"
    )


class _NumbersWidget(CourseBox):
    """Shared behaviour: a result area whose words tests and screen readers can read."""

    plain_text = "A number explorer: run this cell to use it."
    result: LiveRegion

    @property
    def result_text(self) -> str:
        """The words a person reads in the result area."""
        return html_to_text(self.result.value)


# -- change between two points of one data set ----------------------------------------------


class ChangeExplorer(_NumbersWidget):
    """Two drop-downs ("From" and "To") over a data set's points, and the change in words."""

    def __init__(self, dataset: Dataset):
        if dataset.unit == "percent":
            raise ValueError(
                f"data set '{dataset.id}' holds shares; use share_comparison for those"
            )
        self.dataset = dataset
        labels = [p.label for p in dataset.points]
        intro = w.HTML(
            value=(
                f"<p><strong>{escape(dataset.title)}</strong></p>"
                f"<p>Choose a starting {escape(dataset.category_label.split(' (')[0].lower())} "
                "and a later one to see the change worked out.</p>"
            )
        )
        self.start = Select(options=labels, value=labels[0], description="From:")
        self.end = Select(options=labels, value=labels[-1], description="To:")
        self.result = LiveRegion()
        for control in (self.start, self.end):
            control.observe(lambda _change: self.update(), names="value")
        super().__init__([intro, w.HBox([self.start, self.end]), self.result])
        self.add_class("sc-change-explorer")
        self.update()

    def update(self) -> None:
        d = self.dataset
        if self.start.value == self.end.value:
            self.result.value = _result_html(
                ["Choose two different points to see a change."], d.sources
            )
            return
        order = [p.label for p in d.points]
        if order.index(self.start.value) > order.index(self.end.value):
            self.result.value = _result_html(
                [
                    f"{self.start.value} comes after {self.end.value}. Choose the earlier one "
                    "in From and the later one in To: a change is worked out forwards in time."
                ],
                d.sources,
            )
            return
        old, new = d.value(self.start.value), d.value(self.end.value)
        unit = " offences" if d.unit == "offences" else ""
        difference = new - old
        change = percent_change(old, new)
        lines = [
            f"From {self.start.value} ({_fmt(old)}) to {self.end.value} ({_fmt(new)}): "
            f"the count went {'up' if difference >= 0 else 'down'} by "
            f"{_fmt(abs(difference))}{unit}.",
            f"Percent change: ({_fmt(new)} - {_fmt(old)}) / {_fmt(old)} x 100 = "
            f"{change:.1f}%, {_signed_percent(change)}.",
            "Before you use this change, check the notes on the data: " + " ".join(d.notes),
        ]
        self.result.value = _result_html(lines, d.sources)


def change_explorer(dataset_id: str) -> ChangeExplorer:
    """Explore the change between any two points of a data set of counts."""
    return ChangeExplorer(content.dataset(dataset_id))


# -- one category's share in two data sets --------------------------------------------------


class ShareComparison(_NumbersWidget):
    """Pick a category found in both data sets; see its share change in percentage points,
    as a percent change, and the rough number of cases behind each share."""

    def __init__(self, first: Dataset, second: Dataset, names: tuple[str, str]):
        for dataset in (first, second):
            if dataset.unit != "percent" or not dataset.denominator:
                raise ValueError(f"data set '{dataset.id}' needs percent shares and a denominator")
        self.first, self.second, self.names = first, second, names
        first_labels = [p.label for p in first.points]
        second_labels = {p.label for p in second.points}
        shared = [label for label in first_labels if label in second_labels]
        if not shared:
            raise ValueError(f"'{first.id}' and '{second.id}' have no category in common")
        self.left_out = {
            names[0]: [label for label in first_labels if label not in second_labels],
            names[1]: [p.label for p in second.points if p.label not in set(first_labels)],
        }
        intro = w.HTML(
            value=(
                "<p>Choose a category to compare its share in "
                f"{escape(names[0])} and {escape(names[1])}.</p>"
            )
        )
        self.category = Select(
            options=shared, value=shared[0], description=f"{first.category_label}:"
        )
        self.result = LiveRegion()
        self.category.observe(lambda _change: self.update(), names="value")
        super().__init__([intro, self.category, self.result])
        self.add_class("sc-share-comparison")
        self.update()

    def estimates(self) -> tuple[float, float]:
        """The rough number of cases behind each share: share x denominator / 100."""
        label = self.category.value
        return (
            self.first.value(label) * self.first.denominator / 100,
            self.second.value(label) * self.second.denominator / 100,
        )

    def update(self) -> None:
        label = self.category.value
        (a_name, b_name), a, b = self.names, self.first, self.second
        old, new = a.value(label), b.value(label)
        points = new - old
        cases_old, cases_new = self.estimates()
        lines = [
            f"{label}: {_fmt(old)}% of {a.denominator:,} cases in {a_name}, and "
            f"{_fmt(new)}% of {b.denominator:,} cases in {b_name}.",
            f"Change in share: {'+' if points > 0 else ''}{_fmt(points)} percentage points. "
            "As a percent change in the share itself: "
            f"{_signed_percent(percent_change(old, new))}.",
            f"Rough number of cases: about {cases_old:,.0f} in {a_name} and about "
            f"{cases_new:,.0f} in {b_name}, "
            f"{_signed_percent(percent_change(cases_old, cases_new))}. The shares are rounded, "
            "so these numbers are approximate.",
            "The totals the shares are taken from are different in the two years, so a share "
            "can fall while the number of cases stays about the same, or rises.",
        ]
        left_out = [
            f"{', '.join(labels)} ({name})" for name, labels in self.left_out.items() if labels
        ]
        if left_out:
            lines.append(
                "Not offered, because the two lists do not group them the same way: "
                + "; ".join(left_out)
                + "."
            )
        self.result.value = _result_html(lines, sorted({*a.sources, *b.sources}))


def share_comparison(
    first_id: str, second_id: str, names: tuple[str, str] | None = None
) -> ShareComparison:
    """Compare one category's share across two data sets of shares (two years, say).
    `names` are what to call the two data sets; by default, their titles."""
    first, second = content.dataset(first_id), content.dataset(second_id)
    return ShareComparison(first, second, names or (first.title, second.title))


# -- counts over periods of different lengths -----------------------------------------------


class RateExplorer(_NumbersWidget):
    """Counts from periods of different lengths, per day or per another count.

    The fact named by `periods_fact` gives, in its `values`, the number of days each data set
    covers, keyed by the data set's id."""

    PER_DAY = "each day"

    def __init__(self, periods_fact: str):
        fact = content.fact(periods_fact)
        self.fact = fact
        self.days = {dataset_id: int(days) for dataset_id, days in fact.values.items()}
        self.datasets = [content.dataset(dataset_id) for dataset_id in self.days]
        first, *others = self.datasets
        measures = [
            p.label
            for p in first.points
            if all(p.label in {q.label for q in other.points} for other in others)
        ]
        intro = w.HTML(
            value=(
                "<p>The periods are different lengths, so compare rates as well as counts. "
                "Choose what to count and what to divide it by.</p>"
            )
        )
        self.measure = Select(options=measures, value=measures[0], description="Count:")
        self.per = Select(
            options=[self.PER_DAY, *measures], value=self.PER_DAY, description="Divided by:"
        )
        self.result = LiveRegion()
        for control in (self.measure, self.per):
            control.observe(lambda _change: self.update(), names="value")
        super().__init__([intro, w.HBox([self.measure, self.per]), self.result])
        self.add_class("sc-rate-explorer")
        self.update()

    def rates(self) -> dict[str, float]:
        """The chosen rate for each data set, by data set id."""
        rates = {}
        for dataset in self.datasets:
            count = dataset.value(self.measure.value)
            if self.per.value == self.PER_DAY:
                rates[dataset.id] = count / self.days[dataset.id]
            else:
                rates[dataset.id] = count / dataset.value(self.per.value)
        return rates

    def update(self) -> None:
        measure, per = self.measure.value, self.per.value
        if per == measure:
            self.result.value = _result_html(
                ["Choose two different things: dividing a count by itself always gives 1."],
                self.fact.sources,
            )
            return
        rates = self.rates()
        lines = []
        for dataset in self.datasets:
            count = dataset.value(measure)
            if per == self.PER_DAY:
                divisor, unit = self.days[dataset.id], "days"
                rate_words = f"{rates[dataset.id]:.1f} {measure.lower()} a day"
            else:
                divisor, unit = dataset.value(per), per.lower()
                rate_words = f"{rates[dataset.id]:.2f} {measure.lower()} per {_singular(per)}"
            lines.append(
                f"{dataset.title}: {_fmt(count)} {measure.lower()} / {_fmt(divisor)} {unit} "
                f"= {rate_words}."
            )
        first, last = self.datasets[0], self.datasets[-1]
        count_change = percent_change(first.value(measure), last.value(measure))
        rate_change = percent_change(rates[first.id], rates[last.id])
        lines.append(
            f"From the first period to the last, the count shows {_signed_percent(count_change)}"
            f" and the rate shows {_signed_percent(rate_change)}. Counts and rates can tell "
            "different stories."
        )
        sources = sorted({*self.fact.sources, *(s for d in self.datasets for s in d.sources)})
        self.result.value = _result_html(lines, sources)


def rate_explorer(periods_fact: str) -> RateExplorer:
    """Compare counts over periods of different lengths as rates. `periods_fact` names a fact
    whose values give the days each data set covers, keyed by data set id."""
    return RateExplorer(periods_fact)
