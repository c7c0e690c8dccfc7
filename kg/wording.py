"""Words of plain-language questions and labels, made comparable.

Questions and labels are folded the same way: Unicode compatibility form,
curly quotes and dashes made plain, lower case, possessives dropped, plurals
made singular, and synonyms mapped to one word of their group. Stopwords
carry no meaning for matching; question words ("who", "how many") are kept
apart, because they say what kind of answer is wanted.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": " ", "\xa0": " "})
_WORD = re.compile(r"[a-z0-9%]+(?:-[a-z0-9]+)*")
# "the author's", "strategists'": a possessive; "they're", "don't": two words, as written
_POSSESSIVE = re.compile(r"(\w)'(?:s\b|(?![a-z]))")

_STOPWORDS = """
    a an the of in on at to for from by with about as into onto over under than then that this these those
    there here is are was were be been being am do does did doing done has have had having will would shall
    should can could may might must it its it's they them their theirs he him his she her hers we us our ours
    you your yours i me my mine and or but nor so if not no yes any all some each every other another such
    own same just only also very too much many more most less least one ones s t d ll re ve m o y up down out
    off again further once both few nor via per according text author's
    myself yourself himself herself itself ourselves themselves themself
    don doesn didn isn aren wasn weren haven hasn hadn couldn wouldn shouldn cannot
    right immediately directly listed during come comes came coming
    someone somebody anyone anybody something roughly approximately nearly around
    say says said tell tells told give gives given show shows list lists name names please kind sort type
    mentioned mention actually really exactly exact specifically particular particularly main
    earlier later ever still already today now currently current get gets got make makes made
    go goes going went gone through"""
STOPWORDS = frozenset(_STOPWORDS.split())
# Question words: what they ask for. Two-word ones are found first.
QUESTION_WORDS = (
    "how many",
    "how much",
    "how long",
    "how often",
    "what percent",
    "what percentage",
    "what share",
    "what proportion",
    "what fraction",
    "who",
    "whom",
    "whose",
    "what",
    "which",
    "where",
    "when",
    "why",
    "how",
)

# Words that mean the same here; each maps to the first word of its group.
_SYNONYM_GROUPS = (
    "percent percentage share proportion fraction %",
    "write wrote written writer author authored pen penned sign signed",
    "publish published publisher publishes",
    "after follow follows followed following next subsequent",
    "before precede precedes preceded preceding previous prior",
    "stage phase step",
    "challenge obstacle hurdle difficulty",
    "frustration hardship struggle problem trouble",
    "comment commenter reader reply replies respondent",
    "disagree object objection dispute doubt counter-argument counterargument criticism criticize",
    "agree agreement",
    "organisation organization company firm business",
    "person people individual",
    "examine examined look looked review reviewed study studied analyse analyze analysed analyzed",
    "role position job",
    "parallel compare comparison compared analogy liken",
    "predict prediction forecast foresee",
    "advice advise recommend recommendation suggest suggestion propose proposal",
    "platform network site service",
    "first initial start beginning early earliest",
    "last final end",
    "statistic figure number",
    "research report study",
    "interview interviewed",
    "spam advert advertisement",
    "duplicate repeat repeats repeated copy",
    "work works worked employ employed employer",
    "strategist strategists",
    "marketing marketer",
    "post essay article piece",
    "champion practitioner evangelist advocate",
    "face faced encounter encountered meet met run ran hit",
    "reside resides sit sits live lives situated located based",
    "earn earned hold holds held obtain obtained possess attain",
    "assist help helps helped aid support",
    "succeed success successful successfully",
    "become turn evolve",
    "serve play",
)
# Past forms no suffix rule reaches, as their present form (then stemmed as usual).
_IRREGULAR = {
    "became": "become",
    "began": "begin",
    "begun": "begin",
    "brought": "bring",
    "built": "build",
    "chose": "choose",
    "chosen": "choose",
    "fell": "fall",
    "fallen": "fall",
    "felt": "feel",
    "fought": "fight",
    "grew": "grow",
    "grown": "grow",
    "kept": "keep",
    "knew": "know",
    "known": "know",
    "led": "lead",
    "lost": "lose",
    "paid": "pay",
    "rose": "rise",
    "risen": "rise",
    "saw": "see",
    "seen": "see",
    "sought": "seek",
    "spoke": "speak",
    "spoken": "speak",
    "taught": "teach",
    "thought": "think",
    "took": "take",
    "taken": "take",
    "understood": "understand",
    "won": "win",
}


def fold(text: str) -> str:
    """Compatibility form, plain quotes and dashes, lower case."""
    return unicodedata.normalize("NFKC", text).translate(_FOLD).lower()


# (suffix, replacement, shortest word it applies to); the first that fits is taken.
_SUFFIXES = (
    ("ies", "y", 5),
    ("ied", "y", 5),
    ("sses", "ss", 5),
    ("tions", "", 9),
    ("tion", "", 8),
    ("ing", "", 6),
    ("ed", "", 5),
    ("es", "e", 5),  # "degrees" -> "degree", then "degre" as "degree" gives
)


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A light stem: "challenges", "challenge"; "resided", "residing", "reside" meet.

    Not a linguist's stem: questions and labels go through the same one, so
    all it must do is make the forms of one word equal and keep words apart.
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, replacement, shortest in _SUFFIXES:
        if word.endswith(suffix) and len(word) >= shortest:
            word = word[: -len(suffix)] + replacement
            break
    else:
        if word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
    if word.endswith("e") and len(word) >= 4:
        word = word[:-1]
    return word


# Words of questions as written, that a misspelt word may be put right to (with names' words).
SPELLED = frozenset(
    {w for group in _SYNONYM_GROUPS for w in group.split() if w.isalpha()}
    | {w for phrase in QUESTION_WORDS for w in phrase.split()}
)
SYNONYMS = {stem(word): stem(group.split()[0]) for group in _SYNONYM_GROUPS for word in group.split()}


def canonical(word: str) -> str:
    """A word as matching compares it: its stem, then its synonym group's head."""
    stemmed = stem(_IRREGULAR.get(word, word))
    return SYNONYMS.get(stemmed, stemmed)


def words(text: str) -> list[str]:
    """Every word of ``text``, folded, possessives dropped (stopwords kept)."""
    return [_UNAPOSTROPHED.get(w, w) for w in _WORD.findall(_POSSESSIVE.sub(r"\1", fold(text)))]


# "whats the first stage": a question word typed without its apostrophe
_UNAPOSTROPHED = {"whats": "what", "whos": "who", "wheres": "where", "hows": "how", "whichs": "which"}


def content_words(text: str) -> list[str]:
    """The words that carry meaning, in canonical form, in order. An acronym that folds to a
    stopword ("IT", "US") carries meaning: "in IT" is not "in it"."""
    kept = _acronyms(text)
    return [canonical(w) for w in words(text) if w in kept or (w not in STOPWORDS and w not in _WH_SINGLE)]


_CAPITALS = re.compile(r"\b[A-Z]{2,}\b")


def _acronyms(text: str) -> set[str]:
    """Words written in capitals in a text that is not (a shouted question has no acronyms)."""
    capitals = _CAPITALS.findall(text)
    if not capitals or len(capitals) * 2 > len(text.split()):
        return set()
    return {w.lower() for w in capitals}


def question_word(text: str) -> str | None:
    """What the question asks for: "who", "how many", "what"... or None for a yes/no or a command.
    The first question word says it ("what was his answer to someone *whose* ..." asks what)."""
    found = words(text)
    for i, here in enumerate(found):
        for wh in (" ".join(found[i : i + 2]), here):  # two-word ones first: "how many" before "how"
            if wh in _WH_ALL:
                return _WH_KIND.get(wh, wh)
    return None


_WH_SINGLE = frozenset(w for w in QUESTION_WORDS if " " not in w)
WH_WORDS = _WH_SINGLE  # "what", "which", "who"...: the one-word question words
_WH_ALL = frozenset(QUESTION_WORDS)
# Question words that ask for the same kind of answer.
_WH_KIND = {
    "whom": "who",
    "whose": "who",
    "which": "what",
    "what percent": "how many",
    "what percentage": "how many",
    "what share": "how many",
    "what proportion": "how many",
    "what fraction": "how many",
    "how much": "how many",
}


# Auxiliary verbs: "what *does* the author say" asks no class, "what *stages*..." does.
_AUXILIARIES = frozenset(
    {"is", "are", "was", "were", "be", "been", "do", "does", "did", "has", "have", "had"}
    | {"will", "would", "can", "could", "shall", "should", "may", "might", "must"}
)
_COPULAS = frozenset({"is", "are", "was", "were"})
_WORD_OR_POSSESSIVE = re.compile(r"[a-z0-9%]+(?:-[a-z0-9]+)*(?:'s?(?![a-z]))?")
_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}


def ordinal_word(n: int) -> str:
    """The ordinal of ``n`` as a word: "first" for 1 ... "tenth" for 10, then "11th"."""
    return next((w for w, v in _ORDINALS.items() if v == n), f"{n}th")


NUMBER_WORDS = frozenset(_NUMBERS) | frozenset(_ORDINALS)  # "three" is no slip for "there"
_NUMBERED = re.compile(r"^(\d+)(?:st|nd|rd|th)?$")


_SAYING = frozenset({"say", "says", "said", "tell", "tells", "told", "show", "shows", "showed", "shown"})
_DO = frozenset({"do", "does", "did"})


def asks_what_is_said(text: str) -> bool:
    """Does the question ask what something says or shows ("what did the pingback *say*?", "what does
    the prism *show*?"), rather than what it is? Not when it says what about ("say *about* X")."""
    said = words(text)
    return (
        said[:1] == ["what"] and bool(_DO & set(said)) and bool(_SAYING & set(said)) and "about" not in said
    )


def says_count(text: str, count: int, nouns: set[str]) -> bool:
    """Does ``text`` say ``count`` of one of ``nouns`` (canonical): "faced with *six challenges*", "*50*
    LinkedIn *profiles*" (a word may come between)?"""
    said = words(text)
    return any(
        (_NUMBERS.get(word, -1) == count or word == str(count))
        and any(canonical(w) in nouns for w in said[i + 1 : i + 3])
        for i, word in enumerate(said)
    )


def asked_class_words(text: str) -> tuple[list[str], bool]:
    """The words right after the question word, that may name what is asked for: "which *stage*",
    "what two *roles*", "which *research firm*"; none after a verb ("what *does*..."). With whether
    a verb ends them: then they name one thing ("which research firm *is*"); else a verb may be
    among them ("which commenter *compares* ...")."""
    found = _WORD_OR_POSSESSIVE.findall(fold(text))
    for i, word in enumerate(found):
        if word not in _WH_SINGLE:
            continue
        if found[i + 1 : i + 3] in (["many", "of"], ["much", "of"]):
            return [], False  # "how many *of* the strategists": the whole, not what is counted
        run: list[str] = []
        for after in found[i + 1 :]:
            if after in _COPULAS and not run:
                continue  # "what are the *stages*"
            if after in _AUXILIARIES:
                return run, True
            if after in _WH_SINGLE:
                break
            if "'" in after:
                run = []  # "the name of *Jeremiah Owyang's* firm": the owner, not what is asked for
                continue
            if not run and (after in STOPWORDS or after in _NUMBERS or after in _ORDINALS or after.isdigit()):
                continue  # "what two *roles*"
            if after in STOPWORDS:
                break
            run.append(canonical(after))
        return run, False
    return [], False


def count_hint(text: str) -> tuple[int, str] | None:
    """How many answers the question expects, when it says so in words: "what *two* roles", "the
    *four* stages"; with the word (canonical). None when it says none, or more than one."""
    found = [(n, canonical(w)) for w in words(text) if (n := _NUMBERS.get(w)) and n > 1]
    return found[0] if len(found) == 1 else None


def ordinal(text: str, nouns: frozenset[str] = frozenset()) -> tuple[int, list[str]] | None:
    """A place in an order the question names: "the fifth", "2nd", "number 2", "#3", or one of
    ``nouns`` (canonical) followed by a number ("stage two"); with the words (canonical) that said
    it. None when it names none, or more than one."""
    raw = words(text.replace("#", " number "))
    found: list[tuple[int, list[str]]] = []
    for i, word in enumerate(raw):
        nxt = raw[i + 1] if i + 1 < len(raw) else ""
        value = _NUMBERS.get(nxt) or (int(nxt) if nxt.isdigit() and len(nxt) < 3 else None)
        if word in _ORDINALS:
            found.append((_ORDINALS[word], [canonical(word)]))
        elif value and word in {"number", "no"}:
            found.append((value, [canonical(word), canonical(nxt)]))
        elif value and word not in STOPWORDS and canonical(word) in nouns:
            found.append((value, [canonical(nxt)]))
        elif (match := _NUMBERED.match(word)) and word != match.group(1):
            found.append((int(match.group(1)), [canonical(word)]))
    return found[0] if len(found) == 1 else None
