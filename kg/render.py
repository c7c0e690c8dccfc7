"""Plain-text rendering: aligned tables and the stats summary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.stats import Stats


def table(headers: Sequence[str] | None, rows: Sequence[Sequence[object]]) -> str:
    """An aligned text table (``headers=None`` for none): numbers right-aligned, the rest left."""
    width = len(headers) if headers is not None else max((len(r) for r in rows), default=0)
    cells = [[_cell(v) for v in row] for row in rows]
    numeric = [bool(rows) and all(isinstance(row[i], int | float) for row in rows) for i in range(width)]
    head = [list(headers)] if headers is not None else []
    widths = [max(len(row[i]) for row in [*head, *cells]) for i in range(width)]

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return "  ".join(parts).rstrip()

    lines = [line(head[0]), line(["-" * w for w in widths])] if head else []
    return "\n".join([*lines, *(line(row) for row in cells)])


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def stats_text(stats: Stats) -> str:
    """The ``kg stats`` report: totals, evidence coverage, then classes by size."""
    coverage = stats.evidence_coverage
    totals = table(
        None,
        [
            ["triples (asserted)", stats.asserted_triples],
            ["triples (with inferences)", stats.inferred_triples],
            ["individuals", stats.individuals],
            ["individuals with evidence", stats.with_evidence],
        ],
    )
    shown = "n/a (no individuals)" if coverage is None else f"{coverage:.1f}%"
    classes = table(
        ["class", "IRI", "instances", "with subclasses"],
        [[c.label, c.curie, c.instances, c.with_subclasses] for c in stats.classes],
    )
    parts = [f"{totals}\nevidence coverage: {shown}", classes]
    if stats.without_evidence:
        parts.append("individuals without evidence:\n" + "\n".join(f"  {n}" for n in stats.without_evidence))
    return "\n\n".join(parts)
