"""Anchor evidence quotes to their place in a source text.

A quote is located by exact match; offsets are Python ``str`` indices (Unicode
code points), end exclusive, as the W3C Web Annotation model requires.

Run as ``python -m kg.anchor FILE.ttl [--text SOURCE.txt]`` to fill in or
correct the ``oa:TextPositionSelector`` that follows every ``oa:exact`` quote
in a Turtle file written in the project's evidence layout.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from kg.errors import KgError
from kg.terms import expand_name

_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}

# `oa:exact "..." ]` optionally followed by `, [ a oa:TextPositionSelector ; oa:start N ; oa:end M ]`.
_EXACT = re.compile(
    r'oa:exact\s+"(?P<q>(?:[^"\\\n]|\\.)*)"\s*\]'
    r"(?P<pos>\s*,\s*\[\s*a\s+oa:TextPositionSelector\s*;\s*oa:start\s+(?P<s>\d+)\s*;\s*oa:end\s+(?P<e>\d+)\s*\])?"
)


def unescape_turtle(s: str) -> str:
    """Decode the escapes of a Turtle short string (ECHAR and UCHAR)."""
    out: list[str] = []
    i = 0
    while i < len(s):
        c = s[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        nxt = s[i + 1]
        if nxt in "uU":
            width = 4 if nxt == "u" else 8
            out.append(chr(int(s[i + 2 : i + 2 + width], 16)))
            i += 2 + width
        else:
            out.append(_ESCAPES[nxt])
            i += 2
    return "".join(out)


def occurrences(text: str, exact: str) -> list[int]:
    """Every start offset at which ``exact`` occurs in ``text``."""
    found: list[int] = []
    start = text.find(exact)
    while start != -1:
        found.append(start)
        start = text.find(exact, start + 1)
    return found


def locate(text: str, exact: str, near: int | None = None) -> tuple[int, int]:
    """Return ``(start, end)`` of ``exact`` in ``text``.

    A quote found more than once needs ``near``: the occurrence closest to it wins.
    """
    if not exact:
        raise KgError("empty quote: an evidence quote must hold at least one character")
    found = occurrences(text, exact)
    if not found:
        raise KgError(
            f"quote not found in the source text: {exact[:80]!r}: copy the words exactly as the text "
            "writes them (curly quotes and dashes included)"
        )
    if len(found) > 1 and near is None:
        raise KgError(
            f"quote occurs {len(found)} times (at {', '.join(map(str, found))}): "
            f"lengthen it, or give oa:start near the one you mean: {exact[:80]!r}"
        )
    start = found[0] if near is None else min(found, key=lambda o: abs(o - near))
    return start, start + len(exact)


def anchor_turtle(turtle: str, text: str | Callable[[int], str]) -> tuple[str, int]:
    """Fill in or correct every position selector; return the new Turtle and the count changed.

    ``text`` is the source text, or a function giving the text of the quote at a character offset
    of ``turtle`` (see text_of_quote): a file may quote more than one source.
    """
    changed = 0

    def fix(m: re.Match[str]) -> str:
        nonlocal changed
        exact = unescape_turtle(m["q"])
        near = int(m["s"]) if m["pos"] else None
        at = m.start("q") - 1  # the quote's opening "
        line = turtle.count("\n", 0, at) + 1
        column = at - turtle.rfind("\n", 0, at)
        try:
            start, end = locate(text if isinstance(text, str) else text(m.start()), exact, near)
        except KgError as e:
            raise KgError(f"line {line}:{column}: {e}") from None
        if m["pos"] and (int(m["s"]), int(m["e"])) == (start, end):
            return m.group(0)
        changed += 1
        head = m.group(0)[: m.start("pos") - m.start()] if m["pos"] else m.group(0)
        return f"{head} ,\n            [ a oa:TextPositionSelector ; oa:start {start} ; oa:end {end} ]"

    return _EXACT.sub(fix, turtle), changed


_HAS_SOURCE = re.compile(r"oa:hasSource\s+(<[^>\s]*>|[A-Za-z][\w.-]*:[\w.-]*|:[\w.-]*)")


def text_of_quote(
    turtle: str, prefixes: Mapping[str, str], texts: Mapping[str, str], default: str | None
) -> Callable[[int], str]:
    """For anchor_turtle: the text a quote is taken from, named by the nearest ``oa:hasSource``
    before it (the project's evidence layout writes it just before the selectors)."""

    def text_at(offset: int) -> str:
        sources = list(_HAS_SOURCE.finditer(turtle, 0, offset))
        iri = expand_name(sources[-1].group(1), prefixes) if sources else default
        if iri is None or iri not in texts:
            named = f"<{iri}>" if iri else "no oa:hasSource"
            raise KgError(
                f"the quote's source ({named}) has no text: give the source an "
                '`ekg:localPath "file.txt"` (relative to its Turtle file) and load that file too'
            )
        return texts[iri]

    return text_at


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.anchor", description=__doc__)
    parser.add_argument("turtle", type=Path, nargs="+")
    parser.add_argument("--text", type=Path, default=Path("ontology/source/essay.txt"))
    args = parser.parse_args(argv)
    text = args.text.read_text(encoding="utf-8")
    for path in args.turtle:
        try:
            new, changed = anchor_turtle(path.read_text(encoding="utf-8"), text)
        except KgError as e:
            print(f"Error: {path}: {e}", file=sys.stderr)
            return 2
        if changed:
            tmp = path.with_suffix(path.suffix + ".tmp")
            tmp.write_text(new, encoding="utf-8")
            tmp.replace(path)
        print(f"{path}: {changed} selector(s) updated", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
