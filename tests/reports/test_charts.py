"""The SVG charts: well-formed, labelled for screen readers, hiding what is hidden."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from reports.charts import Bar, Series, bar_chart, grouped_bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


FUNNEL = [
    Bar(label="Invited", value=40, shown="40"),
    Bar(label="Participants", value=30, shown="30"),
    Bar(label="Certified", value=3, shown="<5", hidden=True),
    Bar(label="Placed <&>", value=0, shown="0"),
]


def test_a_chart_is_an_image_named_by_its_title_and_description():
    root = parse(bar_chart(chart_id="funnel-total", title="Funnel", bars=FUNNEL))

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "funnel-total-title funnel-total-desc"
    assert root.find(f"{SVG}title").get("id") == "funnel-total-title"
    assert root.find(f"{SVG}title").text == "Funnel"
    desc = root.find(f"{SVG}desc")
    assert desc.get("id") == "funnel-total-desc"
    assert desc.text == "Invited: 40; Participants: 30; Certified: <5; Placed <&>: 0"


def test_bars_are_to_scale_and_hidden_values_draw_no_bar():
    root = parse(bar_chart(chart_id="f", title="Funnel", bars=FUNNEL))
    widths = [int(rect.get("width")) for rect in root.iter(f"{SVG}rect")]

    assert len(widths) == 2  # no bar for "<5", none for 0
    assert widths[0] > widths[1]
    assert round(widths[1] / widths[0], 2) == 0.75
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "<5" in texts
    assert "Placed <&>" in texts  # escaped in the markup, intact when parsed


def test_grouped_chart_describes_every_bar():
    series = [
        Series(
            name="Learning",
            bars=[
                Bar("Women", Decimal("120.5"), "120.5"),
                Bar("Men", Decimal(80), "80.0"),
                Bar("Other", Decimal(2), "<5", hidden=True),
            ],
        ),
        Series(
            name="Practicum",
            bars=[
                Bar("Women", Decimal(40), "40.0"),
                Bar("Men", Decimal(60), "60.0"),
                Bar("Other", Decimal(1), "<5", hidden=True),
            ],
        ),
    ]
    root = parse(
        grouped_bar_chart(
            chart_id="hours",
            title="Hours by gender",
            groups=["Women", "Men", "Other"],
            series=series,
            unit=" h",
        )
    )
    desc = root.find(f"{SVG}desc").text
    assert desc == (
        "Women: Learning 120.5 h, Practicum 40.0 h; "
        "Men: Learning 80.0 h, Practicum 60.0 h; "
        "Other: Learning <5 h, Practicum <5 h"
    )
    # Two legend swatches and four bars: the hidden ones are not drawn.
    assert len(list(root.iter(f"{SVG}rect"))) == 2 + 4


def test_no_script_and_no_inline_style():
    svg = bar_chart(chart_id="f", title="<script>alert(1)</script>", bars=FUNNEL)
    assert "<script" not in svg
    assert "style=" not in svg
