"""The essay view: the source text itself, every span the graph quotes highlighted.

Each evidence span (``oa:start``/``oa:end`` of a TextPositionSelector, code
points) is tied to the nodes whose evidence it is. Overlapping spans are cut
into segments at every boundary; a segment knows all the spans over it. The
page gets the text and the segments in UTF-16 offsets (JavaScript's), and
builds the marks with textContent.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from kg.viz import style
from kg.viz.html import clean, default_links, page, template
from kg.viz.model import GraphModel

if TYPE_CHECKING:
    from rdflib.term import Node

MAX_RELATIONS = 14
TITLE = "The essay"
DESCRIPTION = (
    "The post and its reader comments as published, every span the graph quotes highlighted. "
    "Hover a span to see which facts it supports; click it to read them and jump to the graph."
)


def essay_data(model: GraphModel, *, links: dict[str, str] | None = None) -> dict[str, Any]:
    """The texts, their quoted spans and segments, and the facts the spans support."""
    drawn = set(model.individuals())
    owners_by_span: dict[tuple[str, int, int], list[Node]] = defaultdict(list)
    for owner, quotes in model.quotes.items():
        for quote in quotes:
            source = quote.source
            text = model.texts.get(source or "")
            if text is None:
                continue
            span = _locate(text, quote.exact, quote.start, quote.end)
            if span is not None and owner not in owners_by_span[(source, *span)]:  # type: ignore[arg-type]
                owners_by_span[(source, *span)].append(owner)  # type: ignore[arg-type]

    facts: dict[str, dict[str, Any]] = {}
    texts = []
    for source, text in model.texts.items():
        keys = sorted(k for k in owners_by_span if k[0] == source)
        if not keys:
            continue
        spans = []
        for i, (_, start, end) in enumerate(keys):
            owners = owners_by_span[(source, start, end)]
            ids = []
            for owner in sorted(owners, key=lambda n: model.label(n).casefold()):
                fact_id = model.node_id(owner)
                ids.append(fact_id)
                if fact_id not in facts:
                    facts[fact_id] = _fact(model, owner, owner in drawn)
            spans.append({"id": i, "start": start, "end": end, "facts": ids})
        utf16 = _utf16_offsets(text)
        segments = [
            [utf16[a], utf16[b], covering]
            for a, b, covering in _segments([(s["start"], s["end"]) for s in spans])
        ]
        for s in spans:
            s["from"], s["to"] = utf16[s["start"]], utf16[s["end"]]
        texts.append(
            {
                "source": source,
                "label": clean(model.label(_iri(model, source))),
                "text": clean(text),
                "spans": spans,
                "segments": segments,
            }
        )
    return {
        "view": "essay",
        "title": TITLE,
        "description": DESCRIPTION,
        "texts": texts,
        "facts": facts,
        "links": links or default_links(),
    }


def render_essay(data: dict[str, Any]) -> str:
    """The essay page, from ``essay_data``."""
    return page(
        "essay.html",
        title=TITLE,
        description=DESCRIPTION,
        data=data,
        scripts=[template("common.js"), template("essay.js")],
        styles=[template("page.css")],
    )


def _fact(model: GraphModel, node: Node, drawn: bool) -> dict[str, Any]:
    info = model.info(node)
    colour, shape = style.class_style(info.cls)
    relations = []
    for p, o in model.out_edges.get(node, ())[:MAX_RELATIONS]:
        if model.drawable(o):
            relations.append([clean(model.property_label(p)), clean(model.label(o))])
    for p, v in info.facts[: MAX_RELATIONS - len(relations)]:
        relations.append([clean(p), clean(v)])
    return {
        "label": clean(info.label),
        "cls": clean(info.cls_label),
        "curie": clean(info.curie),
        "definition": clean(info.definition),
        "colour": colour,
        "shape": shape,
        "relations": relations,
        "overview": drawn,
    }


def _locate(text: str, exact: str, start: int | None, end: int | None) -> tuple[int, int] | None:
    """The span's offsets: as given when they hold the quote, else the quote's first place, else None."""
    if (
        start is not None
        and end is not None
        and 0 <= start < end <= len(text)
        and (not exact or text[start:end] == exact)
    ):
        return start, end
    if exact:
        at = text.find(exact)
        if at >= 0:
            return at, at + len(exact)
    return None


def _segments(spans: list[tuple[int, int]]) -> list[tuple[int, int, list[int]]]:
    """Cut overlapping spans at every boundary: (start, end, indices of the spans over it)."""
    events: dict[int, list[tuple[int, int]]] = defaultdict(list)  # offset -> [(+1/-1, span)]
    for i, (start, end) in enumerate(spans):
        events[start].append((1, i))
        events[end].append((-1, i))
    active: set[int] = set()
    out = []
    offsets = sorted(events)
    for here, nxt in pairwise(offsets):
        for change, i in events[here]:
            if change > 0:
                active.add(i)
            else:
                active.discard(i)
        if active:
            out.append((here, nxt, sorted(active)))
    return out


def _utf16_offsets(text: str) -> list[int]:
    """For each code-point offset 0..len(text), the UTF-16 offset JavaScript uses."""
    offsets = [0] * (len(text) + 1)
    at = 0
    for i, ch in enumerate(text):
        offsets[i] = at
        at += 2 if ord(ch) > 0xFFFF else 1
    offsets[len(text)] = at
    return offsets


def _iri(model: GraphModel, iri: str) -> Node:
    return model._URIRef(iri)
