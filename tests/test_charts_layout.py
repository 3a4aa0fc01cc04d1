"""Charts read well: measured in the rendered figure, no two labels overlap, every label lies
inside the figure (the margins are set from the text, with no tight bounding box to widen the
picture), the y axis label is no taller than its axis, and the alt text keeps proper nouns as
the data writes them."""

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
def test_every_label_lies_inside_the_figure(dataset_id):
    renderer, axes, ticks, bar_labels = _text_boxes(charts.bar_chart(dataset_id))
    figure_box = axes.figure.bbox
    low, high = axes.get_ylim()
    y_ticks = [t for t in axes.get_yticklabels() if low <= t.get_position()[1] <= high]
    texts = [*ticks, *bar_labels, *y_ticks, axes.title, axes.xaxis.label, axes.yaxis.label]
    for text in (t for t in texts if t.get_text() and t.get_visible()):
        box = text.get_window_extent(renderer)
        assert figure_box.x0 <= box.x0 and box.x1 <= figure_box.x1, f"{dataset_id}: {text}"
        assert figure_box.y0 <= box.y0 and box.y1 <= figure_box.y1, f"{dataset_id}: {text}"


def test_a_chart_is_drawn_once_however_often_it_is_shown():
    chart = charts.bar_chart("platforms_2023_24")
    assert chart.png() is chart.png()
    assert chart.png().startswith(b"\x89PNG")


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
