"""What is wrong with an evidence quote, checked against its source text, and how to fix it.

kg.checks (kg validate) and kg.lint share these; no rdflib here, so that the lint
run by the build of the compiled store does not import it.
"""

from __future__ import annotations

import re

from kg.anchor import occurrences

_MAX_VALUE = 80  # characters of a value or quote shown in a finding


def quote_problem(text: str, quote: str, span: tuple[int, int] | None) -> str | None:
    """What is wrong with ``quote`` at ``span`` of ``text``, and how to fix it; None if nothing."""
    if not quote:
        return None  # the shapes report an empty quote
    if span is not None and text[span[0] : span[1]] == quote:
        return None
    found = occurrences(text, quote)
    if not found:
        near = near_miss(text, quote)
        if near is not None:
            start, end = near
            return (
                f"The quote does not occur in the source verbatim, but {shown(text[start:end])} at "
                f"{start}..{end} differs only in quote marks, dashes or spaces: copy those characters "
                f"exactly (curly quotes ’ “ ” and … as in the text), then `oa:start {start} ; oa:end {end}`"
            )
        return (
            "The quote does not occur in the source: copy it verbatim from the text (curly quotes "
            "’ “ ” and … as written, a line break as \\n), then run `kg anchor FILE.ttl`"
        )
    if span is None:
        return None  # the quote is real; the shapes report the missing or extra offsets
    start, end = span
    if start >= end:
        there = "oa:start must come before oa:end"
    elif start < 0 or end > len(text):
        there = f"they lie outside the text, which has {len(text)} characters"
    else:
        there = f"the text there is {shown(text[start:end])}"
    if len(found) == 1:
        at = found[0]
        where = f"The quote is at {at}..{at + len(quote)}: set `oa:start {at} ; oa:end {at + len(quote)}`"
    else:
        best = min(found, key=lambda o: abs(o - start))
        spots = ", ".join(f"{o}..{o + len(quote)}" for o in found)
        where = (
            f"The quote occurs {len(found)} times, at {spots}: set the offsets of the one you mean, "
            f"e.g. `oa:start {best} ; oa:end {best + len(quote)}` (the nearest)"
        )
    return f"oa:start {start} and oa:end {end} do not select the quote: {there}. {where}"


# Characters that look alike and are often typed for one another.
_LOOKALIKES = ["'’‘`´", '"“”„″', "-–—‐", " \u00a0"]


def near_miss(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` occurs if quote marks, dashes, ellipses and runs of spaces may differ."""
    parts: list[str] = []
    i = 0
    while i < len(quote):
        c = quote[i]
        if quote.startswith("...", i) or c == "…":
            parts.append(r"(?:\.\.\.|…)")
            i += 1 if c == "…" else 3
            continue
        if c.isspace():
            while i < len(quote) and quote[i].isspace():
                i += 1
            parts.append(r"\s+")
            continue
        group = next((g for g in _LOOKALIKES if c in g), None)
        parts.append(f"[{re.escape(group)}]" if group else re.escape(c))
        i += 1
    match = re.search("".join(parts), text)
    return (match.start(), match.end()) if match else None


def short(text: str) -> str:
    """A value for one line: backslashes, quotes and line breaks escaped as in Turtle, long text cut."""
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def shown(text: str) -> str:
    return f'"{short(text)}"'
