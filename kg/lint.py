"""Lint the ontology and the user's Turtle files: a report in the style of ROBOT's ``report``.

Each finding has a level (ERROR, WARN, INFO), a rule, the file and line where
it sits, the subject it is about, and a message that says how to fix it. The
rules (``RULES``) look at the merged graph (a term declared in core.ttl may be
used in an extension) but each finding is placed in the file that holds the
faulty triple.

Everything here runs on pyoxigraph's terms and the standard library, never
rdflib: the build of the compiled store (kg.compile) lints the user's files
before it writes anything (the gate; ``kg --force`` lets errors through), and
that build must stay fast. Triples are seen once, as they stream from the
parser; only what the rules need is kept. Line numbers come from kg.positions,
which scans a file only when a finding needs a place in it.

The standard vocabularies' terms (``vocabularies.txt``) are what rdflib lists
for RDF, RDFS, OWL, XSD, SKOS, DCTERMS, DC, FOAF, PROV and schema.org, with
Web Annotation and SIOC from their specifications.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pyoxigraph as ox

from kg.errors import LintError, did_you_mean
from kg.sources import Source

LEVELS = ("ERROR", "WARN", "INFO")
_RANK = {level: rank for rank, level in enumerate(LEVELS)}

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
EKG = "https://w3id.org/essay-kg/ns#"
OA = "http://www.w3.org/ns/oa#"

# The prefixes every user may rely on; the ontology's own files add theirs (core.ttl's first).
WELL_KNOWN_PREFIXES = {
    "ekg": EKG,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": "http://purl.org/dc/terms/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "sioc": "http://rdfs.org/sioc/ns#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": OA,
    "sh": "http://www.w3.org/ns/shacl#",
}

# rule -> (level, what it finds); the README and `kg lint --help` list them.
RULES = {
    "undeclared-class": ("ERROR", "a class used (a, rdfs:domain, rdfs:range, ...) but declared nowhere"),
    "undeclared-property": ("ERROR", "a property used but declared nowhere"),
    "unknown-namespace": ("WARN", "a term of a namespace that no loaded file declares anything in"),
    "prefix-mismatch": ("ERROR", "a prefix bound to another namespace than the ontology's"),
    "missing-label": ("ERROR", "an individual, class or property without rdfs:label"),
    "duplicate-label": ("ERROR", "two individuals with the same rdfs:label"),
    "missing-evidence": ("WARN", "an individual without ekg:evidence"),
    "missing-offsets": ("WARN", "evidence whose quote has no oa:TextPositionSelector"),
    "quote-mismatch": ("ERROR", "an evidence quote its source text does not hold at its offsets"),
    "unknown-source": ("ERROR", "evidence quoting a source whose text is not known"),
    "dangling-reference": ("ERROR", "an ekg: IRI used as an object that nothing describes"),
    "order-gap": ("ERROR", "ekg:position numbers of a scheme with a gap, or below 1"),
    "order-duplicate": ("ERROR", "two items of a scheme with the same ekg:position"),
    "order-missing-position": ("ERROR", "an item of a numbered scheme without ekg:position"),
    "order-cycle": ("ERROR", "ekg:nextStage links that loop"),
    "order-next": ("ERROR", "ekg:nextStage not pointing at the next position, or more than one"),
    "wrong-datatype": ("ERROR", "a value of the wrong kind or datatype for its property's rdfs:range"),
    "missing-definition": ("INFO", "a class or property without skos:definition or rdfs:comment"),
}

_RDF_TYPE = RDF + "type"
_LABEL = RDFS + "label"
_COMMENT = RDFS + "comment"
_SUB_CLASS_OF = RDFS + "subClassOf"
_SUB_PROPERTY_OF = RDFS + "subPropertyOf"
_DOMAIN = RDFS + "domain"
_RANGE = RDFS + "range"
_DEFINITION = SKOS + "definition"
_IN_SCHEME = SKOS + "inScheme"
_EVIDENCE = EKG + "evidence"
_POSITION = EKG + "position"
_NEXT_STAGE = EKG + "nextStage"
_LOCAL_PATH = EKG + "localPath"
_HAS_SOURCE = OA + "hasSource"
_HAS_SELECTOR = OA + "hasSelector"
_EXACT = OA + "exact"
_START = OA + "start"
_END = OA + "end"
_SCHEMA_PREDICATES = {_RDF_TYPE, _SUB_CLASS_OF, _SUB_PROPERTY_OF, _DOMAIN, _RANGE}
# Objects of these are checked by other rules than dangling-reference (undeclared-*, unknown-source).
_NOT_REFERENCES = {*_SCHEMA_PREDICATES, OA + "hasSource"}
# The predicates whose triples the rules look at (Linter._sort_buckets).
_BUCKETS = [
    *_SCHEMA_PREDICATES,
    _LABEL,
    _DEFINITION,
    _COMMENT,
    _EVIDENCE,
    _LOCAL_PATH,
    _HAS_SOURCE,
    _HAS_SELECTOR,
    _EXACT,
    _START,
    _END,
    _POSITION,
    _IN_SCHEME,
    _NEXT_STAGE,
]

_CLASS_METAS = {RDFS + "Class", OWL + "Class", RDFS + "Datatype", OWL + "DeprecatedClass"}
_PROPERTY_METAS = {
    RDF + "Property",
    *(
        OWL + name
        for name in [
            "ObjectProperty",
            "DatatypeProperty",
            "AnnotationProperty",
            "OntologyProperty",
            "FunctionalProperty",
            "InverseFunctionalProperty",
            "TransitiveProperty",
            "SymmetricProperty",
            "AsymmetricProperty",
            "ReflexiveProperty",
            "IrreflexiveProperty",
            "DeprecatedProperty",
        ]
    ),
}
# The classes whose instances are individuals that need a label and evidence (as ekgsh:IndividualShape).
_INDIVIDUAL_ROOTS = {
    "http://xmlns.com/foaf/0.1/Agent",
    "https://schema.org/CreativeWork",
    "http://rdfs.org/sioc/ns#Post",
    "http://rdfs.org/sioc/ns#Forum",
    SKOS + "Concept",
    SKOS + "ConceptScheme",
    "https://schema.org/Place",
    "https://schema.org/Event",
    "http://www.w3.org/ns/prov#Entity",
}
_NOT_INDIVIDUALS = {OWL + "Ontology", OWL + "Class", EKG + "SourceText"}

_INTEGERS = {
    XSD + name
    for name in [
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    ]
}
_NUMBERS = {*_INTEGERS, XSD + "decimal", XSD + "double", XSD + "float"}
_TZ = r"(?:Z|[+-]\d{2}:\d{2})?"
_LEXICAL = {
    **{dt: re.compile(r"[+-]?\d+\Z") for dt in _INTEGERS},
    XSD + "decimal": re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)\Z"),
    XSD + "double": re.compile(r"(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?INF|NaN)\Z"),
    XSD + "float": re.compile(r"(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?INF|NaN)\Z"),
    XSD + "boolean": re.compile(r"(?:true|false|1|0)\Z"),
    XSD + "date": re.compile(r"-?\d{4,}-\d{2}-\d{2}" + _TZ + r"\Z"),
    XSD + "dateTime": re.compile(r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?" + _TZ + r"\Z"),
    XSD + "gYear": re.compile(r"-?\d{4,}" + _TZ + r"\Z"),
}
_EXAMPLE_VALUE = {
    XSD + "integer": "41",
    XSD + "decimal": "41.5",
    XSD + "double": "4.15e1",
    XSD + "boolean": "true",
    XSD + "string": '"words"',
    XSD + "date": '"2009-08-17"^^xsd:date',
    XSD + "dateTime": '"2009-08-17T09:00:00Z"^^xsd:dateTime',
    XSD + "gYear": '"2009"^^xsd:gYear',
}
_LITERAL_TYPES = {RDF + "langString", RDF + "PlainLiteral", RDFS + "Literal"}
_SHOWN = 60  # characters of a literal shown in a message
EVIDENCE_EXAMPLE = (
    "`ekg:evidence [ a oa:SpecificResource ; oa:hasSource ekg:essay ; "
    'oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "…" ] ] ;`'
)


class Finding(NamedTuple):
    """One row of the report. ``line`` and ``column`` count from 1; None when the place is unknown."""

    level: str
    rule: str
    file: str
    line: int | None
    column: int | None
    subject: str
    message: str

    @property
    def where(self) -> str:
        """``file:line:column``, or as much of it as is known."""
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}" + (f":{self.column}" if self.column else "")

    def to_json(self) -> dict[str, Any]:
        """The finding as plain JSON-ready data."""
        return {
            "level": self.level,
            "rule": self.rule,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "subject": self.subject,
            "message": self.message,
        }


class Report:
    """The findings of one lint run, most severe first, then in file and line order."""

    def __init__(self, findings: Iterable[Finding], files: Sequence[str] = ()) -> None:
        order = {name: i for i, name in enumerate(files)}
        self.files = list(files)
        self.findings = sorted(
            dict.fromkeys(findings),
            key=lambda f: (
                _RANK[f.level],
                order.get(f.file, len(order)),
                f.file,
                f.line or 0,
                f.rule,
                f.message,
            ),
        )

    def counts(self) -> dict[str, int]:
        """How many findings of each level."""
        counts = dict.fromkeys(LEVELS, 0)
        for finding in self.findings:
            counts[finding.level] += 1
        return counts

    def at_or_above(self, level: str) -> list[Finding]:
        """The findings of ``level`` or worse."""
        rank = _RANK[level.upper()]
        return [f for f in self.findings if _RANK[f.level] <= rank]

    def summary(self) -> str:
        """One line: the counts."""
        counts = self.counts()
        parts = [
            _plural(counts["ERROR"], "error"),
            _plural(counts["WARN"], "warning"),
            _plural(counts["INFO"], "info"),
        ]
        files = _plural(len(self.files), "file")
        return f"{', '.join(parts)} in {files}."

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON-ready data."""
        return {
            "counts": self.counts(),
            "files": self.files,
            "findings": [f.to_json() for f in self.findings],
        }


def lint(
    extra: Sequence[Path | str] = (),
    *,
    ontology_dir: Path | None = None,
    only_extra: bool = False,
) -> Report:
    """Lint the built-in ontology plus ``extra`` Turtle files or folders.

    ``only_extra`` keeps the findings about ``extra`` only (the ontology is
    still read: an extension uses its terms). A file that cannot be read or
    parsed raises a SourceError / ParseError, as everywhere else.
    """
    from kg.compile import sources_for
    from kg.sources import expand

    sources = sources_for(extra, ontology_dir)
    user = {s.path for s in expand(extra)}
    builtin = [s.path for s in sources if s.path not in user]
    return Linter(sources, report_on=user if only_extra else None, builtin=builtin).run()


def gate(sources: Sequence[Source], user: Collection[Path]) -> list[Finding]:
    """The ERROR findings about the ``user`` files among ``sources`` (kg.compile refuses to build on any).

    Remembered for the process, by each source's path, size and modification time: `kg build`
    gates the files before it reads them, then again when it compiles the store for its query pages.
    """
    if not user:
        return []
    key = (tuple((str(s.path), *_stamp(s.path)) for s in sources), frozenset(user))
    if key not in _GATED:
        builtin = [s.path for s in sources if s.path not in user]
        _GATED[key] = Linter(sources, report_on=set(user), builtin=builtin, levels={"ERROR"}).run().findings
    return _GATED[key]


_GATED: dict[Any, list[Finding]] = {}


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def errors_in(extra: Sequence[Path | str]) -> list[Finding]:
    """``gate`` for the built-in ontology plus ``extra`` Turtle files or folders."""
    from kg.compile import sources_for
    from kg.sources import expand

    return gate(sources_for(extra), {source.path for source in expand(extra)})


def gate_error(findings: Sequence[Finding], *, limit: int = 20) -> LintError:
    """The error that refuses files with lint errors: each error's place and fix, then the way out.

    The same whether the store was never built or was built with --force before (which a query
    without --force refuses as well), so that the message does not depend on the cache.
    """
    from kg.printable import printable

    lines = [printable(f"{f.where}: {f.message} [{f.rule}]") for f in findings[:limit]]
    if len(findings) > limit:
        lines.append(f"... and {len(findings) - limit} more")
    files = list(dict.fromkeys(f.file for f in findings))
    count = _plural(len(findings), "lint error")
    lines.append(
        f"{count} in {', '.join(files) or 'the extension files'}: fix them (`kg lint "
        f"{' '.join(files) or 'FILE'}` lists every finding), or give --force (`kg --force ...`) to use the "
        "files as they are"
    )
    return LintError("\n".join(lines), list(findings))


#################################################################
# Reading: one pass over every triple
#################################################################


class _File:
    """One Turtle file being linted: its text, prefixes, and what the rules noted in it."""

    def __init__(self, index: int, source: Source, text: str, builtin: bool) -> None:
        self.index = index
        self.source = source
        self.text = text
        self.builtin = builtin
        self.prefixes: dict[str, str] = {}
        self.predicates: dict[Any, Any] = {}  # predicate -> first subject
        self.class_uses: dict[Any, tuple[Any, str]] = {}  # class -> (subject, predicate), first use
        self.property_uses: dict[Any, tuple[Any, str]] = {}  # rdfs:subPropertyOf objects
        self.references: dict[Any, tuple[Any, Any]] = {}  # ekg: IRI object -> (subject, predicate)
        self.literals: dict[tuple[Any, Any], list[Any]] = {}  # (predicate, datatype) -> [s, o, count]
        self.nodes: dict[Any, tuple[Any, Any]] = {}  # predicate -> (subject, IRI or blank object), first
        self.ill_typed: list[tuple[Any, Any, Any]] = []
        self._positions: Any = None

    def positions(self) -> Any:
        if self._positions is None:
            from kg.positions import Positions

            self._positions = Positions(self.text)
        return self._positions


class Linter:
    """Reads ``sources`` once and runs every rule; ``report_on`` limits the findings to those files."""

    def __init__(
        self,
        sources: Sequence[Source],
        *,
        report_on: Collection[Path] | None = None,
        builtin: Collection[Path] = (),
        levels: Collection[str] = LEVELS,
    ) -> None:
        self.sources = list(sources)
        self.report_on = report_on
        self.builtin = set(builtin)
        self.levels = set(levels)
        self.files: list[_File] = []
        self.findings: list[Finding] = []
        # The graph, as far as the rules need it (pyoxigraph terms).
        self.subject_file: dict[Any, int] = {}  # IRI subject -> first file that describes it
        self.out_predicates: dict[Any, set[int]] = {}  # IRI subject -> its predicates' numbers
        self.in_predicates: dict[Any, list[Any]] = {}  # IRI object -> [numbers of predicates to it, file]
        self.predicate_numbers: dict[Any, int] = {}  # predicate -> its number (an index of predicate_terms)
        self.predicate_terms: list[Any] = []
        self.types: dict[Any, list[Any]] = {}
        self.labels: dict[Any, list[tuple[str, int]]] = {}
        self.defined: set[Any] = set()
        self.declared: dict[Any, tuple[str, int]] = {}  # term -> ("class" | "property", file)
        self.sub_classes: list[tuple[Any, Any]] = []
        self.sub_properties: list[tuple[Any, Any]] = []
        self.ranges: dict[Any, set[Any]] = {}
        self.domains: dict[Any, set[Any]] = {}
        self.evidence: list[tuple[Any, Any, int]] = []  # (owner, evidence node, file)
        self.evidence_sources: dict[Any, list[Any]] = {}
        self.selectors: dict[Any, list[Any]] = {}
        self.exact: dict[Any, list[Any]] = {}
        self.start: dict[Any, Any] = {}
        self.end: dict[Any, Any] = {}
        self.in_scheme: dict[Any, list[tuple[Any, int]]] = {}
        self.position: dict[Any, list[tuple[Any, int]]] = {}
        self.next_stage: dict[Any, list[tuple[Any, int]]] = {}
        self.local_paths: list[tuple[int, Any, str]] = []
        self.texts: dict[str, str] = {}
        self._prefix_cache: dict[str, str] | None = None

    # --- the run ---------------------------------------------------------------------------------

    def run(self) -> Report:
        """Read every source, then apply every rule."""
        import gc

        # What is read stays until the end and holds no cycles: the collector's passes over it cost
        # a quarter of the time on a large extension, for nothing.
        enabled = gc.isenabled()
        gc.disable()
        try:
            for source in self.sources:
                self._read(source)
        finally:
            if enabled:
                gc.enable()
        self._read_texts()
        self._check_prefixes()
        individuals = self._individuals()
        self._check_terms()
        self._check_labels(individuals)
        self._check_evidence(individuals)
        self._check_references()
        self._check_orders()
        self._check_datatypes()
        return Report(self.findings, [f.source.display for f in self.files if self._reported(f)])

    def _reported(self, file: _File) -> bool:
        return self.report_on is None or file.source.path in self.report_on

    def _read(self, source: Source) -> None:
        from kg.turtle import checked, decode_utf8, explain_error, token_too_long

        try:
            data = source.path.read_bytes()
        except OSError as e:
            from kg.errors import SourceError

            raise SourceError(f"{source.display}: cannot read: {e.strerror or e}") from None
        text = decode_utf8(data, source.display)
        file = _File(len(self.files), source, text, source.path in self.builtin)
        self.files.append(file)
        parser = ox.parse(text, ox.RdfFormat.TURTLE)
        known = {k: v for f in self.files for k, v in f.prefixes.items()}
        try:
            self._feed(file, checked(parser, text, source.display, literals=False))  # triple terms
        except SyntaxError as e:
            raise explain_error(e, text, source.display, known) from None
        except MemoryError:  # a string or IRI over the parser's 16 MiB
            raise token_too_long(text, source.display) from None
        file.prefixes = dict(parser.prefixes)

    def _feed(self, file: _File, quads: Iterable[Any]) -> None:
        """Note what the rules need from each triple.

        The hot loop (a million triples take seconds). pyoxigraph hashes a term anew at every dict
        look-up (~0.2 µs), so each triple looks up its predicate, subject and object once: the
        predicate's entry holds its number, first uses and bucket, and sets hold predicate numbers.
        The triples of the predicates the rules look at go to buckets, worked through afterwards.
        """
        named, literal_type = ox.NamedNode, ox.Literal
        index = file.index
        subject_file, out_predicates = self.subject_file, self.out_predicates
        in_predicates, references = self.in_predicates, file.references
        numbers, terms = self.predicate_numbers, self.predicate_terms
        buckets: dict[Any, list[tuple[Any, Any]]] = {named(p): [] for p in _BUCKETS}
        lexical = {named(k): v for k, v in _LEXICAL.items()}
        not_references = {named(p) for p in _NOT_REFERENCES}
        ill_typed = file.ill_typed
        # predicate -> [number, first subject, first (s, node), bucket, {datatype: [s, o, n, re]}, skip refs]
        seen: dict[Any, list[Any]] = {}
        for q in quads:
            s, p, o = q.subject, q.predicate, q.object
            entry = seen.get(p)
            if entry is None:
                number = numbers.get(p)
                if number is None:
                    number = numbers[p] = len(terms)
                    terms.append(p)
                entry = seen[p] = [number, s, None, buckets.get(p), {}, p in not_references]
            number = entry[0]
            if type(s) is named:
                known = subject_file.get(s)
                if known is None:
                    subject_file[s] = index
                    out_predicates[s] = {number}
                else:
                    out_predicates[s].add(number)
            if type(o) is literal_type:
                datatype = o.datatype
                literal = entry[4].get(datatype)
                if literal is None:
                    literal = entry[4][datatype] = [s, o, 0, lexical.get(datatype)]
                literal[2] += 1
                pattern = literal[3]
                if pattern is not None and not pattern.match(o.value):
                    ill_typed.append((s, p, o))
            else:
                if entry[2] is None:
                    entry[2] = (s, o)
                if type(o) is named:
                    pointing = in_predicates.get(o)
                    if pointing is None:
                        pointing = in_predicates[o] = [set(), -1]
                    pointing[0].add(number)
                    if pointing[1] != index:  # the first time in this file
                        pointing[1] = index
                        if not entry[5] and o.value.startswith(EKG):
                            references[o] = (s, p)
            bucket = entry[3]
            if bucket is not None:
                bucket.append((s, o))
        for p, (_number, first, node, _bucket, literals, _not_reference) in seen.items():
            file.predicates[p] = first
            if node is not None:
                file.nodes[p] = node
            for datatype, (subject, value, count, _pattern) in literals.items():
                file.literals[(p, datatype)] = [subject, value, count]
        self._sort_buckets(file, {k.value: v for k, v in buckets.items()})

    def _sort_buckets(self, file: _File, buckets: dict[str, list[tuple[Any, Any]]]) -> None:
        """What the rules need from the triples of the predicates they look at."""
        index = file.index
        declared, class_uses = self.declared, file.class_uses
        class_metas = {ox.NamedNode(c) for c in _CLASS_METAS}
        property_metas = {ox.NamedNode(c) for c in _PROPERTY_METAS}
        types = self.types
        for s, o in buckets[_RDF_TYPE]:
            if isinstance(s, ox.NamedNode):  # individuals are IRIs
                types.setdefault(s, []).append(o)
            if o in class_metas:
                declared.setdefault(s, ("class", index))
            elif o in property_metas:
                declared.setdefault(s, ("property", index))
            if o not in class_uses:
                class_uses[o] = (s, _RDF_TYPE)
        for s, o in buckets[_SUB_CLASS_OF]:
            declared.setdefault(s, ("class", index))
            self.sub_classes.append((s, o))
            class_uses.setdefault(o, (s, _SUB_CLASS_OF))
        for s, o in buckets[_SUB_PROPERTY_OF]:
            declared.setdefault(s, ("property", index))
            self.sub_properties.append((s, o))
            file.property_uses.setdefault(o, (s, _SUB_PROPERTY_OF))
        for predicate, table in ((_DOMAIN, self.domains), (_RANGE, self.ranges)):
            for s, o in buckets[predicate]:
                declared.setdefault(s, ("property", index))
                table.setdefault(s, set()).add(o)
                class_uses.setdefault(o, (s, predicate))
        for s, o in buckets[_LABEL]:
            if isinstance(o, ox.Literal):
                self.labels.setdefault(s, []).append((o.value, index))
        self.defined.update(s for s, _ in buckets[_DEFINITION])
        self.defined.update(s for s, _ in buckets[_COMMENT])
        self.evidence.extend((s, o, index) for s, o in buckets[_EVIDENCE])
        self.local_paths.extend(
            (index, s, o.value) for s, o in buckets[_LOCAL_PATH] if isinstance(o, ox.Literal)
        )
        for predicate, table in (
            (_HAS_SOURCE, self.evidence_sources),
            (_HAS_SELECTOR, self.selectors),
            (_EXACT, self.exact),
        ):
            for s, o in buckets[predicate]:
                table.setdefault(s, []).append(o)
        for predicate, first in ((_START, self.start), (_END, self.end)):
            for s, o in buckets[predicate]:
                first.setdefault(s, o)
        for predicate, by_file in (
            (_POSITION, self.position),
            (_IN_SCHEME, self.in_scheme),
            (_NEXT_STAGE, self.next_stage),
        ):
            for s, o in buckets[predicate]:
                by_file.setdefault(s, []).append((o, index))

    def _read_texts(self) -> None:
        from kg.sources import read_source_text

        for index, subject, value in self.local_paths:
            file = self.files[index]
            text, _path = read_source_text(file.source, file.text, value)
            self.texts.setdefault(subject.value, text)

    # --- reporting -------------------------------------------------------------------------------

    def _add(
        self,
        rule: str,
        file: _File,
        place: tuple[int, int] | None,
        subject: Any,
        message: str,
    ) -> None:
        level = RULES[rule][0]
        if level not in self.levels or not self._reported(file):
            return
        line, column = place if place is not None else (None, None)
        self.findings.append(
            Finding(level, rule, file.source.display, line, column, self._name(subject, file), message)
        )

    def _wanted(self, rule: str, file: _File) -> bool:
        """Whether a finding of ``rule`` in ``file`` would be kept (to skip the work when not)."""
        return RULES[rule][0] in self.levels and self._reported(file)

    def _name(self, term: Any, file: _File | None = None) -> str:
        """A term as Turtle writes it, with the file's prefixes (then the ontology's)."""
        if isinstance(term, ox.NamedNode):
            return self._compact(term.value, file)
        if isinstance(term, ox.BlankNode):
            return "[]"
        if isinstance(term, ox.Literal):
            return _literal_text(term, lambda iri: self._compact(iri, file))
        return str(term)

    def _compact(self, iri: str, file: _File | None = None) -> str:
        best: tuple[int, str] | None = None
        for prefixes in (file.prefixes if file else {}, self._ontology_prefixes()):
            for prefix, namespace in prefixes.items():
                fits = iri.startswith(namespace) and _local_ok(iri[len(namespace) :])
                if fits and (best is None or len(namespace) > best[0]):
                    best = (len(namespace), f"{prefix}:{iri[len(namespace) :]}")
            if best is not None:
                return best[1]
        return f"<{iri}>"

    def _ontology_prefixes(self) -> dict[str, str]:
        """The ontology's prefixes (built-in files first), then the well-known ones."""
        if self._prefix_cache is not None:
            return self._prefix_cache
        found: dict[str, str] = {}
        for file in sorted(self.files, key=lambda f: not f.builtin):
            for prefix, namespace in file.prefixes.items():
                found.setdefault(prefix, namespace)
        for prefix, namespace in WELL_KNOWN_PREFIXES.items():
            found.setdefault(prefix, namespace)
        self._prefix_cache = found
        return found

    def _where_subject(self, file: _File, term: Any) -> tuple[int, int] | None:
        if isinstance(term, ox.NamedNode):
            return file.positions().subject(term.value)
        return None

    # --- rules -----------------------------------------------------------------------------------

    def _check_prefixes(self) -> None:
        # A prefix the ontology declares must mean what it means there; a namespace that is almost one
        # the ontology or a well-known vocabulary uses (http for https, / for #) is a mistake too.
        canonical: dict[str, str] = {}
        for file in self.files:
            if file.builtin:
                for prefix, namespace in file.prefixes.items():
                    canonical.setdefault(prefix, namespace)
        usual = {**WELL_KNOWN_PREFIXES, **canonical}
        by_shape = {_namespace_shape(ns): (p, ns) for p, ns in reversed(usual.items())}
        for file in self.files:
            if file.builtin or not self._wanted("prefix-mismatch", file):
                continue
            for prefix, namespace in file.prefixes.items():
                expected = canonical.get(prefix)
                if expected is not None and namespace != expected:
                    message = (
                        f"@prefix {prefix}: is bound to <{namespace}> here, but {prefix}: is <{expected}> "
                        f"in the ontology, so this file's {prefix}: terms are not the ontology's: write "
                        f"`@prefix {prefix}: <{expected}> .`"
                    )
                elif expected is None and _namespace_shape(namespace) in by_shape:
                    known_prefix, known = by_shape[_namespace_shape(namespace)]
                    if namespace == known:
                        continue
                    message = (
                        f"@prefix {prefix}: is bound to <{namespace}>, which is almost <{known}> (the "
                        f"{known_prefix}: namespace), so its terms are not the ones the ontology uses: write "
                        f"`@prefix {prefix}: <{known}> .`"
                    )
                else:
                    continue
                place = file.positions().prefix(prefix)
                self._add("prefix-mismatch", file, place, _Text(f"@prefix {prefix}:"), message)

    def _individuals(self) -> dict[Any, set[Any]]:
        """Every IRI subject that is an individual (as ekgsh:IndividualShape targets them), with its types."""
        from kg.infer import _transitive

        supers = _transitive(self.sub_classes)
        super_properties = _transitive(self.sub_properties)
        roots = {ox.NamedNode(c) for c in _INDIVIDUAL_ROOTS}
        excluded = {ox.NamedNode(c) for c in _NOT_INDIVIDUALS}

        def with_supers(classes: Iterable[Any]) -> set[Any]:
            found = set(classes)
            for c in list(found):
                found |= supers.get(c, set())
            return found

        def lifted(table: dict[Any, set[Any]]) -> dict[Any, set[Any]]:
            out: dict[Any, set[Any]] = {}
            for p in {*table, *super_properties}:
                classes = set(table.get(p, ()))
                for sup in super_properties.get(p, ()):
                    classes |= table.get(sup, set())
                if classes:
                    out[p] = classes
            return out

        domains, ranges = lifted(self.domains), lifted(self.ranges)
        individuals: dict[Any, set[Any]] = {}
        terms = self.predicate_terms
        domains_by = [domains.get(p, set()) for p in terms]
        ranges_by = [ranges.get(p, set()) for p in terms]
        for subject, predicates in self.out_predicates.items():
            types = set(self.types.get(subject, ()))
            for number in predicates:
                types |= domains_by[number]
            pointing = self.in_predicates.get(subject)
            for number in pointing[0] if pointing else ():
                types |= ranges_by[number]
            if not types:
                continue
            closed = with_supers(types)
            if closed & roots and not closed & excluded:
                individuals[subject] = closed
        return individuals

    def _check_terms(self) -> None:
        """Classes and properties used but declared nowhere, and declared ones without label or definition."""
        vocabularies = known_vocabularies()
        declared_namespaces = {_namespace(t.value) for t in self.declared}
        candidates: dict[str, list[str]] = {}

        def suggestions(kind: str, file: _File) -> list[str]:
            if kind not in candidates:
                names = {self._compact(t.value, file) for t, (k, _) in self.declared.items() if k == kind}
                for namespace, terms in vocabularies.items():
                    for term in terms:
                        is_class = term[:1].isupper() or namespace == XSD
                        if is_class == (kind == "class"):
                            names.add(self._compact(namespace + term, file))
                candidates[kind] = sorted(n for n in names if not n.startswith("<") and not n.endswith(":"))
            return candidates[kind]

        for file in self.files:
            uses = [
                *(("property", p, s, None) for p, s in file.predicates.items()),
                *(("class", c, s, p) for c, (s, p) in file.class_uses.items()),
                *(("property", c, s, p) for c, (s, p) in file.property_uses.items()),
            ]
            for kind, term, subject, via in uses:
                if term in self.declared or not isinstance(term, ox.NamedNode):
                    continue
                iri = term.value
                namespace, local = _namespace(iri), _local(iri)
                if namespace in vocabularies:
                    if local in vocabularies[namespace] or (
                        namespace == RDF and re.fullmatch(r"_\d+", local)
                    ):
                        continue
                    rule = f"undeclared-{kind}"
                elif namespace in declared_namespaces or namespace == EKG:
                    rule = f"undeclared-{kind}"
                else:
                    rule = "unknown-namespace"
                if not self._wanted(rule, file):
                    continue
                name = self._compact(iri, file)
                if via is None:
                    place = file.positions().predicate(_value(subject), iri)
                else:
                    place = file.positions().object(_value(subject), via, iri)
                if kind == "class":
                    meta = "owl:Class"
                elif any(p == term for p, _ in file.literals):
                    meta = "owl:DatatypeProperty"
                else:
                    meta = "owl:ObjectProperty"
                declare = f'`{name} a {meta} ; rdfs:label "…" ; skos:definition "…" .`'
                if rule == "unknown-namespace":
                    message = (
                        f"the {kind} {name} is declared in no loaded file, and kg knows no vocabulary at "
                        f"<{namespace}>: declare it ({declare}), or load the file that does"
                    )
                else:
                    hint = did_you_mean(name, suggestions(kind, file), limit=1, cutoff=0.6)
                    if namespace in vocabularies:
                        where = f"is not a term of <{namespace}>"
                        fix = "correct the name"
                    else:
                        where = "is declared in no loaded file"
                        fix = f"correct the name, or declare it: {declare}"
                    message = f"the {kind} {name} {where}{hint}: {fix}"
                self._add(rule, file, place, subject, message)

        for term, (kind, index) in self.declared.items():
            file = self.files[index]
            if term not in self.labels and self._wanted("missing-label", file):
                name = self._compact(term.value, file)
                self._add(
                    "missing-label",
                    file,
                    self._where_subject(file, term),
                    term,
                    f'the {kind} {name} has no rdfs:label: add `rdfs:label "…" ;`, a few words that name it',
                )
            if term not in self.defined and self._wanted("missing-definition", file):
                self._add(
                    "missing-definition",
                    file,
                    self._where_subject(file, term),
                    term,
                    f"the {kind} {self._compact(term.value, file)} has no skos:definition: add "
                    '`skos:definition "…" ;`, a sentence that says what it is',
                )

    def _check_labels(self, individuals: dict[Any, set[Any]]) -> None:
        by_label: dict[str, list[tuple[Any, int, str]]] = {}
        for subject in individuals:
            labels = self.labels.get(subject)
            file = self.files[self.subject_file[subject]]
            if not labels:
                if self._wanted("missing-label", file):
                    name = self._compact(subject.value, file)
                    self._add(
                        "missing-label",
                        file,
                        self._where_subject(file, subject),
                        subject,
                        f"{name} ({self._kind_of(individuals[subject], file)}) has no rdfs:label: add "
                        '`rdfs:label "…" ;`, a few words that name it (kg describe and kg ask find it by '
                        "them)",
                    )
                continue
            for key in dict.fromkeys(" ".join(label.casefold().split()) for label, _ in labels):
                label, index = next((lab, i) for lab, i in labels if " ".join(lab.casefold().split()) == key)
                by_label.setdefault(key, []).append((subject, index, label))
        for entries in by_label.values():
            if len(entries) < 2:
                continue
            entries.sort(key=lambda e: e[1])
            first, first_index, _ = entries[0]
            first_file = self.files[first_index]
            for subject, index, label in entries[1:]:
                file = self.files[index]
                if not self._wanted("duplicate-label", file):
                    continue
                place = file.positions().literal(_LABEL, label, subject.value)
                there = first_file.positions().literal(
                    _LABEL, self._label_in(first, first_index), first.value
                )
                other = self._compact(first.value, file)
                at = f"{first_file.source.display}:{there[0]}" if there else first_file.source.display
                self._add(
                    "duplicate-label",
                    file,
                    place,
                    subject,
                    f'{self._compact(subject.value, file)} has the label "{_short(label)}", as {other} '
                    f"({at}) has: kg describe and kg ask find entities by label; give it a label of its own, "
                    f"or say what you mean about {other} instead of adding a new individual",
                )

    def _label_in(self, subject: Any, index: int) -> str:
        return next(label for label, i in self.labels[subject] if i == index)

    def _kind_of(self, types: set[Any], file: _File) -> str:
        """The most specific declared class among ``types``, as a name (for messages)."""
        asserted = [t for t in types if t in self.declared]
        chosen = sorted(asserted or types, key=lambda t: (not t.value.startswith(EKG), t.value))
        return f"a {self._compact(chosen[0].value, file)}" if chosen else "an individual"

    def _check_evidence(self, individuals: dict[Any, set[Any]]) -> None:
        from kg.quotes import quote_problem

        owners = {owner for owner, _, _ in self.evidence}
        for subject in individuals:
            if subject in owners:
                continue
            file = self.files[self.subject_file[subject]]
            if not self._wanted("missing-evidence", file):
                continue
            name = self._compact(subject.value, file)
            self._add(
                "missing-evidence",
                file,
                self._where_subject(file, subject),
                subject,
                f"{name} has no evidence: add {EVIDENCE_EXAMPLE} with words copied from the essay, then run "
                "`kg anchor FILE.ttl` to add the offsets",
            )

        problems: dict[tuple[str, str, tuple[int, int] | None], str | None] = {}
        seen: set[Any] = set()
        for owner, node, index in self.evidence:
            file = self.files[index]
            if node in seen or not self._reported(file):
                continue
            seen.add(node)
            selectors = self.selectors.get(node, [])
            quotes = [q for s in selectors for q in self.exact.get(s, []) if isinstance(q, ox.Literal)]
            spans = [span for s in selectors if (span := self._span(s)) is not None]
            if quotes and not spans and self._wanted("missing-offsets", file):
                self._add(
                    "missing-offsets",
                    file,
                    file.positions().literal(_EXACT, quotes[0].value),
                    owner,
                    f"the evidence of {self._name(owner, file)} quotes the text but gives no offsets: run "
                    "`kg anchor FILE.ttl` to add "
                    "`[ a oa:TextPositionSelector ; oa:start N ; oa:end M ]`",
                )
            for source in self.evidence_sources.get(node, []):
                source_iri = getattr(source, "value", str(source))
                text = self.texts.get(source_iri)
                if text is None:
                    known = ", ".join(sorted(self._compact(k, file) for k in self.texts)) or "none"
                    self._add(
                        "unknown-source",
                        file,
                        file.positions().object(None, _HAS_SOURCE, source_iri),
                        owner,
                        f"the evidence of {self._name(owner, file)} quotes {self._name(source, file)}, a "
                        f"source whose text is not known (known: {known}): point oa:hasSource at ekg:essay, "
                        'or declare the source as an ekg:SourceText with `ekg:localPath "path/to/text.txt"`',
                    )
                    continue
                for quote in quotes:
                    span = spans[0] if len(spans) == 1 else None
                    key = (source_iri, quote.value, span)
                    if key not in problems:
                        problems[key] = quote_problem(text, quote.value, span)
                    problem = problems[key]
                    if problem:
                        self._add(
                            "quote-mismatch",
                            file,
                            file.positions().literal(_EXACT, quote.value),
                            owner,
                            f"the evidence of {self._name(owner, file)} quotes "
                            f'"{_short(quote.value)}": {problem}',
                        )

    def _span(self, selector: Any) -> tuple[int, int] | None:
        start, end = self.start.get(selector), self.end.get(selector)
        if start is None or end is None:
            return None
        try:
            return int(start.value), int(end.value)
        except (AttributeError, ValueError):
            return None

    def _check_references(self) -> None:
        named_subjects: list[str] | None = None
        for file in self.files:
            if not self._wanted("dangling-reference", file):
                continue
            for obj, (subject, predicate) in file.references.items():
                if obj in self.subject_file or obj in self.declared or obj.value == EKG:
                    continue
                if named_subjects is None:
                    names = {self._compact(s.value) for s in self.subject_file}
                    named_subjects = sorted(n for n in names if not n.endswith(":"))
                name = self._compact(obj.value, file)
                hint = did_you_mean(name, named_subjects, limit=1, cutoff=0.6)
                self._add(
                    "dangling-reference",
                    file,
                    file.positions().object(_value(subject), predicate.value, obj.value),
                    subject,
                    f"{self._name(subject, file)} {self._compact(predicate.value, file)} {name}, but nothing "
                    f"in the graph is {name}{hint}: correct the name, or describe it "
                    f'(`{name} a … ; rdfs:label "…" .`)',
                )

    def _check_orders(self) -> None:
        number: dict[Any, tuple[int, int]] = {}  # item -> (position, file of the triple)
        for item, values in self.position.items():
            for value, index in values:
                if getattr(value, "datatype", None) is not None and value.datatype.value in _INTEGERS:
                    with contextlib.suppress(ValueError):
                        number.setdefault(item, (int(value.value), index))
        schemes: dict[Any, list[tuple[Any, int]]] = {}
        for item, entries in self.in_scheme.items():
            for scheme, index in entries:
                schemes.setdefault(scheme, []).append((item, index))
        for scheme, members in schemes.items():
            numbered = [(item, index) for item, index in members if item in number]
            if not numbered:
                continue
            scheme_name = self._compact(scheme.value)
            used = sorted({number[item][0] for item, _ in numbered})
            free = next(n for n in range(1, len(used) + 2) if n not in used)
            for item, index in members:
                if item not in number and item not in self.position:
                    file = self.files[index]
                    self._add(
                        "order-missing-position",
                        file,
                        file.positions().predicate(item.value, _IN_SCHEME),
                        item,
                        f"{self._compact(item.value, file)} is in {scheme_name}, whose items are numbered, "
                        f"but has no ekg:position: add `ekg:position {free} ;` (or the number it has in "
                        "the essay)",
                    )
            holders: dict[int, list[Any]] = {}
            for item, _ in numbered:
                holders.setdefault(number[item][0], []).append(item)
            for value, items in holders.items():
                items = sorted(set(items), key=lambda i: (number[i][1], i.value))
                for item in items[1:]:
                    file = self.files[number[item][1]]
                    self._add(
                        "order-duplicate",
                        file,
                        file.positions().predicate(item.value, _POSITION),
                        item,
                        f"{self._compact(item.value, file)} and {self._compact(items[0].value, file)} both "
                        f"have ekg:position {value} in {scheme_name}: positions in a scheme are unique; "
                        f"renumber them 1, 2, 3… (the next free number is {free})",
                    )
            for value in used:
                if value >= 1 and (value == 1 or value - 1 in used):
                    continue
                for item in holders[value]:
                    file = self.files[number[item][1]]
                    if value < 1:
                        problem = "positions count from 1"
                    else:
                        problem = f"nothing in {scheme_name} has ekg:position {value - 1}, the one before"
                    self._add(
                        "order-gap",
                        file,
                        file.positions().predicate(item.value, _POSITION),
                        item,
                        f"{self._compact(item.value, file)} has ekg:position {value} in {scheme_name}, but "
                        f"{problem}: positions run 1, 2, 3… without gaps; renumber them",
                    )
        self._check_next(number)

    def _check_next(self, number: dict[Any, tuple[int, int]]) -> None:
        looping: set[Any] = set()
        done: set[Any] = set()
        for start in self.next_stage:
            path: dict[Any, int] = {}  # the walk from ``start``, in order
            node = start
            while node not in done and node not in path:
                path[node] = len(path)
                entries = self.next_stage.get(node)
                if not entries:
                    break
                node = entries[0][0]
            else:
                if node in path:
                    cycle = list(path)[path[node] :]
                    looping.update(cycle)
                    self._report_cycle(cycle)
            done.update(path)
        for stage, entries in self.next_stage.items():
            file = self.files[entries[-1][1]]
            name = self._compact(stage.value, file)
            targets = sorted({o for o, _ in entries}, key=lambda o: o.value)
            if len(targets) > 1:
                shown = ", ".join(self._compact(o.value, file) for o in targets)
                self._add(
                    "order-next",
                    file,
                    file.positions().predicate(stage.value, _NEXT_STAGE),
                    stage,
                    f"{name} has {len(targets)} ekg:nextStage ({shown}): a stage has one next stage; "
                    "keep only the one right after it",
                )
                continue
            target, index = entries[0]
            if stage in looping or stage not in number or target not in number:
                continue
            here, there = number[stage][0], number[target][0]
            if there != here + 1:
                file = self.files[index]
                self._add(
                    "order-next",
                    file,
                    file.positions().object(stage.value, _NEXT_STAGE, target.value),
                    stage,
                    f"{name} (ekg:position {here}) has ekg:nextStage {self._compact(target.value, file)} "
                    f"(ekg:position {there}): the next stage has the position right after; point "
                    f"ekg:nextStage at the stage at position {here + 1}, or fix the positions",
                )

    def _report_cycle(self, cycle: list[Any]) -> None:
        # Blame the link that closes the loop in a file being reported (an extension's, if any).
        links = [(s, following) for s, following in zip(cycle, [*cycle[1:], cycle[0]], strict=True)]
        index_of = {(s, o): i for s, entries in self.next_stage.items() for o, i in entries}
        links.sort(key=lambda link: (self.files[index_of[link]].builtin, -index_of[link]))
        stage, target = links[0]
        file = self.files[index_of[(stage, target)]]
        loop = " → ".join(self._compact(s.value, file) for s in [*cycle, cycle[0]])
        self._add(
            "order-cycle",
            file,
            file.positions().object(stage.value, _NEXT_STAGE, target.value),
            stage,
            f"following ekg:nextStage comes back where it started ({loop}): a stage order cannot loop; "
            f"remove `{self._compact(stage.value, file)} ekg:nextStage {self._compact(target.value, file)}`",
        )

    def _check_datatypes(self) -> None:
        literal_ranges = {ox.NamedNode(RDFS + "Literal"), ox.NamedNode(RDFS + "Resource")}

        def is_datatype(term: Any) -> bool:
            value = term.value
            return value.startswith(XSD) or value in _LITERAL_TYPES

        for file in self.files:
            if not self._wanted("wrong-datatype", file):
                continue
            for s, p, o in file.ill_typed:
                datatype = o.datatype.value
                self._add(
                    "wrong-datatype",
                    file,
                    file.positions().literal(p.value, o.value, _value(s)),
                    s,
                    f'"{_short(o.value)}" is not a valid {self._compact(datatype, file)}: write '
                    f"{self._example(p, datatype, file)}",
                )
            for (p, datatype), (s, o, count) in file.literals.items():
                ranges = self.ranges.get(p)
                if not ranges or ranges & literal_ranges:
                    continue
                more = f" (and {count - 1} more in this file)" if count > 1 else ""
                prop = self._compact(p.value, file)
                wanted = " or ".join(sorted(self._compact(r.value, file) for r in ranges))
                if all(is_datatype(r) for r in ranges):
                    given = datatype.value
                    if any(_compatible(given, r.value) for r in ranges):
                        continue
                    message = (
                        f"{prop} takes {_article(wanted)} {wanted} (its rdfs:range), not "
                        f"{self._name(o, file)}{more}: write "
                        f"{self._example(p, sorted(r.value for r in ranges)[0], file)}"
                    )
                elif not any(is_datatype(r) for r in ranges):
                    message = (
                        f"{prop} links to {_article(wanted)} {wanted} (its rdfs:range), not to a literal "
                        f"such as {self._name(o, file)}{more}: write the IRI of one, e.g. "
                        f"`{prop} {self._instance_of(ranges, file)}`"
                    )
                else:
                    continue
                place = file.positions().literal(p.value, o.value, _value(s))
                self._add("wrong-datatype", file, place, s, message)
            for p, (s, o) in file.nodes.items():
                ranges = self.ranges.get(p)
                if not ranges or ranges & literal_ranges or not all(is_datatype(r) for r in ranges):
                    continue
                wanted = " or ".join(sorted(self._compact(r.value, file) for r in ranges))
                place = (
                    file.positions().object(_value(s), p.value, o.value)
                    if isinstance(o, ox.NamedNode)
                    else file.positions().predicate(_value(s), p.value)
                )
                self._add(
                    "wrong-datatype",
                    file,
                    place,
                    s,
                    f"{self._compact(p.value, file)} takes {_article(wanted)} {wanted} literal (its "
                    f"rdfs:range), not a node such as {self._name(o, file)}: write "
                    f"{self._example(p, sorted(r.value for r in ranges)[0], file)}",
                )

    def _example(self, predicate: Any, datatype: str, file: _File) -> str:
        value = _EXAMPLE_VALUE.get(XSD + "integer" if datatype in _INTEGERS else datatype)
        if value is None:
            value = f'"…"^^{self._compact(datatype, file)}'
        return f"`{self._compact(predicate.value, file)} {value}`"

    def _instance_of(self, classes: set[Any], file: _File) -> str:
        """An IRI typed with one of ``classes`` (for an example), or a placeholder."""
        for subject, types in sorted(self.types.items(), key=lambda item: getattr(item[0], "value", "")):
            if set(types) & classes and isinstance(subject, ox.NamedNode):
                return self._compact(subject.value, file)
        return "ekg:Something"


class _Text(str):
    """A subject that is not a term (a prefix declaration): shown as it is."""


#################################################################
# Helpers
#################################################################


def known_vocabularies() -> dict[str, frozenset[str]]:
    """The standard vocabularies' terms, by namespace (kg/vocabularies.txt)."""
    global _VOCABULARIES
    if _VOCABULARIES is None:
        found: dict[str, set[str]] = {}
        current: set[str] | None = None
        for line in (Path(__file__).with_name("vocabularies.txt")).read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or not line.strip():
                continue
            if line.startswith("<"):
                current = found.setdefault(line.strip()[1:-1], set())
            elif current is not None:
                current.update(line.split())
        _VOCABULARIES = {ns: frozenset(terms) for ns, terms in found.items()}
    return _VOCABULARIES


_VOCABULARIES: dict[str, frozenset[str]] | None = None


def _compatible(given: str, wanted: str) -> bool:
    if given == wanted or wanted == RDFS + "Literal":
        return True
    if wanted in _INTEGERS:
        return given in _INTEGERS
    if wanted in _NUMBERS:
        return given in _NUMBERS and (wanted != XSD + "decimal" or given in _INTEGERS)
    if wanted == RDF + "PlainLiteral":
        return given in (XSD + "string", RDF + "langString")
    return False


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def _local(iri: str) -> str:
    return iri[len(_namespace(iri)) :]


def _namespace_shape(namespace: str) -> str:
    """A namespace with the differences people type by mistake folded away: scheme, case, last # or /."""
    return re.sub(r"^https?://", "", namespace.lower()).rstrip("#/")


_LOCAL_NAME = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$|^$")


def _local_ok(local: str) -> bool:
    return bool(_LOCAL_NAME.match(local))


def _value(term: Any) -> str | None:
    """The IRI of a named node, None for a blank node (kg.positions keys blank subjects as None)."""
    return term.value if isinstance(term, ox.NamedNode) else None


def _literal_text(term: Any, compact: Callable[[str], str]) -> str:
    if term.language:
        return f'"{_short(term.value)}"@{term.language}'
    datatype = term.datatype.value
    if datatype == XSD + "string":
        return f'"{_short(term.value)}"'
    bare = (XSD + "integer", XSD + "decimal", XSD + "boolean")
    if datatype in bare and _LEXICAL[datatype].match(term.value):
        return term.value
    return f'"{_short(term.value)}"^^{compact(datatype)}'


def _short(text: str) -> str:
    from kg.quotes import short

    text = short(text)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _article(name: str) -> str:
    """The article before a prefixed name, as its local name is read: an xsd:integer, a xsd:decimal."""
    return "an" if name.rpartition(":")[2][:1].lower() in "aeiou" else "a"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
