"""Small server-side SVG charts for the review report: no JavaScript, so WeasyPrint draws
them in the PDF and the back office shows the same picture.

Values may be ``None`` (no data): a line breaks there and a bar is left out, never drawn
as zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

FONT = "Noto Sans CJK KR"
COLOURS = ("#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#dc3545")


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value:
            return float(top)
    return float(10 * magnitude)


def short_number(value: float) -> str:
    """1234567 → 1.2M: axis labels stay short in both languages."""
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if size >= limit:
            return f"{value / limit:.1f}".rstrip("0").rstrip(".") + suffix
    if value == int(value):
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _empty(width: int, height: int, title: str, empty: str) -> SafeString:
    return _frame(
        width,
        height,
        title,
        [
            f'<rect x="1" y="20" width="{width - 2}" height="{height - 22}" fill="#f8f9fa" '
            f'stroke="#e5e7eb"/>',
            f'<text x="{width / 2:.1f}" y="{height / 2 + 10:.1f}" text-anchor="middle" '
            f'fill="#888">{escape(empty)}</text>',
        ],
    )


def _frame(width: int, height: int, title: str, body: list[str]) -> SafeString:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="10" role="img" '
        f'aria-label="{escape(title)}">',
        f'<text x="4" y="13" font-size="11" font-weight="bold" fill="#222">{escape(title)}</text>',
        *body,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _axes(labels, top: float, *, left: int, right: int, y0: int, y1: int) -> list[str]:
    out = []
    for i in range(5):
        value = top * i / 4
        y = y1 - (y1 - y0) * i / 4
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#e5e7eb"/>'
            f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end" fill="#666">'
            f"{escape(short_number(value))}</text>"
        )
    return out


def _x(i: int, n: int, left: int, right: int) -> float:
    if n <= 1:
        return (left + right) / 2
    return left + (right - left) * i / (n - 1)


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | float | None]]],
    *,
    title: str,
    width: int = 520,
    height: int = 180,
    top: float | None = None,
    empty: str = "—",
) -> SafeString:
    """One line per series over the labels; gaps where a value is missing."""
    left, right, y0, y1 = 44, width - 26, 24, height - 34
    numbers = [float(v) for _name, values in series for v in values if v is not None]
    if not numbers:
        return _empty(width, height, title, empty)
    top = top or _nice_max(max(numbers, default=0.0))
    body = _axes(labels, top, left=left, right=right, y0=y0, y1=y1)
    n = len(labels)
    # As many labels as fit (about 64 px each), always the last one.
    every = max(1, -(-n // max(1, (right - left) // 64)))
    for i, label in enumerate(labels):
        if (n - 1 - i) % every == 0:
            body.append(
                f'<text x="{_x(i, n, left, right):.1f}" y="{y1 + 13}" text-anchor="middle" '
                f'fill="#444">{escape(label)}</text>'
            )
    for index, (name, values) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        segment: list[str] = []
        segments = [segment]
        for i, value in enumerate(values):
            if value is None:
                segment = []
                segments.append(segment)
                continue
            y = y1 - (y1 - y0) * min(float(value), top) / top if top else y1
            segment.append(f"{_x(i, n, left, right):.1f},{y:.1f}")
            body.append(
                f'<circle cx="{_x(i, n, left, right):.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>'
            )
        for points in segments:
            if len(points) > 1:
                body.append(
                    f'<polyline fill="none" stroke="{colour}" stroke-width="1.8" '
                    f'points="{" ".join(points)}"/>'
                )
        if len(series) > 1 or name:
            x = left + index * 150
            body.append(
                f'<rect x="{x}" y="{height - 12}" width="10" height="4" fill="{colour}"/>'
                f'<text x="{x + 14}" y="{height - 7}" fill="#333">{escape(name)}</text>'
            )
    return _frame(width, height, title, body)


def bar_chart(
    labels: Sequence[str],
    values: Sequence[Decimal | float | None],
    *,
    title: str,
    width: int = 520,
    height: int = 180,
    colour: str = COLOURS[1],
    empty: str = "—",
) -> SafeString:
    left, right, y0, y1 = 44, width - 10, 24, height - 22
    numbers = [float(v) for v in values if v is not None]
    if not any(numbers):
        return _empty(width, height, title, empty)
    top = _nice_max(max(numbers, default=0.0))
    body = _axes(labels, top, left=left, right=right, y0=y0, y1=y1)
    n = max(len(labels), 1)
    slot = (right - left) / n
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + slot * i
        if value is not None:
            h = (y1 - y0) * min(float(value), top) / top
            body.append(
                f'<rect x="{x + slot * 0.15:.1f}" y="{y1 - h:.1f}" width="{slot * 0.7:.1f}" '
                f'height="{h:.1f}" fill="{colour}"/>'
            )
        body.append(
            f'<text x="{x + slot / 2:.1f}" y="{y1 + 13}" text-anchor="middle" fill="#444">'
            f"{escape(label)}</text>"
        )
    return _frame(width, height, title, body)
