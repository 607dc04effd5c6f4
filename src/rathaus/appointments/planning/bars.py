"""A horizontal bar chart as inline SVG, in the style of ``chart.py`` (for the statistics page).

One bar per labelled value (e.g. utilisation per service or location); the value is written beside its
bar, so the chart reads without colour. ``role="img"`` with ``<title>`` and ``<desc>``; all text is
escaped (markupsafe). The page shows the same numbers as a table as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from rathaus.appointments.planning.chart import BLUE, TEXT

_ROW = 28
_LABEL_WIDTH = 260
_VALUE_WIDTH = 70
_TOP = 8
_LABEL_CHARS = 38


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, its value (None: no figure) and how the value is written."""

    label: str
    value: float | None
    text: str


def _short(label: str) -> str:
    return label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1].rstrip() + "…"


def render_bar_chart(
    *,
    bars: Sequence[Bar],
    title: str,
    description: str,
    chart_id: str = "balken",
    maximum: float | None = None,
    width: int = 640,
) -> Markup:
    """An inline SVG with one horizontal bar per entry; ``maximum`` fixes the scale (e.g. 100 for %)."""
    height = _TOP * 2 + _ROW * max(1, len(bars))
    top = maximum if maximum is not None else max((bar.value or 0.0 for bar in bars), default=0.0)
    top = top if top > 0 else 1.0
    plot = width - _LABEL_WIDTH - _VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{escape(chart_id)}-title '
        f'{escape(chart_id)}-desc" width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]
    for index, bar in enumerate(bars):
        y = _TOP + index * _ROW
        length = round(plot * min(max(bar.value or 0.0, 0.0), top) / top, 1)
        parts.append(
            f'<text x="0" y="{y + 18}" font-size="12" fill="{TEXT}">{escape(_short(bar.label))}</text>'
            f'<rect x="{_LABEL_WIDTH}" y="{y + 5}" width="{length}" height="18" fill="{BLUE}"/>'
            f'<text x="{_LABEL_WIDTH + length + 6}" y="{y + 18}" font-size="12" fill="{TEXT}">'
            f"{escape(bar.text)}</text>"
        )
    if not bars:
        parts.append(f'<text x="0" y="{_TOP + 18}" font-size="12" fill="{TEXT}">Keine Daten.</text>')
    parts.append(
        f'<line x1="{_LABEL_WIDTH}" y1="{_TOP}" x2="{_LABEL_WIDTH}" y2="{height - _TOP}" stroke="{TEXT}"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
