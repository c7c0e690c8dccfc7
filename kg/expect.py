"""Check a query file's ``expect`` against a result: the competency question's machine-checked answer.

``expect`` holds one or more of:

- ``rows``: the rows, in order, each a mapping of some of the SELECT variables
  to values (IRIs as prefixed names or ``<iri>``, literals by their lexical
  form, numbers compared as numbers, ``null`` for unbound). The result must
  have exactly as many rows. For a CONSTRUCT or DESCRIBE, the rows are the
  triples (``subject``, ``predicate``, ``object``), in any order.
- ``count``: the number of rows (or triples).
- ``empty`` / ``nonEmpty``: true or false; for an ASK query, ``nonEmpty: true``
  means the answer is yes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.catalog import QueryFile
    from kg.engines import Result

XSD = "http://www.w3.org/2001/XMLSchema#"
TRIPLE_KEYS = ("subject", "predicate", "object")


def expectation_failures(query: QueryFile, result: Result, prefixes: Mapping[str, str]) -> list[str]:
    """What in ``result`` disagrees with ``query.expect`` (empty when all holds, or there is no expect)."""
    expect = query.expect or {}
    prefixes = {**prefixes, **query.prefixes}
    graph = result.form in ("CONSTRUCT", "DESCRIBE")
    size = len(set(result.triples)) if graph else len(result.rows)
    failures: list[str] = []
    if result.form == "ASK":
        for key in ("rows", "count"):
            if key in expect:
                failures.append(f"expect {key} does not apply to an ASK query: use nonEmpty: true or false")
        if "nonEmpty" in expect and bool(result.boolean) != expect["nonEmpty"]:
            failures.append(f"expected the answer {expect['nonEmpty']}, got {bool(result.boolean)}")
        if "empty" in expect and bool(result.boolean) == expect["empty"]:
            failures.append(f"expected the answer {not expect['empty']}, got {bool(result.boolean)}")
        return failures
    if "count" in expect and size != expect["count"]:
        failures.append(f"expected {expect['count']} {'triples' if graph else 'rows'}, got {size}")
    if "empty" in expect and (size == 0) != expect["empty"]:
        failures.append(f"expected {'no' if expect['empty'] else 'some'} results, got {size}")
    if "nonEmpty" in expect and (size > 0) != expect["nonEmpty"]:
        failures.append(f"expected {'some' if expect['nonEmpty'] else 'no'} results, got {size}")
    if "rows" in expect:
        if graph:
            failures += _triple_failures(expect["rows"], list(set(result.triples)), prefixes)
        else:
            failures += _row_failures(expect["rows"], result, prefixes)
    return failures


def _row_failures(
    expected: Sequence[Mapping[str, Any]], result: Result, prefixes: Mapping[str, str]
) -> list[str]:
    failures: list[str] = []
    names = set().union(*(row.keys() for row in expected)) if expected else set()
    for name in sorted(names - set(result.variables)):
        failures.append(
            f"expect names ?{name}, which the query does not select ({', '.join(result.variables)})"
        )
    if failures:
        return failures
    if len(result.rows) != len(expected):
        failures.append(f"expected {len(expected)} rows, got {len(result.rows)}")
    for number, (want, got) in enumerate(zip(expected, result.rows, strict=False), start=1):
        for name, value in want.items():
            problem = mismatch(value, got.get(name), prefixes)
            if problem:
                failures.append(f"row {number}, ?{name}: {problem}")
    return failures


def _triple_failures(
    expected: Sequence[Mapping[str, Any]], triples: list[Any], prefixes: Mapping[str, str]
) -> list[str]:
    failures: list[str] = []
    if len(triples) != len(expected):
        failures.append(f"expected {len(expected)} triples, got {len(triples)}")
    left = list(triples)
    for number, want in enumerate(expected, start=1):
        unknown = set(want) - set(TRIPLE_KEYS)
        if unknown:
            failures.append(
                f"row {number}: a triple has only subject, predicate and object, not {sorted(unknown)}"
            )
            continue
        match = next(
            (
                t
                for t in left
                if all(not mismatch(want[k], getattr(t, k), prefixes) for k in TRIPLE_KEYS if k in want)
            ),
            None,
        )
        if match is None:
            failures.append(f"row {number}: no triple matches {dict(want)}")
        else:
            left.remove(match)
    return failures


def mismatch(expected: Any, term: Any, prefixes: Mapping[str, str]) -> str | None:
    """Why ``term`` (a pyoxigraph term or None) is not ``expected`` (a YAML value), or None if it is."""
    from kg.terms import compact, expand_curie

    kind = type(term).__name__
    if expected is None:
        return None if term is None else f"expected unbound, got {_show(term, prefixes)}"
    if term is None:
        return f"expected {expected!r}, got unbound"
    if kind == "NamedNode":
        text = str(expected)
        iri = (
            text[1:-1]
            if text.startswith("<") and text.endswith(">")
            else expand_curie(text, prefixes) or text
        )
        return None if iri == term.value else f"expected {expected}, got {compact(term.value, prefixes)}"
    if kind == "Literal":
        if isinstance(expected, bool):
            same = term.value == ("true" if expected else "false")
        elif isinstance(expected, int | float) and term.datatype.value.startswith(XSD):
            same = _number(term.value) == _number(str(expected))
        else:
            same = term.value == str(expected)
        return None if same else f"expected {expected!r}, got {term.value!r}"
    return f"expected {expected!r}, got {_show(term, prefixes)}"


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        return None


def _show(term: Any, prefixes: Mapping[str, str]) -> str:
    from kg.terms import compact

    return compact(term.value, prefixes) if type(term).__name__ == "NamedNode" else str(term)
