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
4. What no template covers, the general fallbacks try (kg.ask_fallbacks): a claim
   the question restates, what the graph links to the entities it names, how two of
   them are related, a relation named by its label, an entity's description ("Who is
   Charlene Li?"), or the essay's sentence the question restates.
5. Nothing left: "No answer in the graph for: ..." and the closest questions it can answer.

What the graph and the query files offer to match against is kg.ask_index.

User text reaches SPARQL only as bound terms (kg.terms), never as query text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from kg.ask_index import (
    EKG,
    OA,
    OWL,
    RDF_TYPE,
    RDFS,
    SKOS,
    Entity,
    Knowledge,
    Template,
    _implied_words,
)
from kg.errors import KgError
from kg.terms import compact, expand_name, nt_iri
from kg.wording import (
    NUMBER_WORDS,
    STOPWORDS,
    WH_WORDS,
    asked_class_words,
    asks_what_is_said,
    canonical,
    content_words,
    count_hint,
    ordinal,
    ordinal_word,
    question_word,
    says_count,
    words,
)

MAX_QUESTION = 1000  # characters; a longer text is not a question
AGENT = "http://xmlns.com/foaf/0.1/Agent"
AGENT_CLASSES = tuple(
    f"http://xmlns.com/foaf/0.1/{name}" for name in ("Agent", "Person", "Organization", "Group")
)
PLACE = "https://schema.org/Place"
ORGANIZATION = "http://xmlns.com/foaf/0.1/Organization"
PERSON = "http://xmlns.com/foaf/0.1/Person"
PLATFORM = "https://w3id.org/essay-kg/ns#Platform"
STATISTIC = EKG + "Statistic"
PERCENT = canonical("percent")  # "what percentage ..." asks for a share, not a count
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


class QuestionError(KgError):
    """The text cannot be asked: empty, too long, or holding no words."""


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
        # template, or a fallback's: relation | describe | claim | neighbour | passage | relationship
        self.kind = kind
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
        described: set[str] | None = None,
        hint: tuple[int, str] | None = None,
        find_fallbacks: Callable[[], list[Candidate]] = list,
        quoting: bool = False,
    ) -> None:
        self.question = question
        self.wh = wh
        self.words = words  # the question's content words, corrected
        self.asked = asked  # the word naming what is asked for ("which *stage*"), if any
        self.corrections = corrections
        self.mentions = mentions
        self.candidates = candidates  # the templates accepted, best first
        self.described = described or set()  # the words after the question word ("which *research firm*")
        self.hint = hint  # how many answers it says there are, and the word
        self.find_fallbacks = find_fallbacks  # -> the general fallbacks, best first (see fallbacks)
        self.quoting = quoting  # it asks what something says or shows, not what it is
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
    # "which *Altimeter Group* analyst": a name of two words or more names no class asked for
    names = {w for m in mentions if m.coverage == 1 and m.matched >= 2 for w in m.hit}
    if names & set(run[0]) and set(run[0]) - names:
        run = ([w for w in run[0] if w not in names], run[1])
    asked = _asked_class(run, knowledge)
    place = ordinal(spelled, knowledge.class_words)
    said = words(spelled)
    listing = said[:1] in (["name"], ["list"])
    if listing:
        # "Name the 140 companies": a command to list what a figure counts, which a figure does not do
        mentions = [m for m in mentions if STATISTIC not in m.entity.types]
    described = set(run[0])
    hint = count_hint(spelled)
    if place and hint:
        # "the first of the *two* career paths": how long the list is, not how many answers
        qwords = [w for w in qwords if w != hint[1]]
        hint = None
    candidates = _template_candidates(wh, qwords, mentions, knowledge, asked, place, described, hint)
    candidates.sort(key=lambda c: -c.score)
    # "what is the *name of* ...", "what is its *name*" (not "Name the stages", "which ... does he name")
    naming = (
        "name of" in " ".join(said)
        or (said[-1:] == ["name"] and "'" in spelled)
        or bool({"called", "named"} & set(said))  # "X's firm is *called* what?"
    )
    quoting = asks_what_is_said(spelled)

    def fallbacks() -> list[Candidate]:
        from kg.ask_fallbacks import fallback_candidates

        found = fallback_candidates(
            wh, qwords, mentions, knowledge, asked, naming, listing, described, quoting
        )
        return sorted(found, key=lambda c: -c.score)

    return Understanding(
        question, wh, qwords, asked, corrections, mentions, candidates, described, hint, fallbacks, quoting
    )


def _spelled(question: str, knowledge: Knowledge) -> tuple[str, dict[str, str]]:
    """The question with misspelt words put right, and what was put right. A word the graph, the
    essay or the questions it answers use is no typo, nor is a form of one ("looking"). Others are
    corrected to a word of the graph's names or the questions' words one slip away (two for a word
    of ten letters or more), with the same first letter (slips are rarely there), when no other is
    as close. Shorter words have too many near misses: they are corrected only to a question word
    ("wich"), and six-letter ones only for a letter left out or two swapped (see _slipped_short)."""
    corrections: dict[str, str] = {}
    for word in set(words(question)):
        if (
            len(word) < 3
            or not word.isalpha()
            or word in STOPWORDS
            or word in WH_WORDS
            or word in NUMBER_WORDS
            or canonical(word) in knowledge.vocabulary
        ):
            continue
        if word in knowledge.more().spellings or word in knowledge.known:
            continue
        swapped = [
            w
            for w in STOPWORDS | WH_WORDS
            if sorted(w) == sorted(word)
            and w[:1] == word[:1]
            and (len(word) >= 5 or w in WH_WORDS)
            and _slips(word, w, 1) == 1
        ]
        if len(word) < 6 and len(swapped) == 1:
            # two letters swapped in a little word ("rigth", "thier", "waht"); not in four letters or
            # fewer but for a question word: "form" and "dose" are words, not slips for "from", "does"
            corrections[word] = swapped[0]
            continue
        allowed = 1 if len(word) < 10 else 2
        slips = {
            known: _slips(word, known, allowed)
            for known in (WH_WORDS if len(word) < 6 else knowledge.spellings)
            if known[:1] == word[:1]
            and abs(len(known) - len(word)) <= allowed
            and (len(word) != 6 or _slipped_short(word, known))
        }
        fewest = min(slips.values(), default=allowed + 1)
        close = [known for known, n in slips.items() if n == fewest]
        if fewest <= allowed and len(close) == 1:
            corrections[word] = close[0]
    if not corrections:
        return question, corrections
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, corrections)) + r")\b", re.IGNORECASE)
    return pattern.sub(lambda m: corrections[m.group(0).lower()], question), corrections


def _slipped_short(word: str, known: str) -> bool:
    """May a six-letter ``word`` be a slip for ``known``? Only a letter left out ("folows") or two
    swapped ("reprot"): one letter added or changed makes another real word too often ("causes" is
    not "cases")."""
    return len(known) == len(word) + 1 or (len(known) == len(word) and sorted(known) == sorted(word))


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
    # (a person's name is a name even where a template uses it: "what does Brian *Solis* say")
    named = {w for w in qset if len(w) >= 4 and w.isalpha() and w not in knowledge.structural}
    proper = named - knowledge.phrasing
    found: list[Mention] = []
    for entity in knowledge.entities.values():
        best: Mention | None = None
        names_of = named if PERSON in entity.types else proper
        for name in entity.names:
            hit = qset.intersection(name)
            matched = len(hit)
            coverage = matched / len(set(name))
            if coverage == 1 or matched >= 2 or (matched == 1 and names_of & set(name)):
                mention = Mention(entity, frozenset(hit), coverage)
                if best is None or mention.score > best.score:
                    best = mention
        if best is not None:
            found.append(best)
    # a person called by one of their names alone ("Solis", "Owyang", "Brian"), when no one else has it
    people = [m for m in found if PERSON in m.entity.types and len(m.hit) == 1 and m.hit <= named]
    for m in people:
        if m.coverage < 1 and sum(p.hit == m.hit for p in people) == 1:
            m.coverage = 1.0
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
    counted = asked is not None and asked != PERCENT
    for template in knowledge.templates:
        counting = counts and template.wh in {None, "what", "who"}
        if not _wh_fits(wh, template.wh, agent) and not counting:
            continue
        # "list the challenges *in order*": the context a question may leave out, unless it is all the
        # template says ("what is this *essay*?")
        pattern_words = set(template.words) - CONTEXT_WORDS or set(template.words)
        covered = len(pattern_words & qset) / len(pattern_words) if pattern_words else 1.0
        # a short template must be matched whole: its one or two words carry the relation ("after")
        if covered < (1.0 if len(template.words) <= 2 else 0.5):
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
                if wh == "how many" and counted:
                    # "how many *companies*": what is counted is in the figure's own words
                    options = [m for m in options if any(asked in name for name in m.entity.names)]
            if CLAIM in wanted:
                options = _unambiguous(options)
        implied = _implied_words(template, knowledge) | answer_type
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
    if asked is None or asked == PERCENT:
        return set()
    return classes_named({asked}, knowledge) | classes_named(described or set(), knowledge)


def classes_named(named: set[str], knowledge: Knowledge) -> set[str]:
    """The classes whose names are these words ("stage"; "career path"), broad ones left out."""
    if not named:
        return set()
    return {c for c, ws in knowledge.type_words.items() if ws == named} - GENERIC_TYPES


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
            _found(answer, understanding, engine)
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
                    return _found(answer, understanding, engine)
            break
    if aside is not None:
        return aside
    return Answer(
        understanding.question,
        False,
        suggestions=suggestions(understanding, knowledge, engine),
        understanding=understanding,
    )


def _found(answer: Answer, understanding: Understanding, engine: Any) -> Answer:
    """An answer found: with how it was understood, and the text each quote comes from."""
    answer.understanding = understanding
    _name_sources(engine, answer.evidence)
    return answer


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
    from kg.ask_fallbacks import run_fallback  # (read only when no template answers)

    return run_fallback(candidate, engine, understanding, knowledge)


def _wanted_answer(understanding: Understanding, knowledge: Knowledge) -> set[str]:
    """The classes the answer should belong to: what the question word asks for (who -> agents,
    where -> places), or the class named right after it ("which organisations")."""
    wanted = {"who": AGENT, "where": PLACE}.get(understanding.wh or "")
    if wanted:
        return {wanted}
    if understanding.wh not in {None, "what"} or not understanding.asked:
        return set()  # "how many comments": the class is what is counted, not the answer
    return classes_named({understanding.asked}, knowledge)


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
    variables: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    engine: Any,
    wanted: set[str],
    named: set[str],
) -> tuple[list[str], list[Mapping[str, Any]]] | None:
    """Put first the column whose values are of a wanted class, keeping the rows where they are;
    None when no column holds one (the query does not answer this kind of question). A column
    holding only ``named`` entities, those the question names, does not answer it: "*which
    companies* were among the 140 *Altimeter* researched" is not answered by Altimeter."""
    if not wanted:
        return list(variables), list(rows)
    columns = [v for v in variables if v not in EVIDENCE_VARS and any(_is_iri(r.get(v)) for r in rows)]
    types = _types_of(engine, [r[v].value for r in rows for v in columns if _is_iri(r.get(v))])
    for column in columns:
        kept = [r for r in rows if _is_iri(r.get(column)) and types.get(r[column].value, set()) & wanted]
        if kept and not {r[column].value for r in kept} <= named:
            return [column, *(v for v in variables if v != column)], kept
    return None


def _named(understanding: Understanding, template: Template) -> set[str]:
    """The entities the question names in full, but by a word of the template ("who is the *author*
    of ...": the relation asked about, not a name)."""
    return {
        m.entity.iri for m in understanding.mentions if m.coverage >= 1 and not m.hit <= set(template.words)
    }


def _repeats(columns: Sequence[str], rows: Sequence[Mapping[str, Any]], understanding: Understanding) -> bool:
    """Is the answer to a question asking what something says only the thing it names, quoted by
    nothing more than its name ("What did the *Quora pingback* say?" -> "17. Pingback: Quora")? Then
    the graph holds nothing it says."""
    if not understanding.quoting:
        return False
    mentioned = {m.entity.iri: m.entity for m in understanding.mentions}
    found = {r[columns[0]].value for r in rows if _is_iri(r.get(columns[0]))}
    if not found or not found <= mentioned.keys():
        return False
    named = {w for iri in found for name in mentioned[iri].names for w in name}
    quoted = {w for r in rows if "quote" in r for w in content_words(r["quote"].value)}
    return quoted <= named


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
    # a query file asked "where" itself: a workplace is an answer ("where does {person} work"), or
    # what its own answer is ("where can the strategist's career lead": a career path)
    asked_where = understanding.wh == "where" and template.wh == "where"
    if asked_where:
        wanted = {PLACE, PLATFORM, ORGANIZATION}
    if candidate.count:
        wanted = _counted_classes(understanding.asked, understanding.described, knowledge)
    steered = (
        _steer(result.variables, rows, engine, wanted, _named(understanding, template))
        if wanted
        else _by_name(result.variables, rows, understanding)
    )
    if steered is None and asked_where and not candidate.count:
        steered = _by_name(result.variables, rows, understanding)
    if steered is None or not _says(steered[1], candidate.verify, knowledge):
        return None
    if _repeats(*steered, understanding):
        return None
    answers, evidence = _read_rows(*steered, engine.prefixes)
    if candidate.expect is not None and len(answers) != candidate.expect:
        return None  # "the two roles", and the query finds some other number of things
    if candidate.count and answers:
        evidence = _count_said(len(answers), wanted, engine, knowledge) + evidence
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


def _count_said(count: int, classes: set[str], engine: Any, knowledge: Knowledge) -> list[dict[str, Any]]:
    """Where the essay itself gives the count ("faced with *six challenges*"): the shortest quote."""
    nouns = {w for c in classes for w in knowledge.type_words.get(c, ())}
    stated = [
        (len(q), q, iris[0])
        for q, (_, iris) in knowledge.more().passages.items()
        if says_count(q, count, nouns)
    ]
    if not stated:
        return []
    _, quote, iri = min(stated)
    return [e for e in _evidence(engine, iri) if e["quote"] == quote][:1]


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


def _types_of(engine: Any, iris: Sequence[str]) -> dict[str, set[str]]:
    if not iris:
        return {}
    values = " ".join(nt_iri(i) for i in dict.fromkeys(iris))
    result = engine.run(f"SELECT ?e ?t WHERE {{ VALUES ?e {{ {values} }} ?e <{RDF_TYPE}> ?t }}")
    found: dict[str, set[str]] = {}
    for row in result.rows:
        found.setdefault(row["e"].value, set()).add(row["t"].value)
    return found


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
    slot = "{" + template.slot + "}"
    if default.isdigit() and "the " + slot in template.pattern:  # "the {number} comment": "the first"
        return template.pattern.replace(slot, ordinal_word(int(default)))
    iri = expand_name(default, template.query.prefixes) if default else None
    entity = knowledge.entities.get(iri) if iri else None
    return template.pattern.replace(slot, entity.label if entity else default)


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
