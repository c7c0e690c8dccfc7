from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import Result as CliResult

from kg import push as kgpush
from kg.catalog import catalog, run_query
from kg.compile import INFERRED, compiled_store
from kg.engines import open_engine
from kg.errors import KgError
from kg.push import chunks, derived_url, push
from kg.remote import EndpointError

from .servers import FaultServer, down_url, oxigraph_server
from .test_endpoint import comparable

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture
def endpoint(tmp_path: Path) -> Iterator[str]:
    with oxigraph_server(tmp_path / "oxigraph") as url:
        yield url


def triples_at(url: str) -> int:
    return int(open_engine(endpoint=url).run(COUNT).rows[0]["n"].value)


ASSERTED = ox.DefaultGraph()


def local_count(*graphs: ox.DefaultGraph | str) -> int:
    store = compiled_store().store
    names = [ox.NamedNode(g) if isinstance(g, str) else g for g in graphs]
    return sum(len(list(store.quads_for_pattern(None, None, None, g))) for g in names)


@pytest.mark.parametrize("method", ["gsp", "update"])
def test_push_sends_the_graph_with_its_inferences(endpoint: str, method: str) -> None:
    sent = push(endpoint, method=method)
    assert sent == local_count(ASSERTED, INFERRED)
    assert triples_at(endpoint) == sent


@pytest.mark.parametrize("method", ["gsp", "update"])
def test_push_without_reasoning_sends_the_asserted_triples(endpoint: str, method: str) -> None:
    assert push(endpoint, method=method, reason=False) == local_count(ASSERTED)
    assert triples_at(endpoint) == local_count(ASSERTED)


@pytest.mark.parametrize("method", ["gsp", "update"])
def test_pushing_twice_replaces_rather_than_doubles(endpoint: str, method: str) -> None:
    push(endpoint, method=method)
    push(endpoint, method=method)
    assert triples_at(endpoint) == local_count(ASSERTED, INFERRED)


def test_update_in_small_chunks_keeps_evidence_nodes_whole(
    endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kgpush, "CHUNK_TRIPLES", 50)
    push(endpoint, method="update")
    query = catalog()["evidence-for"]
    remote, local = open_engine(endpoint=endpoint), open_engine()
    assert comparable(run_query(query, remote)) == comparable(run_query(query, local))
    assert triples_at(endpoint) == local_count(ASSERTED, INFERRED)


def test_kg_push_on_the_command_line(run: Callable[..., CliResult], endpoint: str) -> None:
    result = run("push", "--endpoint", endpoint)
    assert result.exit_code == 0, result.stderr
    assert f"{local_count(ASSERTED, INFERRED):,}" in result.stdout
    assert triples_at(endpoint) == local_count(ASSERTED, INFERRED)


def test_chunks_keep_blank_node_groups_together() -> None:
    a, b, c = (ox.BlankNode(x) for x in "abc")
    iri = ox.NamedNode("http://example.org/x")
    p = ox.NamedNode("http://example.org/p")
    group_ab = [ox.Triple(iri, p, a), ox.Triple(a, p, b), ox.Triple(b, p, ox.Literal("1"))]
    group_c = [ox.Triple(iri, p, c), ox.Triple(c, p, ox.Literal("2"))]
    free = [ox.Triple(iri, p, ox.Literal(str(i))) for i in range(5)]
    triples = [group_ab[0], free[0], group_c[0], group_ab[2], free[1], group_ab[1], group_c[1], *free[2:]]
    parts = list(chunks(triples, 2))
    assert sorted(map(str, (t for part in parts for t in part))) == sorted(map(str, triples))
    for group in (group_ab, group_c):
        holding = [part for part in parts if set(map(str, group)) & set(map(str, part))]
        assert len(holding) == 1
        assert set(map(str, group)) <= set(map(str, holding[0]))
    assert all(len(part) <= 3 for part in parts)  # a group may exceed the size; the rest keep it


def test_derived_urls() -> None:
    assert derived_url("http://127.0.0.1:7878/query", "store", "--store-url") == "http://127.0.0.1:7878/store"
    assert derived_url("http://h/db/query/", "update", "--update-url") == "http://h/db/update"
    with pytest.raises(
        KgError, match=r"cannot tell the store URL of http://h/sparql .*: give it with --store-url URL"
    ):
        derived_url("http://h/sparql", "store", "--store-url")


def test_push_errors_name_the_server() -> None:
    url = down_url()
    with pytest.raises(EndpointError, match=rf"cannot reach graph store {re.escape(url[:-5])}store\?default"):
        push(url)
    with pytest.raises(EndpointError, match=rf"cannot reach update endpoint {re.escape(url[:-5])}update"):
        push(url, method="update")
    with FaultServer("error500") as server, pytest.raises(EndpointError, match="answered HTTP 500"):
        push(server.url, store_url=server.url)
    with FaultServer("hang") as server, pytest.raises(EndpointError, match=r"did not answer within 0\.5 s"):
        push(server.url, store_url=server.url, timeout=0.5)
    with pytest.raises(KgError, match="unknown push method 'ftp'"):
        push(url, method="ftp")
    with pytest.raises(KgError, match="not an endpoint URL"):
        push("127.0.0.1:7878/query")
