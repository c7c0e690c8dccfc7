"""Labels for IRIs, fetched through an engine: one query for a whole result table.

Tables show ``ekg:TheAwakening (The Awakening)``; the labels come from the same
engine that ran the query (compiled store, rdflib or endpoint), so they agree
with it. The IRIs come from a result and are written with ``kg.terms.nt_iri``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from kg.errors import KgError

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
CHUNK = 500  # IRIs per query: endpoints limit the size of a request

_QUERY = """SELECT ?s ?p ?label WHERE {{
  VALUES ?s {{ {values} }}
  VALUES ?p {{ <{rdfs}> <{skos}> }}
  ?s ?p ?label .
  FILTER (isLiteral(?label))
}}"""


def fetch_labels(engine: Any, iris: Iterable[str]) -> dict[str, str]:
    """IRI -> its label (rdfs:label, else skos:prefLabel; English or untagged first), where it has one."""
    from kg.terms import nt_iri

    wanted: list[str] = []
    for iri in dict.fromkeys(iris):
        try:
            wanted.append(nt_iri(iri))
        except KgError:
            continue  # an IRI the engine returned but we cannot write back: shown without a label
    best: dict[str, tuple[tuple[int, int, str], str]] = {}
    for start in range(0, len(wanted), CHUNK):
        values = " ".join(wanted[start : start + CHUNK])
        result = engine.run(_QUERY.format(values=values, rdfs=RDFS_LABEL, skos=PREF_LABEL))
        for row in result.rows:
            iri, label = row["s"].value, row["label"]
            language = label.language or ""
            rank = (
                0 if row["p"].value == RDFS_LABEL else 1,
                0 if language in ("", "en") or language.startswith("en-") else 1,
                label.value,
            )
            if iri not in best or rank < best[iri][0]:
                best[iri] = (rank, label.value)
    return {iri: label for iri, (_, label) in best.items()}


def label_lookup(engine: Any) -> Any:
    """``fetch_labels`` bound to ``engine``: the ``labels`` argument of ``kg.render.render_result``."""

    def lookup(iris: Sequence[str]) -> dict[str, str]:
        return fetch_labels(engine, iris)

    return lookup


def label_resolver(engine: Any) -> Any:
    """A ``resolve_label`` for ``kg.catalog.bind_parameters``: a label (or alternative label) -> its IRI.

    A label nothing has, or several things share, is a KgError naming the closest labels.
    """

    def resolve_label(text: str) -> str | None:
        from kg.describe import resolve  # only when a label is given: most values are prefixed names

        return resolve(engine, text).iri

    return resolve_label
