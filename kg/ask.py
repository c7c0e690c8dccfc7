"""Answer a plain-language question from the graph, with the essay's words as evidence, or abstain.

How a question is understood:

1. Its words are folded (kg.wording): case, plurals, possessives, synonyms;
   misspelt words are corrected against the graph's and the questions' vocabulary.
2. Entities are linked: every rdfs:label, skos:altLabel and skos:prefLabel (and a
   statistic's wording) is matched against the question's words.
3. Every phrasing in the query files' ``questions:`` headers is a template; a
   ``{param}`` slot takes a linked entity whose type fits the parameter (the type of
   the parameter's default value). A template is kept only when the question's
   kind (who, where, how many...) fits it and its words account for the question:
   every word must be explained by the template or the linked entity, one at most
   may be left over when the template is otherwise matched closely. A wrong answer
   is worse than none, so a question with a word nothing explains is not answered.
4. What no template covers, a general fallback tries: a linked entity and a relation
   word (a property's label) give the entity's neighbours over that property; a
   question that only names an entity ("Who is Charlene Li?") gives its description.
5. Nothing left: "No answer in the graph for: ..." and the closest questions it can answer.

User text reaches SPARQL only as bound terms (kg.terms), never as query text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.terms import compact, expand_name, nt_iri
from kg.wording import (
    SPELLED,
    STOPWORDS,
    asked_class_words,
    canonical,
    content_words,
    count_hint,
    ordinal,
    question_word,
    words,
)

MAX_QUESTION = 1000  # characters; a longer text is not a question
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
EKG = "https://w3id.org/essay-kg/ns#"
OWL = "http://www.w3.org/2002/07/owl#"
OA = "http://www.w3.org/ns/oa#"
DCTERMS = "http://purl.org/dc/terms/"
SIOC = "http://rdfs.org/sioc/ns#"
AGENT = "http://xmlns.com/foaf/0.1/Agent"
AGENT_CLASSES = tuple(
    f"http://xmlns.com/foaf/0.1/{name}" for name in ("Agent", "Person", "Organization", "Group")
)
PLACE = "https://schema.org/Place"
PLATFORM = "https://w3id.org/essay-kg/ns#Platform"
STATISTIC = EKG + "Statistic"
CLAIM = EKG + "Claim"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
# Types too broad to say what a parameter wants.
GENERIC_TYPES = frozenset(
    {
        RDFS + "Resource",
        OWL + "Thing",
        SKOS + "Concept",
        "http://www.w3.org/ns/prov#Entity",
        "https://schema.org/CreativeWork",
    }
)
SCHEMA_TYPES = frozenset(
    {OWL + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "Ontology", RDFS + "Class"}
)
# Words that ask for a description rather than a relation.
DESCRIBE_WORDS = frozenset(
    canonical(w) for w in ("happen", "mean", "describe", "define", "definition", "explain", "about")
)
# Words that only say something is claimed, or by someone: "what do *people think* about ...".
CLAIMING_WORDS = DESCRIBE_WORDS | frozenset(
    canonical(w)
    for w in ("claim", "think", "believe", "argue", "state", "view", "feel", "opinion", "people", "react")
)
EVIDENCE_VARS = ("quote", "start", "end", "source", "sourceLabel")
# Words naming the essay itself (every answer is "in the essay"), or its order (every list comes in
# the essay's order): they never change what is asked.
CONTEXT_WORDS = frozenset({canonical("post"), canonical("order")})
# Words that pick one item of an order, or a relation: a template holding one answers a narrower question.
STRICT_WORDS = frozenset(
    canonical(w) for w in ("first", "last", "after", "before", "next", "previous", "number", "count", "many")
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
_QUOTES_QUERY = f"SELECT DISTINCT ?quote WHERE {{ ?selector <{OA}exact> ?quote }}"
_TYPES_QUERY = f"SELECT ?e ?t WHERE {{ ?e <{RDF_TYPE}> ?t . FILTER (isIRI(?e) && isIRI(?t)) }}"
_DESCRIBE_QUERY = f"""SELECT ?label ?definition WHERE {{
  ?_entity_iri <{RDFS}label> ?label .
  OPTIONAL {{ ?_entity_iri <{SKOS}definition> ?definition }}
}}"""


_SLOT = re.compile(r"\{([^{}]*)\}")


class QuestionError(KgError):
    """The text cannot be asked: empty, too long, or holding no words."""


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
    # the essay's own words are never typos, though nothing is corrected to them (too many)
    known = {w for row in engine.run(_QUOTES_QUERY).rows for w in words(row["quote"].value)}
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


KNOWLEDGE_FORMAT = 15  # bump when Knowledge, what load_knowledge reads, or kg.wording changes


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


# ---------------------------------------------------------------------------------------------
# Understanding one question


class Mention:
    def __init__(self, entity: Entity, hit: frozenset[str], coverage: float) -> None:
        self.entity = entity
        self.hit = hit  # the words of its best name the question holds
        self.matched = len(hit)
        self.coverage = coverage  # ... as a share of that name's words

    @property
    def score(self) -> float:
        return self.matched + self.coverage


class Candidate:
    def __init__(
        self,
        kind: str,
        score: float,
        template: Template | None = None,
        entity: Entity | None = None,
        relation: Entity | None = None,
        unexplained: list[str] | None = None,
        number: int | None = None,
        complete: bool = False,
        others: list[Entity] | None = None,
        wanted: set[str] | None = None,
        verify: list[str] | None = None,
        passage: str = "",
        count: bool = False,
        expect: int | None = None,
    ) -> None:
        self.kind = kind  # template | relation | describe | claim | neighbour
        self.score = score
        self.template = template
        self.entity = entity
        self.relation = relation
        self.unexplained = unexplained or []
        self.number = number  # an integer slot's value ("the fifth" -> 5)
        # the template says all the question says: when its query finds nothing, the graph has no answer
        self.complete = complete
        self.others = others or []  # more claims answering as well as ``entity``; or a second entity
        self.wanted = wanted or set()  # the classes a neighbour must be of
        self.verify = verify or []  # words the answer must say, else it is no answer
        self.passage = passage  # the essay's words a passage answer quotes
        self.count = count  # the answer is how many rows of the asked class the template finds
        self.expect = expect  # how many answers the question says there are ("what two roles")


class Understanding:
    def __init__(
        self,
        question: str,
        wh: str | None,
        words: list[str],
        asked: str | None,
        corrections: dict[str, str],
        mentions: list[Mention],
        candidates: list[Candidate],
    ) -> None:
        self.question = question
        self.wh = wh
        self.words = words  # the question's content words, corrected
        self.asked = asked  # the word naming what is asked for ("which *stage*"), if any
        self.corrections = corrections
        self.mentions = mentions
        self.candidates = candidates  # the templates accepted, best first
        self.described: set[str] = set()  # the words after the question word ("which *research firm*")
        self.hint: tuple[int, str] | None = None  # how many answers it says there are, and the word
        self.find_fallbacks: Any = list  # -> the general fallbacks, best first (see fallbacks)
        self._fallbacks: list[Candidate] | None = None

    def fallbacks(self) -> list[Candidate]:
        """What is tried when no template answers; worked out then, not before (most questions
        never need them)."""
        if self._fallbacks is None:
            self._fallbacks = self.find_fallbacks()
        return self._fallbacks


def check_question(question: str) -> str:
    """The question with control characters dropped, or a QuestionError saying what is wrong."""
    cleaned = "".join(c if c.isprintable() else " " for c in question)
    cleaned = " ".join(cleaned.split())
    if not cleaned:
        raise QuestionError('empty question: ask something, such as kg ask "What comes after the Awakening?"')
    if len(question) > MAX_QUESTION:
        raise QuestionError(
            f"the question is {len(question):,} characters long: ask in at most {MAX_QUESTION:,} characters"
        )
    return cleaned


def understand(question: str, knowledge: Knowledge) -> Understanding:
    """Link the question's entities and rank the templates and fallbacks that account for it."""
    question = check_question(question)
    spelled, corrections = _spelled(question, knowledge)
    wh = question_word(spelled)
    qwords = content_words(spelled)
    mentions = _mentions(qwords, knowledge)
    run = asked_class_words(spelled)
    asked = _asked_class(run, knowledge)
    place = ordinal(spelled, knowledge.class_words)
    listing = words(spelled)[:1] in (["name"], ["list"])
    if listing:
        # "Name the 140 companies": a command to list what a figure counts, which a figure does not do
        mentions = [m for m in mentions if STATISTIC not in m.entity.types]
    described = set(run[0])
    hint = count_hint(spelled)
    candidates = _template_candidates(wh, qwords, mentions, knowledge, asked, place, described, hint)
    candidates.sort(key=lambda c: -c.score)
    said = words(spelled)
    # "what is the *name of* ...", "what is its *name*" (not "Name the stages", "which ... does he name")
    naming = "name of" in " ".join(said) or (said[-1:] == ["name"] and "'" in spelled)

    def fallbacks() -> list[Candidate]:
        found = _fallback_candidates(wh, qwords, mentions, knowledge, asked, naming, listing, described)
        return sorted(found, key=lambda c: -c.score)

    understanding = Understanding(question, wh, qwords, asked, corrections, mentions, candidates)
    understanding.described = described
    understanding.hint = hint
    understanding.find_fallbacks = fallbacks
    return understanding


def _spelled(question: str, knowledge: Knowledge) -> tuple[str, dict[str, str]]:
    """The question with misspelt words put right, and what was put right. A word the graph, the
    essay or the questions it answers use is no typo, nor is a form of one ("looking"). Others are
    corrected to a word of the graph's names or the questions' words one slip away (two for a word
    of ten letters or more), with the same first letter (slips are rarely there), when no other is
    as close: short words have too many near misses."""
    corrections: dict[str, str] = {}
    for word in set(words(question)):
        if (
            len(word) < 6
            or not word.isalpha()
            or word in STOPWORDS
            or canonical(word) in knowledge.vocabulary
        ):
            continue
        if word in knowledge.more().spellings or word in knowledge.known:
            continue
        allowed = 1 if len(word) < 10 else 2
        slips = {
            known: _slips(word, known, allowed)
            for known in knowledge.spellings
            if known[:1] == word[:1] and abs(len(known) - len(word)) <= allowed
        }
        fewest = min(slips.values(), default=allowed + 1)
        close = [known for known, n in slips.items() if n == fewest]
        if fewest <= allowed and len(close) == 1:
            corrections[word] = close[0]
    if not corrections:
        return question, corrections
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, corrections)) + r")\b", re.IGNORECASE)
    return pattern.sub(lambda m: corrections[m.group(0).lower()], question), corrections


def _slips(a: str, b: str, limit: int) -> int:
    """Typing slips between ``a`` and ``b``: letters left out, added, changed or swapped (optimal
    string alignment distance), counted up to ``limit + 1``."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _mentions(qwords: Sequence[str], knowledge: Knowledge) -> list[Mention]:
    qset = set(qwords)
    # a name the question gives in part, by a word no template uses ("LeBum", "Owyang"): a proper name
    proper = {
        w
        for w in qset
        if len(w) >= 4 and w.isalpha() and w not in knowledge.phrasing and w not in knowledge.structural
    }
    found: list[Mention] = []
    for entity in knowledge.entities.values():
        best: Mention | None = None
        for name in entity.names:
            hit = qset.intersection(name)
            matched = len(hit)
            coverage = matched / len(set(name))
            if coverage == 1 or matched >= 2 or (matched == 1 and proper & set(name)):
                mention = Mention(entity, frozenset(hit), coverage)
                if best is None or mention.score > best.score:
                    best = mention
        if best is not None:
            found.append(best)
    found.sort(key=lambda m: (-m.score, m.entity.label))
    return found


def _asked_class(run: tuple[list[str], bool], knowledge: Knowledge) -> str | None:
    """Of the words after the question word, the one saying what is asked for. Before a verb, the
    last that names a class ("which research *firm* is"); else the first word if it names one
    ("which *commenter* compares"), or the first that does ("which early *frustration* involved"),
    or the first word."""
    words, closed = run
    named = [w for w in words if w in knowledge.class_words]
    if not named:
        return words[0] if words else None
    if closed:
        return named[-1]
    return words[0] if words[0] in named else named[0]


def _wh_fits(asked: str | None, offered: str | None, agent: bool = False) -> bool:
    """Does a template phrased with ``offered`` answer a question asking ``asked``? ``agent``: the
    question names a class of agents ("which *people*", "what *organisation*"), as "who" does."""
    if asked == "what" and not agent:  # "what does X say": not a template asking who
        return offered in {None, "what"}
    if asked in {None, "who", "what"}:
        return offered in {None, "what", "who"}
    return asked == offered


def _explained(qwords: Sequence[str], explaining: set[str]) -> list[str]:
    """The question's words that ``explaining`` leaves unexplained."""
    return [w for w in qwords if w not in explaining]


def _entity_words(entity: Entity, knowledge: Knowledge) -> set[str]:
    return entity.words | _type_words(entity, knowledge)


def _type_words(entity: Entity, knowledge: Knowledge) -> set[str]:
    return {w for t in entity.types for w in knowledge.type_words.get(t, ())}


def _template_candidates(
    wh: str | None,
    qwords: Sequence[str],
    mentions: Sequence[Mention],
    knowledge: Knowledge,
    asked: str | None = None,
    place: tuple[int, list[str]] | None = None,
    described: set[str] | None = None,
    hint: tuple[int, str] | None = None,
) -> list[Candidate]:
    qset = set(qwords)
    answer_type = _answer_type_words(asked, knowledge)
    candidates: list[Candidate] = []
    agent = bool(answer_type) and any(
        answer_type <= knowledge.type_words.get(c, set()) for c in AGENT_CLASSES
    )
    # "how many challenges ...": a list of challenges, counted
    counts = wh == "how many" and bool(_counted_classes(asked, described, knowledge))
    for template in knowledge.templates:
        counting = counts and template.wh in {None, "what", "who"}
        if not _wh_fits(wh, template.wh, agent) and not counting:
            continue
        pattern_words = set(template.words)
        covered = len(pattern_words & qset) / len(pattern_words) if pattern_words else 1.0
        # a short template must be matched whole: its one or two words carry the relation ("after")
        if covered < (1.0 if len(pattern_words) <= 2 else 0.5):
            continue
        takes_number = any(p.type == "integer" for p in template.query.params)
        if place is None and any(p.type == "integer" and p.required for p in template.query.params):
            continue  # "what is the {position} of {list}" with no place named
        number_words = set(place[1]) if place and takes_number else set()
        wanted: set[str] = set()
        slot_param = template.query.param(template.slot) if template.slot else None
        required = bool(slot_param and slot_param.required)
        if template.slot is None:
            options: list[Mention | None] = [None]
        elif _slot_type(template) == "integer":
            if place is None:
                continue  # "the {position} challenge" with no place named
            options = [None]
        else:
            wanted = _wanted_types(template, knowledge)
            options = [m for m in mentions if not wanted or m.entity.types & wanted]
            if STATISTIC in wanted:
                # a figure is only answered when the question says what it measures, not one word of it
                options = [m for m in options if m.coverage >= 0.34]
                if wh == "how many" and asked and asked != canonical("percent"):
                    # "how many *companies*": what is counted is in the figure's own words
                    options = [m for m in options if any(asked in name for name in m.entity.names)]
            if CLAIM in wanted:
                options = _unambiguous(options)
        implied = _implied_words(template, knowledge) | answer_type
        counted = asked and asked != canonical("percent")
        if wh == "how many" and template.slot is None and counted and asked not in pattern_words | implied:
            continue  # "how many *stages*": a figure of something else counts other things
        for mention in options:
            # what the template says of its slot's entity ("which *stage* comes before {stage}"), the
            # entity says too; beyond that, a template saying more than the question ("the *first*
            # stage") answers something else
            named = _type_words(mention.entity, knowledge) if mention else set()
            if _says_more(pattern_words - qset - named, knowledge):
                continue
            explaining = pattern_words | implied | number_words
            if mention is not None:
                explaining = explaining | _entity_words(mention.entity, knowledge)
            left = [w for w in _explained(qwords, explaining) if w not in CONTEXT_WORDS]
            # "what *two* roles": said by the answer having two items (checked on the rows)
            expect = hint[0] if hint and hint[1] in left else None
            left = [w for w in left if not (expect and w == hint[1])] if hint else left
            # an entity named almost whole, in three words or more, says what is asked as a template does
            closely = mention is not None and mention.matched >= 3 and mention.coverage >= 0.75
            verify: list[str] = []
            if not _acceptable(left, pattern_words, 1.0 if closely else covered, knowledge, closely):
                # "the first challenge *on Altimeter's list*": words the answer may say (its list,
                # who states it), to be checked against the rows found
                if not _answer_may_say(left, covered, pattern_words, mentions, knowledge):
                    continue
                verify = left
            if covered < 0.6 and left:
                continue
            score = 0.5 * covered + 0.5 * (1 - len(left) / max(len(qwords), 1)) - 0.1 * len(verify)
            score -= 0.1 if counting else 0  # a template asking "how many" itself comes first
            score += 0.05 * len(pattern_words & qset) + (0.05 if template.wh == wh else 0)
            score += 0.1 if answer_type & pattern_words else 0
            if mention is not None:
                # a slot for any entity at all is a catch-all: a specific template beats it
                score += 0.05 * mention.coverage - (0.1 if template.slot == "entity" else 0)
            candidates.append(
                Candidate(
                    "template",
                    round(score, 3),
                    template,
                    mention.entity if mention else None,
                    unexplained=left,
                    number=place[0] if number_words and place else None,
                    verify=verify,
                    count=counting,
                    expect=expect,
                    # (a phrasing with no word of its own, "what is said about {entity}", asks nothing
                    # in particular, nor does a filter taking any entity ("which readers {stance}"):
                    # finding nothing there says nothing of the other templates)
                    complete=covered == 1.0
                    and bool(pattern_words)
                    and not left
                    and (mention is None or (mention.coverage == 1 and (bool(wanted) or required))),
                )
            )
    return candidates


def _answer_may_say(
    left: Sequence[str],
    covered: float,
    pattern_words: set[str],
    mentions: Sequence[Mention],
    knowledge: Knowledge,
) -> bool:
    """May the answer itself explain the words a template leaves over? Only for a template matched
    whole, and words the graph knows that name no relation, class or order, nor a person or an
    organisation (those change what is asked: "what did Brian Solis reply *to Des Walsh*")."""
    agents = {w for m in mentions if m.entity.types & set(AGENT_CLASSES) for w in m.hit}
    return (
        covered == 1.0
        and bool(pattern_words)
        and len(left) <= 3
        and all(
            w in knowledge.vocabulary and w not in knowledge.structural and w not in STRICT_WORDS | agents
            for w in left
        )
    )


def _counted_classes(asked: str | None, described: set[str] | None, knowledge: Knowledge) -> set[str]:
    """The classes "how many ..." counts: named by its word ("how many *challenges*") or its words
    ("how many *career paths*"); a share is a figure, not a count."""
    if asked == canonical("percent"):
        return set()
    named = [{asked}, described or set()]
    return {c for c, ws in knowledge.type_words.items() if ws and ws in named} - GENERIC_TYPES


def _unambiguous(options: list[Mention]) -> list[Mention]:
    """The mentions that may fill a claim's slot: words of a claim ("helper and leader") that are as
    much words of another claim name neither (a claim's label is long: a few words are a weak link)."""
    partial: dict[frozenset[str], int] = {}
    for m in options:
        if m.coverage < 1:
            partial[m.hit] = partial.get(m.hit, 0) + 1
    return [m for m in options if m.coverage == 1 or partial[m.hit] == 1]


def _slot_type(template: Template) -> str | None:
    param = template.query.param(template.slot) if template.slot else None
    return param.type if param else None


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


def _answer_type_words(asked: str | None, knowledge: Knowledge) -> set[str]:
    """The class a question asks for right after its question word ("which *people*"): the answer's
    type, checked when the answer is read (see _steer), so not a word a template must hold."""
    if asked and any(ws == {asked} for ws in knowledge.type_words.values()):
        return {asked}
    return set()


def _says_more(missing: set[str], knowledge: Knowledge) -> bool:
    """Do the template's words the question lacks change what is asked? Order and relation words
    ("first", "after"), and the names of classes and properties, do; filler ("possible") does not."""
    return any(w in STRICT_WORDS or w in knowledge.structural for w in missing)


def _acceptable(
    left: Sequence[str], pattern_words: set[str], covered: float, knowledge: Knowledge, closely: bool = False
) -> bool:
    """Every word explained; or, when a template of two words or more is matched whole (or its
    entity is named ``closely``), one word left over that the graph knows (an off-topic word never
    is) and that names no relation or class (those would change what is asked)."""
    if not left:
        return True
    word = left[0]
    return (
        len(left) == 1
        and (len(pattern_words) >= 2 or closely)
        and covered == 1.0
        and word in knowledge.vocabulary
        and word not in knowledge.structural
        and word not in STRICT_WORDS
    )


def _wanted_types(template: Template, knowledge: Knowledge) -> set[str]:
    """What a slot wants: the specific types of the parameter's default value (any, for "entity")."""
    if template.slot == "entity":
        return set()
    default = template.query.defaults.get(template.slot)
    if not default:
        return set()
    iri = expand_name(default, template.query.prefixes)
    entity = knowledge.entities.get(iri) if iri else None
    if entity is None:
        return set()
    return entity.types - GENERIC_TYPES


def _claim_candidates(
    wh: str | None, qwords: Sequence[str], asked: str | None, knowledge: Knowledge
) -> list[Candidate]:
    """A claim the question restates ("What do businesses need?" -> "businesses need open leaders";
    "Who may not lead tomorrow?" -> "whoever leads today may not ..."): every word of the question is
    in the claim's label, its context or the essay's words it quotes, but for words that only say
    something is claimed. "Who" and "which commenter" are answered by who makes the claim."""
    found = []
    qset = set(qwords) - CONTEXT_WORDS
    for entity in knowledge.entities.values():
        if not entity.quote_words:
            continue
        # the essay's words about a stage or a challenge describe it ("in which stage is a program
        # manager anointed?"); about a person or a name, they only mention it
        described = (
            wh in {None, "what"}
            and asked in _type_words(entity, knowledge)
            and not entity.types & set(AGENT_CLASSES)
        )
        if CLAIM not in entity.types and not described:
            continue
        stater = knowledge.entities.get(entity.said_by)
        if wh == "who" and stater is None:
            continue
        kind: set[str] = set()
        if asked in knowledge.class_words:
            # "which objection ...", "which commenter ...": the claim's kind, or who makes it
            kind = {asked}
            if asked not in _kinds(entity, knowledge):
                continue
        # what it says, where, and what it is ("what shift does the essay *predict*")
        known = entity.words | entity.quote_words | entity.said_where | _type_words(entity, knowledge)
        matched = len(qset & known)
        if matched < 2 or _explained(qwords, known | CLAIMING_WORDS | CONTEXT_WORDS | kind):
            continue
        # what the claim says, is, or is called where the essay says it ("what *trend* surfaced")
        label = {w for name in entity.names for w in name} | _type_words(entity, knowledge)
        own = len(qset & (label | ({asked} & entity.quote_words)) - STRICT_WORDS)
        # the question restates what is said, not only whom or what it is about; or it names where
        # it is said ("what does the author say *in his reply to LeBum LLC*?"): then all of it is
        where = qset & entity.said_where - knowledge.class_words
        if not own and not where:
            continue
        # then the claim whose own words the question holds the most of
        share = own / len(label) if label else 0.0
        score = round(0.55 + 0.02 * matched + 0.01 * own + 0.005 * share, 4)
        found.append((matched, own, score, entity))
    if not found:
        return []
    best = max((m, o) for m, o, _, _ in found)
    tied = sorted((f for f in found if (f[0], f[1]) == best), key=lambda f: -f[2])
    if len({entity.said_by for *_, entity in tied}) > 1:
        return []  # claims by different people fit as well: guessing between them would be a coin toss
    # one person's claims that fit as well are all answers ("what does Des Walsh say about the team?")
    return [Candidate("claim", tied[0][2], entity=tied[0][3], others=[f[3] for f in tied[1:]])]


def _fallback_candidates(
    wh: str | None,
    qwords: Sequence[str],
    mentions: Sequence[Mention],
    knowledge: Knowledge,
    asked: str | None = None,
    naming: bool = False,
    listing: bool = False,
    described: set[str] | None = None,
) -> list[Candidate]:
    candidates: list[Candidate] = []
    knowledge.more()
    # a claim is not a name; "where does the future lie?" is answered by where the author says it lies
    if wh in {None, "what", "who", "how", "where"} and not naming:
        candidates += _claim_candidates(wh, qwords, asked, knowledge)
    candidates += _neighbour_candidates(wh, qwords, mentions, asked, described or set(), knowledge)
    if not naming and not listing:
        candidates += _passage_candidates(wh, qwords, asked, knowledge)
    if wh not in {None, "what", "who", "where"}:
        return candidates
    qset = set(qwords)
    candidates += _bare_relation_candidates(qwords, knowledge)
    for mention in mentions[:5]:
        if mention.coverage < 1:
            continue  # a fallback needs the entity named in full
        entity_words = _entity_words(mention.entity, knowledge)
        for prop in knowledge.properties.values():
            if any(w in STRICT_WORDS for name in prop.names for w in name):
                continue  # an order ("comes before") read without its direction would answer backwards
            relation_words = {w for name in prop.names for w in name if w in qset}
            if not relation_words or relation_words <= entity_words:
                continue
            if _explained(qwords, entity_words | prop.words | DESCRIBE_WORDS):  # "describe as his peer"
                continue
            candidates.append(
                Candidate("relation", 0.6 + 0.05 * mention.coverage, entity=mention.entity, relation=prop)
            )
        describes = wh in {None, "what"} or (wh == "who" and AGENT in mention.entity.types)
        if describes and not _explained(qwords, entity_words | DESCRIBE_WORDS):  # "Who is Charlene Li?"
            candidates.append(Candidate("describe", 0.5 + 0.05 * mention.matched, entity=mention.entity))
    return candidates


def _passage_candidates(
    wh: str | None, qwords: Sequence[str], asked: str | None, knowledge: Knowledge
) -> list[Candidate]:
    """The essay's sentence a question restates, when nothing else answers it ("What does the
    evangelist launch after mustering the courage to challenge the status quo?"): every word of the
    question is in one quote or in what that quote is evidence of, most of them in the quote itself.
    Two sentences that fit as well answer nothing."""
    if wh not in {None, "what", "how"} or (asked and asked not in knowledge.class_words):
        return []  # (a figure, a year, a salary: a sentence holding the question's words need not say it)
    qset = set(qwords) - CONTEXT_WORDS - CLAIMING_WORDS
    if len(qset) < 4:
        return []
    fits: list[tuple[int, str, Entity]] = []
    for quote, (said, iris) in knowledge.passages.items():
        of = [knowledge.entities[i] for i in iris if i in knowledge.entities]
        kind = [e for e in of if asked in _type_words(e, knowledge)]
        if not of or (asked and not kind):
            continue
        around = set().union(*(e.words | e.defined | _type_words(e, knowledge) for e in of))
        if STRICT_WORDS & qset - around:
            continue  # an order word must be the entity's own ("the *first* stage"), not the sentence's
        matched = len(qset & said)
        if matched < 0.75 * len(qset) or not qset <= said | around:
            continue
        fits.append((matched, quote, (kind or of)[0]))
    if not fits:
        return []
    top = max(m for m, _, _ in fits)
    best = sorted((f for f in fits if f[0] == top), key=lambda f: len(f[1]))
    if any(f[1] not in best[-1][1] for f in best):
        return []  # two sentences, not one within the other, fit as well
    return [Candidate("passage", 0.45, entity=best[0][2], passage=best[0][1])]


def _kinds(claim: Entity, knowledge: Knowledge) -> set[str]:
    """What a claim is ("objection", "prediction"), or who makes it, or where ("commenter"), or the
    kind of what it is about ("which other *technologies* ... went through similar processes")."""
    kinds = _type_words(claim, knowledge)
    about = [knowledge.entities[iri] for iri in claim.about if iri in knowledge.entities]
    kinds |= {w for entity in about for w in _type_words(entity, knowledge)}
    for iri in (claim.said_by, claim.said_in):
        if iri in knowledge.entities:
            kinds |= _entity_words(knowledge.entities[iri], knowledge)
    return kinds


def _neighbour_candidates(
    wh: str | None,
    qwords: Sequence[str],
    mentions: Sequence[Mention],
    asked: str | None,
    described: set[str],
    knowledge: Knowledge,
) -> list[Candidate]:
    """What the graph links to the entities a question names, of the kind it asks for: "which
    research *firm* is Jeremiah Owyang with?" (one entity and a class), "*who* is the community
    manager for Sysomos?" (two entities). The words the entities leave over must be said by the
    answer or by the link to it (see _run_neighbours)."""
    if wh == "who":
        wanted = set(AGENT_CLASSES)
        described = set()  # "who is *the community manager* for Sysomos": a link, not the answer's kind
    elif wh in {None, "what"} and asked in knowledge.class_words:
        wanted = {c for c, ws in knowledge.type_words.items() if ws == {asked}} - GENERIC_TYPES
    else:
        return []
    named: list[Mention] = []
    for mention in mentions:  # whole names, each of other words of the question
        # (not the words saying what is asked for: "which *research firm*" names no report)
        if (
            mention.coverage == 1
            and not mention.hit <= described
            and all(not mention.hit & m.hit for m in named)
        ):
            named.append(mention)
    if not named or len(named) > 2 or (len(named) == 1 and wh == "who"):
        return []  # "who is Charlene Li?" is a description, not her neighbours
    said = set().union(*(_entity_words(m.entity, knowledge) for m in named))
    kind = {asked} & knowledge.class_words
    left = [w for w in qwords if w not in said | kind | CONTEXT_WORDS | DESCRIBE_WORDS]
    if len(left) > 2 or STRICT_WORDS.intersection(left) or (left and len(named) == 2):
        # (an order, "after", read from a link without its direction would answer backwards; a
        # relation word with two entities may name either link: "who published the essay on Twitter")
        return []
    return [
        Candidate(
            "neighbour",
            0.57,
            entity=named[0].entity,
            others=[m.entity for m in named[1:]],
            unexplained=left,
            wanted=wanted,
        )
    ]


def _bare_relation_candidates(qwords: Sequence[str], knowledge: Knowledge) -> list[Candidate]:
    """A question that is a relation's name and nothing else ("Who is credited for the image?"):
    the relation's values, wherever it is used (see _run_relation)."""
    qset = set(qwords) - CONTEXT_WORDS
    found = []
    for prop in knowledge.properties.values():
        if any(w in STRICT_WORDS for name in prop.names for w in name):
            continue
        named = [n for n in prop.names if len(set(n)) >= 2 and set(n) == qset]
        if named:
            found.append(Candidate("relation", 0.55, relation=prop))
    return found


# ---------------------------------------------------------------------------------------------
# Answering


class Answer:
    def __init__(
        self,
        question: str,
        answered: bool,
        query: str | None = None,
        sparql: str | None = None,
        bindings: dict[str, str] | None = None,
        answers: list[str] | None = None,
        evidence: list[dict[str, Any]] | None = None,
        confidence: float = 0.0,
        pattern: str | None = None,
        suggestions: list[str] | None = None,
        understanding: Understanding | None = None,
        aside: bool = False,
    ) -> None:
        self.question = question
        self.answered = answered
        self.query = query  # the query file's name, or "(relation)" / "(describe)"
        self.sparql = sparql
        self.bindings = bindings or {}  # parameter -> value as shown
        self.answers = answers or []
        self.evidence = evidence or []  # {quote, start, end, source?}
        self.confidence = confidence
        self.pattern = pattern
        self.suggestions = suggestions or []
        self.understanding = understanding
        # read from a column other than the query's main one, to fit the class the question names
        self.aside = aside

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answered": self.answered,
            "query": self.query,
            "bindings": self.bindings,
            "answers": self.answers,
            "evidence": self.evidence,
            "confidence": self.confidence,
        }


def ask(question: str, engine: Any, knowledge: Knowledge) -> Answer:
    """Answer ``question``: the best candidate whose query gives rows, or an abstention."""
    understanding = understand(question, knowledge)
    aside: Answer | None = None  # one read from a side column of its query, kept in case none is better
    for candidate in _tried(understanding):
        if aside is not None and candidate.kind != "template":
            break
        answer = _run(candidate, engine, understanding, knowledge)
        if answer is not None and candidate.kind != "template" and not _counts_right(answer, understanding):
            continue
        if answer is not None and answer.answers:
            answer.understanding = understanding
            _name_sources(engine, answer.evidence)
            if not answer.aside:
                return answer
            aside = aside or answer
        elif answer is not None and candidate.complete and candidate.template is not None:
            # understood in full, and the graph holds nothing for it: only the same question about
            # another entity the words name may still answer
            done = candidate.template.query.name
            rest = [c for c in understanding.candidates if c.template and c.template.query.name == done]
            for other in rest[rest.index(candidate) + 1 :]:
                answer = _run(other, engine, understanding, knowledge)
                if answer is not None and answer.answers:
                    answer.understanding = understanding
                    _name_sources(engine, answer.evidence)
                    return answer
            break
    if aside is not None:
        return aside
    return Answer(
        understanding.question,
        False,
        suggestions=suggestions(understanding, knowledge, engine),
        understanding=understanding,
    )


def _counts_right(answer: Answer, understanding: Understanding) -> bool:
    """Does a fallback's answer have as many items as the question says ("what *three* roles"), or
    say that number itself ("champions have *two* roles")?"""
    hint = understanding.hint
    if hint is None or len(answer.answers) == hint[0]:
        return True
    return any(hint[1] in content_words(text) for text in answer.answers)


def _tried(understanding: Understanding) -> Iterator[Candidate]:
    """The best templates (the rest say less and cost time), then the general fallbacks."""
    yield from understanding.candidates[:8]
    yield from understanding.fallbacks()


def _run(
    candidate: Candidate, engine: Any, understanding: Understanding, knowledge: Knowledge
) -> Answer | None:
    if candidate.kind == "template":
        return _run_template(candidate, engine, understanding, knowledge)
    if candidate.kind == "relation":
        return _run_relation(candidate, engine, understanding)
    if candidate.kind == "claim":
        return _run_claims(candidate, engine, understanding, knowledge)
    if candidate.kind == "neighbour":
        return _run_neighbours(candidate, engine, understanding, knowledge)
    if candidate.kind == "passage":
        return _run_passage(candidate, engine, understanding)
    return _run_describe(candidate, engine, understanding)


def _wanted_answer(understanding: Understanding, knowledge: Knowledge) -> set[str]:
    """The classes the answer should belong to: what the question word asks for (who -> agents,
    where -> places), or the class named right after it ("which organisations")."""
    wanted = {"who": AGENT, "where": PLACE}.get(understanding.wh or "")
    if wanted:
        return {wanted}
    if understanding.wh not in {None, "what"} or not understanding.asked:
        return set()  # "how many comments": the class is what is counted, not the answer
    asked = understanding.asked
    return {c for c, ws in knowledge.type_words.items() if ws == {asked} and c not in GENERIC_TYPES}


def _narrow(rows: Sequence[Mapping[str, Any]], extra_words: Sequence[str]) -> list[Mapping[str, Any]]:
    """Keep the rows that hold the question's words the template does not ("... to sustainability")."""
    if not extra_words or len(rows) < 2:
        return list(rows)
    wanted = set(extra_words)

    def hits(row: Mapping[str, Any]) -> int:
        text = " ".join(t.value for t in row.values() if type(t).__name__ == "Literal")
        return len(wanted & set(content_words(text)))

    best = max(hits(r) for r in rows)
    return [r for r in rows if hits(r) == best] if best else list(rows)


def _by_name(
    variables: Sequence[str], rows: Sequence[Mapping[str, Any]], understanding: Understanding
) -> tuple[list[str], list[Mapping[str, Any]]]:
    """Put first the column the question names ("what did he *answer*"), when one is named."""
    asked = set(understanding.words)
    for var in variables:
        named = var not in EVIDENCE_VARS and not var.endswith("Label") and canonical(var) in asked
        if named and any(var in row for row in rows):
            return [var, *(v for v in variables if v != var)], [r for r in rows if var in r]
    return list(variables), list(rows)


def _steer(
    variables: Sequence[str], rows: Sequence[Mapping[str, Any]], engine: Any, wanted: set[str]
) -> tuple[list[str], list[Mapping[str, Any]]] | None:
    """Put first the column whose values are of a wanted class, keeping the rows where they are;
    None when no column holds one (the query does not answer this kind of question)."""
    if not wanted:
        return list(variables), list(rows)
    columns = [v for v in variables if v not in EVIDENCE_VARS and any(_is_iri(r.get(v)) for r in rows)]
    types = _types_of(engine, [r[v].value for r in rows for v in columns if _is_iri(r.get(v))])
    for column in columns:
        kept = [r for r in rows if _is_iri(r.get(column)) and types.get(r[column].value, set()) & wanted]
        if kept:
            return [column, *(v for v in variables if v != column)], kept
    return None


def _run_template(
    candidate: Candidate, engine: Any, understanding: Understanding, knowledge: Knowledge
) -> Answer | None:
    template = candidate.template
    assert template is not None
    query = template.query
    given: dict[str, str] = {}
    bindings: dict[str, str] = {}
    for param in query.params:
        if param.name == template.slot and candidate.entity is not None:
            given[param.name] = candidate.entity.iri
            bindings[param.variable] = nt_iri(candidate.entity.iri)
        elif param.type == "integer" and candidate.number is not None:
            given[param.name] = str(candidate.number)
            bindings[param.variable] = f'"{candidate.number}"^^<{XSD_INTEGER}>'
        elif param.required:
            return None  # a required parameter the question does not fill
    result = engine.run(query.sparql, bindings)
    rows = _narrow(result.rows, candidate.unexplained)
    rows = _of_named_class(
        result.variables,
        rows,
        engine,
        understanding,
        knowledge,
        by_place=candidate.number is not None or "list" in result.variables,
    )
    wanted = _wanted_answer(understanding, knowledge)
    if candidate.count:
        wanted = _counted_classes(understanding.asked, understanding.described, knowledge)
    steered = (
        _steer(result.variables, rows, engine, wanted)
        if wanted
        else _by_name(result.variables, rows, understanding)
    )
    if steered is None or not _says(steered[1], candidate.verify, knowledge):
        return None
    answers, evidence = _read_rows(*steered, engine.prefixes)
    if candidate.expect is not None and len(answers) != candidate.expect:
        return None  # "the two roles", and the query finds some other number of things
    if candidate.count and answers:
        answers = [f"{len(answers)}: " + "; ".join(answers)]
    main = _main_column(result.variables, result.rows)
    return Answer(
        understanding.question,
        True,
        query=query.name,
        sparql=query.body,
        bindings={k: compact(v, engine.prefixes) for k, v in given.items()},
        answers=answers,
        evidence=evidence,
        confidence=min(candidate.score, 1.0),
        pattern=template.pattern,
        aside=bool(wanted) and understanding.wh == "what" and steered[0][:1] != [main],
    )


def _says(rows: Sequence[Mapping[str, Any]], wanted: Sequence[str], knowledge: Knowledge) -> bool:
    """Do the entities of the rows found, by their names and context, say every ``wanted`` word?"""
    if not wanted:
        return True
    said = {w for row in rows for t in row.values() if _is_iri(t) for w in _entity_said(t.value, knowledge)}
    return set(wanted) <= said


def _entity_said(iri: str, knowledge: Knowledge) -> set[str]:
    entity = knowledge.entities.get(iri)
    return _entity_words(entity, knowledge) if entity else set()


def _main_column(variables: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> str | None:
    """The column a query answers with: its first one holding an entity."""
    for var in variables:
        if var not in EVIDENCE_VARS and any(_is_iri(r.get(var)) for r in rows):
            return var
    return None


def _of_named_class(
    variables: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    engine: Any,
    understanding: Understanding,
    knowledge: Knowledge,
    by_place: bool = False,
) -> list[Mapping[str, Any]]:
    """Keep the rows whose answer is of a class the question names, when the answers are of several
    ("the fifth *challenge*" among every list's fifth item); ``by_place``: the rows are the items at
    a place in every list (or the last of each), so none of the named class means no such item."""
    asked = set(understanding.words)
    named = {c for c, ws in knowledge.type_words.items() if ws and ws <= asked and c not in GENERIC_TYPES}
    column = _main_column(variables, rows)
    if not named or column is None or len(rows) < 2:
        return list(rows)  # no class named: no types to look up
    types = _types_of(engine, [r[column].value for r in rows if _is_iri(r.get(column))])
    kept = [r for r in rows if _is_iri(r.get(column)) and types.get(r[column].value, set()) & named]
    if not kept and named and by_place:
        return []  # "the third *career path*", and no list of career paths has a third
    return kept if kept and len(kept) < len(rows) else list(rows)


def _run_relation(candidate: Candidate, engine: Any, understanding: Understanding) -> Answer | None:
    assert candidate.relation is not None
    prop = nt_iri(candidate.relation.iri)
    if candidate.entity is None:
        return _run_bare_relation(candidate, engine, understanding)
    sparql = (
        "SELECT ?value ?valueLabel WHERE {\n"
        f"  {{ ?_entity_iri {prop} ?value }} UNION {{ ?value {prop} ?_entity_iri }}\n"
        f"  OPTIONAL {{ ?value <{RDFS}label> ?valueLabel }}\n"
        "}\nORDER BY ?valueLabel"
    )
    result = engine.run(sparql, {"_entity_iri": nt_iri(candidate.entity.iri)})
    # "where can I connect with Brian Solis?": in a place, or on a platform online (not at an
    # organisation: "where was the report published?" is not "by Altimeter")
    wanted = {"who": {AGENT}, "where": {PLACE, PLATFORM}}.get(understanding.wh or "")
    rows = result.rows
    if wanted is not None:
        typed = _types_of(engine, [r["value"].value for r in rows if hasattr(r["value"], "value")])
        rows = [r for r in rows if wanted & typed.get(r["value"].value, set())]
    answers, _ = _read_rows(result.variables, rows, engine.prefixes)
    evidence = _evidence(engine, candidate.entity.iri)
    return Answer(
        understanding.question,
        True,
        query="(relation)",
        sparql=sparql,
        bindings={
            "entity": compact(candidate.entity.iri, engine.prefixes),
            "relation": compact(candidate.relation.iri, engine.prefixes),
        },
        answers=answers,
        evidence=evidence,
        confidence=min(candidate.score, 1.0),
        pattern=f"{{entity}} {candidate.relation.label}",
    )


def _run_bare_relation(candidate: Candidate, engine: Any, understanding: Understanding) -> Answer | None:
    """The values of a relation used once in the graph; more uses would need the question to say
    whose."""
    assert candidate.relation is not None
    sparql = (
        "SELECT ?subject ?value ?valueLabel WHERE {\n"
        f"  ?subject {nt_iri(candidate.relation.iri)} ?value .\n"
        f"  OPTIONAL {{ ?value <{RDFS}label> ?valueLabel }}\n"
        "}\nLIMIT 2"
    )
    rows = engine.run(sparql).rows
    if len(rows) != 1 or not _is_iri(rows[0]["value"]):
        return None
    wanted = {"who": AGENT, "where": PLACE}.get(understanding.wh or "")
    value = rows[0]["value"].value
    if wanted and wanted not in _types_of(engine, [value]).get(value, set()):
        return None
    answers, _ = _read_rows(["value", "valueLabel"], rows, engine.prefixes)
    return Answer(
        understanding.question,
        True,
        query="(relation)",
        sparql=sparql,
        bindings={"relation": compact(candidate.relation.iri, engine.prefixes)},
        answers=answers,
        evidence=_evidence(engine, value),
        confidence=min(candidate.score, 1.0),
        pattern=candidate.relation.label,
    )


def _run_describe(candidate: Candidate, engine: Any, understanding: Understanding) -> Answer | None:
    assert candidate.entity is not None
    bindings = {"_entity_iri": nt_iri(candidate.entity.iri)}
    rows = engine.run(_DESCRIBE_QUERY, bindings).rows
    if not rows:
        return None
    row = rows[0]
    text = row["label"].value
    if "definition" in row:
        text += f": {row['definition'].value}"
    return Answer(
        understanding.question,
        True,
        query="(describe)",
        sparql=_DESCRIBE_QUERY,
        bindings={"entity": compact(candidate.entity.iri, engine.prefixes)},
        answers=[text],
        evidence=_evidence(engine, candidate.entity.iri),
        confidence=min(candidate.score, 1.0),
        pattern="{entity}",
    )


def _run_claims(
    candidate: Candidate, engine: Any, understanding: Understanding, knowledge: Knowledge
) -> Answer | None:
    """The claims a question restates, in the essay's order; who says each, when that is asked."""
    assert candidate.entity is not None
    answers = []
    for entity in [candidate.entity, *candidate.others]:
        answer = _run_describe(Candidate("claim", candidate.score, entity=entity), engine, understanding)
        if answer is None:
            continue
        stater = knowledge.entities.get(entity.said_by)
        asked = understanding.asked
        # "who ...", "which commenter ...": who says it is the answer; "which objection ...": what is said
        by_whom = asked in _kinds(entity, knowledge) and asked not in _type_words(entity, knowledge)
        if stater is not None and (understanding.wh == "who" or by_whom):
            answer.answers = [f"{stater.label}: {text}" for text in answer.answers]
        answers.append(answer)
    if not answers:
        return None
    answers.sort(key=lambda a: min((e["start"] for e in a.evidence), default=0))
    first = answers[0]
    first.query, first.pattern = "(claims)", "{claim}"
    for more in answers[1:]:
        first.answers += more.answers
        first.evidence += more.evidence
        first.bindings["entity"] += f", {more.bindings['entity']}"
    return first


def _run_passage(candidate: Candidate, engine: Any, understanding: Understanding) -> Answer | None:
    """The essay's sentence itself is the answer; what it is evidence of says where it stands."""
    assert candidate.entity is not None
    evidence = [e for e in _evidence(engine, candidate.entity.iri) if e["quote"] == candidate.passage]
    if not evidence:
        return None
    return Answer(
        understanding.question,
        True,
        query="(passage)",
        sparql=_find_query_text("evidence-for"),
        bindings={"entity": compact(candidate.entity.iri, engine.prefixes)},
        answers=[f"{_sentence(candidate.passage, understanding.words)} ({candidate.entity.label})"],
        evidence=evidence,
        confidence=min(candidate.score, 1.0),
        pattern="{entity}: the essay's words",
    )


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")


def _sentence(passage: str, qwords: Sequence[str]) -> str:
    """The sentence of ``passage`` holding the most of the question's words."""
    sentences = _SENTENCE_END.split(passage)
    return max(sentences, key=lambda s: len(set(qwords) & set(content_words(s))))


_NEIGHBOURS_QUERY = f"""SELECT DISTINCT ?value ?p WHERE {{
  {{ ?_entity_iri ?p ?value }} UNION {{ ?value ?p ?_entity_iri }}
  FILTER (isIRI(?value) && ?p != <{RDF_TYPE}>)
}}"""


def _run_neighbours(
    candidate: Candidate, engine: Any, understanding: Understanding, knowledge: Knowledge
) -> Answer | None:
    """The entities linked to every entity named, of a wanted class, that say (in their names or
    definition, or the link's name) what the names leave over."""
    assert candidate.entity is not None
    named = [candidate.entity, *candidate.others]
    links: dict[str, set[str]] = {}  # neighbour -> the words of the links to it
    for i, entity in enumerate(named):
        rows = engine.run(_NEIGHBOURS_QUERY, {"_entity_iri": nt_iri(entity.iri)}).rows
        found: dict[str, set[str]] = {}
        for row in rows:
            prop = knowledge.properties.get(row["p"].value)
            if prop is not None and STRICT_WORDS & prop.words:
                continue  # "comes before": a link of an order says nothing without its direction
            found.setdefault(row["value"].value, set()).update(prop.words if prop else ())
        links = found if i == 0 else {v: ws | found[v] for v, ws in links.items() if v in found}
    types = _types_of(engine, list(links))
    answers = []
    for iri, link_words in links.items():
        neighbour = knowledge.entities.get(iri)
        if neighbour is None or iri in {e.iri for e in named} or not types.get(iri, set()) & candidate.wanted:
            continue
        if set(candidate.unexplained) <= neighbour.words | neighbour.defined | link_words:
            answers.append(neighbour)
    if not answers or len(answers) > 5:
        return None  # nothing of that kind, or so many the link says little
    answers.sort(key=lambda e: e.label)
    evidence = [e for entity in answers for e in _evidence(engine, entity.iri)]
    return Answer(
        understanding.question,
        True,
        query="(neighbours)",
        sparql=_NEIGHBOURS_QUERY,
        bindings={"entity": ", ".join(compact(e.iri, engine.prefixes) for e in named)},
        answers=[e.label for e in answers],
        evidence=evidence,
        confidence=min(candidate.score, 1.0),
        pattern="{entity} -> " + (understanding.asked or understanding.wh or "?"),
    )


def _types_of(engine: Any, iris: Sequence[str]) -> dict[str, set[str]]:
    if not iris:
        return {}
    values = " ".join(nt_iri(i) for i in dict.fromkeys(iris))
    result = engine.run(f"SELECT ?e ?t WHERE {{ VALUES ?e {{ {values} }} ?e <{RDF_TYPE}> ?t }}")
    found: dict[str, set[str]] = {}
    for row in result.rows:
        found.setdefault(row["e"].value, set()).add(row["t"].value)
    return found


def _find_query_text(name: str) -> str:
    from kg.catalog import find_query

    return str(find_query(name).body)


def _evidence(engine: Any, iri: str) -> list[dict[str, Any]]:
    """The entity's quotes with their offsets, in the essay's order: the evidence-for query file."""
    from kg.catalog import find_query

    query = find_query("evidence-for")
    result = engine.run(query.sparql, {"_entity_iri": nt_iri(iri)})
    return _read_rows(result.variables, result.rows, engine.prefixes)[1]


_SOURCES_QUERY = f"""SELECT ?quote ?start ?sourceLabel WHERE {{
  ?ev <{OA}hasSelector> ?qs , ?ps ; <{OA}hasSource> ?source .
  ?qs <{OA}exact> ?quote .
  ?ps <{OA}start> ?start .
  ?source <{RDFS}label> ?sourceLabel .
}}"""


def _name_sources(engine: Any, evidence: list[dict[str, Any]]) -> None:
    """Name the text each quote comes from, where the query that found it did not."""
    from kg.terms import nt_literal

    unnamed = [e for e in evidence if "source" not in e]
    if not unnamed:
        return
    values = " ".join(f"({nt_literal(e['quote'])} {e['start']})" for e in unnamed)
    sparql = _SOURCES_QUERY.replace("WHERE {", f"WHERE {{\n  VALUES (?quote ?start) {{ {values} }}", 1)
    named = {
        (r["quote"].value, int(r["start"].value)): r["sourceLabel"].value for r in engine.run(sparql).rows
    }
    for e in unnamed:
        if (e["quote"], e["start"]) in named:
            e["source"] = named[e["quote"], e["start"]]


def _read_rows(
    variables: Sequence[str], rows: Sequence[Mapping[str, Any]], prefixes: Mapping[str, str]
) -> tuple[list[str], list[dict[str, Any]]]:
    """The answers (one per row, in the query's order, repeats dropped) and the evidence quotes."""
    answers: list[str] = []
    evidence: list[dict[str, Any]] = []
    shown = [v for v in variables if v not in EVIDENCE_VARS]
    for row in rows:
        text = _row_text(row, shown, prefixes)
        if text and text not in answers:
            answers.append(text)
        if "quote" in row and "start" in row and "end" in row:
            quote = {
                "quote": row["quote"].value,
                "start": int(row["start"].value),
                "end": int(row["end"].value),
            }
            if "sourceLabel" in row:  # the text it quotes, when the query says (evidence-for does)
                quote["source"] = row["sourceLabel"].value
            if quote not in evidence:
                evidence.append(quote)
    return answers, evidence


def _row_text(row: Mapping[str, Any], variables: Sequence[str], prefixes: Mapping[str, str]) -> str | None:
    """What a row answers: its first labelled value (else its first value); a statistic as written."""
    main: str | None = None
    for var in variables:
        if var.endswith("Label") and var in row:
            main = row[var].value
            break
        if (var + "Label") in row:
            main = row[var + "Label"].value
            break
    if main is None:
        for var in variables:
            if var in row:
                term = row[var]
                main = compact(term.value, prefixes) if _is_iri(term) else term.value
                break
    if main is None:
        return None
    as_written = row.get("asWritten")
    if as_written is not None and as_written.value not in main:
        return f"{as_written.value}: {main}"
    return main


def _is_iri(term: Any) -> bool:
    return term is not None and type(term).__name__ == "NamedNode"


def suggestions(understanding: Understanding, knowledge: Knowledge, engine: Any, limit: int = 3) -> list[str]:
    """Up to ``limit`` questions the graph can answer that share the most words with this one."""
    qset = set(understanding.words)
    ranked: list[tuple[float, str]] = []
    seen: set[str] = set()
    for template in knowledge.templates:
        if template.query.name in seen:
            continue
        overlap = len(template.words & qset) + (1 if template.wh == understanding.wh else 0)
        if not overlap:
            continue
        seen.add(template.query.name)
        ranked.append((overlap, _filled(template, knowledge)))
    ranked.sort(key=lambda r: -r[0])
    return [text for _, text in ranked[:limit]]


def _filled(template: Template, knowledge: Knowledge) -> str:
    """The template with its slot filled by the label of the parameter's default value."""
    if template.slot is None:
        return template.pattern
    default = template.query.defaults.get(template.slot, "")
    iri = expand_name(default, template.query.prefixes) if default else None
    entity = knowledge.entities.get(iri) if iri else None
    return template.pattern.replace("{" + template.slot + "}", entity.label if entity else default)


def explain(answer: Answer) -> str:
    """How the answer was found: words, corrections, linked entities, the template, the bindings."""
    u = answer.understanding
    lines: list[str] = []
    if u is not None:
        lines.append(f"question kind: {u.wh or '(none)'}")
        lines.append(f"words: {' '.join(u.words)}")
        if u.corrections:
            lines.append("corrected: " + ", ".join(f"{a} -> {b}" for a, b in u.corrections.items()))
        if u.mentions:
            lines.append("entities linked:")
            lines += [f"  {m.entity.label} <{m.entity.iri}> score {m.score:.2f}" for m in u.mentions[:8]]
        lines.append(f"candidates: {len(u.candidates) + len(u.fallbacks())}")
    if answer.answered:
        lines.append(f"template: {answer.query}: {answer.pattern!r} (confidence {answer.confidence:.2f})")
        if answer.bindings:
            lines.append("bindings: " + ", ".join(f"{k} = {v}" for k, v in answer.bindings.items()))
        if answer.sparql:
            lines += ["SPARQL (the bindings are bound as RDF terms, never pasted in):", answer.sparql.strip()]
    return "\n".join(lines)
