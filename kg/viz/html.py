"""A view as one offline HTML file: networkx -> pyvis's node and edge lists -> our own template.

pyvis holds the vis-network options and the node/edge lists, and ships the
vis-network JS and CSS, which are inlined here. Its own HTML writer is not used:
it pulls Bootstrap from a CDN even "in_line", writes a ``lib/`` folder in
"local" mode, and puts titles and the heading through ``innerHTML``
(pyvis#228, #229, #174; ARCHITECTURE.md). Our template:

- loads nothing: a Content-Security-Policy with ``default-src 'none'`` and
  hashes for the two inline scripts (so no injected handler could run either);
- carries the data as JSON in a ``<script type="application/json">`` block with
  ``<``, ``>`` and ``&`` escaped, so no label can close the block;
- puts every label, definition and quote into the page as text (``textContent``,
  vis-network's plain-string tooltips), never as HTML.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import KgError

if TYPE_CHECKING:
    from kg.viz.views import View

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
VIS_VERSION = "vis-9.1.2"
# Past this many nodes the layout is computed in Python and physics stays off: vis-network's
# physics takes seconds at a few hundred nodes and does not settle at thousands.
PHYSICS_LIMIT = 400
LABEL_MAX = 64  # characters of a label drawn on the canvas (the panel shows it whole)
TOOLTIP_QUOTE_MAX = 280
NONE = "'none'"
_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
# Characters that may not appear in a page or an XML attribute even escaped.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# ---- shared page machinery ---------------------------------------------------------------------


@cache
def template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS, from the pyvis wheel."""
    import importlib.util

    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise KgError(
            "pyvis is not installed: `pip install pyvis` (it ships vis-network, which the views use)"
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "templates" / "lib" / VIS_VERSION
    try:
        js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
        css = (folder / "vis-network.css").read_text(encoding="utf-8")
    except OSError as e:
        raise KgError(
            f"{folder}: vis-network is missing from the pyvis package ({e.strerror}): reinstall pyvis"
        ) from None
    for text, what in ((js, "JS"), (css, "CSS")):
        if re.search(r"</(script|style)|<!--", text, re.I):
            raise KgError(
                f"vis-network's {what} cannot be inlined safely (it holds a closing tag): report this"
            )
    return js, css


def json_for_script(value: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&``."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def clean(text: str) -> str:
    """``text`` without the control characters that HTML and XML cannot carry."""
    return _CONTROL.sub("\ufffd", text)


def page(
    template_name: str,
    *,
    title: str,
    description: str,
    data: Any,
    scripts: list[str],
    styles: list[str],
    body: str = "",
) -> str:
    """Fill a page template: the title and description as escaped text, the data as safe JSON,
    the scripts and styles inline, and a Content-Security-Policy allowing exactly those scripts.
    ``body`` is HTML the caller has built and escaped (the index)."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode("ascii") + "'"
        for s in scripts
    )
    csp = (
        f"default-src 'none'; script-src {hashes or NONE}; style-src 'unsafe-inline'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    values = {
        "CSP": html.escape(csp, quote=True),
        "TITLE": html.escape(clean(title), quote=True),
        "DESCRIPTION": html.escape(clean(description), quote=True),
        "DATA": json_for_script(data),
        "STYLES": "\n".join(f"<style>\n{s}\n</style>" for s in styles),
        "SCRIPTS": "\n".join(f"<script>{s}</script>" for s in scripts),
        "BODY": body,
    }
    # One pass over the template only: inserted text (vis-network, the data) is never rescanned.
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template(template_name))


# ---- graph views -------------------------------------------------------------------------------


def render_view(view: View, *, links: dict[str, str] | None = None) -> str:
    """The page of a graph view."""
    data = view_data(view, links=links)
    js, css = vis_assets()
    return page(
        "graph.html",
        title=view.title,
        description=view.description,
        data=data,
        scripts=[js, template("common.js"), template("graph.js")],
        styles=[css, template("page.css")],
    )


def view_data(view: View, *, links: dict[str, str] | None = None) -> dict[str, Any]:
    """Everything the page script needs: vis-network nodes, edges and options, legend, details."""
    from pyvis.network import Network

    from kg.viz.layout import force_layout

    graph = view.graph
    n = graph.number_of_nodes()
    if view.positions is not None:
        mode, positions = "fixed", view.positions
    else:
        mode = "physics" if n <= PHYSICS_LIMIT else "static"
        positions = force_layout(list(graph.nodes), list(graph.edges()))
    big = n > PHYSICS_LIMIT

    net = Network(directed=True)
    net.force_atlas_2based(
        gravity=-70,
        central_gravity=0.008,
        spring_length=120,
        spring_strength=0.05,
        damping=0.55,
        overlap=0.35,
    )
    net.toggle_physics(mode == "physics")
    net.set_edge_smooth("continuous")
    degree = dict(graph.to_undirected(as_view=True).degree())
    nodes: list[dict[str, Any]] = []
    details: dict[str, dict[str, Any]] = {}
    counts: dict[str, int] = {}
    for node_id, attrs in graph.nodes(data=True):
        counts[attrs["group"]] = counts.get(attrs["group"], 0) + 1
        x, y = positions.get(node_id, (0.0, 0.0))
        colour = attrs["color"]
        size = min(12 + 4.5 * math.sqrt(degree.get(node_id, 0)), 46)
        size = max(size, attrs.get("min_size", 0))
        if attrs.get("centre"):
            size = max(size, 34)
        node: dict[str, Any] = {
            "id": node_id,
            "label": _short(clean(attrs.get("display") or attrs["label"])),
            "title": _tooltip(attrs),
            "group": attrs["group"],
            "shape": attrs["shape"],
            "color": _node_colour(colour),
            "size": round(size, 1),
            "x": round(x, 1),
            "y": round(y, 1),
        }
        if attrs.get("font_size"):
            node["font"] = {"size": attrs["font_size"]}
            node["widthConstraint"] = {"maximum": 170}
        if attrs.get("dashes"):
            node["shapeProperties"] = {"borderDashes": [5, 4]}
            node["borderWidth"] = 2.5
        if attrs.get("centre"):
            node["borderWidth"] = 4
        nodes.append(node)
        details[node_id] = {
            "label": clean(attrs["label"]),
            "curie": clean(attrs["curie"]),
            "cls": clean(attrs["cls_label"]),
            "definition": clean(attrs["definition"]),
            "alt": [clean(a) for a in attrs["alt"]],
            "quotes": [{**q, "exact": clean(q["exact"])} for q in attrs["quotes"]],
            "facts": [[clean(k), clean(v)] for k, v in attrs["facts"]],
        }
    edges = _edges(graph)
    # The lists are assigned in one pass: pyvis's add_node/add_edge scan every node on each call
    # (~1 s at 5,000 nodes, 23 s at 20,000).
    net.nodes, net.edges = nodes, edges
    net.node_ids = [node["id"] for node in nodes]
    net.node_map = {node["id"]: node for node in nodes}
    nodes_out, edges_out, _, _, _, options_json = net.get_network_data()
    options = _options(json.loads(options_json), mode, big)
    legend = [
        {
            "key": e.key,
            "label": clean(e.label),
            "colour": e.colour,
            "shape": e.shape,
            "count": counts.get(e.key, 0),
        }
        for e in view.legend
    ]
    return {
        "view": view.name,
        "title": clean(view.title),
        "description": clean(view.description),
        "mode": mode,
        "nodes": nodes_out,
        "edges": edges_out,
        "options": options,
        "legend": legend,
        "details": details,
        "links": links or default_links(),
        "centre": view.extra.get("centre"),
    }


def default_links() -> dict[str, str]:
    """Where the sibling pages are: `kg build` writes them all into one folder."""
    return {"index": "index.html", "overview": "overview.html", "essay": "essay.html"}


def _edges(graph: Any) -> list[dict[str, Any]]:
    """One vis-network edge per (source, target) pair: parallel links share it, labels joined."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for source, target, attrs in graph.edges(data=True):
        label = clean(attrs.get("label", ""))
        edge = merged.get((source, target))
        if edge is None:
            edge = {"id": f"e{len(merged)}", "from": source, "to": target, "label": label, "title": label}
            merged[(source, target)] = edge
        elif label not in edge["label"].split(" · "):
            edge["label"] = f"{edge['label']} · {label}"
            edge["title"] = edge["label"]
        if attrs.get("dashes"):
            edge["dashes"] = True
        if attrs.get("color"):
            edge["color"] = {"color": attrs["color"], "highlight": attrs["color"]}
    return list(merged.values())


def _options(options: dict[str, Any], mode: str, big: bool) -> dict[str, Any]:
    """pyvis's options (physics, smoothing) completed with ours."""
    options.pop("configure", None)
    physics = options.setdefault("physics", {})
    physics["enabled"] = mode == "physics"
    physics["minVelocity"] = 1.5
    physics["stabilization"] = {"enabled": True, "iterations": 250, "updateInterval": 25, "fit": True}
    options["edges"] = {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
        "color": {"color": "#a7b0bc", "highlight": "#2f3b48", "hover": "#56636f", "inherit": False},
        "font": {
            "size": 11,
            "color": "#5b6770",
            "strokeWidth": 3,
            "strokeColor": "#ffffff",
            "align": "middle",
            "face": "system-ui, sans-serif",
        },
        "width": 1.1,
        "selectionWidth": 1.5,
        "hoverWidth": 0.8,
        "smooth": False if big else {"enabled": True, "type": "curvedCW", "roundness": 0.12},
    }
    options["nodes"] = {
        "borderWidth": 1.5,
        "borderWidthSelected": 3,
        "font": {
            "size": 14,
            "face": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
            "color": "#1f2933",
            "strokeWidth": 4,
            "strokeColor": "#ffffff",
        },
        "widthConstraint": {"maximum": 190},
    }
    options["interaction"] = {
        "hover": True,
        "tooltipDelay": 120,
        "hideEdgesOnDrag": big,
        "hideEdgesOnZoom": big,
        "navigationButtons": False,
        "keyboard": False,
        "multiselect": False,
    }
    options["layout"] = {"improvedLayout": False, "randomSeed": 7}
    return options


def _node_colour(colour: str) -> dict[str, Any]:
    from kg.viz.style import shade, tint

    return {
        "background": colour,
        "border": shade(colour, 0.25),
        "highlight": {"background": tint(colour, 0.2), "border": shade(colour, 0.45)},
        "hover": {"background": tint(colour, 0.15), "border": shade(colour, 0.4)},
    }


def _short(label: str) -> str:
    label = " ".join(label.split())
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1].rstrip() + "…"


def _tooltip(attrs: dict[str, Any]) -> str:
    """Plain text: label, class, definition, first quote. vis-network shows a string title as text."""
    parts = [clean(attrs["label"]), clean(attrs["cls_label"])]
    if attrs["definition"]:
        parts.append("\n" + clean(attrs["definition"]))
    if attrs["quotes"]:
        quote = " ".join(clean(attrs["quotes"][0]["exact"]).split())
        if len(quote) > TOOLTIP_QUOTE_MAX:
            quote = quote[: TOOLTIP_QUOTE_MAX - 1].rstrip() + "…"
        more = len(attrs["quotes"]) - 1
        parts.append(f"\n“{quote}”" + (f"\n(+{more} more quote{'s' if more > 1 else ''})" if more else ""))
    return "\n".join(parts)
