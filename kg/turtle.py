"""Parse one Turtle file into rdflib terms, with errors a person can act on.

``decode_utf8`` and ``explain_error`` also serve kg.compile, which parses the
same files with pyoxigraph into the compiled store: both paths report a bad
file with the same ``path:line:col`` message.

Oxigraph parses: it reports the line and column of every syntax error, where
rdflib sometimes raises a bare KeyError or an empty message (rdflib#3539,
#3540). Its triples are turned into rdflib terms directly, which measured
~1.7x faster than a round trip through N-Triples on a 5,900-triple file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kg.errors import ParseError
from kg.printable import printable

if TYPE_CHECKING:
    from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
TURTLE_SPEC = "https://www.w3.org/TR/turtle/"

# Oxigraph prefixes every message with where it happened; lineno/offset carry that already.
_LOCATION = re.compile(
    r"^Parser error (?:at line \d+ (?:between columns \d+ and \d+|column \d+)"
    r"|between line \d+ column \d+ and line \d+ column \d+): "
)
_UNDECLARED = re.compile(r"^The prefix (?P<prefix>\S*): has not been declared$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # Oxigraph ends a line at each of them
_DECLARATION = re.compile(r"^\s*(?:@prefix|prefix)\s+(?P<prefix>[^\s:]*):\s*<(?P<iri>[^>]*)>", re.I | re.M)


@dataclass(frozen=True)
class ParsedTurtle:
    """The triples of one file, as rdflib terms, and the prefixes it declares."""

    triples: list[tuple[Node, Node, Node]]
    prefixes: dict[str, str]
    text: str


def parse_turtle(data: bytes, display: str, known_prefixes: Mapping[str, str] | None = None) -> ParsedTurtle:
    """Parse Turtle ``data``; ``display`` names the file in error messages.

    ``known_prefixes`` (for example the ontology's) feed the "did you mean" hint
    of an unknown prefix. An empty file, or one holding only comments, is valid
    Turtle and yields zero triples.
    """
    import pyoxigraph as ox

    text = decode_utf8(data, display)
    parser = ox.parse(text, format=ox.RdfFormat.TURTLE)
    convert = _term_converter()
    triples = []
    add = triples.append
    check = term_checker(text, display)
    try:
        for q in parser:
            if check is not None:
                check(q)
            add((convert(q.subject), convert(q.predicate), convert(q.object)))
    except SyntaxError as e:
        raise explain_error(e, text, display, known_prefixes or {}) from None
    except MemoryError:
        raise token_too_long(text, display) from None
    return ParsedTurtle(triples, dict(parser.prefixes), text)


def decode_utf8(data: bytes, display: str, *, keep_bom: bool = False) -> str:
    """Decode ``data`` as UTF-8, or say at which line and column it is not.

    A leading byte order mark is dropped unless ``keep_bom`` (editors hide it, so
    columns count without it).
    """
    if not keep_bom:
        data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        before = data[: e.start]
        breaks = list(re.finditer(rb"\r\n|\r|\n", before))  # as Oxigraph counts lines: CR alone ends one too
        line_start = breaks[-1].end() if breaks else 0
        column = len(before[line_start:].decode("utf-8", "replace")) + 1
        raise ParseError(
            display,
            len(breaks) + 1,
            column,
            f"byte 0x{data[e.start]:02X} is not UTF-8: save the file with the UTF-8 encoding",
        ) from None


def _term_converter() -> Any:
    """A function from Oxigraph terms to rdflib terms, caching repeats (IRIs recur a lot)."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    cache: dict[Any, Node] = {}

    def convert(term: Any) -> Node:
        found = cache.get(term)
        if found is not None:
            return found
        node: Node
        if isinstance(term, ox.NamedNode):
            node = URIRef(term.value)
        elif isinstance(term, ox.BlankNode):
            node = BNode()  # a fresh id: labels from two files must not meet
        elif isinstance(term, ox.Literal):
            datatype = term.datatype.value
            if term.language:
                node = Literal(term.value, lang=term.language)
            elif datatype == XSD_STRING:
                node = Literal(term.value)  # rdflib's plain literal; an explicit xsd:string compares unequal
            else:
                node = Literal(term.value, datatype=URIRef(datatype))
        else:
            raise TypeError(f"unsupported RDF term {term!r}")
        cache[term] = node
        return node

    return convert


def declared_prefixes(text: str) -> dict[str, str]:
    """The ``@prefix`` / ``PREFIX`` declarations written in ``text`` (read even when it does not parse)."""
    return {m["prefix"]: m["iri"] for m in _DECLARATION.finditer(text)}


def explain_error(error: SyntaxError, text: str, display: str, known: Mapping[str, str]) -> ParseError:
    """Turn Oxigraph's message into ``path:line:col: what is wrong, and how to fix it``.

    Control characters from the file are written as escapes: the message goes to a terminal.
    """
    found = _explain(error, text, display, known)
    return ParseError(found.path, found.line, found.column, printable(found.problem))


def _explain(error: SyntaxError, text: str, display: str, known: Mapping[str, str]) -> ParseError:
    line = error.lineno or 1
    column = error.offset or 1
    problem = _LOCATION.sub("", error.msg or "")
    span = _span(text, error)

    if hint := _odd_character(span[:1]):
        return ParseError(display, line, column, hint)
    if m := _UNDECLARED.match(problem):
        return ParseError(display, line, column, _unknown_prefix(m["prefix"], declared_prefixes(text), known))
    if span.startswith("<") and ("IRI" in problem or "Invalid character" in problem):
        return ParseError(display, line, column, _bad_iri(span, problem))
    if problem.startswith("Unexpected end"):
        if span[:1] in {'"', "'"}:
            quote = span[:3] if span[:3] in {'"""', "'''"} else span[:1]
            return ParseError(display, line, column, f"string not closed: add the closing {quote}")
        return ParseError(
            display, line, column, 'the file ends inside a statement: finish it and end it with " ."'
        )
    if problem == "A dot is expected at the end of statements":
        return ParseError(
            display,
            line,
            column,
            f'expected " ." to end the statement before {_short(span)}: add it '
            '(or use ";" between predicate-object pairs and "," between objects)',
        )
    if problem.startswith("Line jumps are not allowed in string literals"):
        return ParseError(
            display,
            line,
            column,
            'string not closed on its line: add the closing ", or write a line break as \\n',
        )
    if hint := _hint(problem, span, text, line, column):
        return ParseError(display, line, column, hint)
    return ParseError(display, line, column, f"{problem}: correct the Turtle here (syntax: {TURTLE_SPEC})")


def _odd_character(char: str) -> str | None:
    """A message for a character that has no business in Turtle outside a string, or None."""
    if char == "\ufeff":
        return (
            "a byte order mark (U+FEFF, invisible in most editors) in the middle of the file: "
            "delete it (it comes from joining files saved with one)"
        )
    if char == "\x00":
        return "a NUL byte (0x00): this looks like a binary or damaged file, not Turtle text: remove it"
    if char and (ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0) and char not in "\t\n\r":
        return f"control character U+{ord(char):04X}: remove it (inside a string, write it as an escape)"
    return None


def _hint(problem: str, span: str, text: str, line: int, column: int) -> str | None:
    """A better message than Oxigraph's for some common mistakes, or None."""
    token = span.split(None, 1)[0] if span.strip() else ""
    lines = _LINE_BREAK.split(text)
    before = lines[line - 1][: column - 1] if 1 <= line <= len(lines) else ""
    not_valid = problem.endswith(("is not a valid subject or graph name", "is not a valid RDF object"))
    if not_valid and token[:1] in {"]", ")"}:
        opener = "[" if token[0] == "]" else "("
        return (
            f'unbalanced "{token[0]}": no "{opener}" is open here: remove it, or add the missing "{opener}"'
        )
    if not_valid and token == "a":
        return (
            'the keyword "a" (rdf:type) can only be a predicate: '
            "name the class or the thing instead (such as ekg:Stage)"
        )
    if token == "." and re.match(r"\s*(?:PREFIX|BASE)\s", before, re.I):
        return 'a SPARQL-style "PREFIX" or "BASE" line takes no " .": remove it, or write "@prefix ... ."'
    if "language code" in problem or (token.startswith("-") and re.search(r"\"@[A-Za-z0-9-]*$", before)):
        return (
            "bad language tag: write letters, then hyphen-separated letters or digits, such as @en or @en-GB"
        )
    if problem.startswith("blank node property lists should end with"):
        return f'{problem}: add the missing "]" (each "[" needs one)'
    if problem.startswith("The PREFIX declaration should be followed by"):
        return 'a prefix declaration needs a name and an IRI: write "@prefix ex: <https://example.org/> ."'
    if problem.startswith("The BASE keyword should be followed by"):
        return 'a base declaration needs an IRI: write "@base <https://example.org/> ."'
    return None


# ---- what Oxigraph leaves to us: ill-typed literals, RDF 1.2 triple terms, overlong tokens --------------

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_XML_LITERAL = "http://www.w3.org/1999/02/22-rdf-syntax-ns#XMLLiteral"
TOKEN_LIMIT = 16 * 1024 * 1024  # Oxigraph's parser holds one token in a buffer of at most 16 MiB
_TZ = r"(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))?"
_YEAR = r"-?(?:[1-9]\d{4,}|\d{4})"
_TIME = r"(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?|24:00:00(?:\.0+)?)"
_DATE = _YEAR + r"-(?P<m>\d\d)-(?P<d>\d\d)"
_INTEGER = r"[+-]?\d+"
_DECIMAL = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_FLOAT = _DECIMAL + r"(?:[eE][+-]?\d+)?|[+-]?INF|NaN"
_DAY_TIME = r"(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?"
_B64 = r"[A-Za-z0-9+/] ?"
_INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-(2**7), 2**7 - 1),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 2**8 - 1),
}
# An XSD datatype's local name -> (the pattern of its lexical space, an example for the message).
_LEXICAL: dict[str, tuple[str, str]] = {
    **dict.fromkeys(_INTEGER_RANGES, (_INTEGER, "42")),
    "decimal": (_DECIMAL, "3.14"),
    "double": (_FLOAT, "1.5E3"),
    "float": (_FLOAT, "1.5E3"),
    "boolean": ("true|false|1|0", "true"),
    "date": (_DATE + _TZ, "2009-11-30"),
    "dateTime": (_DATE + "T" + _TIME + _TZ, "2009-11-30T14:05:00Z"),
    "dateTimeStamp": (_DATE + "T" + _TIME + r"(?:Z|[+-]\d\d:\d\d)", "2009-11-30T14:05:00Z"),
    "time": (_TIME + _TZ, "14:05:00"),
    "gYear": (_YEAR + _TZ, "2009"),
    "gYearMonth": (_YEAR + r"-(?P<m>\d\d)" + _TZ, "2009-11"),
    "duration": (r"-?P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?" + _DAY_TIME, "P3Y6M"),
    "dayTimeDuration": (r"-?P(?=\d|T\d)" + _DAY_TIME, "P2DT3H"),
    "yearMonthDuration": (r"-?P(?=\d)(?:\d+Y)?(?:\d+M)?", "P3Y6M"),
    "hexBinary": (r"(?:[0-9A-Fa-f]{2})*", "0FB7"),
    "base64Binary": (
        rf"(?:(?:{_B64}){{4}})*(?:(?:{_B64}){{2}}(?:[AEIMQUYcgkosw048] ?=|[AQgw] ?= ?=))?",
        "SGVsbG8=",
    ),
}


def ill_typed(value: str, datatype: str) -> str | None:
    """Why ``value`` is not in the lexical space of ``datatype``, or None.

    Checked: the XSD datatypes rdflib converts (numbers, booleans, dates and
    times, durations, binary) and rdf:XMLLiteral; other datatypes are not.
    """
    if datatype == RDF_XML_LITERAL:
        return _bad_xml(value)
    if not datatype.startswith(XSD):
        return None
    name = datatype[len(XSD) :]
    known = _LEXICAL.get(name)
    if known is None:
        return None
    pattern, example = known
    lexical = value.strip(" \t\n\r")  # XSD collapses the whitespace around these values
    m = re.fullmatch(pattern, lexical, re.ASCII)  # \d is 0-9 only: int() would take "٣"
    wrong = f"{_short(repr(value))} is not a valid xsd:{name}"
    fix = f"write it like {example}, or drop ^^xsd:{name} to keep it as text"
    if m is None:
        return f"{wrong}: {fix}"
    if name in _INTEGER_RANGES:
        low, high = _INTEGER_RANGES[name]
        number = int(lexical)
        if (low is not None and number < low) or (high is not None and number > high):
            return f"{wrong}: {lexical} is out of its range: use a wider type such as xsd:integer"
    groups = m.groupdict()
    if groups.get("m"):
        month, day = int(groups["m"]), int(groups.get("d") or 1)
        if not 1 <= month <= 12 or not 1 <= day <= _days_in(lexical, month):
            return f"{wrong}: there is no such day or month: {fix}"
    return None


def _days_in(lexical: str, month: int) -> int:
    import calendar

    year = int(re.match(r"-?\d+", lexical)[0])  # type: ignore[index]
    leap = calendar.isleap(year if year > 0 else year + 1)  # XSD 1.1: year 0 is 1 BCE, a leap year
    return [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]


def _bad_xml(value: str) -> str | None:
    from xml.parsers import expat

    parser = expat.ParserCreate()
    try:
        parser.Parse(f"<kg-xml-literal>{value}</kg-xml-literal>", True)
    except expat.ExpatError as e:
        return f"not well-formed XML in an rdf:XMLLiteral ({expat.ErrorString(e.code)}): correct the XML"
    return None


def term_checker(text: str, display: str, *, literals: bool = True) -> Any:
    """A function raising ParseError for an Oxigraph quad kg cannot take, or None if ``text`` can hold none.

    Such quads: an ill-typed literal (Oxigraph reads ``"abc"^^xsd:integer``
    without a word, as the syntax is valid; rdflib later meets it with a
    logged traceback), and an RDF 1.2 triple term (``<< ... >>``), which has
    no rdflib term. The error points at the literal's first occurrence in
    ``text``. Only a literal written with ``^^`` can be ill-typed (a bare
    number or boolean is valid by its syntax), and a triple term needs
    ``<<``, ``{|`` or ``~``: a file without them is not checked at all
    (checking every triple costs ~1 µs, as much as parsing it).
    """
    import pyoxigraph as ox

    literals = literals and "^^" in text
    triples = "<<" in text or "{|" in text or "~" in text
    if not literals and not triples:
        return None
    literal_type, triple_type = ox.Literal, ox.Triple
    typed = {ox.NamedNode(XSD + name) for name in _LEXICAL} | {ox.NamedNode(RDF_XML_LITERAL)}
    checked: set[Any] = set()

    def check(quad: Any) -> None:
        o = quad.object
        kind = type(o)
        if kind is literal_type:
            if not literals or o.datatype not in typed or o in checked:  # strings: one look-up
                return
            problem = ill_typed(o.value, o.datatype.value)
            if problem is None:
                if len(checked) < 100_000:  # repeats are common (numbers, booleans); keep the memory bounded
                    checked.add(o)
                return
            line, column = _find_literal(text, o.value, o.datatype.value)
            raise ParseError(display, line, column, printable(problem))
        if triples and (kind is triple_type or type(quad.subject) is triple_type):
            line, column = _position(text, re.search(r"<<|\{\||~", text))
            raise ParseError(
                display,
                line,
                column,
                "an RDF 1.2 triple term (<< ... >>) or reifier (~, {| |}): kg reads RDF 1.1 Turtle: "
                "state the triple itself, or describe it with a node of its own",
            )

    return check


def checked(quads: Any, text: str, display: str, *, literals: bool = True) -> Any:
    """``quads`` passed through ``term_checker``: for a reader that consumes an Oxigraph parser itself.

    Without ``literals``, ill-typed literals pass (kg.lint reports them as findings of its own).
    """
    check = term_checker(text, display, literals=literals)
    if check is None:
        return quads

    def checking() -> Any:
        for quad in quads:
            check(quad)
            yield quad

    return checking()


def _find_literal(text: str, value: str, datatype: str) -> tuple[int, int]:
    """Line and column of the first ``"value"^^datatype`` in ``text`` (or of ``value`` alone), else 1:1."""
    local = re.split(r"[#/]", datatype)[-1]
    quoted = "(\"\"\"|'''|\"|')" + re.escape(value) + r"\1"
    typed = (
        quoted + r"\s*\^\^\s*(?:<" + re.escape(datatype) + r">|[^\s:<>]*:" + re.escape(local) + r"(?![\w-]))"
    )
    for pattern in (typed, quoted, re.escape(value)):
        if m := re.search(pattern, text):
            return _position(text, m)
    return 1, 1


def _position(text: str, match: re.Match[str] | None) -> tuple[int, int]:
    if match is None:
        return 1, 1
    at = match.start()
    breaks = list(_LINE_BREAK.finditer(text, 0, at))
    return len(breaks) + 1, at - (breaks[-1].end() if breaks else 0) + 1


# Strings, IRIs and comments, as Turtle's lexer sees them: to find the token too long for Oxigraph's buffer.
_TOKEN = "|".join(
    [  # unrolled loops: a run of plain characters is matched in one step, not one character at a time
        r'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""',
        r"'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''",
        r'"[^"\\\n\r]*(?:\\.[^"\\\n\r]*)*"',
        r"'[^'\\\n\r]*(?:\\.[^'\\\n\r]*)*'",
        r"<[^>\s]*>",
        r"#[^\n\r]*",
    ]
)


def token_too_long(text: str, display: str) -> ParseError:
    """The error for a string or IRI longer than Oxigraph's parser takes (it raises a bare MemoryError)."""
    found = None
    near = TOKEN_LIMIT - 4096  # the buffer holds a little more than the token
    for m in re.finditer(_TOKEN, text, re.S):
        if (
            m.end() - m.start() >= near // 4
            and not m.group().startswith("#")
            and len(m.group().encode()) >= near
        ):
            found = m
            break
    line, column = _position(text, found)
    size = f"{found.end() - found.start():,} characters" if found else "more than 16 MiB"
    return ParseError(
        display,
        line,
        column,
        f"a string or IRI of {size}: kg's Turtle parser takes at most 16 MiB in one token: "
        "split it, or keep a long text in a source text file (ekg:localPath)",
    )


def _unknown_prefix(prefix: str, declared: Mapping[str, str], known: Mapping[str, str]) -> str:
    import difflib  # only for this message: kept off the query path

    candidates = sorted({*declared, *known} - {prefix})
    lowered = {c.lower(): c for c in candidates}
    close = difflib.get_close_matches(prefix.lower(), list(lowered), n=1, cutoff=0.6)
    message = f'unknown prefix "{prefix}:"'
    if prefix in declared:  # declared, but below this use
        return f'{message}: it is declared further down: move its "@prefix" line above its first use'
    if prefix in known:  # the ontology declares it: the file only lacks the line
        return f'{message}: add "@prefix {prefix}: <{known[prefix]}> ." at the top of the file'
    if close:
        message += f' (did you mean "{lowered[close[0]]}:"?)'
        return f'{message}: correct it, or declare it with "@prefix {prefix}: <IRI> ." at the top of the file'
    return f'{message}: declare it with "@prefix {prefix}: <IRI> ." at the top of the file'


def _bad_iri(iri: str, problem: str) -> str:
    shown = _short(iri)
    if problem.startswith("No scheme found"):
        return (
            f"relative IRI {shown}: write an absolute IRI such as <https://example.org/{iri[1:-1]}> "
            "or a prefixed name such as ekg:Name"
        )
    if m := re.match(r"Invalid IRI code point '(.+)'$", problem, re.S):
        char = m[1]
        return (
            f"bad IRI {shown}: {char!r} is not allowed in an IRI: "
            f"percent-encode it as {_percent(char)} or remove it"
        )
    detail = problem[0].lower() + problem[1:] if problem else "invalid"
    return f"bad IRI {shown}: {detail}: correct the IRI"


def _percent(char: str) -> str:
    return "".join(f"%{b:02X}" for b in char.encode("utf-8"))


def _span(text: str, error: SyntaxError) -> str:
    """The source text the error points at (to the end of the file if it spans lines)."""
    lines = _LINE_BREAK.split(text)
    line, column = error.lineno or 1, error.offset or 1
    if not 1 <= line <= len(lines):
        return ""
    if error.end_lineno == line and error.end_offset and error.end_offset > column:
        return lines[line - 1][column - 1 : error.end_offset - 1]
    return "\n".join([lines[line - 1][column - 1 :], *lines[line:]])


def _short(s: str, limit: int = 60) -> str:
    s = s.split("\n", 1)[0]
    return s if len(s) <= limit else s[: limit - 1] + "…"
