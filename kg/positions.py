"""Where a term sits in a Turtle file: line and column of subjects, predicates, objects and literals.

pyoxigraph parses a file into triples but keeps no positions, so a finding about
a triple (kg.lint, kg validate) finds its place here: a small scanner reads the
file's tokens (comments and strings skipped as Turtle skips them), resolves
prefixed names with the file's own ``@prefix`` lines, follows the statement
structure (``;``, ``,``, ``[ ]``, ``( )``) and notes the first place of each
term. The file has already parsed, so the scanner need not report errors.

Pure Python and the standard library: kg.lint runs it in the build of the
compiled store, which never imports rdflib.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from urllib.parse import urljoin

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
    |(?P<comment>\#[^\n]*)
    |(?P<long>\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*''')
    |(?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    |(?P<directive>@prefix|@base)\b
    |(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    |(?P<caret>\^\^)
    |(?P<bnode>_:(?:[\w\-]|\.(?=[\w\-]))+)
    |(?P<number>[+-]?(?:\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
    |(?P<pname>(?:[^\W\d](?:[\w\-]|\.(?=[\w\-]))*)?:(?:[\w\-:%]|\\[^\s]|\.(?=[\w\-:%\\]))*)
    |(?P<word>[A-Za-z]+)
    |(?P<punct>[\[\]();,.])
    |(?P<other>.)
    """,
    re.X | re.S,
)
_LOCAL_ESCAPE = re.compile(r"\\(.)")
_STRING_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f"}

# Parser states: what the next token of a frame is.
_SUBJECT, _PREDICATE, _OBJECT, _AFTER_OBJECT, _LIST = range(5)


class _Frame:
    """A subject's predicate-object list: the top level, a ``[ ]`` or a ``( )``."""

    __slots__ = ("predicate", "state", "subject")

    def __init__(self, subject: str | None, state: int, predicate: str | None = None) -> None:
        self.subject = subject
        self.state = state
        self.predicate = predicate


class Positions:
    """The first place of each term of one Turtle file, as ``(line, column)`` (both from 1).

    Subjects and objects are keyed by IRI; a blank node's properties have the
    subject ``None``. Literals are kept with their predicate and value.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.terms: dict[str, int] = {}  # IRI -> first offset anywhere
        self.subjects: dict[str, int] = {}  # IRI -> first offset as a subject
        self.predicates: dict[tuple[str | None, str], int] = {}  # (subject, predicate) -> first offset
        self.objects: dict[tuple[str | None, str, str], int] = {}  # (subject, predicate, object IRI)
        self.literals: dict[tuple[str, str], list[tuple[int, str | None]]] = {}  # (predicate, value)
        self.prefix_lines: dict[str, int] = {}  # prefix name -> offset of its declaration
        self.prefixes: dict[str, str] = {}
        self._scan()

    # --- look-ups -------------------------------------------------------------------------------

    def where(self, offset: int | None) -> tuple[int, int] | None:
        """``(line, column)`` of a character offset."""
        if offset is None:
            return None
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def term(self, iri: str) -> tuple[int, int] | None:
        """Where ``iri`` is first written, in any role."""
        return self.where(self.terms.get(iri))

    def subject(self, iri: str) -> tuple[int, int] | None:
        """Where ``iri`` first starts a statement, else where it is first written."""
        return self.where(self.subjects.get(iri, self.terms.get(iri)))

    def predicate(self, subject: str | None, predicate: str) -> tuple[int, int] | None:
        """Where ``predicate`` is first written for ``subject``, else the subject's place."""
        at = self.predicates.get((subject, predicate))
        if at is None and subject is not None:
            return self.subject(subject)
        return self.where(at)

    def object(self, subject: str | None, predicate: str, obj: str) -> tuple[int, int] | None:
        """Where ``obj`` is first written as an object of ``subject predicate``, else first anywhere."""
        at = self.objects.get((subject, predicate, obj))
        return self.where(at) if at is not None else self.term(obj)

    def literal(self, predicate: str, value: str, subject: str | None = None) -> tuple[int, int] | None:
        """Where the literal ``value`` of ``predicate`` is written (for ``subject`` if given)."""
        found = self.literals.get((predicate, value), [])
        for offset, owner in found:
            if subject is None or owner == subject:
                return self.where(offset)
        return self.where(found[0][0]) if found else None

    def prefix(self, name: str) -> tuple[int, int] | None:
        """Where ``@prefix name:`` is declared."""
        return self.where(self.prefix_lines.get(name))

    # --- the scanner ----------------------------------------------------------------------------

    def _scan(self) -> None:
        base: str | None = None
        stack = [_Frame(None, _SUBJECT)]
        directive: str | None = None  # "prefix" or "base" while reading one
        pending_prefix: str | None = None
        datatype_next = False
        for m in _TOKEN.finditer(self.text):
            kind = m.lastgroup
            if kind in ("ws", "comment"):
                continue
            token = m.group()
            at = m.start()
            frame = stack[-1]

            if directive is not None:
                if directive == "prefix" and pending_prefix is None and kind == "pname":
                    pending_prefix = token[:-1] if token.endswith(":") else token.split(":", 1)[0]
                    self.prefix_lines.setdefault(pending_prefix, at)
                    continue
                if kind == "iri":
                    iri = token[1:-1]
                    iri = urljoin(base, iri) if base and ":" not in iri else iri
                    if directive == "prefix" and pending_prefix is not None:
                        self.prefixes[pending_prefix] = iri
                    else:
                        base = iri
                    directive, pending_prefix = None, None
                    continue
                directive, pending_prefix = None, None  # malformed: carry on with the token
            if len(stack) == 1 and frame.state == _SUBJECT:
                if kind == "directive":
                    directive = token[1:]
                    continue
                if kind == "word" and token.lower() in ("prefix", "base"):
                    directive = token.lower()
                    continue
            if datatype_next:
                datatype_next = False
                if kind in ("iri", "pname"):
                    continue
            if kind == "caret":
                datatype_next = True
                continue
            if kind == "lang":
                continue

            term = self._resolve(kind, token, base, frame.state == _PREDICATE)
            if term is not None:
                self.terms.setdefault(term, at)

            state = frame.state
            if state == _SUBJECT:
                if term is not None or kind == "bnode":
                    frame.subject = term
                    if term is not None:
                        self.subjects.setdefault(term, at)
                    frame.state = _PREDICATE
                elif token == "[":
                    frame.subject = None
                    frame.state = _PREDICATE
                    stack.append(_Frame(None, _PREDICATE))
                elif token == "(":
                    frame.subject = None
                    frame.state = _PREDICATE
                    stack.append(_Frame(None, _LIST))
            elif state == _PREDICATE:
                if term is not None:
                    frame.predicate = term
                    self.predicates.setdefault((frame.subject, term), at)
                    frame.state = _OBJECT
                elif token == "." and len(stack) == 1:
                    frame.state = _SUBJECT
                elif token == "]" and len(stack) > 1:
                    stack.pop()
            elif state in (_OBJECT, _LIST):
                owner = frame if state == _OBJECT else stack[-2] if len(stack) > 1 else frame
                if state == _LIST and token == ")":
                    stack.pop()
                    continue
                if term is not None and owner.predicate is not None:
                    self.objects.setdefault((owner.subject, owner.predicate, term), at)
                elif kind in ("string", "long", "number", "word") and owner.predicate is not None:
                    value = _string_value(token, kind)
                    self.literals.setdefault((owner.predicate, value), []).append((at, owner.subject))
                elif token == "[":
                    stack.append(_Frame(None, _PREDICATE))
                elif token == "(":
                    stack.append(_Frame(None, _LIST))
                if state == _OBJECT:
                    frame.state = _AFTER_OBJECT
            elif state == _AFTER_OBJECT:
                if token == ",":
                    frame.state = _OBJECT
                elif token == ";":
                    frame.state = _PREDICATE
                elif token == "." and len(stack) == 1:
                    frame.state = _SUBJECT
                elif token == "]" and len(stack) > 1:
                    stack.pop()

    def _resolve(self, kind: str | None, token: str, base: str | None, predicate: bool) -> str | None:
        if kind == "iri":
            iri = token[1:-1]
            return urljoin(base, iri) if base and ":" not in iri else iri
        if kind == "pname":
            prefix, _, local = token.partition(":")
            namespace = self.prefixes.get(prefix)
            if namespace is None:
                return None
            return namespace + _LOCAL_ESCAPE.sub(r"\1", local)
        if kind == "word" and token == "a" and predicate:
            return RDF_TYPE
        return None


def _string_value(token: str, kind: str | None) -> str:
    """The value of a literal token: a string unquoted and unescaped, a number or boolean as written."""
    if kind == "long":
        body = token[3:-3]
    elif kind == "string":
        body = token[1:-1]
    else:
        return token
    return _STRING_ESCAPE.sub(_unescape, body)


def _unescape(m: re.Match[str]) -> str:
    code = m.group(1) or m.group(2)
    if code:
        return chr(int(code, 16))
    char = m.group(3)
    return _ECHAR.get(char, char)
