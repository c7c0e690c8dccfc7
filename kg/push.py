"""Load the graph into a SPARQL server, so that the same query files run there (``kg push``).

The triples come from the compiled store (kg.compile): the asserted graph
plus, unless ``reason=False``, the RDFS entailments. They replace the
endpoint's default graph, which is the graph the query files ask, in one of
two ways:

- ``gsp``: the SPARQL 1.1 Graph Store HTTP Protocol, one ``PUT`` of N-Triples
  to ``STORE_URL?default``. Oxigraph's store URL is derived from its query URL
  (``.../query`` -> ``.../store``); give ``store_url`` for other servers.
- ``update``: SPARQL 1.1 Update, ``CLEAR SILENT DEFAULT`` then ``INSERT DATA``
  in chunks. A blank node's triples always travel in one chunk (a blank node
  label means a new node in each request), so evidence nodes stay whole.

Replacing, not adding: pushing twice must not double every blank node.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from kg.errors import KgError

METHODS = ("gsp", "update")
CHUNK_TRIPLES = 20_000  # triples per INSERT DATA request


def push(
    endpoint: str,
    *,
    extra: Sequence[Path] = (),
    reason: bool = True,
    method: str = "gsp",
    store_url: str | None = None,
    update_url: str | None = None,
    timeout: float = 30.0,
) -> int:
    """Replace the default graph of ``endpoint`` with the graph; returns the number of triples sent.

    ``endpoint`` is the server's SPARQL query URL (``http://host:7878/query``
    for Oxigraph); ``timeout`` applies to each request.
    """
    from kg.remote import check_url

    check_url(endpoint)
    if method not in METHODS:
        raise KgError(
            f"unknown push method {method!r}: use gsp (Graph Store protocol) or update (SPARQL Update)"
        )
    triples = _triples(extra, reason)
    if method == "gsp":
        url = check_url(store_url or derived_url(endpoint, "store", "--store-url"))
        return _put(url, triples, timeout)
    url = check_url(update_url or derived_url(endpoint, "update", "--update-url"))
    return _update(url, triples, timeout)


def derived_url(endpoint: str, service: str, option: str) -> str:
    """Oxigraph's ``.../store`` or ``.../update`` URL from its ``.../query`` URL."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(endpoint)
    path = parts.path.rstrip("/")
    if not path.endswith("/query"):
        raise KgError(
            f"cannot tell the {service} URL of {endpoint} (it does not end in /query, as Oxigraph's does): "
            f"give it with {option} URL"
        )
    return urlunsplit(parts._replace(path=path[: -len("query")] + service, query="", fragment=""))


def _triples(extra: Sequence[Path], reason: bool) -> list[Any]:
    from kg.compile import compiled_store, default_graph

    store = compiled_store(extra).store
    return [q.triple for g in default_graph(reason) for q in store.quads_for_pattern(None, None, None, g)]


def _put(url: str, triples: list[Any], timeout: float) -> int:
    import pyoxigraph as ox

    from kg.remote import request

    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    target = url + ("&" if "?" in url else "?") + "default"
    request(
        target,
        method="PUT",
        data=body,
        headers={"Content-Type": "application/n-triples", "User-Agent": "essay-kg"},
        timeout=timeout,
        what="graph store",
    )
    return len(triples)


def _update(url: str, triples: list[Any], timeout: float) -> int:
    from kg.remote import request

    def send(update: str) -> None:
        request(
            url,
            data=update.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8", "User-Agent": "essay-kg"},
            timeout=timeout,
            what="update endpoint",
        )

    send("CLEAR SILENT DEFAULT")
    for chunk in chunks(triples, CHUNK_TRIPLES):
        send("INSERT DATA {\n" + "\n".join(_line(t) for t in chunk) + "\n}")
    return len(triples)


def _line(triple: Any) -> str:
    from kg.terms import nt_term  # escapes \u so that no server's \u decoding can change a value

    return f"{nt_term(triple.subject)} {nt_term(triple.predicate)} {nt_term(triple.object)} ."


def chunks(triples: Sequence[Any], size: int) -> Iterator[list[Any]]:
    """``triples`` in lists of about ``size``; triples linked by a blank node always share a list."""
    import pyoxigraph as ox

    parent: dict[Any, Any] = {}

    def find(node: Any) -> Any:
        root = node
        while parent.get(root, root) != root:
            root = parent[root]
        while node != root:  # path compression
            parent[node], node = root, parent[node]
        return root

    blanks_of = []
    for t in triples:
        blanks = [n for n in (t.subject, t.object) if isinstance(n, ox.BlankNode)]
        for b in blanks:
            parent.setdefault(b, b)
        if len(blanks) == 2:
            a, b = find(blanks[0]), find(blanks[1])
            if a != b:
                parent[a] = b
        blanks_of.append(blanks)

    groups: dict[Any, list[Any]] = {}
    free: list[Any] = []
    for t, blanks in zip(triples, blanks_of, strict=True):
        if blanks:
            groups.setdefault(find(blanks[0]), []).append(t)
        else:
            free.append(t)
    current: list[Any] = []
    for group in groups.values():  # a group larger than size goes whole
        if current and len(current) + len(group) > size:
            yield current
            current = []
        current.extend(group)
    for t in free:
        if len(current) >= size:
            yield current
            current = []
        current.append(t)
    if current:
        yield current
