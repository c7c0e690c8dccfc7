"""kg ask's general fallbacks: what answers a question no query file's phrasing covers.

A claim the question restates (who says it, for "who"), what the graph links to the entities
it names, how two of them are related, a relation named by its label, an entity's description,
or the essay's sentence the question restates. Each needs every word of the question accounted
for, as a template does, and abstains when two answers fit as well. Imported only when no
template answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from kg.ask import (
    AGENT,
    AGENT_CLASSES,
    CLAIM,
    CLAIMING_WORDS,
    CONTEXT_WORDS,
    DESCRIBE_WORDS,
    PLACE,
    PLATFORM,
    STRICT_WORDS,
    Answer,
    Candidate,
    Mention,
    Understanding,
    _entity_words,
    _evidence,
    _explained,
    _is_iri,
    _read_rows,
    _type_words,
    _types_of,
    classes_named,
)
from kg.ask_index import RDF_TYPE, RDFS, SKOS, Entity, Knowledge
from kg.terms import compact, nt_iri
from kg.wording import canonical, content_words

DESCRIBE = canonical("describe")
_DESCRIBE_QUERY = f"""SELECT ?label ?definition WHERE {{
  ?_entity_iri <{RDFS}label> ?label .
  OPTIONAL {{ ?_entity_iri <{SKOS}definition> ?definition }}
}}"""


def _claim_candidates(
    wh: str | None, qwords: Sequence[str], asked: str | None, knowledge: Knowledge
) -> list[Candidate]:
    """A claim the question restates ("What do businesses need?" -> "businesses need open leaders";
    "Who may not lead tomorrow?" -> "whoever leads today may not ..."): every word of the question is
    in the claim's label, its context or the essay's words it quotes, but for words that only say
    something is claimed. "Who" and "which commenter" are answered by who makes the claim. A stage
    or a challenge the essay describes is found the same way when the question names its class
    ("in which *stage* is a program manager anointed?")."""
    found = []
    qset = set(qwords) - CONTEXT_WORDS
    for entity in knowledge.entities.values():
        if not entity.quote_words:
            continue
        # the essay's words about a stage or a challenge describe it ("in which stage is a program
        # manager anointed?"); about a person or a name, they only mention it
        of_kind_asked = (
            wh in {None, "what"}
            and asked in _type_words(entity, knowledge)
            and not entity.types & set(AGENT_CLASSES)
        )
        if CLAIM not in entity.types and not of_kind_asked:
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
        # what it says, where, what it is ("what shift does the essay *predict*"), and who says it
        # ("what did *Gabe Chesman* like about the article")
        by = {w for name in stater.names for w in name} if stater else set()
        known = entity.words | entity.quote_words | entity.said_where | _type_words(entity, knowledge) | by
        matched = len(qset & known)
        if matched < 2 or _explained(qwords, known | CLAIMING_WORDS | CONTEXT_WORDS | kind):
            continue
        # what the claim says, is, or is called where the essay says it ("what *trend* surfaced")
        label = {w for name in entity.names for w in name} | _type_words(entity, knowledge)
        if (qset & STRICT_WORDS) - label:
            continue  # "who wrote the *first* comment": an order, which a claim's context does not give
        # "where does the future lie": the claim restated, whole and by its own words, not a claim of
        # someone's that says one word of the question ("where does Brian Solis *work*")
        if wh == "where" and (
            len(qset & label) < 2 or _explained(qwords, label | by | CLAIMING_WORDS | CONTEXT_WORDS)
        ):
            continue
        own = len(qset & (label | ({asked} & entity.quote_words)) - STRICT_WORDS)
        # the question restates what is said, not only whom or what it is about; or it names where
        # it is said ("what does the author say *in his reply to LeBum LLC*?"): then all of it is;
        # or it names who says it and in their words ("what did Gabe Chesman *like*": "I like how")
        where = qset & entity.said_where - knowledge.class_words
        if DESCRIBE in qset:
            where = set()  # "how does Solis *describe* LeBum's comment": what the claim is about, not where
        quoted = wh == "what" and qset & by and (qset - by) & entity.quote_words - STRICT_WORDS
        if not own and not where and not quoted:
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


def fallback_candidates(
    wh: str | None,
    qwords: Sequence[str],
    mentions: Sequence[Mention],
    knowledge: Knowledge,
    asked: str | None = None,
    naming: bool = False,
    listing: bool = False,
    described: set[str] | None = None,
    quoting: bool = False,
) -> list[Candidate]:
    """Every fallback that accounts for the question's words; ``naming``: it asks for a name ("what
    is the name of ..."), ``listing``: it is a command to list ("Name the ..."), ``described``: the
    words after its question word ("which *research firm*"), ``quoting``: it asks what something
    says or shows, which its description does not tell."""
    candidates: list[Candidate] = []
    knowledge.more()
    # a claim is not a name; "where does the future lie?" is answered by where the author says it lies
    if wh in {None, "what", "who", "how", "where"} and not naming:
        candidates += _claim_candidates(wh, qwords, asked, knowledge)
    candidates += _neighbour_candidates(wh, qwords, mentions, asked, described or set(), knowledge)
    candidates += _relationship_candidates(wh, qwords, mentions, knowledge)
    if not naming and not listing:
        candidates += _passage_candidates(wh, qwords, asked, knowledge)
    if wh not in {None, "what", "who", "where"}:
        return candidates
    qset = set(qwords)
    candidates += _bare_relation_candidates(qwords, knowledge)
    listed = [w for w in qwords if w in knowledge.class_words][:1] if listing else []
    kind = asked if asked in knowledge.class_words else (listed[0] if listed else None)
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
            # the class asked for, or listed, may be what the values are ("*list the networks* where you
            # can connect with Brian Solis"): then only values of that class answer
            kinds = {kind} - entity_words - prop.words if kind else set()
            explained = entity_words | prop.words | DESCRIBE_WORDS | kinds  # "describe as his peer"
            if _explained(qwords, explained):
                continue
            wanted = set().union(*(classes_named({k}, knowledge) for k in kinds))
            candidates.append(
                Candidate(
                    "relation",
                    0.6 + 0.05 * mention.coverage,
                    entity=mention.entity,
                    relation=prop,
                    wanted=wanted,
                )
            )
        describes = (wh in {None, "what"} and not quoting) or (wh == "who" and AGENT in mention.entity.types)
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
    if wh == "who" and asked not in knowledge.class_words:
        asked = None  # "who *rises* to answer": a verb, not what is asked for
    if wh not in {None, "what", "how", "who"} or (asked and asked not in knowledge.class_words):
        return []  # (a figure, a year, a salary: a sentence holding the question's words need not say it)
    qset = set(qwords) - CONTEXT_WORDS - CLAIMING_WORDS
    if len(qset) < 4:
        return []
    # "who rises to answer the call of duty": the sentence saying all of it names who does
    whole = wh == "who"
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
        if matched < (len(qset) if whole else 0.75 * len(qset)) or not qset <= said | around:
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
        wanted = classes_named({asked}, knowledge)
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


# Words asking how two entities are related, rather than for one of them.
RELATING_WORDS = frozenset(
    canonical(w)
    for w in ("relationship", "relation", "related", "relate", "connection", "connected", "between")
)


def _relationship_candidates(
    wh: str | None, qwords: Sequence[str], mentions: Sequence[Mention], knowledge: Knowledge
) -> list[Candidate]:
    """How two entities the question names are related ("What is the relationship between Brian
    Solis and Jeremiah Owyang?"): the relations the graph holds between them, either way."""
    qset = set(qwords)
    if wh not in {None, "what", "how"} or not qset & RELATING_WORDS:
        return []
    named: list[Mention] = []
    for mention in mentions:
        if mention.coverage == 1 and all(not mention.hit & m.hit for m in named):
            named.append(mention)
    if len(named) != 2:
        return []
    said = set().union(*(_entity_words(m.entity, knowledge) for m in named))
    if _explained(qwords, said | RELATING_WORDS | DESCRIBE_WORDS | CONTEXT_WORDS):
        return []
    return [Candidate("relationship", 0.56, entity=named[0].entity, others=[named[1].entity])]


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


def run_fallback(
    candidate: Candidate, engine: Any, understanding: Understanding, knowledge: Knowledge
) -> Answer | None:
    """Run a fallback candidate: its answer, or None when it finds nothing."""
    if candidate.kind == "relation":
        return _run_relation(candidate, engine, understanding)
    if candidate.kind == "claim":
        return _run_claims(candidate, engine, understanding, knowledge)
    if candidate.kind == "neighbour":
        return _run_neighbours(candidate, engine, understanding, knowledge)
    if candidate.kind == "passage":
        return _run_passage(candidate, engine, understanding)
    if candidate.kind == "relationship":
        return _run_relationship(candidate, engine, understanding, knowledge)
    return _run_describe(candidate, engine, understanding)


# What a relation's value must be for "who" and "where": "where can I connect with Brian Solis?" is
# answered by a place or a platform online, not by an organisation ("where was the report
# published?" is not "Altimeter Group").
_LINKED_KIND = {"who": {AGENT}, "where": {PLACE, PLATFORM}}


def _answered(
    candidate: Candidate,
    understanding: Understanding,
    *,
    query: str,
    sparql: str,
    bindings: dict[str, str],
    answers: list[str],
    evidence: list[dict[str, Any]],
    pattern: str,
) -> Answer:
    """A fallback's answer to the question, as sure as the candidate's score (at most 1)."""
    return Answer(
        understanding.question,
        True,
        query=query,
        sparql=sparql,
        bindings=bindings,
        answers=answers,
        evidence=evidence,
        confidence=min(candidate.score, 1.0),
        pattern=pattern,
    )


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
    # a value with no name (an evidence node, a blank node) is no answer a person can read
    rows = [r for r in result.rows if "valueLabel" in r or type(r.get("value")).__name__ == "Literal"]
    for wanted in (_LINKED_KIND.get(understanding.wh or ""), candidate.wanted):
        if wanted:
            typed = _types_of(engine, [r["value"].value for r in rows if hasattr(r["value"], "value")])
            rows = [r for r in rows if wanted & typed.get(r["value"].value, set())]
    answers, _ = _read_rows(result.variables, rows, engine.prefixes)
    evidence = _evidence(engine, candidate.entity.iri)
    return _answered(
        candidate,
        understanding,
        query="(relation)",
        sparql=sparql,
        bindings={
            "entity": compact(candidate.entity.iri, engine.prefixes),
            "relation": compact(candidate.relation.iri, engine.prefixes),
        },
        answers=answers,
        evidence=evidence,
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
    wanted = _LINKED_KIND.get(understanding.wh or "")
    value = rows[0]["value"].value
    if wanted and not wanted & _types_of(engine, [value]).get(value, set()):
        return None
    answers, _ = _read_rows(["value", "valueLabel"], rows, engine.prefixes)
    return _answered(
        candidate,
        understanding,
        query="(relation)",
        sparql=sparql,
        bindings={"relation": compact(candidate.relation.iri, engine.prefixes)},
        answers=answers,
        evidence=_evidence(engine, value),
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
    return _answered(
        candidate,
        understanding,
        query="(describe)",
        sparql=_DESCRIBE_QUERY,
        bindings={"entity": compact(candidate.entity.iri, engine.prefixes)},
        answers=[text],
        evidence=_evidence(engine, candidate.entity.iri),
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
    sentence = _sentence(candidate.passage, understanding.words)
    if understanding.wh == "who" and set(content_words(sentence)) <= set(understanding.words):
        return None  # "who anoints the program manager": "A program manager is anointed." names no one
    if not evidence:
        return None
    return _answered(
        candidate,
        understanding,
        query="(passage)",
        sparql=_find_query_text("evidence-for"),
        bindings={"entity": compact(candidate.entity.iri, engine.prefixes)},
        answers=[f"{sentence} ({candidate.entity.label})"],
        evidence=evidence,
        pattern="{entity}: the essay's words",
    )


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")


def _sentence(passage: str, qwords: Sequence[str]) -> str:
    """The sentence of ``passage`` holding the most of the question's words."""
    sentences = _SENTENCE_END.split(passage)
    return max(sentences, key=lambda s: len(set(qwords) & set(content_words(s))))


_RELATIONSHIP_QUERY = f"""SELECT ?subject ?p ?object WHERE {{
  {{ ?_one_iri ?p ?_other_iri BIND (?_one_iri AS ?subject) BIND (?_other_iri AS ?object) }}
  UNION
  {{ ?_other_iri ?p ?_one_iri BIND (?_other_iri AS ?subject) BIND (?_one_iri AS ?object) }}
  FILTER (?p != <{RDF_TYPE}>)
}}"""


def _run_relationship(
    candidate: Candidate, engine: Any, understanding: Understanding, knowledge: Knowledge
) -> Answer | None:
    """Each relation between the two entities, as a sentence ("Brian Solis colleague of Jeremiah
    Owyang"); the evidence: the subject's quotes that name the other, else all its quotes."""
    assert candidate.entity is not None
    assert candidate.others
    one, other = candidate.entity, candidate.others[0]
    bindings = {"_one_iri": nt_iri(one.iri), "_other_iri": nt_iri(other.iri)}
    rows = engine.run(_RELATIONSHIP_QUERY, bindings).rows
    answers, evidence = [], []
    quoted: dict[str, list[dict[str, Any]]] = {}  # the subject's quotes that name the other
    for row in rows:
        prop = knowledge.properties.get(row["p"].value)
        subject = knowledge.entities.get(row["subject"].value)
        target = knowledge.entities.get(row["object"].value)
        if prop is None or subject is None or target is None:
            continue
        answers.append(f"{subject.label} {prop.label} {target.label}")
        if subject.iri not in quoted:
            quotes = _evidence(engine, subject.iri)
            names = [target.label.lower(), *(" ".join(n) for n in target.names)]
            quoted[subject.iri] = [q for q in quotes if any(n in q["quote"].lower() for n in names)] or quotes
            evidence += quoted[subject.iri]
    if not answers:
        return None
    return _answered(
        candidate,
        understanding,
        query="(relationship)",
        sparql=_RELATIONSHIP_QUERY,
        bindings={"entity": f"{compact(one.iri, engine.prefixes)}, {compact(other.iri, engine.prefixes)}"},
        answers=answers,
        evidence=evidence,
        pattern="{entity} ? {entity}",
    )


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
    return _answered(
        candidate,
        understanding,
        query="(neighbours)",
        sparql=_NEIGHBOURS_QUERY,
        bindings={"entity": ", ".join(compact(e.iri, engine.prefixes) for e in named)},
        answers=[e.label for e in answers],
        evidence=evidence,
        pattern="{entity} -> " + (understanding.asked or understanding.wh or "?"),
    )


def _find_query_text(name: str) -> str:
    from kg.catalog import find_query

    return str(find_query(name).body)
