"""Charts carry a text alternative with every value; text blocks read facts from the data."""

from __future__ import annotations

import re

from safeguarding_course import charts, content, render
from safeguarding_course.charts import OKABE_ITO


def test_a_chart_description_states_every_value_and_the_source():
    chart = charts.bar_chart("sexual_communication_offences")
    dataset = content.dataset("sexual_communication_offences")
    for point in dataset.points:
        assert f"{point.label}: {point.value:,.0f}" in chart.description
    for source_id in dataset.sources:
        assert content.source(source_id).title in chart.description


def test_a_chart_shows_as_an_image_with_alt_text_a_caption_and_a_data_table():
    html = charts.bar_chart("operation_legatum_march_2021")._repr_html_()
    assert re.search(
        r'<img src="data:image/png;base64,[A-Za-z0-9+/=]{100,}" alt="[^"]{20,}">', html
    )
    assert "<figcaption>" in html
    assert "<table>" in html and "<th scope='row'>Arrests</th><td>31</td>" in html


def test_bars_use_the_colour_blind_safe_palette_and_highlight_is_said_in_words():
    chart = charts.bar_chart("sexual_communication_offences", highlight="2024/25")
    colours = {patch.get_facecolor() for patch in chart.figure.axes[0].patches}
    from matplotlib.colors import to_rgba

    assert colours == {to_rgba(OKABE_ITO[0]), to_rgba(OKABE_ITO[1])}
    assert "The bar for 2024/25 is drawn in orange." in chart.description


def test_a_chart_has_a_title_and_labelled_axes():
    axes = charts.bar_chart("platforms_2023_24").figure.axes[0]
    assert axes.get_title() and axes.get_xlabel() and axes.get_ylabel()


def test_percentages_are_described_as_percentages_with_their_denominator():
    description = charts.bar_chart("platforms_2023_24").description
    assert "Snapchat: 48%" in description
    assert "Shares are of 1,824 cases." in description


def test_the_support_block_reads_contacts_from_the_data():
    text = render.support().data
    for route_id in render.SUPPORT_ROUTES:
        route = content.route(route_id)
        assert route.name in text
        assert route.contact[0].value in text
    assert "local safeguarding procedures" in text


def test_a_route_card_shows_contacts_timescale_and_source():
    text = render.routes("lado").data
    lado = content.route("lado")
    assert lado.timescale in text
    assert content.source(lado.sources[0]).url in text


def test_grooming_models_say_how_sure_we_are_and_hold_back_unverified_stages():
    text = render.grooming_models().data
    for model in content.content().models.values():
        assert model.name in text
        if model.caveat:
            assert model.caveat.split(".")[0] in text
    assert "Stages not shown" in text
