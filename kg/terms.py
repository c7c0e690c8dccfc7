"""RDF terms as N-Triples text, without rdflib: the only way a user's value reaches SPARQL.

A value given on the command line (``-p NAME VALUE``, an entity to describe)
is turned into one RDF term here: an IRI is validated and written ``<...>``, a
literal is escaped. The text these functions return is valid both in
N-Triples and in SPARQL, and can never end the term it is in, so it cannot
change the query around it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kg.errors import KgError

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# Patterns as text, compiled (and cached) by re on first use: a module-level compile of each one costs
# every `kg query` its time at import (~0.2 ms a pattern), used or not.
# Characters N-Triples and SPARQL both forbid inside <...> (besides controls and space).
_IRI_FORBIDDEN = r'[\x00-\x20<>"{}|^`\\]'
_SCHEME = r"[A-Za-z][A-Za-z0-9+.\-]*:"
_LANG = r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*(?:--(?:ltr|rtl))?"
_ECHAR = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
# A backslash before "u" or "U" is written as \\ then \U00000075 (or \U00000055): SPARQL decodes \uXXXX
# before it parses (its spec, 19.2), and some engines (rdflib) do so without minding a \\ before it, which
# would turn a value's \\u0022 into a quote. Both readings of this spelling give back the value. The
# 8-digit form, because rdflib also reads \u with 8 hex digits when 8 follow.
_NEEDS_ESCAPE = r'\\[uU]|["\\\x00-\x1f\x7f]'
# PN_LOCAL, simplified to what compact() needs to write: no escapes, no leading '-' or '.', no trailing '.'.
_LOCAL = r"(?:[^\W][\w\-.]*[\w\-]|[^\W])?"
_PREFIX = r"(?:[^\W\d_][\w\-.]*[\w\-]|[^\W\d_])?"
_CURIE = r"(?P<prefix>[^\W\d_][\w\-.]*)?:(?P<local>\S*)"


def nt_iri(iri: str) -> str:
    """``<iri>``; KgError if ``iri`` is not an absolute IRI that could be written that way."""
    bad = re.search(_IRI_FORBIDDEN, iri)
    if bad:
        char = bad.group()
        shown = repr(char) if char.isprintable() and char != " " else f"U+{ord(char):04X}"
        raise KgError(f"not an IRI: {iri!r} holds {shown}, which an IRI cannot hold: percent-encode it")
    if not re.match(_SCHEME, iri):
        raise KgError(
            f"not an absolute IRI: {iri!r}: give a full IRI such as <https://example.org/x>, "
            "or a prefixed name such as ekg:TheAwakening"
        )
    import pyoxigraph as ox

    try:
        ox.NamedNode(iri)  # RFC 3987 in full: ports, percent-encoding, ...
    except ValueError as e:
        raise KgError(f"not an IRI: {iri!r}: {e}: correct it") from None
    return f"<{iri}>"


def nt_literal(value: str, datatype: str | None = None, lang: str | None = None) -> str:
    """``"value"``, ``"value"@lang`` or ``"value"^^<datatype>``, escaped so that it stays one term."""
    if lang is not None and datatype not in (None, RDF_LANG_STRING):
        raise KgError(f"a literal has a language tag or a datatype, not both (got @{lang} and <{datatype}>)")
    text = f'"{_escape(value)}"'
    if lang is not None:
        if not re.fullmatch(_LANG, lang):
            raise KgError(f"not a language tag: {lang!r}: use a BCP 47 tag such as en or en-GB")
        return f"{text}@{lang}"
    if datatype is None or datatype == XSD_STRING:
        return text
    return f"{text}^^{nt_iri(datatype)}"


def _escape(value: str) -> str:
    if not re.search(_NEEDS_ESCAPE, value):
        return value
    return re.sub(_NEEDS_ESCAPE, _escape_one, value)


def _escape_one(match: re.Match[str]) -> str:
    found = match.group()
    if len(found) == 2:  # a backslash and a "u"
        return f"\\\\\\U{ord(found[1]):08X}"
    return _ECHAR.get(found, f"\\U{ord(found):08X}")


def nt_term(term: Any) -> str:
    """A pyoxigraph NamedNode, Literal or BlankNode as N-Triples text (escaped as above)."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        if term.language:
            return nt_literal(term.value, lang=term.language)
        return nt_literal(term.value, term.datatype.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    raise KgError(f"not an RDF term kg can write: {term!r}")


def parse_term(text: str) -> Any:
    """The pyoxigraph term an N-Triples term (``<iri>``, ``"lit"@en``, ``_:b``) stands for.

    KgError if ``text`` is not exactly one term.
    """
    import pyoxigraph as ox

    try:
        triples = list(ox.parse(f"<urn:s> <urn:p> {text} .", format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError:
        triples = []
    if len(triples) != 1:
        raise KgError(
            f'not one RDF term in N-Triples form: {text!r}: write <IRI>, "text", "text"@en '
            'or "1"^^<http://www.w3.org/2001/XMLSchema#integer>'
        )
    return triples[0].object


def expand_curie(text: str, prefixes: Mapping[str, str]) -> str | None:
    """``"ekg:Foo"`` -> the full IRI when ``ekg`` is in ``prefixes``; None when ``text`` is no such name."""
    m = re.fullmatch(_CURIE, text)
    if not m or m["local"].startswith("//"):  # "http://..." is an IRI, not the prefix "http"
        return None
    namespace = prefixes.get(m["prefix"] or "")
    if namespace is None:
        return None
    return namespace + m["local"]


def expand_name(text: str, prefixes: Mapping[str, str]) -> str | None:
    """The IRI a Turtle name stands for: ``<iri>``, or a prefixed name (see expand_curie)."""
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    return expand_curie(text, prefixes)


def compact(iri: str, prefixes: Mapping[str, str]) -> str:
    """A full IRI as ``prefix:local`` with the longest matching namespace, else ``<iri>``."""
    best: tuple[int, str] | None = None
    for prefix, namespace in prefixes.items():
        if not namespace or not iri.startswith(namespace) or not re.fullmatch(_PREFIX, prefix):
            continue
        local = iri[len(namespace) :]
        if re.fullmatch(_LOCAL, local) and (best is None or len(namespace) > best[0]):
            best = (len(namespace), f"{prefix}:{local}")
    return best[1] if best else f"<{iri}>"
