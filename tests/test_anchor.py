"""kg anchor: the offsets of evidence quotes written into the user's Turtle, from the text each quotes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from kg.sources import load

ESSAY = "https://w3id.org/essay-kg/ns#essay"
PREFIXES = """@prefix ekg:  <https://w3id.org/essay-kg/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix oa:   <http://www.w3.org/ns/oa#> .
"""


def _evidence(quote: str, source: str = "ekg:essay") -> str:
    return (
        f"    ekg:evidence [ a oa:SpecificResource ; oa:hasSource {source} ;\n"
        f'        oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "{quote}" ] ] .\n'
    )


def _challenge(quote: str) -> str:
    return PREFIXES + '\nekg:X a ekg:Challenge ;\n    rdfs:label "x" ;\n' + _evidence(quote)


def test_offsets_are_written_and_match_the_essay(run: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "challenge.ttl"
    path.write_text(_challenge("lack the ability to lobby its importance"), encoding="utf-8")
    result = run("anchor", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"{path}: 1 position selector written\n"
    assert "[ a oa:TextPositionSelector ; oa:start 7320 ; oa:end 7360 ]" in path.read_text(encoding="utf-8")
    essay = load().texts[ESSAY]
    assert essay[7320:7360] == "lack the ability to lobby its importance"
    again = run("anchor", str(path))
    assert again.stderr == f"{path}: 0 position selectors written\n"


def test_a_quote_from_the_extensions_own_text_is_found_there(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("First line.\nThe pilot went well.\n", encoding="utf-8")
    path = tmp_path / "notes.ttl"
    path.write_text(
        PREFIXES
        + '\nekg:notes a ekg:SourceText ; rdfs:label "notes" ; ekg:localPath "notes.txt" .\n'
        + 'ekg:Pilot a ekg:Claim ;\n    rdfs:label "the pilot went well" ;\n'
        + _evidence("The pilot went well.", "ekg:notes"),
        encoding="utf-8",
    )
    result = run("anchor", str(path))
    assert result.exit_code == 0, result.stderr
    assert "oa:start 12 ; oa:end 32" in path.read_text(encoding="utf-8")


def test_a_quote_the_text_does_not_hold_names_its_line_and_leaves_the_file(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    path = tmp_path / "challenge.ttl"
    path.write_text(_challenge("lack the abilty to lobby"), encoding="utf-8")
    before = path.read_bytes()
    result = run("anchor", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {path}:8:60: quote not found in the source text: 'lack the ab")
    assert "copy the words exactly" in result.stderr
    assert path.read_bytes() == before


def test_a_quote_found_twice_asks_for_a_longer_one(run: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "challenge.ttl"
    path.write_text(_challenge("social media"), encoding="utf-8")
    result = run("anchor", str(path))
    assert result.exit_code == 2
    assert "times (at " in result.stderr
    assert "lengthen it" in result.stderr
