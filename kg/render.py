"""Rendering, the only place output formats live: the stats summary, and query results as
table, csv, tsv, json or md (rows) and ttl, nt or jsonld (graphs)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import KgError

if TYPE_CHECKING:
    from kg.catalog import Param, QueryFile
    from kg.engines import Result
    from kg.stats import Stats


def table(headers: Sequence[str] | None, rows: Sequence[Sequence[object]]) -> str:
    """An aligned text table (``headers=None`` for none): numbers right-aligned, the rest left."""
    width = len(headers) if headers is not None else max((len(r) for r in rows), default=0)
    cells = [[_cell(v) for v in row] for row in rows]
    numeric = [bool(rows) and all(isinstance(row[i], int | float) for row in rows) for i in range(width)]
    head = [list(headers)] if headers is not None else []
    widths = [max(len(row[i]) for row in [*head, *cells]) for i in range(width)]

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return "  ".join(parts).rstrip()

    lines = [line(head[0]), line(["-" * w for w in widths])] if head else []
    return "\n".join([*lines, *(line(row) for row in cells)])


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def stats_text(stats: Stats) -> str:
    """The ``kg stats`` report: totals, evidence coverage, then classes by size."""
    coverage = stats.evidence_coverage
    totals = table(
        None,
        [
            ["triples (asserted)", stats.asserted_triples],
            ["triples (with inferences)", stats.inferred_triples],
            ["individuals", stats.individuals],
            ["individuals with evidence", stats.with_evidence],
        ],
    )
    shown = "n/a (no individuals)" if coverage is None else f"{coverage:.1f}%"
    classes = table(
        ["class", "IRI", "instances", "with subclasses"],
        [[c.label, c.curie, c.instances, c.with_subclasses] for c in stats.classes],
    )
    parts = [f"{totals}\nevidence coverage: {shown}", classes]
    if stats.without_evidence:
        parts.append("individuals without evidence:\n" + "\n".join(f"  {n}" for n in stats.without_evidence))
    return "\n\n".join(parts)


# --- query results ------------------------------------------------------------------------------
# A Result (kg.engines) holds pyoxigraph terms; these functions only read their attributes, so this
# module imports neither pyoxigraph nor rdflib until a graph is serialised.

TABULAR_FORMATS = ("table", "csv", "tsv", "json", "md")
GRAPH_FORMATS = ("ttl", "nt", "jsonld")
FORMATS = (*TABULAR_FORMATS, *GRAPH_FORMATS)
GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_NUMERIC_NAMES = (
    "integer decimal double float long int short byte nonNegativeInteger positiveInteger "
    "nonPositiveInteger negativeInteger unsignedLong unsignedInt unsignedShort unsignedByte"
)
NUMERIC_TYPES = frozenset(XSD + t for t in _NUMERIC_NAMES.split())
MAX_CELL = 60  # characters of a literal in a table cell; csv, tsv, json and md carry whole values

LabelLookup = Callable[[Sequence[str]], Mapping[str, str]]


def default_format(form: str) -> str:
    """``table`` for SELECT and ASK, ``ttl`` for CONSTRUCT and DESCRIBE."""
    return "ttl" if form in GRAPH_FORMS else "table"


def check_format(form: str, fmt: str) -> None:
    """A KgError when ``fmt`` cannot show a ``form`` result (csv for CONSTRUCT, ttl for SELECT)."""
    if fmt not in FORMATS:
        raise KgError(f'unknown format "{fmt}": choose one of {", ".join(FORMATS)}')
    if form in GRAPH_FORMS and fmt not in GRAPH_FORMATS:
        raise KgError(
            f"a {form} query gives a graph, which --format {fmt} cannot show: "
            f"use --format {', '.join(GRAPH_FORMATS[:-1])} or {GRAPH_FORMATS[-1]}"
        )
    if form not in GRAPH_FORMS and fmt in GRAPH_FORMATS:
        raise KgError(
            f"a {form} query gives {'rows' if form == 'SELECT' else 'true or false'}, which --format {fmt} "
            f"cannot show: use --format {', '.join(TABULAR_FORMATS[:-1])} or {TABULAR_FORMATS[-1]}"
        )


def render_result(
    result: Result,
    fmt: str | None = None,
    *,
    prefixes: Mapping[str, str] | None = None,
    labels: LabelLookup | None = None,
) -> str:
    """``result`` as text in ``fmt`` (by default a table, or Turtle for a graph), ending in a newline.

    ``prefixes`` shorten IRIs in tables and Turtle; ``labels(iris)`` is asked
    once for the labels shown beside IRIs in table and md cells.
    """
    fmt = fmt or default_format(result.form)
    check_format(result.form, fmt)
    prefixes = dict(prefixes or {})
    if result.form in GRAPH_FORMS:
        return graph_text(result.triples, fmt, prefixes)
    if result.form == "ASK":
        return _ask_text(bool(result.boolean), fmt)
    if fmt == "json":
        return json.dumps(results_json(result), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return results_csv(result)
    if fmt == "tsv":
        return results_tsv(result)
    return _human_table(result, fmt, prefixes, labels)


def _ask_text(answer: bool, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": answer}, indent=2) + "\n"
    return ("true" if answer else "false") + "\n"


def results_json(result: Result) -> dict[str, Any]:
    """SPARQL 1.1 Query Results JSON (https://www.w3.org/TR/sparql11-results-json/)."""
    if result.form == "ASK":
        return {"head": {}, "boolean": bool(result.boolean)}
    bindings = [{var: term_json(row[var]) for var in result.variables if var in row} for row in result.rows]
    return {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}


def term_json(term: Any) -> dict[str, str]:
    kind = _kind(term)
    if kind == "uri":
        return {"type": "uri", "value": term.value}
    if kind == "bnode":
        return {"type": "bnode", "value": term.value}
    if kind == "literal":
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def results_csv(result: Result) -> str:
    """SPARQL 1.1 CSV (https://www.w3.org/TR/sparql11-results-csv-tsv/): plain values, CRLF lines."""
    import csv  # here, not at the top: the table a query prints by default does not need it
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_value(row.get(var)) for var in result.variables])
    return out.getvalue()


def _csv_value(term: Any) -> str:
    if term is None:
        return ""
    kind = _kind(term)
    if kind == "bnode":
        return f"_:{term.value}"
    if kind in ("uri", "literal"):
        return term.value
    return str(term)


def results_tsv(result: Result) -> str:
    """SPARQL 1.1 TSV: ``?var`` headers, terms in Turtle syntax, numbers and booleans written bare."""
    lines = ["\t".join(f"?{var}" for var in result.variables)]
    for row in result.rows:
        lines.append("\t".join(_tsv_value(row.get(var)) for var in result.variables))
    return "\n".join(lines) + "\n"


# Patterns as text, compiled (and cached) by re on first use: only the tsv format needs them.
_BARE = {
    XSD + "integer": r"[+-]?\d+",
    XSD + "decimal": r"[+-]?\d*\.\d+",
    XSD + "double": r"[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+",
    XSD + "boolean": r"true|false",
}


def _tsv_value(term: Any) -> str:
    if term is None:
        return ""
    if _kind(term) == "literal" and not term.language:
        pattern = _BARE.get(term.datatype.value)
        if pattern is not None and re.fullmatch(pattern, term.value):
            return term.value
    return str(term)


def _human_table(result: Result, fmt: str, prefixes: Mapping[str, str], labels: LabelLookup | None) -> str:
    """The table and md formats: prefixed names, with labels beside IRIs that have no label column."""
    from kg.terms import compact

    variables = list(result.variables)
    labelled = {var for var in variables if f"{var}Label" in variables}
    wanted = sorted(
        {
            row[var].value
            for row in result.rows
            for var in variables
            if var not in labelled and var in row and _kind(row[var]) == "uri"
        }
    )
    found = dict(labels(wanted)) if labels is not None and wanted else {}

    def cell(var: str, term: Any) -> str:
        if term is None:
            return ""
        kind = _kind(term)
        if kind == "uri":
            name = compact(term.value, prefixes)
            label = found.get(term.value) if var not in labelled else None
            return f"{name} ({label})" if label and label != name else name
        if kind == "bnode":
            return f"_:{term.value}"
        if kind == "literal":
            return term.value
        return str(term)

    cells = [[cell(var, row.get(var)) for var in variables] for row in result.rows]
    numeric = [
        bool(result.rows)
        and any(var in row for row in result.rows)
        and all(_is_number(row[var]) for row in result.rows if var in row)
        for var in variables
    ]
    if fmt == "md":
        return _markdown(variables, cells, numeric)
    # Long literals (quotes) are cut; IRIs and their labels are kept whole.
    literal = [[_kind(row.get(var)) == "literal" for var in variables] for row in result.rows]
    shown = [
        [_one_line(c, MAX_CELL if lit else len(c)) for c, lit in zip(row, lits, strict=True)]
        for row, lits in zip(cells, literal, strict=True)
    ]
    text = text_grid(variables, shown, numeric)
    return text + ("\n(no results)\n" if not result.rows else "\n")


def text_grid(headers: Sequence[str], cells: Sequence[Sequence[str]], numeric: Sequence[bool]) -> str:
    """An aligned table of strings, a dashed line under the headers; ``numeric`` columns right-aligned."""
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return "  ".join(parts).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(row) for row in cells)])


def _markdown(headers: Sequence[str], cells: Sequence[Sequence[str]], numeric: Sequence[bool]) -> str:
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>")

    lines = [
        "| " + " | ".join(escape(h) for h in headers) + " |",
        "| " + " | ".join("---:" if num else "---" for num in numeric) + " |",
        *("| " + " | ".join(escape(c) for c in row) + " |" for row in cells),
    ]
    return "\n".join(lines) + "\n"


def _one_line(text: str, limit: int) -> str:
    text = text.replace("\r\n", "\n").replace("\n", "\\n").replace("\t", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_number(term: Any) -> bool:
    return _kind(term) == "literal" and not term.language and term.datatype.value in NUMERIC_TYPES


def _kind(term: Any) -> str:
    """uri | bnode | literal | triple, by the pyoxigraph class name (no import needed)."""
    return {"NamedNode": "uri", "BlankNode": "bnode", "Literal": "literal"}.get(type(term).__name__, "triple")


def graph_text(triples: Sequence[Any], fmt: str, prefixes: Mapping[str, str] | None = None) -> str:
    """Triples as Turtle (with the prefixes they use), N-Triples or JSON-LD; sorted, so output is stable."""
    import pyoxigraph as ox

    ordered = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    if fmt == "nt":
        return ox.serialize(ordered, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    if fmt == "jsonld":
        data = json.loads(ox.serialize(ordered, format=ox.RdfFormat.JSON_LD).decode("utf-8") or "[]")
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    used = _used_prefixes(ordered, prefixes or {})
    return ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=used).decode("utf-8")


def _used_prefixes(triples: Sequence[Any], prefixes: Mapping[str, str]) -> dict[str, str]:
    iris = {
        term.value
        for t in triples
        for term in (t.subject, t.predicate, t.object, getattr(t.object, "datatype", None))
        if term is not None and _kind(term) == "uri" and term.value not in (XSD_STRING, RDF_LANG_STRING)
    }
    used = {
        prefix: ns
        for prefix, ns in prefixes.items()
        if prefix and ns and any(i.startswith(ns) and _local_ok(i[len(ns) :]) for i in iris)
    }
    return dict(sorted(used.items()))


def _local_ok(local: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z_][\w.-]*(?<!\.)|", local)) and local != ""


# --- the query catalog --------------------------------------------------------------------------


def query_list_text(queries: Sequence[QueryFile]) -> str:
    """``kg list``: name, parameters (``[optional]``), summary."""
    rows = [[q.name, " ".join(_param_cell(p) for p in q.params), q.summary] for q in queries]
    return text_grid(["name", "parameters", "summary"], rows, [False, False, False]) + "\n"


def _param_cell(param: Param) -> str:
    shown = param.name if param.type == "literal" else f"{param.name}:{param.type}"
    return shown if param.required else f"[{shown}]"


def query_show_text(query: QueryFile, given: Mapping[str, str] | None = None) -> str:
    """``kg query NAME --show``: the header as written, the parameters, then the SPARQL.

    The parameter lines are SPARQL comments, so the whole text is still a query file.
    """
    from kg.sources import display_path

    lines = [f"# {query.name}: {display_path(Path(query.path).resolve())}"]
    if query.header:
        lines.append(query.header)
    if query.params:
        lines.append("# parameters (-p NAME VALUE):")
        for p in query.params:
            notes = [p.type, "required" if p.required else "optional"]
            if given and p.name in given:
                notes.append(f"given {given[p.name]!r}")
            elif p.name in query.defaults:
                notes.append(f"default {query.defaults[p.name]}")
            lines.append(f"#   {p.name} ({', '.join(notes)}): bound to ?{p.variable}")
    else:
        lines.append("# parameters: none")
    return "\n".join(lines) + "\n" + query.body.lstrip("\n")
