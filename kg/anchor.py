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
from pathlib import Path

from kg.errors import KgError

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
        raise KgError(f"quote not found in the source text: {exact[:80]!r}")
    if len(found) > 1 and near is None:
        raise KgError(
            f"quote occurs {len(found)} times (at {', '.join(map(str, found))}): "
            f"lengthen it, or give oa:start near the one you mean: {exact[:80]!r}"
        )
    start = found[0] if near is None else min(found, key=lambda o: abs(o - near))
    return start, start + len(exact)


def anchor_turtle(turtle: str, text: str) -> tuple[str, int]:
    """Fill in or correct every position selector; return the new Turtle and the count changed."""
    changed = 0

    def fix(m: re.Match[str]) -> str:
        nonlocal changed
        exact = unescape_turtle(m["q"])
        near = int(m["s"]) if m["pos"] else None
        try:
            start, end = locate(text, exact, near)
        except KgError as e:
            line = turtle.count("\n", 0, m.start()) + 1
            raise KgError(f"line {line}: {e}") from None
        if m["pos"] and (int(m["s"]), int(m["e"])) == (start, end):
            return m.group(0)
        changed += 1
        head = m.group(0)[: m.start("pos") - m.start()] if m["pos"] else m.group(0)
        return f"{head} ,\n            [ a oa:TextPositionSelector ; oa:start {start} ; oa:end {end} ]"

    return _EXACT.sub(fix, turtle), changed


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
