"""What kg ask knows of the graph and the query files: entities with their names, words and
types, relations, classes, and the question templates of the query files' ``questions:``
headers; remembered beside the compiled store (see knowledge_for).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kg.terms import compact
from kg.wording import SPELLED, content_words, question_word, words

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
EKG = "https://w3id.org/essay-kg/ns#"
OWL = "http://www.w3.org/2002/07/owl#"
OA = "http://www.w3.org/ns/oa#"
DCTERMS = "http://purl.org/dc/terms/"
SIOC = "http://rdfs.org/sioc/ns#"
SCHEMA_TYPES = frozenset(
    {OWL + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "Ontology", RDFS + "Class"}
)

_LEXICON_QUERY = f"""SELECT ?e ?p ?text WHERE {{
  VALUES ?p {{ <{RDFS}label> <{SKOS}altLabel> <{SKOS}prefLabel> <{EKG}asWritten> <{EKG}measures> }}
  ?e ?p ?text .
  FILTER (isIRI(?e) && isLiteral(?text))
}}"""
# A statistic is asked about by its population, unit and sample, a claim by who says it and what it
# is about, a work by who made it ("Owyang's report"), an item by its list, as much as by their own
# wording.
_CONTEXT_QUERY = f"""SELECT ?e ?text WHERE {{
  VALUES ?p {{
    <{EKG}population> <{EKG}unit> <{EKG}sample> <{EKG}statedBy> <{EKG}about>
    <{DCTERMS}creator> <{SKOS}inScheme>
  }}
  VALUES ?name {{ <{RDFS}label> <{SKOS}altLabel> }}
  ?e ?p ?other .
  ?other ?name ?text .
}}"""
# What the post's author says is "the author's": a claim of theirs is asked about with that word.
_AUTHOR_QUERY = f"""SELECT ?e ?text WHERE {{
  VALUES ?name {{ <{RDFS}label> <{SKOS}altLabel> }}
  ?post <{DCTERMS}creator> ?author ; a <{EKG}BlogPost> .
  ?e <{EKG}statedBy> ?author .
  <{DCTERMS}creator> ?name ?text .
}}"""
# A claim, a stage, a challenge... is asked about in the essay's words as much as in its label's.
_EVIDENCE_QUOTES_QUERY = f"""SELECT ?e ?quote WHERE {{
  ?e <{EKG}evidence>/<{OA}hasSelector>/<{OA}exact> ?quote .
}}"""
# Who makes a claim: its stater, or the comment making it when the commenter's name is not shown.
_SAID_BY_QUERY = f"""SELECT ?e ?who WHERE {{
  ?e a <{EKG}Claim> .
  {{ ?e <{EKG}statedBy> ?who }}
  UNION {{ ?who <{EKG}makesPoint> ?e FILTER NOT EXISTS {{ ?e <{EKG}statedBy> ?anyone }} }}
}}"""
# The comment a claim is made in: "which *commenter* says ...", "what does the anonymous *commenter* say".
_SAID_IN_QUERY = f"""SELECT ?e ?comment ?text ?to WHERE {{
  ?comment <{EKG}makesPoint> ?e ; <{RDFS}label> ?text .
  # a reply is asked about by what it replies to: "what does he say in his reply to LeBum LLC"
  OPTIONAL {{ ?comment <{SIOC}reply_of> ?reply . ?reply <{SIOC}reply_of> ?thread ; <{RDFS}label> ?to }}
}}"""
_ABOUT_QUERY = f"SELECT ?e ?about WHERE {{ ?e <{EKG}about> ?about FILTER isIRI(?about) }}"
_DEFINITIONS_QUERY = f"SELECT ?e ?text WHERE {{ ?e <{SKOS}definition> ?text }}"
_TYPES_QUERY = f"SELECT ?e ?t WHERE {{ ?e <{RDF_TYPE}> ?t . FILTER (isIRI(?e) && isIRI(?t)) }}"
_SLOT = re.compile(r"\{([^{}]*)\}")


# ---------------------------------------------------------------------------------------------
# What the graph offers: entities with their words and types, relations, templates


# Plain classes, not dataclasses: creating seven dataclasses cost every `kg ask` ~9 ms at import.


class Entity:
    def __init__(self, iri: str, label: str) -> None:
        self.iri = iri
        self.label = label
        self.words: set[str] = set()  # every word of every name it has
        self.names: list[tuple[str, ...]] = []  # each name's content words
        self.types: set[str] = set()
        self.quote_words: set[str] = set()  # the words of the essay its evidence quotes
        self.said_by = ""  # a claim's: who states it (or the comment making it, when no name is shown)
        self.said_in = ""  # a claim's: the comment making it
        self.said_where: set[str] = set()  # the words of the comment that comment replies to
        self.defined: set[str] = set()  # the words of its definition (the project's, not the essay's)
        self.about: list[str] = []  # a claim's: what it is about


class Template:
    def __init__(
        self, query: Any, pattern: str, wh: str | None, words: frozenset[str], slot: str | None
    ) -> None:
        self.query = query  # kg.catalog.QueryFile
        self.pattern = pattern
        self.wh = wh
        self.words = words  # the pattern's content words, slot excluded
        self.slot = slot  # the parameter name in {braces}, if any


class Knowledge:
    """Everything question matching needs from the graph and the query files."""

    def __init__(
        self,
        entities: dict[str, Entity],
        properties: dict[str, Entity],
        type_words: dict[str, set[str]],
        templates: list[Template],
        vocabulary: set[str],
        structural: set[str],
        phrasing: set[str],
        spellings: set[str],
        known: set[str],
        passages: dict[str, tuple[frozenset[str], list[str]]],
    ) -> None:
        self.entities = entities
        self.properties = properties  # relation words: property IRI -> its names
        self.type_words = type_words  # class IRI -> the words of its labels
        self.templates = templates
        self.vocabulary = vocabulary
        self.structural = structural  # words of property and class names
        self.phrasing = phrasing  # the words of every template
        self.spellings = spellings  # names' and templates' words as written (folded), to correct typos
        self.known = known  # words that are not typos, though not corrected to: the essay's
        self.passages = passages  # each evidence quote: its words, and what it is evidence of
        self.implied: dict[str, set[str]] = {}  # query name -> words of the entities its phrasings name
        self._class_words: frozenset[str] | None = None
        self._more: bytes | None = None  # see more()

    def more(self) -> Knowledge:
        """Itself, with what only typos and the general fallbacks need: the essay's words, the
        evidence quotes, definitions. Read from the remembered index when first needed (most
        questions never need it: ~3 ms saved on a cold `kg ask`)."""
        if self._more is not None:
            import marshal

            extras, self.spellings, self.known, self.passages = marshal.loads(self._more)
            self._more = None
            for iri, fields in extras.items():
                entity = self.entities[iri]
                entity.quote_words, entity.said_where, entity.defined, entity.about = fields
        return self

    @property
    def class_words(self) -> frozenset[str]:
        """The classes named in one word ("stage"), as in "stage two"."""
        if self._class_words is None:
            self._class_words = frozenset(next(iter(ws)) for ws in self.type_words.values() if len(ws) == 1)
        return self._class_words


def load_knowledge(engine: Any, queries: Mapping[str, Any]) -> Knowledge:
    """Read labels and types through ``engine`` and the question templates of ``queries``."""
    named: dict[str, Entity] = {}
    spellings: set[str] = set()
    for row in engine.run(_LEXICON_QUERY).rows:
        iri, prop, text = row["e"].value, row["p"].value, row["text"].value
        spellings.update(words(text))
        entity = named.setdefault(iri, Entity(iri, ""))
        if prop == RDFS + "label" and not entity.label:
            entity.label = text
        name = tuple(content_words(text))
        if name:
            entity.names.append(name)
            entity.words.update(name)
    for row in engine.run(_CONTEXT_QUERY).rows:
        if row["e"].value in named:
            named[row["e"].value].words.update(content_words(row["text"].value))
    for row in engine.run(_AUTHOR_QUERY).rows:
        if row["e"].value in named:
            named[row["e"].value].words.update(content_words(row["text"].value))
    passages: dict[str, tuple[frozenset[str], list[str]]] = {}
    for row in engine.run(_EVIDENCE_QUOTES_QUERY).rows:
        quote = row["quote"].value
        said = frozenset(content_words(quote))
        passages.setdefault(quote, (said, []))[1].append(row["e"].value)
        if row["e"].value in named:
            named[row["e"].value].quote_words.update(said)
    for row in engine.run(_SAID_BY_QUERY).rows:
        if row["e"].value in named:
            named[row["e"].value].said_by = row["who"].value
    for row in engine.run(_SAID_IN_QUERY).rows:
        if row["e"].value in named:
            named[row["e"].value].said_in = row["comment"].value
            named[row["e"].value].words.update(content_words(row["text"].value))
            if "to" in row:
                named[row["e"].value].said_where.update(content_words(row["to"].value))
    for row in engine.run(_ABOUT_QUERY).rows:
        if row["e"].value in named:
            named[row["e"].value].about.append(row["about"].value)
    for row in engine.run(_DEFINITIONS_QUERY).rows:
        if row["e"].value in named:
            named[row["e"].value].defined.update(content_words(row["text"].value))
    for row in engine.run(_TYPES_QUERY).rows:
        if row["e"].value in named:
            named[row["e"].value].types.add(row["t"].value)
    type_words: dict[str, set[str]] = {}
    properties: dict[str, Entity] = {}
    entities: dict[str, Entity] = {}
    for iri, entity in named.items():
        if not entity.label:
            entity.label = compact(iri, engine.prefixes)
        if OWL + "Class" in entity.types or RDFS + "Class" in entity.types:
            type_words[iri] = entity.words
        elif entity.types & {OWL + "ObjectProperty", OWL + "DatatypeProperty"}:
            properties[iri] = entity
        elif not entity.types & SCHEMA_TYPES:
            entities[iri] = entity
    templates = [t for q in queries.values() if q.form == "SELECT" for t in _templates(_matching_part(q))]
    vocabulary = {w for e in named.values() for w in e.words} | {w for t in templates for w in t.words}
    # The words of class and property labels (not their alternative names, which include
    # everyday words such as "order" for ekg:position).
    structural = {
        w
        for iri, e in named.items()
        if iri in type_words or iri in properties
        for w in content_words(e.label)
    }
    phrasing = {w for t in templates for w in t.words}
    spellings.update(w for t in templates for w in words(t.pattern))
    spellings.update(SPELLED)
    # the essay's own words (every evidence quote's) are never typos, though nothing is corrected to
    # them (too many)
    known = {w for quote in passages for w in words(quote)}
    knowledge = Knowledge(
        entities,
        properties,
        type_words,
        templates,
        vocabulary,
        structural,
        phrasing,
        spellings,
        known,
        passages,
    )
    for template in templates:  # ~6 ms: worked out once, with the rest of what is remembered
        _implied_words(template, knowledge)
    return knowledge


KNOWLEDGE_FORMAT = 21  # bump when Knowledge, what load_knowledge reads, or kg.wording changes


def knowledge_for(engine: Any, dirs: Sequence[Path] | None = None) -> Knowledge:
    """``load_knowledge`` for ``engine`` and the query files of ``dirs`` (default: the built-in ones),
    remembered beside the compiled store: reading every label and header takes ~150 ms, loading the
    result ~2 ms (as plain data with marshal, which needs no import: pickle's costs ~3 ms).

    The key is the store's fingerprint (its folder name), the reasoning choice, and the name, path,
    size and modification time of every query file; other engines are read afresh.
    """
    import marshal
    import zlib

    from kg import __version__
    from kg.catalog import catalog, query_paths
    from kg.compile import cache_dir

    compiled = getattr(engine, "compiled", None)
    if compiled is None:
        return load_knowledge(engine, catalog(dirs))
    stats = {name: (p, p.stat()) for name, p in query_paths(dirs).items()}
    files = [(name, str(p), st.st_size, st.st_mtime_ns) for name, (p, st) in stats.items()]
    reasoning = repr(getattr(engine, "_default_graph", None))
    key = repr((KNOWLEDGE_FORMAT, __version__, compiled.path.name, reasoning, files))
    path = cache_dir() / f"ask-{compiled.path.name[-16:]}-{zlib.crc32(key.encode()):08x}.marshal"
    try:
        stored_key, plain = marshal.loads(path.read_bytes())
        if stored_key == key:
            return _from_plain(plain)
    except (OSError, EOFError, ValueError, TypeError, IndexError, KeyError):
        pass  # no cache yet, one from another version, or a damaged one: build it
    knowledge = load_knowledge(engine, catalog(dirs))
    try:
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps((key, _to_plain(knowledge))))
        os.replace(tmp, path)
        # never read again: this store's index for query files since changed, and the index of a
        # store kg.compile has since removed
        mine = compiled.path.name[-16:]
        stores = {p.name[-16:] for p in path.parent.glob("store-*")}
        for stale in path.parent.glob("ask-*"):
            store = stale.name[4:20]
            if stale != path and (store == mine or store not in stores):
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written only makes the next run slower
    return knowledge


def _to_plain(knowledge: Knowledge) -> tuple[Any, ...]:
    """``knowledge`` as data marshal can write: tuples, lists, dicts, sets and strings. What only
    the fallbacks and typos need is a marshal of its own inside, read when first needed."""
    queries = {t.query.name: t.query for t in knowledge.templates}
    knowledge.more()

    def entity(e: Entity) -> tuple[Any, ...]:
        return (e.iri, e.label, e.words, e.names, e.types, e.said_by, e.said_in)

    def more(e: Entity) -> tuple[Any, ...]:
        return (e.quote_words, e.said_where, e.defined, e.about)

    import marshal

    return (
        {iri: entity(e) for iri, e in knowledge.entities.items()},
        {iri: entity(e) for iri, e in knowledge.properties.items()},
        knowledge.type_words,
        {
            q.name: (
                str(q.path),
                q.summary,
                q.questions,
                q.defaults,
                q.sparql,
                [tuple(p) for p in q.params],
                q.form,
                q.prefixes,
            )
            for q in queries.values()
        },
        [(t.query.name, t.pattern, t.wh, t.words, t.slot) for t in knowledge.templates],
        knowledge.vocabulary,
        knowledge.structural,
        knowledge.phrasing,
        knowledge.implied,
        marshal.dumps(
            (
                {iri: more(e) for iri, e in knowledge.entities.items()},
                knowledge.spellings,
                knowledge.known,
                knowledge.passages,
            )
        ),
    )


def _from_plain(plain: tuple[Any, ...]) -> Knowledge:
    """The Knowledge ``_to_plain`` wrote."""
    from kg.catalog import Param, QueryFile

    entities, properties, type_words, queries, templates = plain[:5]
    vocabulary, structural, phrasing, implied, more = plain[5:]

    def entity(row: tuple[Any, ...]) -> Entity:
        made = Entity(row[0], row[1])
        made.words, made.names, made.types, made.said_by, made.said_in = row[2:7]
        return made

    files = {
        name: QueryFile(
            name=name,
            path=Path(path),
            summary=summary,
            description="",
            tags=[],
            questions=questions,
            defaults=defaults,
            expect=None,
            sparql=sparql,
            params=[Param(*p) for p in params],
            form=form,
            prefixes=prefixes,
        )
        for name, (path, summary, questions, defaults, sparql, params, form, prefixes) in queries.items()
    }
    knowledge = Knowledge(
        {iri: entity(row) for iri, row in entities.items()},
        {iri: entity(row) for iri, row in properties.items()},
        type_words,
        [Template(files[name], pattern, wh, words, slot) for name, pattern, wh, words, slot in templates],
        vocabulary,
        structural,
        phrasing,
        set(),
        set(),
        {},
    )
    knowledge.implied = implied
    knowledge._more = more
    return knowledge


def _matching_part(query: Any) -> Any:
    """``query`` without what answering does not use (its header text, description, expected rows):
    two thirds of the remembered index were copies of them."""
    from kg.catalog import QueryFile

    return QueryFile(
        name=query.name,
        path=query.path,
        summary=query.summary,
        description="",
        tags=[],
        questions=query.questions,
        defaults=query.defaults,
        expect=None,
        sparql=query.body,
        params=query.params,
        form=query.form,
        prefixes=query.prefixes,
    )


def _templates(query: Any) -> list[Template]:
    found = []
    # The summary is a phrasing of the question too (slot-free: it speaks of "a given stage").
    phrasings = (
        [*query.questions]
        if query.params and any(p.required for p in query.params)
        else [
            query.summary,
            *query.questions,
        ]
    )
    numbers = {p.name for p in query.params if p.type == "integer"}
    for pattern in dict.fromkeys(phrasings):
        # {entity} is the slot a linked entity fills; a number ("the {position} objection of {list}")
        # is read from the question's ordinal, so it is the slot only when there is no other
        slots = [name.strip() for name in _SLOT.findall(pattern)]
        slot = next((name for name in slots if name not in numbers), slots[0] if slots else None)
        text = _SLOT.sub(" ", pattern)
        found.append(Template(query, pattern, question_word(text), frozenset(content_words(text)), slot))
    return found


def _implied_words(template: Template, knowledge: Knowledge) -> set[str]:
    """Words of the entities a query's phrasings name ("the social strategist"): all their names
    count, in every phrasing of that query (they all ask about the same thing)."""
    name = template.query.name
    cached = knowledge.implied.get(name)
    if cached is None:
        cached = set()
        phrasings = [t.words for t in knowledge.templates if t.query.name == name]
        for entity in knowledge.entities.values():
            if any(len(n) >= 2 and set(n) <= words for n in entity.names for words in phrasings):
                cached |= entity.words
        knowledge.implied[name] = cached
    return cached
