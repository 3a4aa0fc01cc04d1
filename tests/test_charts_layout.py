"""Charts read well: measured in the rendered figure, no two labels overlap, the y axis label
is no taller than its axis, and the alt text keeps proper nouns as the data writes them."""

from __future__ import annotations

import itertools

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from safeguarding_course import charts, content

DATASETS = [d.id for d in content.content().datasets.values()]


def _text_boxes(chart):
    figure = chart.figure
    canvas = FigureCanvasAgg(figure)  # the same renderer as the PNG the course shows
    canvas.draw()
    renderer = canvas.get_renderer()
    axes = figure.axes[0]
    ticks = [t for t in axes.get_xticklabels() if t.get_text()]
    bar_labels = [t for t in axes.texts if t.get_text()]
    return renderer, axes, ticks, bar_labels


@pytest.mark.parametrize("dataset_id", DATASETS)
def test_no_two_labels_of_a_chart_overlap(dataset_id):
    renderer, axes, ticks, bar_labels = _text_boxes(charts.bar_chart(dataset_id))
    texts = [*ticks, *bar_labels, axes.title, axes.xaxis.label, axes.yaxis.label]
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts if t.get_text()]
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), f"{dataset_id}: {a!r} overlaps {b!r}"


@pytest.mark.parametrize("dataset_id", DATASETS)
def test_the_y_axis_label_fits_beside_its_axis(dataset_id):
    renderer, axes, _ticks, _labels = _text_boxes(charts.bar_chart(dataset_id))
    label = axes.yaxis.label.get_window_extent(renderer)
    assert label.height <= axes.get_window_extent(renderer).height, dataset_id


def test_the_old_overlap_is_gone_children_safeguarded_and_further_visits():
    renderer, _axes, ticks, _labels = _text_boxes(charts.bar_chart("operation_legatum_march_2021"))
    assert len(ticks) == 4
    for a, b in itertools.pairwise(ticks):
        assert a.get_window_extent(renderer).x1 < b.get_window_extent(renderer).x0


def test_the_alt_text_keeps_proper_nouns():
    chart = charts.bar_chart("operation_legatum_march_2021")
    assert "Met Police Operation Legatum" in chart.alt_text
    assert "UK police" in charts.bar_chart("sexual_communication_offences").alt_text
