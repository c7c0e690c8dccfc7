"""The views: which nodes and links each one draws, how they are coloured and where they sit.

A view is a networkx MultiDiGraph whose nodes carry what the page shows (label,
class, colour, shape, definition, quotes, facts) and whose edges carry the
property's label, plus a title, a one-line description, a legend and, for the
views with a fixed drawing (stages, challenges, discussion), positions.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kg.errors import KgError
from kg.viz import layout, style
from kg.viz.model import EKG, FOAF, GraphModel

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Graph
    from rdflib.term import Node

SIOC = "http://rdfs.org/sioc/ns#"
DCTERMS = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@dataclass(frozen=True)
class LegendEntry:
    """One line of the legend, and one switch of the class filter."""

    key: str  # the group nodes name (a class IRI, or "stance:..." in the discussion view)
    label: str
    colour: str
    shape: str


@dataclass
class View:
    """One view, ready to be drawn."""

    name: str  # "overview", "focus", ...
    title: str
    description: str
    graph: nx.MultiDiGraph
    legend: list[LegendEntry]
    positions: dict[str, tuple[float, float]] | None = None  # fixed drawing; None: computed
    file_name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def node_count(self) -> int:
        return self.graph.number_of_nodes()

    @property
    def edge_count(self) -> int:
        """Links as the page draws them: parallel links between two nodes share one line."""
        return len({(u, v) for u, v in self.graph.edges()})


@dataclass(frozen=True)
class ViewSpec:
    name: str
    summary: str
    needs: str = ""  # the option it needs: "--focus", "--query", or nothing


VIEWS: dict[str, ViewSpec] = {
    spec.name: spec
    for spec in [
        ViewSpec("overview", "every concept and how it links, without the evidence plumbing"),
        ViewSpec("stages", "the four career stages left to right, branching into the two career paths"),
        ViewSpec("challenges", "the social strategist and the six challenges, in the report's order"),
        ViewSpec("actors", "people, organisations, roles and publications, and their links"),
        ViewSpec(
            "discussion", "the post and its comments: replies, stance by colour, the duplicate, the spam"
        ),
        ViewSpec("focus", "the neighbourhood of one entity (--focus ENTITY --depth N)", "--focus"),
        ViewSpec(
            "query", "the graph a CONSTRUCT query file returns (--query NAME [-p NAME VALUE]...)", "--query"
        ),
        ViewSpec(
            "essay", "the essay itself, every quoted span highlighted and linked to the facts it supports"
        ),
    ]
}
# The views `kg build` writes: those that need no argument.
STANDALONE = [name for name, spec in VIEWS.items() if not spec.needs]


class ViewBuilder:
    """Turns selected nodes of a GraphModel into a View."""

    def __init__(self, model: GraphModel) -> None:
        self.model = model

    def make(
        self,
        nodes: Iterable[Node],
        links: Iterable[tuple[Node, Node, Node]],
        *,
        group: Callable[[Node], tuple[str, str, str, str]] | None = None,
        decorate: Callable[[Node, dict[str, Any]], None] | None = None,
    ) -> tuple[nx.MultiDiGraph, list[LegendEntry]]:
        """A graph of ``nodes`` and the ``links`` among them, and its legend.

        ``group(node)`` gives (key, legend label, colour, shape); by default the node's class.
        ``decorate(node, attrs)`` may change a node's attributes last.
        """
        import networkx as nx

        graph = nx.MultiDiGraph()
        legend: dict[str, LegendEntry] = {}
        model = self.model
        for node in dict.fromkeys(nodes):
            info = model.info(node)
            key, legend_label, colour, shape = group(node) if group else self.class_group(node)
            legend.setdefault(key, LegendEntry(key, legend_label, colour, shape))
            attrs: dict[str, Any] = {
                "label": info.label,
                "curie": info.curie,
                "cls": info.cls or "",
                "cls_label": info.cls_label,
                "group": key,
                "color": colour,
                "shape": shape,
                "definition": info.definition,
                "alt": info.alt_labels,
                "quotes": [q.to_json() for q in info.quotes],
                "facts": info.facts,
            }
            if decorate:
                decorate(node, attrs)
            graph.add_node(info.id, **attrs)
        for s, p, o in links:
            sid, oid = model.node_id(s), model.node_id(o)
            if sid in graph and oid in graph:
                graph.add_edge(sid, oid, key=str(p), predicate=str(p), label=model.property_label(p))
        entries = sorted(legend.values(), key=lambda e: (e.label.casefold(), e.key))
        return graph, entries

    def class_group(self, node: Node) -> tuple[str, str, str, str]:
        info = self.model.info(node)
        colour, shape = style.class_style(info.cls)
        return info.cls or "", info.cls_label, colour, shape


# ---- the views ---------------------------------------------------------------------------------


def overview(model: GraphModel) -> View:
    nodes = model.individuals()
    graph, legend = ViewBuilder(model).make(nodes, model.edges_among(nodes))
    return View(
        "overview",
        "Overview",
        "Every concept in the graph and how it links: actors, roles, challenges, stages, statistics, "
        "claims and comments. Click a node for its definition and the essay's words.",
        graph,
        legend,
    )


STAGE_LINKS = [EKG + "nextStage", EKG + "leadsTo", EKG + "involvesChallenge"]


def stages(model: GraphModel) -> View:
    stage_nodes = model.instances(EKG + "Stage")
    paths = model.instances(EKG + "CareerPath")
    if not stage_nodes:
        raise KgError(
            "the graph has no ekg:Stage: the stages view needs the essay's stages (ontology/essay.ttl)"
        )
    challenges = {o for s in stage_nodes for o in model.objects(s, EKG + "involvesChallenge")}
    members = stage_nodes | paths | challenges
    links = model.edges_among(members, STAGE_LINKS)
    big = stage_nodes | paths

    def decorate(node: Node, attrs: dict[str, Any]) -> None:
        position = model.literal(node, EKG + "position")
        if node in stage_nodes and position is not None:
            attrs["display"] = f"{position}. {attrs['label']}"
        attrs["font_size"] = 22 if node in big else 17
        attrs["min_size"] = 30 if node in big else 22

    graph, legend = ViewBuilder(model).make(_ordered(model, members), links, decorate=decorate)
    positions = _stage_positions(model, stage_nodes, paths, challenges)
    return View(
        "stages",
        "The career stages",
        "Altimeter's four stages of the corporate social strategist's role, left to right, and the two "
        "career paths that branch from the last one; below, the challenges each stage involves.",
        graph,
        legend,
        positions={model.node_id(n): xy for n, xy in positions.items()},
    )


def _stage_positions(
    model: GraphModel, stage_nodes: set[Node], paths: set[Node], challenges: set[Node]
) -> dict[Node, tuple[float, float]]:
    """Columns by the longest chain of nextStage/leadsTo links; paths fan out; challenges below."""
    following = {EKG + "nextStage", EKG + "leadsTo"}
    successors: dict[Node, list[Node]] = defaultdict(list)
    for s, _, o in model.edges_among(stage_nodes | paths, following):
        successors[s].append(o)
    column: dict[Node, int] = {}
    ordered = _ordered(model, stage_nodes | paths)
    for node in ordered:  # longest path from a source, cycles cut by a visit limit
        column.setdefault(node, 0)
    for _ in range(len(ordered)):
        changed = False
        for node in ordered:
            for nxt in successors.get(node, ()):
                if column[nxt] < column[node] + 1 <= len(ordered):
                    column[nxt] = column[node] + 1
                    changed = True
        if not changed:
            break
    by_column: dict[int, list[Node]] = defaultdict(list)
    for node in ordered:
        by_column[column[node]].append(node)
    spacing_x, spacing_y = 250.0, 150.0
    positions: dict[Node, tuple[float, float]] = {}
    for col, members in by_column.items():
        for i, node in enumerate(members):
            positions[node] = (col * spacing_x, (i - (len(members) - 1) / 2) * spacing_y * 1.4)
    # Challenges sit below the stages that involve them, in one row, kept apart.
    row_y = max((y for _, y in positions.values()), default=0.0) + 220.0
    wanted: list[tuple[float, Node]] = []
    for challenge in _ordered(model, challenges):
        xs = [
            positions[s][0] for s in stage_nodes if challenge in model.objects(s, EKG + "involvesChallenge")
        ]
        wanted.append((sum(xs) / len(xs) if xs else 0.0, challenge))
    wanted.sort(key=lambda pair: pair[0])
    last = -math.inf
    for x, challenge in wanted:
        x = max(x, last + 230.0)
        positions[challenge] = (x, row_y)
        last = x
    return positions


def challenges(model: GraphModel) -> View:
    challenge_nodes = model.instances(EKG + "Challenge")
    if not challenge_nodes:
        raise KgError(
            "the graph has no ekg:Challenge: the challenges view needs the essay's challenges "
            "(ontology/essay.ttl)"
        )
    facing = {
        s
        for s in model.instances(EKG + "Role")
        if set(model.objects(s, EKG + "facesChallenge")) & challenge_nodes
    }
    members = challenge_nodes | facing
    links = model.edges_among(members, [EKG + "facesChallenge"])
    ordered = _ordered(model, challenge_nodes)

    def numbered(node: Node, attrs: dict[str, Any]) -> None:
        position = model.literal(node, EKG + "position")
        if node in challenge_nodes and position is not None:
            attrs["display"] = f"{position}. {attrs['label']}"
        attrs["font_size"] = 20
        attrs["min_size"] = 26

    graph, legend = ViewBuilder(model).make(
        [*sorted(facing, key=model.label), *ordered], links, decorate=numbered
    )
    positions: dict[Node, tuple[float, float]] = {}
    for i, node in enumerate(sorted(facing, key=model.label)):
        positions[node] = ((i - (len(facing) - 1) / 2) * 220.0, 0.0)
    for node, xy in zip(ordered, layout.circle(len(ordered), 360.0), strict=True):
        positions[node] = xy
    return View(
        "challenges",
        "The six challenges",
        "The challenges Altimeter's report says the social strategist faces, numbered in the report's "
        "order and read clockwise from the top.",
        graph,
        legend,
        positions={model.node_id(n): xy for n, xy in positions.items()},
    )


ACTOR_CLASSES = [FOAF + "Agent", EKG + "Role", EKG + "Publication", EKG + "Blog"]


def actors(model: GraphModel) -> View:
    members = model.instances(*ACTOR_CLASSES)
    graph, legend = ViewBuilder(model).make(_ordered(model, members), model.edges_among(members))
    return View(
        "actors",
        "Actors",
        "The people, organisations, groups, roles and publications the essay and its comments name, "
        "and how they link: who wrote, published, works for, plays or can become what. Those with no "
        "link here (most commenters; see the discussion) sit in the grid below.",
        graph,
        legend,
    )


def discussion(model: GraphModel) -> View:
    post_class = SIOC + "Post"
    reply_of = SIOC + "reply_of"
    posts = model.instances(post_class)
    replies = {p for p in posts if model.objects(p, reply_of)}
    roots = {o for p in replies for o in model.objects(p, reply_of)}
    members: set[Node] = replies | roots
    for p in list(members):
        members.update(model.objects(p, DCTERMS + "creator"))
        members.update(model.objects(p, EKG + "linksFrom"))
        members.update(model.objects(p, EKG + "makesPoint"))
    links = model.edges_among(
        members,
        [reply_of, DCTERMS + "creator", EKG + "duplicateOf", EKG + "linksFrom", EKG + "makesPoint"],
    )
    spam, duplicate = EKG + "SpamComment", EKG + "duplicateOf"
    stance_of = {p: (model.objects(p, EKG + "stance") or [None])[0] for p in replies}
    builder = ViewBuilder(model)

    def group(node: Node) -> tuple[str, str, str, str]:
        types = {str(t) for t in model.types.get(node, ())}
        if spam in types:
            colour, shape = style.class_style(spam)
            return spam, "spam comment", colour, shape
        if node in stance_of and EKG + "Comment" in types:
            stance = stance_of[node]
            if stance is None:
                return "stance:none", "comment: no stance", style.NO_STANCE, "square"
            colour = style.STANCE_COLOURS.get(str(stance), style.class_style(str(stance))[0])
            return f"stance:{stance}", f"comment: {model.label(stance)}", colour, "square"
        return builder.class_group(node)

    def decorate(node: Node, attrs: dict[str, Any]) -> None:
        number = model.literal(node, EKG + "commentNumber")
        types = {str(t) for t in model.types.get(node, ())}
        marks = []
        if spam in types:
            marks.append("spam")
        if model.objects(node, duplicate):
            marks.append("duplicate")
            attrs["dashes"] = True
        if node in stance_of and stance_of[node] is not None:
            attrs["facts"] = [*attrs["facts"], ("stance", model.label(stance_of[node]))]
        label = attrs["label"]
        if number is not None and node in replies and str(number) not in label:
            label = f"#{number} {label}"
        new_marks = [m for m in marks if m not in label.casefold()]
        if new_marks:
            label = f"{label} ({', '.join(new_marks)})"
        attrs["display"] = label

    graph, legend = builder.make(_ordered(model, members), links, group=group, decorate=decorate)
    for _, _, data in graph.edges(data=True):
        if data["predicate"] == duplicate:
            data["dashes"] = True
            data["color"] = "#d62728"
    return View(
        "discussion",
        "The discussion",
        "The post and the reader comments under it: who wrote each one, what it answers, the points "
        "it makes; comments coloured by stance, the duplicate dashed, the spam in grey.",
        graph,
        legend,
    )


def focus(model: GraphModel, entity: str, depth: int = 1) -> View:
    import networkx as nx

    if depth < 0:
        raise KgError(f"--depth {depth}: give 0 or more links")
    nodes = model.individuals()
    centre = model.resolve(entity, nodes)
    whole = nx.Graph()
    whole.add_nodes_from(nodes)
    whole.add_edges_from((s, o) for s, _, o in model.edges_among(nodes))
    near = nx.single_source_shortest_path_length(whole, centre, cutoff=depth)
    members = sorted(near, key=lambda n: (near[n], model.label(n).casefold()))

    def mark(node: Node, attrs: dict[str, Any]) -> None:
        if node == centre:
            attrs["centre"] = True

    graph, legend = ViewBuilder(model).make(members, model.edges_among(members), decorate=mark)
    label = model.label(centre)
    links = "link" if depth == 1 else "links"
    return View(
        "focus",
        f"Around {label}",
        f"{label} ({model.curie(centre)}) and everything within {depth} {links} of it.",
        graph,
        legend,
        file_name=f"focus-{_slug(model.curie(centre))}.html",
        extra={"centre": model.node_id(centre)},
    )


def from_triples(
    model: GraphModel, triples: Graph, *, title: str, description: str, name: str = "query"
) -> View:
    """A view of the triples a query returned, named and coloured from the whole graph."""
    from rdflib import RDF, Literal

    nodes: dict[Node, None] = {}
    links = []
    for s, p, o in triples:
        if p == RDF.type or isinstance(o, Literal):
            if model.drawable(s):
                nodes.setdefault(s)
            continue
        for node in (s, o):
            nodes.setdefault(node)
        links.append((s, p, o))
    # Labels and literals the query returned count too, for nodes the whole graph does not name.
    extra_labels = {s: str(o) for s, p, o in triples if str(p) == RDFS_LABEL and isinstance(o, Literal)}

    def decorate(node: Node, attrs: dict[str, Any]) -> None:
        if not model.has_label(node) and node in extra_labels:
            attrs["label"] = extra_labels[node]

    graph, legend = ViewBuilder(model).make(nodes, [], decorate=decorate)
    for s, p, o in links:
        graph.add_edge(
            model.node_id(s), model.node_id(o), key=str(p), predicate=str(p), label=model.property_label(p)
        )
    return View(name, title, description, graph, legend)


# ---- helpers -----------------------------------------------------------------------------------


def _ordered(model: GraphModel, nodes: Iterable[Node]) -> list[Node]:
    """By ekg:position, then ekg:commentNumber, then label: a stable order for drawing."""

    def key(node: Node) -> tuple[Any, ...]:
        position = model.literal(node, EKG + "position")
        number = model.literal(node, EKG + "commentNumber")
        return (
            _number(position),
            _number(number),
            model.label(node).casefold(),
            model.node_id(node),
        )

    return sorted(set(nodes), key=key)


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.inf


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "entity"


BUILDERS: Mapping[str, Callable[[GraphModel], View]] = {
    "overview": overview,
    "stages": stages,
    "challenges": challenges,
    "actors": actors,
    "discussion": discussion,
}


def known_view(name: str) -> ViewSpec:
    """The view called ``name``; a KgError naming the views (and the nearest) otherwise."""
    import difflib

    spec = VIEWS.get(name)
    if spec is None:
        close = difflib.get_close_matches(name, list(VIEWS), n=1)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        raise KgError(
            f'unknown view "{name}"{hint}: use one of {", ".join(VIEWS)}; '
            "`kg viz --list` says what each shows"
        )
    return spec


def view_names() -> Sequence[str]:
    return list(VIEWS)
