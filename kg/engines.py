"""One interface, three engines: the compiled Oxigraph store, rdflib, or a remote SPARQL 1.1 endpoint.

``open_engine(...)`` returns an Engine; ``engine.run(sparql, bindings)`` returns
a Result of pyoxigraph terms, whichever engine ran it, so that rendering and
tests compare results without caring where they came from. Every engine refuses
SPARQL Update, and SERVICE unless allowed, before anything runs (kg.sparqltext).
Bindings map a variable to an N-Triples term (kg.terms); Oxigraph and endpoints
get them as a VALUES block (pyoxigraph's ``substitutions=`` refuses variables
that are not projected), rdflib as ``initBindings``.

rdflib is imported only by RdflibEngine, urllib only by EndpointEngine: the
default engine stays on the fast path (pyoxigraph and the standard library).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from kg.errors import KgError
from kg.sparqltext import bind_values, query_form, uses_service, with_prefixes

KINDS = ("oxigraph", "rdflib", "endpoint")


class Result:
    """What a query gave, as pyoxigraph terms; which fields are filled depends on ``form``.

    A plain class, not a dataclass: creating one at import costs ~1.5 ms, on every query.
    """

    def __init__(
        self,
        form: str,  # SELECT | ASK | CONSTRUCT | DESCRIBE
        variables: list[str] | None = None,  # SELECT: in projection order
        rows: list[dict[str, Any]] | None = None,  # SELECT: unbound variables absent
        boolean: bool | None = None,  # ASK
        triples: list[ox.Triple] | None = None,  # CONSTRUCT, DESCRIBE
    ) -> None:
        self.form = form
        self.variables = variables if variables is not None else []
        self.rows = rows if rows is not None else []
        self.boolean = boolean
        self.triples = triples if triples is not None else []

    def _fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in ("form", "variables", "rows", "boolean", "triples")}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Result) and self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass is

    def __repr__(self) -> str:
        return f"Result({', '.join(f'{name}={value!r}' for name, value in self._fields().items())})"


class Engine(Protocol):
    """Runs read-only SPARQL; ``prefixes`` are those the graph's sources declare.

    A query may use these prefixes without declaring them; its own PREFIX
    lines take precedence.
    """

    prefixes: dict[str, str]

    def run(self, sparql: str, bindings: Mapping[str, str] | None = None) -> Result: ...


def open_engine(
    kind: str = "oxigraph",
    *,
    endpoint: str | None = None,
    timeout: float = 30.0,
    reason: bool = True,
    extra: Sequence[Path] = (),
    allow_service: bool = False,
) -> Engine:
    """The engine ``kind`` (oxigraph, rdflib, endpoint) over the ontology plus ``extra`` Turtle files.

    ``endpoint`` (a SPARQL endpoint's query URL) implies ``kind="endpoint"``;
    ``timeout`` (seconds) applies to it. ``reason=False`` leaves the RDFS
    entailments out (the endpoint holds whatever was pushed to it).
    """
    if endpoint is not None and kind in ("oxigraph", "endpoint"):
        return EndpointEngine(endpoint, timeout=timeout, allow_service=allow_service, extra=extra)
    if kind == "endpoint":
        raise KgError("the endpoint engine needs a URL: give --endpoint URL")
    if endpoint is not None:
        raise KgError(f"--engine {kind} and --endpoint both choose an engine: give one of them")
    if kind == "oxigraph":
        from kg.compile import compiled_store

        return OxigraphEngine(compiled_store(extra), reason=reason, allow_service=allow_service)
    if kind == "rdflib":
        return RdflibEngine(extra, reason=reason, allow_service=allow_service)
    raise KgError(f"unknown engine {kind!r}: use one of {', '.join(KINDS)}")


def check_query(sparql: str, allow_service: bool) -> str:
    """The query's form, after refusing SPARQL Update and (unless allowed) SERVICE."""
    form = query_form(sparql)
    if not allow_service and uses_service(sparql):
        raise KgError(
            "the query calls another endpoint with SERVICE, which kg does not do unless asked: "
            "pass --allow-service to let it"
        )
    return form


class OxigraphEngine:
    """The compiled store (kg.compile); the default graph: asserted plus (with reasoning) inferred triples."""

    def __init__(self, compiled: Any, *, reason: bool = True, allow_service: bool = False) -> None:
        from kg.compile import default_graph

        self.compiled = compiled
        self.prefixes: dict[str, str] = compiled.prefixes
        self.allow_service = allow_service
        self._default_graph = default_graph(reason)

    def run(self, sparql: str, bindings: Mapping[str, str] | None = None) -> Result:
        form = check_query(sparql, self.allow_service)
        text = bind_values(sparql, bindings) if bindings else sparql
        try:
            answer = self.compiled.store.query(
                text, prefixes=self.prefixes, default_graph=self._default_graph
            )
            return from_oxigraph(form, answer)
        except SyntaxError as e:
            raise syntax_error(str(e), sparql, text) from None
        except (OSError, RuntimeError, ValueError) as e:
            raise KgError(f"the query failed on Oxigraph: {e}") from None


def from_oxigraph(form: str, answer: Any) -> Result:
    """A Result from what ``Store.query`` or ``parse_query_results`` returned."""
    if isinstance(answer, ox.QueryBoolean):
        return Result("ASK", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        names = [v.value for v in answer.variables]
        rows = [{n: t for n, t in zip(names, solution, strict=True) if t is not None} for solution in answer]
        return Result("SELECT", variables=names, rows=rows)
    return Result(form if form in ("CONSTRUCT", "DESCRIBE") else "CONSTRUCT", triples=list(answer))


_OXIGRAPH_POSITION = r"^error at (\d+):(\d+): ?(.*)$"  # compiled by re on first use: errors only


def syntax_error(
    message: str, original: str, sent: str, line: int | None = None, column: int | None = None
) -> KgError:
    """``SPARQL syntax error at line L, column C: ...`` with the line and a caret, in the query as written.

    ``sent`` is the text the engine parsed (``original`` with a VALUES block
    inserted); a position after the insertion is moved back by its length.
    """
    if line is None and (m := re.match(_OXIGRAPH_POSITION, message, re.S)):
        line, column, message = int(m[1]), int(m[2]), m[3]
    if line is None or column is None:
        return KgError(f"SPARQL syntax error: {message}: correct the query")
    line, column = _original_position(original, sent, line, column)
    lines = original.split("\n")
    shown = ""
    if 1 <= line <= len(lines):
        from kg.printable import printable  # the query's control characters must not drive the terminal

        text = lines[line - 1].rstrip("\r")
        before = printable(text[: min(column, len(text) + 1) - 1])
        shown = f"\n  {printable(text)}\n  {' ' * len(before)}^"
    return KgError(
        f"SPARQL syntax error at line {line}, column {column}: {printable(message)}: correct the query{shown}"
    )


def _original_position(original: str, sent: str, line: int, column: int) -> tuple[int, int]:
    if original == sent:
        return line, column
    sent_lines = sent.split("\n")
    offset = sum(len(x) + 1 for x in sent_lines[: line - 1]) + column - 1
    common = min(len(original), len(sent))
    start = next((i for i in range(common) if original[i] != sent[i]), common)
    inserted = len(sent) - len(original)
    if inserted > 0 and offset >= start:
        offset = max(start, offset - inserted)
    offset = min(offset, len(original))
    before = original[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


class RdflibEngine:
    """rdflib over the same sources, with kg.infer's RDFS closure; for comparison and rdflib users."""

    def __init__(
        self, extra: Sequence[Path] = (), *, reason: bool = True, allow_service: bool = False
    ) -> None:
        from kg.compile import sources_for
        from kg.infer import rdfs_closure
        from kg.sources import load

        loaded = load(extra)
        self.graph = rdfs_closure(loaded.graph) if reason else loaded.graph
        self.prefixes = _declared_prefixes(sources_for(extra))
        self.allow_service = allow_service

    def run(self, sparql: str, bindings: Mapping[str, str] | None = None) -> Result:
        from pyparsing import ParseException

        form = check_query(sparql, self.allow_service)
        init = {name: _to_rdflib(term) for name, term in (bindings or {}).items()}
        try:
            answer = self.graph.query(sparql, initNs=self.prefixes, initBindings=init)
            return _from_rdflib(form, answer)  # rdflib evaluates while this iterates
        except ParseException as e:
            raise syntax_error(e.msg, sparql, sparql, e.lineno, e.col) from None
        except KgError:
            raise
        except RecursionError:  # rdflib's parser and evaluator recurse: ~50 nested groups are enough
            raise KgError(
                "the query nests too deep for rdflib: flatten it, or run it on the default engine "
                "(--engine oxigraph)"
            ) from None
        except Exception as e:  # rdflib raises plain Exceptions for unknown prefixes and the like
            raise KgError(f"the query failed on rdflib: {type(e).__name__}: {e}") from None


def _declared_prefixes(sources: Sequence[Any]) -> dict[str, str]:
    """The prefixes the sources declare, the first declaration of a name winning (as in kg.compile)."""
    from kg.turtle import declared_prefixes

    prefixes: dict[str, str] = {}
    for source in sources:
        try:
            text = source.path.read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        for prefix, iri in declared_prefixes(text).items():
            prefixes.setdefault(prefix, iri)
    return prefixes


def _to_rdflib(term: str) -> Any:
    from kg.terms import parse_term
    from kg.turtle import _term_converter

    return _term_converter()(parse_term(term))


def _from_rdflib(form: str, answer: Any) -> Result:
    convert = _rdflib_to_oxigraph()
    if answer.type == "ASK":
        return Result("ASK", boolean=bool(answer.askAnswer))
    if answer.type == "SELECT":
        names = [str(v) for v in answer.vars or []]
        rows = []
        for row in answer:
            rows.append({n: convert(t) for n, t in zip(names, row, strict=True) if t is not None})
        return Result("SELECT", variables=names, rows=rows)
    triples = [ox.Triple(convert(s), convert(p), convert(o)) for s, p, o in answer.graph]
    return Result(form, triples=triples)


def _rdflib_to_oxigraph() -> Any:
    """A function from rdflib terms to pyoxigraph terms; one rdflib blank node stays one blank node."""
    from rdflib import BNode, Literal, URIRef

    blanks: dict[Any, ox.BlankNode] = {}

    def convert(term: Any) -> Any:
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, Literal):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            if term.datatype is not None:
                return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
            return ox.Literal(str(term))
        if isinstance(term, BNode):
            if term not in blanks:
                try:
                    blanks[term] = ox.BlankNode(str(term))
                except ValueError:
                    blanks[term] = ox.BlankNode()
            return blanks[term]
        raise KgError(f"rdflib returned a term kg cannot convert: {term!r}")

    return convert


# What to ask an endpoint for, best first; pyoxigraph reads each of these.
_RESULTS_ACCEPT = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, text/tab-separated-values;q=0.8"
)
_GRAPH_ACCEPT = (
    "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8, application/n-quads;q=0.7"
)


class EndpointEngine:
    """A remote SPARQL 1.1 endpoint (the protocol's POST with ``application/sparql-query``)."""

    def __init__(
        self, url: str, *, timeout: float = 30.0, allow_service: bool = False, extra: Sequence[Path] = ()
    ) -> None:
        from kg.compile import sources_for
        from kg.remote import check_url

        self.url = check_url(url)
        self.timeout = timeout
        self.allow_service = allow_service
        # The server's own prefixes are unknown; the local sources' declare the same names.
        self.prefixes = _declared_prefixes(sources_for(extra))

    def run(self, sparql: str, bindings: Mapping[str, str] | None = None) -> Result:
        from kg.remote import EndpointError, request

        form = check_query(sparql, self.allow_service)
        text = with_prefixes(bind_values(sparql, bindings) if bindings else sparql, self.prefixes)
        tabular = form in ("SELECT", "ASK")
        content_type, body = request(
            self.url,
            data=text.encode("utf-8"),
            headers={
                "Content-Type": "application/sparql-query; charset=utf-8",
                "Accept": _RESULTS_ACCEPT if tabular else _GRAPH_ACCEPT,
                "User-Agent": "essay-kg",
            },
            timeout=self.timeout,
        )
        media = content_type.split(";")[0].strip().lower()
        try:
            if tabular:
                results_format = ox.QueryResultsFormat.from_media_type(media) or ox.QueryResultsFormat.JSON
                return from_oxigraph(form, ox.parse_query_results(body, results_format))
            rdf_format = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.N_TRIPLES
            return Result(form, triples=[q.triple for q in ox.parse(body, rdf_format)])
        except (SyntaxError, ValueError, MemoryError) as e:  # MemoryError: a token over 16 MiB
            raise EndpointError(
                f"endpoint {self.url} answered with something kg cannot read as "
                f"{'SPARQL results' if tabular else 'RDF'} ({media or 'no content type'}: {e}): "
                "check that the URL is the endpoint's query URL"
            ) from None
