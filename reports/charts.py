"""Bar charts as accessible SVG, drawn on the server. Pure: no ORM, no settings.

Each chart is an ``<svg role="img">`` labelled by its own ``<title>`` and
``<desc>``; the description reads out every number, and the page shows the
same numbers in a table beside it. A hidden cell ("<5") draws no bar, so its
length cannot give the number away. No scripts, no inline styles: colours and
sizes are presentation attributes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape

WIDTH = 640
LABEL_WIDTH = 200
VALUE_WIDTH = 70
BAR_HEIGHT = 22
GAP = 10
GROUP_GAP = 18
FONT = 14
PALETTE = ("#00676a", "#b34a00", "#4b3f9e", "#3d5a00")  # ≥ 4.5:1 on white


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | Decimal
    shown: str  # the text, as in the table ("<5" when hidden)
    hidden: bool = False


@dataclass(frozen=True)
class Series:
    name: str
    bars: Sequence[Bar]


def _scale(values: Sequence[Decimal]) -> Decimal:
    top = max(values, default=Decimal(0))
    return top if top > 0 else Decimal(1)


def _bar_width(value, top: Decimal) -> int:
    track = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    return round(Decimal(value) / top * track)


def _svg(*, chart_id: str, title: str, desc: str, height: int, body: list[str]) -> str:
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" '
            f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
            f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
            f'font-family="system-ui, sans-serif" font-size="{FONT}">',
            f'<title id="{chart_id}-title">{escape(title)}</title>',
            f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
            *body,
            "</svg>",
        ]
    )


def _bar(y: int, bar: Bar, top: Decimal, colour: str, label: str) -> list[str]:
    parts = [
        f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT - 6}" text-anchor="end" '
        f'fill="#1f2933">{escape(label)}</text>'
    ]
    width = 0 if bar.hidden else _bar_width(bar.value, top)
    if width > 0:
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" '
            f'height="{BAR_HEIGHT}" fill="{colour}"/>'
        )
    parts.append(
        f'<text x="{LABEL_WIDTH + width + 6}" y="{y + BAR_HEIGHT - 6}" '
        f'fill="#1f2933">{escape(bar.shown)}</text>'
    )
    return parts


def bar_chart(*, chart_id: str, title: str, bars: Sequence[Bar], unit: str = "") -> str:
    """One bar per figure (the funnel), longest scale = the largest shown value."""
    top = _scale([Decimal(b.value) for b in bars if not b.hidden])
    body, y = [], GAP
    for bar in bars:
        body += _bar(y, bar, top, PALETTE[0], bar.label)
        y += BAR_HEIGHT + GAP
    desc = "; ".join(f"{bar.label}: {bar.shown}{unit}" for bar in bars)
    return _svg(chart_id=chart_id, title=title, desc=desc, height=y + GAP, body=body)


def grouped_bar_chart(
    *,
    chart_id: str,
    title: str,
    groups: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
) -> str:
    """For each group (a gender), one bar per series (learning, practicum).

    ``series[s].bars[g]`` is the bar of series ``s`` in group ``g``; a legend
    names the series, and each bar repeats its series name for screen readers
    through the description.
    """
    values = [Decimal(b.value) for s in series for b in s.bars if not b.hidden]
    top = _scale(values)
    body, y = [], GAP
    # The legend, one series a line, so that long names are never cut off.
    for s, one in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        body.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="14" height="14" fill="{colour}"/>'
        )
        body.append(
            f'<text x="{LABEL_WIDTH + 20}" y="{y + 12}" fill="#1f2933">'
            f"{escape(one.name)}</text>"
        )
        y += 20
    y += GROUP_GAP
    for g, group in enumerate(groups):
        for s, one in enumerate(series):
            label = group if s == 0 else ""
            body += _bar(y, one.bars[g], top, PALETTE[s % len(PALETTE)], label)
            y += BAR_HEIGHT + 4
        y += GROUP_GAP - 4
    desc = "; ".join(
        f"{group}: "
        + ", ".join(f"{one.name} {one.bars[g].shown}{unit}" for one in series)
        for g, group in enumerate(groups)
    )
    return _svg(chart_id=chart_id, title=title, desc=desc, height=y + GAP, body=body)
