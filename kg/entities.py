"""Find an entity by label, prefixed name or IRI, through any engine, with "did you mean" on a miss.

Used by ``kg describe`` and to resolve a label given as a query parameter
(``kg query stage-after -p stage "the awakening"``). Labels are rdfs:label,
skos:prefLabel and skos:altLabel, compared case-insensitively and without
surrounding punctuation (see ``fold``). The user's text reaches SPARQL only as
bound, escaped literals (kg.terms + the engine's bindings), never pasted in.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, Protocol

from kg.errors import KgError
from kg.printable import printable
from kg.terms import compact, expand_curie, nt_iri, nt_literal

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDFS_LABEL = RDFS + "label"
PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"

_LABELS_WHERE = f"""  VALUES ?property {{ <{RDFS_LABEL}> <{PREF_LABEL}> <{ALT_LABEL}> }}
  ?entity ?property ?label .
  FILTER (isIRI(?entity) && isLiteral(?label))
"""
# Every label: for the forgiving comparison and for "did you mean" (no user input in it).
_ALL_LABELS = f"SELECT ?entity ?property ?label WHERE {{\n{_LABELS_WHERE}}}"
# A label written exactly as the text: an index look-up, whatever the size of the graph.
_EXACT_LABEL = f"""SELECT ?entity ?property WHERE {{
  VALUES ?property {{ <{RDFS_LABEL}> <{PREF_LABEL}> <{ALT_LABEL}> }}
  ?entity ?property ?_label .
  FILTER (isIRI(?entity))
}}"""
# A label whose lower-case form is the folded text (see fold): a scan of every label.
_FOLDED_LABEL = (
    f"SELECT ?entity ?property ?label WHERE {{\n{_LABELS_WHERE}  FILTER (LCASE(STR(?label)) = ?_folded)\n}}"
)
# The entity's most specific types (no other of its types is a subclass of them), labelled.
_KIND = f"""SELECT ?type ?label WHERE {{
  ?_entity_iri a ?type .
  FILTER NOT EXISTS {{ ?_entity_iri a ?sub . ?sub <{RDFS}subClassOf>+ ?type . FILTER (?sub != ?type) }}
  OPTIONAL {{ ?type <{RDFS_LABEL}> ?label }}
}}"""
_EXISTS = "ASK { { ?_entity_iri ?p ?o } UNION { ?s ?p ?_entity_iri } UNION { ?s ?_entity_iri ?o } }"


class Engine(Protocol):
    """What is needed of a kg.engines engine: its prefixes, and SPARQL run with bound variables."""

    prefixes: dict[str, str]

    def run(self, sparql: str, bindings: Mapping[str, str] | None = None) -> Any: ...


class EntityNotFound(KgError):
    """No entity has the label, prefixed name or IRI given; ``suggestions`` are the closest labels."""

    def __init__(self, text: str, suggestions: Sequence[str]) -> None:
        self.text = text
        self.suggestions = list(suggestions)
        shown = printable(text)
        if suggestions:
            message = f'no entity matches "{shown}" (did you mean: {", ".join(map(printable, suggestions))}?)'
        else:
            message = (
                f'no entity matches "{shown}": give a label (such as "The Awakening"), '
                "a prefixed name (ekg:TheAwakening) or an IRI; `kg query classes` lists what is there"
            )
        super().__init__(message)


class AmbiguousEntity(KgError):
    """Several entities share the label given."""

    def __init__(self, text: str, candidates: Sequence[Node], kinds: Sequence[str] = ()) -> None:
        self.text = text
        self.candidates = list(candidates)
        kinds = list(kinds) + [""] * (len(candidates) - len(kinds))
        shown = [f"{c.id} ({k})" if k else c.id for c, k in zip(candidates, kinds, strict=True)]
        listed = printable(", ".join(shown[:6]))
        more = f" and {len(candidates) - 6} more" if len(candidates) > 6 else ""
        super().__init__(
            f'"{printable(text)}" is the label of {len(candidates)} entities: {listed}{more}: '
            "give the prefixed name or IRI of the one you mean"
        )


class Node(NamedTuple):
    """An IRI with its prefixed name and label (None when it has none)."""

    iri: str
    id: str
    label: str | None = None

    def display(self) -> str:
        """``label (ekg:Id)``, or just the prefixed name; safe to print."""
        if self.label is None:
            return printable(self.id)
        return f"{printable(self.label)} ({printable(self.id)})"

    def to_json(self) -> dict[str, Any]:
        return {"type": "iri", "iri": self.iri, "id": self.id, "label": self.label}


_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})


def fold(text: str) -> str:
    """The form labels are compared in: case-folded, curly quotes straightened, spaces collapsed,
    punctuation around the text dropped ("the awakening." and "The Awakening" match)."""
    text = " ".join(unicodedata.normalize("NFKC", text).translate(_QUOTES).split())
    start, end = 0, len(text)
    while start < end and _is_edge(text[start]):
        start += 1
    while end > start and _is_edge(text[end - 1]):
        end -= 1
    return text[start:end].casefold()


def _is_edge(char: str) -> bool:
    return char.isspace() or unicodedata.category(char).startswith("P")


_IRI_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:(//|[^\s]*$)")


def resolve(engine: Engine, text: str) -> Node:
    """The entity ``text`` names: an IRI (``<...>`` or ``http://...``), a prefixed name, or a label.

    Labels are rdfs:label, skos:prefLabel and skos:altLabel, compared case-insensitively
    and without surrounding punctuation. Raises EntityNotFound (with the closest labels)
    or AmbiguousEntity (a label shared by several entities).
    """
    stripped = text.strip()
    if not stripped:
        raise KgError("no entity given: give a label, a prefixed name (ekg:TheAwakening) or an IRI")
    iri = _as_iri(stripped, engine.prefixes)
    if iri is not None and _exists(engine, iri):
        return entity_node(engine, iri)
    hits = find_by_label(engine, stripped)
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise AmbiguousEntity(stripped, hits, [kind(engine, hit.iri) for hit in hits[:6]])
    raise EntityNotFound(stripped, suggestions(engine, stripped))


def find_by_label(engine: Engine, text: str) -> list[Node]:
    """Entities labelled ``text``, best matches only, or none.

    A label written exactly as ``text`` wins; else one that matches it folded (see
    ``fold``: any case, curly or straight quotes, punctuation around it). Among
    equal matches rdfs:label and skos:prefLabel come before skos:altLabel. The
    text is bound as an escaped literal (kg.terms) for the engine to look up.
    """
    folded = fold(text)
    if not folded:
        return []
    rows = engine.run(_EXACT_LABEL, {"_label": nt_literal(text.strip())}).rows
    if not rows:
        rows = engine.run(_FOLDED_LABEL, {"_folded": nt_literal(folded)}).rows
        rows = [r for r in rows if _folds(r, folded)]
    if not rows:  # labels with punctuation or curly quotes of their own ("Engage!"): compared here
        rows = [r for r in engine.run(_ALL_LABELS).rows if _folds(r, folded)]
    ranked: dict[str, int] = {}
    for row in rows:
        iri, rank = row["entity"].value, int(row["property"].value == ALT_LABEL)
        ranked[iri] = min(ranked.get(iri, rank), rank)
    best = min(ranked.values(), default=0)
    hits = (entity_node(engine, iri) for iri, rank in ranked.items() if rank == best)
    return sorted(hits, key=lambda n: n.id)


def _folds(row: Mapping[str, Any], folded: str) -> bool:
    return fold(row["label"].value) == folded


def suggestions(engine: Engine, text: str, limit: int = 3) -> list[str]:
    """The entities closest to ``text``, each shown by its main label (or its prefixed name when
    ``text`` looks like one): a near miss of an altLabel suggests the entity's label."""
    rows = engine.run(_ALL_LABELS).rows
    main: dict[str, list[Any]] = {}  # IRI -> its rdfs:label / skos:prefLabel literals
    entities: dict[str, list[str]] = {}  # folded candidate -> IRIs
    iri_like = bool(_IRI_LIKE.match(text.strip()))
    for row in rows:
        iri, label = row["entity"].value, row["label"].value
        if row["property"].value != ALT_LABEL:
            main.setdefault(iri, []).append(row["label"])
        entities.setdefault(fold(label), []).append(iri)
        if iri_like:
            entities.setdefault(fold(_local_name(iri)), []).append(iri)
    # A prefixed name or IRI is compared by its local name: "ekg:TheAwakning" is close to "TheAwakening".
    wanted = fold(_local_name(text.strip().strip("<>")) if iri_like else text)
    shown: list[str] = []
    for close in difflib.get_close_matches(wanted, list(entities), n=limit * 3, cutoff=0.6):
        for iri in entities[close]:
            name = compact(iri, engine.prefixes) if iri_like else best_label(main.get(iri, [])) or close
            if name not in shown:
                shown.append(name)
    return shown[:limit]


def kind(engine: Engine, iri: str) -> str:
    """What the entity is, in a word or two: its most specific types' labels ("stage", "Class")."""
    rows = engine.run(_KIND, {"_entity_iri": nt_iri(iri)}).rows
    found: dict[str, list[Any]] = {}
    for row in rows:
        if row["type"].value != RDFS + "Resource":
            found.setdefault(row["type"].value, []).append(row.get("label"))
    names = {
        best_label([x for x in labels if x is not None]) or _local_name(t) for t, labels in found.items()
    }
    return " / ".join(sorted(names, key=str.casefold))


def _local_name(iri: str) -> str:
    return re.split(r"[#/:]", iri)[-1] or iri


def _as_iri(text: str, prefixes: Mapping[str, str]) -> str | None:
    """The IRI ``text`` spells (``<iri>``, ``http://...``, ``ekg:Name``), or None if it is not one."""
    if text.startswith("<") and text.endswith(">"):
        nt_iri(text[1:-1])  # raises KgError, saying why, for an invalid IRI
        return text[1:-1]
    expanded = expand_curie(text, prefixes)
    if expanded is not None:
        return expanded
    if re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*://\S+$", text) or re.match(r"^urn:\S+$", text, re.I):
        nt_iri(text)
        return text
    return None


def _exists(engine: Engine, iri: str) -> bool:
    return bool(engine.run(_EXISTS, {"_entity_iri": nt_iri(iri)}).boolean)


def entity_node(engine: Engine, iri: str, label: str | None = None) -> Node:
    """``iri`` as a Node, its prefixed name from the engine's prefixes."""
    return Node(iri, compact(iri, engine.prefixes), label)


def best_label(labels: Sequence[Any]) -> str | None:
    """The label to show: English or untagged first, then the first in order (as kg.labels picks)."""
    if not labels:
        return None
    return min(labels, key=label_rank).value


def label_rank(label: Any) -> tuple[int, str]:
    """Sort key of a label literal: English or untagged first, then by text."""
    language = label.language or ""
    return (0 if language in ("", "en") or language.startswith("en-") else 1, label.value)
