"""Read SPARQL text just enough to keep kg safe: its form, SERVICE, parameters, and binding values.

A small lexer, not a parser: it knows comments, strings ('..', "..", '''..''',
\"\"\"..\"\"\"), IRIs <...> (and that ``<`` is also less-than), variables,
prefixed names and keywords, and counts braces. That is enough to refuse SPARQL
Update before anything runs, to find the ``?_param`` variables of a query file,
and to bind values with a ``VALUES`` block at the start of the query's WHERE
group, where the whole pattern sees them. Values are inserted only as RDF terms
(see kg.terms), never as text a user typed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import NamedTuple

from kg.errors import KgError

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)

# One alternative per token kind, tried in this order at each position.
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*(?:\"\"\"|\Z)
             |'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*(?:'''|\Z)
             |"[^"\\\n\r]*(?:\\.[^"\\\n\r]*)*(?:"|(?=[\n\r])|\Z)
             |'[^'\\\n\r]*(?:\\.[^'\\\n\r]*)*(?:'|(?=[\n\r])|\Z))
  | (?P<iri><[^<>"\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<bnode>_:[\w\-.]*)
  | (?P<pname>(?:[^\W\d_][\w\-.]*)?:(?:[\w\-:%]|\\[^\s]|\.(?=[\w\-:%\\]))*)
  | (?P<word>[^\W\d][\w]*)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<number>\d[\w.]*|\.\d[\w.]*)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_SKIP = {"space", "comment"}


class Token(NamedTuple):
    kind: str  # iri, string, var, bnode, pname, word, lang, number, punct
    text: str
    start: int
    end: int


@lru_cache(maxsize=16)
def tokens(sparql: str) -> tuple[Token, ...]:
    """The tokens of ``sparql``, comments and white space left out. Never fails: garbage is punctuation.

    Remembered for the last few texts: a query file is read by kg.catalog (its form, parameters and
    prefixes), then checked again by the engine that runs it, and lexing it once is enough.
    """
    return tuple(
        Token(m.lastgroup or "punct", m.group(), m.start(), m.end())
        for m in _TOKEN.finditer(sparql)
        if (m.lastgroup or "punct") not in _SKIP
    )


def _keyword(token: Token) -> str | None:
    return token.text.upper() if token.kind == "word" else None


def query_form(sparql: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``; KgError for SPARQL Update or no query at all."""
    toks = tokens(sparql)
    _check_size(sparql, toks)
    for tok in toks:
        if _keyword(tok) in UPDATE_KEYWORDS:
            raise KgError(
                f"kg is read-only: SPARQL Update ({tok.text.upper()}) is not run: "
                "ask with SELECT, ASK, CONSTRUCT or DESCRIBE; to change the graph, edit its Turtle files "
                "(or add one with --data)"
            )
    i = _skip_prologue(toks)
    if i < len(toks) and _keyword(toks[i]) in FORMS:
        return toks[i].text.upper()
    if i >= len(toks):
        raise KgError("the query is empty: write a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    found = toks[i].text if len(toks[i].text) <= 30 else toks[i].text[:29] + "…"
    raise KgError(
        f"not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE after the prefixes, "
        f"found {found!r} at line {_line(sparql, toks[i].start)}: correct the query"
    )


MAX_DEPTH = 128  # brackets of any kind inside each other; Oxigraph's parser crashed the process at ~1,000
MAX_OPERATORS = 4000  # operator tokens; a chain of ~10,000 "||" crashed it too
_OPERATORS = frozenset("!|&+-*/^<>=")


def _check_size(sparql: str, toks: tuple[Token, ...]) -> None:
    """KgError for a query nested too deep or chaining too many operators for the engines to survive.

    Oxigraph's parser recurses: thousands of nested groups or chained operators
    overflow its stack and kill the process (no exception to catch); rdflib's
    raises RecursionError much sooner. Real queries stay far below these limits.
    """
    depth = operators = 0
    previous = Token("space", "", -1, -1)
    for tok in toks:
        if (
            tok.kind == "punct"
            and tok.text in "|&"
            and previous.text == tok.text
            and previous.end == tok.start
        ):
            continue  # the second character of || or &&
        previous = tok
        if tok.kind != "punct":
            if tok.kind == "word" and tok.text.upper() == "UNION":
                operators += 1
            continue
        char = tok.text
        if char in "{([":
            depth += 1
            if depth > MAX_DEPTH:
                line = _line(sparql, tok.start)
                column = tok.start - sparql.rfind("\n", 0, tok.start)
                raise KgError(
                    f"the query nests brackets more than {MAX_DEPTH} levels deep (line {line}, "
                    f"column {column}): kg does not run it, as the engine would run out of stack: "
                    "flatten the query"
                )
        elif char in "})]":
            depth -= 1
        elif char in _OPERATORS:
            operators += 1
    if operators > MAX_OPERATORS:
        raise KgError(
            f"the query holds {operators:,} operators (kg takes at most {MAX_OPERATORS:,}): the engine "
            "would run out of stack: split it, or use VALUES or IN ( ... ) for long lists"
        )


def _skip_prologue(toks: tuple[Token, ...]) -> int:
    """The index of the first token after the BASE and PREFIX declarations."""
    i = 0
    while i < len(toks):
        word = _keyword(toks[i])
        if word == "BASE":
            i += 2
        elif word == "PREFIX":
            i += 3
        else:
            break
    return i


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def uses_service(sparql: str) -> bool:
    """Whether the query calls another endpoint with SERVICE."""
    return any(_keyword(tok) == "SERVICE" for tok in tokens(sparql))


def parameter_variables(sparql: str) -> list[str]:
    """The grlc parameters (``?_x`` required, ``?__x`` optional), without ``?``, in first-use order."""
    found: dict[str, None] = {}
    for tok in tokens(sparql):
        if tok.kind == "var" and tok.text[1] == "_":
            found.setdefault(tok.text[1:])
    return list(found)


def declared_prefixes(sparql: str) -> dict[str, str]:
    """The query's own PREFIX declarations: name (``""`` for ``:``) -> namespace IRI; a later one wins."""
    toks = tokens(sparql)
    found: dict[str, str] = {}
    for keyword, name, iri in zip(toks, toks[1:], toks[2:], strict=False):
        if (
            _keyword(keyword) == "PREFIX"
            and name.kind == "pname"
            and name.text.endswith(":")
            and iri.kind == "iri"
        ):
            found[name.text[:-1]] = iri.text[1:-1]
    return found


def with_prefixes(sparql: str, prefixes: Mapping[str, str]) -> str:
    """``sparql`` with PREFIX declarations for the prefixed names it uses without declaring.

    For servers that do not know the graph's prefixes. Only ``prefixes`` are
    added; the declarations go on the first line, so line numbers stay.
    """
    toks = tokens(sparql)
    declared = {toks[i + 1].text[:-1] for i, t in enumerate(toks[:-1]) if _keyword(t) == "PREFIX"}
    used = {t.text.split(":", 1)[0] for t in toks if t.kind == "pname"}
    missing = sorted((used - declared) & set(prefixes))
    lines = "".join(f"PREFIX {p}: <{prefixes[p]}> " for p in missing)
    return lines + sparql


def bind_values(sparql: str, bindings: Mapping[str, str]) -> str:
    """``sparql`` with ``VALUES (?v ...) { (term ...) }`` at the start of its outermost WHERE group.

    ``bindings`` map a variable name (without ``?``) to an N-Triples term (see
    kg.terms). Each term is parsed and written again, so only a single IRI or
    literal can ever be inserted. The block goes right after the ``{`` on the
    same line, so line numbers in error messages stay those of the query
    given. ``CONSTRUCT WHERE { P }`` becomes ``CONSTRUCT { P } WHERE { VALUES ... P }``
    (the short form allows no VALUES). A DESCRIBE without a WHERE clause gets one.
    """
    if not bindings:
        return sparql
    block = _values_block(bindings)
    toks = tokens(sparql)
    form_at = _form_index(sparql, toks)
    form = toks[form_at].text.upper()
    i = form_at + 1
    if form == "CONSTRUCT":
        if i < len(toks) and _keyword(toks[i]) == "WHERE":  # the short form
            open_at = _next_group(toks, i + 1)
            if open_at is None:
                raise KgError("CONSTRUCT WHERE has no { ... } group: correct the query")
            close_at = _matching(toks, open_at)
            body = sparql[toks[open_at].end : toks[close_at].start]
            start, end = toks[i].start, toks[close_at].end
            return f"{sparql[:start]}{{{body}}} WHERE {{ {block}{body}}}{sparql[end:]}"
        if i < len(toks) and toks[i].text == "{":  # skip the template
            i = _matching(toks, i) + 1
    open_at = _next_group(toks, i)
    if open_at is None:
        if form != "DESCRIBE":
            raise KgError(f"{form} query without a {{ ... }} group: correct the query")
        return _describe_where(sparql, toks, i, block)
    at = toks[open_at].end
    return f"{sparql[:at]} {block}{sparql[at:]}"


def _values_block(bindings: Mapping[str, str]) -> str:
    from kg.terms import nt_term, parse_term

    names, values = [], []
    for name, term in bindings.items():
        if not re.fullmatch(r"[\w\u00B7\u0300-\u036F\u203F-\u2040]+", name):
            raise KgError(f"not a SPARQL variable name: {name!r}")
        parsed = parse_term(term)
        if type(parsed).__name__ == "BlankNode":
            raise KgError(f"?{name}: a blank node cannot be bound to a variable: give an IRI or a literal")
        names.append(f"?{name}")
        values.append(nt_term(parsed))  # written again by kg: nothing but the one term survives
    return f"VALUES ({' '.join(names)}) {{ ({' '.join(values)}) }} "


def _form_index(sparql: str, toks: tuple[Token, ...]) -> int:
    query_form(sparql)  # refuses updates and garbage with the same messages
    return _skip_prologue(toks)


def _next_group(toks: tuple[Token, ...], start: int) -> int | None:
    """The index of the next ``{`` outside parentheses (a projection may hold ``EXISTS { }``)."""
    depth = 0
    for i in range(start, len(toks)):
        text = toks[i].text if toks[i].kind == "punct" else ""
        if text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
        elif text == "{" and depth <= 0:
            return i
    return None


def _matching(toks: tuple[Token, ...], open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(toks)):
        if toks[i].kind != "punct":
            continue
        if toks[i].text == "{":
            depth += 1
        elif toks[i].text == "}":
            depth -= 1
            if depth == 0:
                return i
    raise KgError("a { is never closed: add the missing }")


def _describe_where(sparql: str, toks: tuple[Token, ...], start: int, block: str) -> str:
    """``DESCRIBE ?x`` with no WHERE: add ``WHERE { VALUES ... }`` before any solution modifier."""
    at = len(sparql)
    for tok in toks[start:]:
        if _keyword(tok) in {"ORDER", "LIMIT", "OFFSET", "VALUES"}:
            at = tok.start
            break
    if at == len(sparql):  # a comment may end the text: start a line of our own
        return f"{sparql.rstrip()}\nWHERE {{ {block}}}"
    return f"{sparql[:at]}WHERE {{ {block}}} {sparql[at:]}"
