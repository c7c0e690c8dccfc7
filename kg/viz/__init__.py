"""Interactive views of the graph, each one offline HTML file.

rdflib graph -> ``GraphModel`` (labels, classes, quotes) -> a view (networkx)
-> pyvis node and edge lists -> the project's own template, with vis-network
inlined from the pyvis wheel. The essay view is the text itself with every
quoted span marked.

    >>> from kg.viz import load_model, make_page
    >>> model = load_model()
    >>> page = make_page(model, "stages")
    >>> page.write("outputs/stages.html")

Nothing here is imported by ``kg query``: rdflib, networkx, pyvis, numpy and
scipy are imported inside the functions that need them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import KgError
from kg.viz.views import STANDALONE, VIEWS, View, known_view

if TYPE_CHECKING:
    from kg.viz.model import GraphModel

__all__ = ["STANDALONE", "VIEWS", "Page", "View", "load_model", "make_page", "make_view", "query_view"]


@dataclass
class Page:
    """A rendered view: its HTML and what the index says about it."""

    name: str
    title: str
    description: str
    file_name: str
    html: str
    nodes: int  # graph nodes, or quoted spans for the essay
    edges: int  # graph links, or facts for the essay

    def write(self, path: Path | str) -> None:
        from kg.atomic import write_atomic

        write_atomic(Path(path), self.html.encode("utf-8"))


def load_model(extra: Sequence[Path | str] = (), *, ontology_dir: Path | None = None) -> GraphModel:
    """The ontology plus ``extra`` files, with the classes RDFS infers, ready for the views."""
    from kg.sources import load
    from kg.viz.model import GraphModel

    loaded = load(extra, ontology_dir=ontology_dir)
    return GraphModel(loaded.graph, None, loaded.texts)


def make_view(
    model: GraphModel,
    name: str,
    *,
    focus: str | None = None,
    depth: int = 1,
    query: str | None = None,
    params: Mapping[str, str] | None = None,
    engine: Any = None,
    extra: Sequence[Path | str] = (),
) -> View:
    """The graph view ``name`` (every view but ``essay``, which is text)."""
    from kg.viz import views

    spec = known_view(name)
    if name == "essay":
        raise KgError("the essay view is text, not a graph: use make_page(model, 'essay')")
    if spec.name == "focus":
        if not focus:
            raise KgError(
                "the focus view needs an entity: add --focus ENTITY (a label, a prefixed name or an IRI)"
            )
        return views.focus(model, focus, depth)
    if spec.name == "query":
        if not query:
            raise KgError("the query view needs a query: add --query NAME (see `kg list`) or --query FILE.rq")
        return query_view(model, query, params or {}, engine=engine, extra=extra)
    _no_extra_options(name, focus=focus, query=query, params=params)
    return views.BUILDERS[name](model)


def make_page(
    model: GraphModel,
    name: str,
    *,
    focus: str | None = None,
    depth: int = 1,
    query: str | None = None,
    params: Mapping[str, str] | None = None,
    engine: Any = None,
    extra: Sequence[Path | str] = (),
    links: dict[str, str] | None = None,
) -> Page:
    """The view ``name`` rendered as one HTML page."""
    if name == "essay":
        from kg.viz.essay import DESCRIPTION, TITLE, essay_data, render_essay

        _no_extra_options(name, focus=focus, query=query, params=params)
        data = essay_data(model, links=links)
        spans = sum(len(t["spans"]) for t in data["texts"])
        return Page("essay", TITLE, DESCRIPTION, "essay.html", render_essay(data), spans, len(data["facts"]))
    from kg.viz.html import render_view

    view = make_view(
        model, name, focus=focus, depth=depth, query=query, params=params, engine=engine, extra=extra
    )
    return Page(
        view.name,
        view.title,
        view.description,
        view.file_name or f"{view.name}.html",
        render_view(view, links=links),
        view.node_count,
        view.edge_count,
    )


def query_view(
    model: GraphModel,
    query: str,
    params: Mapping[str, str],
    *,
    engine: Any = None,
    extra: Sequence[Path | str] = (),
) -> View:
    """The graph a CONSTRUCT (or DESCRIBE) query file returns, drawn with the whole graph's labels.

    It runs on ``engine`` (kg.engines), by default the compiled Oxigraph store of the
    ontology plus ``extra`` files.
    """
    from rdflib import Graph

    from kg.catalog import find_query, run_query
    from kg.viz.views import _slug, from_triples

    found = find_query(query)
    if found.form not in ("CONSTRUCT", "DESCRIBE"):
        raise KgError(
            f'query "{found.name}" is a {found.form} query: kg viz --query draws the graph a CONSTRUCT '
            f"query returns; give a CONSTRUCT query (such as neighbourhood), or run this one with "
            f"`kg query {found.name}`"
        )
    if engine is None:
        from kg.engines import open_engine

        engine = open_engine("oxigraph", extra=[Path(p) for p in extra])
    result = run_query(found, engine, params)
    triples = Graph()
    for triple in result.triples:
        triples.add(tuple(_to_rdflib(term) for term in triple))  # type: ignore[arg-type]
    summary = found.summary or found.name
    given = ", ".join(f"{k} = {v}" for k, v in params.items())
    description = (found.description or summary) + (f" (with {given})" if given else "")
    view = from_triples(model, triples, title=summary, description=description)
    view.file_name = f"query-{_slug(found.name)}.html"
    return view


def _to_rdflib(term: Any) -> Any:
    """A pyoxigraph term as the rdflib term the model's indexes use."""
    from rdflib import BNode, Literal, URIRef

    kind = type(term).__name__
    if kind == "NamedNode":
        return URIRef(term.value)
    if kind == "BlankNode":
        return BNode(term.value)
    if kind == "Literal":
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    return term  # already an rdflib term


def _no_extra_options(
    name: str, *, focus: str | None, query: str | None, params: Mapping[str, str] | None
) -> None:
    if focus:
        raise KgError(f"--focus belongs to the focus view, not {name}: run `kg viz focus --focus {focus}`")
    if query:
        raise KgError(f"--query belongs to the query view, not {name}: run `kg viz query --query {query}`")
    if params:
        raise KgError(
            f"-p belongs to the query view, not {name}: run `kg viz query --query NAME -p NAME VALUE`"
        )
