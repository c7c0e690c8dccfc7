"""The endpoint engine: a real ``oxigraph serve`` gives the same answers as the compiled store, and a
server that is down, hangs, trickles, fails or talks nonsense gives a clear error within --timeout."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import Result as CliResult

from kg.catalog import catalog, run_query
from kg.engines import EndpointEngine, Engine, Result, open_engine
from kg.errors import KgError
from kg.push import push
from kg.remote import EndpointError
from kg.terms import nt_iri

from .servers import FaultServer, down_url, oxigraph_server

EKG = "https://w3id.org/essay-kg/ns#"
QUERIES = catalog()
ALL = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
TIMEOUT = 1.0
SLACK = 0.75  # thread start, connect, the error message


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph server holding the essay graph, pushed with the Graph Store protocol."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as url:
        push(url)
        yield url


@pytest.fixture(scope="module")
def local() -> Engine:
    return open_engine("oxigraph")


def comparable(result: Result) -> Any:
    """The result with blank nodes named the same way whichever server named them.

    Rows (ordered by the query) rename them in order of appearance; a graph is
    canonicalized (RDFC-1.0), since a server may send its triples in any order.
    """
    if result.form == "ASK":
        return result.boolean
    if result.form == "SELECT":
        names: dict[Any, ox.BlankNode] = {}

        def term(t: Any) -> Any:
            if isinstance(t, ox.BlankNode):
                return names.setdefault(t, ox.BlankNode(f"b{len(names)}"))
            return t

        return result.variables, [{k: term(v) for k, v in row.items()} for row in result.rows]
    graph = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in result.triples)
    graph.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(str(q.triple) for q in graph)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_file_gives_the_same_answer_on_the_endpoint(
    name: str, endpoint: str, local: Engine
) -> None:
    remote = open_engine(endpoint=endpoint, timeout=30)
    query = QUERIES[name]
    assert comparable(run_query(query, remote)) == comparable(run_query(query, local))


def test_forms_and_bindings_on_the_endpoint(endpoint: str, local: Engine) -> None:
    remote = open_engine(endpoint=endpoint)
    assert isinstance(remote, EndpointEngine)
    assert remote.prefixes == local.prefixes
    stage = {"_s_iri": nt_iri(EKG + "TheAwakening")}
    for sparql, bindings in [
        ("SELECT ?next WHERE { ?_s_iri ekg:nextStage ?next }", stage),
        ("ASK { ?_s_iri a ekg:Stage }", stage),
        ("ASK { ?_s_iri a ekg:Comment }", stage),
        ("CONSTRUCT WHERE { ?_s_iri ?p ?o }", stage),
        ("DESCRIBE ?_s_iri", stage),
        ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", None),
    ]:
        got, want = remote.run(sparql, bindings), local.run(sparql, bindings)
        assert got.form == want.form
        assert comparable(got) == comparable(want), sparql


def test_the_cli_runs_a_query_file_on_the_endpoint(run: Callable[..., CliResult], endpoint: str) -> None:
    on_endpoint = run("query", "stages", "--endpoint", endpoint, "--format", "csv")
    embedded = run("query", "stages", "--format", "csv")
    assert on_endpoint.exit_code == 0, on_endpoint.stderr
    assert on_endpoint.stdout == embedded.stdout


def test_a_syntax_error_comes_back_from_the_server(endpoint: str) -> None:
    with pytest.raises(
        EndpointError, match=rf"endpoint {re.escape(endpoint)} answered HTTP 400 .*: correct it"
    ):
        open_engine(endpoint=endpoint).run("SELECT * WHERE { ?s ?p }")


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("hang", "did not answer within 1 s: check that the server is up, or allow more time with --timeout"),
        ("trickle", "did not answer within 1 s"),
        (
            "garbage",
            r"answered with something kg cannot read as SPARQL results \(application/sparql-results\+json",
        ),
        (
            "error500",
            r"answered HTTP 500 Internal Server Error: Internal trouble: the disk is on fire: the server",
        ),
        (
            "error400",
            r"answered HTTP 400 Bad Request: Parse error at 1:8: expected WHERE: the server could not run",
        ),
        ("close", "broke off the answer"),
    ],
)
def test_a_misbehaving_server_gives_a_clear_error_in_time(kind: str, message: str) -> None:
    with FaultServer(kind) as server:
        engine = open_engine(endpoint=server.url, timeout=TIMEOUT)
        started = time.monotonic()
        with pytest.raises(EndpointError, match=message) as caught:
            engine.run(ALL)
        elapsed = time.monotonic() - started
    assert server.url in str(caught.value)
    assert elapsed < TIMEOUT + SLACK


def test_a_server_that_is_down() -> None:
    url = down_url()
    started = time.monotonic()
    with pytest.raises(
        EndpointError,
        match=rf"cannot reach endpoint {re.escape(url)}: connection refused: check the URL and that the",
    ):
        open_engine(endpoint=url, timeout=TIMEOUT).run(ALL)
    assert time.monotonic() - started < TIMEOUT + SLACK


@pytest.mark.parametrize("kind", ["hang", "garbage", "error500", "down"])
def test_the_cli_says_error_naming_the_endpoint_without_a_traceback(
    run: Callable[..., CliResult], kind: str
) -> None:
    with FaultServer("hang" if kind == "down" else kind) as server:
        url = down_url() if kind == "down" else server.url
        started = time.monotonic()
        result = run("sparql", "--endpoint", url, "--timeout", str(TIMEOUT), ALL)
        elapsed = time.monotonic() - started
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert url in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert elapsed < TIMEOUT + SLACK


def test_results_in_xml_are_read_too() -> None:
    with FaultServer("xml") as server:
        result = open_engine(endpoint=server.url).run("SELECT ?x WHERE { ?x ?p ?o }")
    assert result.rows == [{"x": ox.NamedNode("http://example.org/a")}]


def test_updates_and_service_never_reach_the_server() -> None:
    with FaultServer("garbage") as server:
        engine = open_engine(endpoint=server.url)
        with pytest.raises(KgError, match="kg is read-only"):
            engine.run("DROP ALL")
        with pytest.raises(KgError, match="--allow-service"):
            engine.run("SELECT * { SERVICE <http://x/sparql> { ?s ?p ?o } }")
        assert server.requests == 0


@pytest.mark.parametrize(
    "url",
    ["localhost:7878/query", "ftp://h/query", "http://[::1", "http://h:99999/q", "http://h:x/q", "http:///q"],
)
def test_not_an_endpoint_url(url: str) -> None:
    with pytest.raises(EndpointError, match=rf"not an endpoint URL: {re.escape(repr(url))}: give an http"):
        open_engine(endpoint=url)
