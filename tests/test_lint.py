"""kg lint (kg.lint, kg.positions) and the gate that keeps lint errors out of the compiled store.

Each rule fires on a small bad extension under tests/data/lint/, at the right
file:line:column and with its fix; the built-in ontology lints clean.
``python tests/test_lint.py --update-vocabularies`` rewrites kg/vocabularies.txt
from rdflib's lists and the Web Annotation and SIOC lists below.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from kg.lint import LEVELS, RULES, Finding, known_vocabularies, lint
from kg.positions import Positions

REPO = Path(__file__).resolve().parents[1]
LINT = REPO / "tests" / "data" / "lint"
EKG = "https://w3id.org/essay-kg/ns#"


def findings(*names: str) -> list[Finding]:
    return lint([LINT / name for name in names], only_extra=True).findings


def one(found: list[Finding], rule: str) -> Finding:
    matching = [f for f in found if f.rule == rule]
    assert len(matching) == 1, f"expected one {rule}, got {matching}"
    return matching[0]


def place(finding: Finding) -> tuple[str, int | None, int | None]:
    return Path(finding.file).name, finding.line, finding.column


# --- the built-in ontology ------------------------------------------------------------------------


def test_the_builtin_ontology_lints_clean() -> None:
    report = lint()
    assert report.findings == [], "\n".join(f"{f.where}: {f.message}" for f in report.findings)
    assert [Path(f).name for f in report.files] == ["core.ttl", "comments.ttl", "essay.ttl"]


def test_every_rule_has_a_level_and_a_fixture_that_fires_it() -> None:
    assert {level for level, _ in RULES.values()} <= set(LEVELS)
    fired = {f.rule for f in findings(*(p.name for p in sorted(LINT.glob("*.ttl"))))}
    assert fired == set(RULES), f"rules no fixture fires: {set(RULES) - fired}"


# --- each rule ------------------------------------------------------------------------------------


def test_misspelt_class_and_property_say_what_was_meant() -> None:
    found = findings("misspelt.ttl")
    cls = one(found, "undeclared-class")
    assert (cls.level, place(cls), cls.subject) == ("ERROR", ("misspelt.ttl", 6, 22), "ekg:ChallengeSeven")
    assert "ekg:Challange" in cls.message
    assert "(did you mean ekg:Challenge?)" in cls.message
    assert "`ekg:Challange a owl:Class ;" in cls.message  # or declare it
    prop = one(found, "undeclared-property")
    assert place(prop) == ("misspelt.ttl", 8, 5)
    assert "(did you mean ekg:statedBy?)" in prop.message


def test_a_misspelt_standard_term_is_an_error_with_the_right_name() -> None:
    found = one(findings("vocab.ttl"), "undeclared-property")
    assert place(found) == ("vocab.ttl", 14, 5)
    assert "rdfs:lable is not a term of <http://www.w3.org/2000/01/rdf-schema#>" in found.message
    assert "(did you mean rdfs:label?)" in found.message


def test_a_term_of_an_unknown_vocabulary_is_a_warning() -> None:
    found = one(findings("vocab.ttl"), "unknown-namespace")
    assert (found.level, place(found)) == ("WARN", ("vocab.ttl", 16, 5))
    assert "`ex:colour a owl:DatatypeProperty ;" in found.message  # its value is a literal


def test_dangling_reference() -> None:
    found = one(findings("misspelt.ttl"), "dangling-reference")
    assert (found.level, place(found)) == ("ERROR", ("misspelt.ttl", 9, 15))
    assert "ekg:TheAwakenin" in found.message
    assert "(did you mean ekg:TheAwakening?)" in found.message


def test_the_ontology_prefix_bound_elsewhere() -> None:
    found = one(findings("prefix.ttl"), "prefix-mismatch")
    assert (found.level, place(found), found.subject) == ("ERROR", ("prefix.ttl", 2, 9), "@prefix ekg:")
    assert "write `@prefix ekg: <https://w3id.org/essay-kg/ns#> .`" in found.message


def test_a_near_miss_of_the_ontology_namespace_under_another_prefix() -> None:
    found = one(findings("vocab.ttl"), "prefix-mismatch")
    assert place(found) == ("vocab.ttl", 4, 9)
    assert "almost <https://w3id.org/essay-kg/ns#> (the ekg: namespace)" in found.message
    assert "`@prefix e2: <https://w3id.org/essay-kg/ns#> .`" in found.message


def test_a_standard_prefix_rebound_is_an_error_another_name_is_not(tmp_path: Path) -> None:
    ext = tmp_path / "ext.ttl"
    ext.write_text(
        "@prefix rdfs: <http://example.org/rdfs#> .\n@prefix dc: <http://purl.org/dc/terms/> .\n"
        "@prefix ex: <http://example.org/> .\n"
    )
    found = lint([ext], only_extra=True).findings
    assert [(f.rule, f.subject, f.line) for f in found] == [("prefix-mismatch", "@prefix rdfs:", 1)]
    assert "write `@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .`" in found[0].message


def test_a_quote_the_essay_does_not_hold() -> None:
    found = one(findings("quotes.ttl"), "quote-mismatch")
    assert (found.level, place(found), found.subject) == (
        "ERROR",
        ("quotes.ttl", 9, 60),
        "ekg:ClaimMisquoted",
    )
    assert "The quote does not occur in the source" in found.message
    assert "we are just getting started" in found.message


def test_evidence_from_an_unknown_source() -> None:
    found = one(findings("stages.ttl"), "unknown-source")
    assert (found.level, place(found)) == ("ERROR", ("stages.ttl", 10, 57))
    assert "ekg:notes" in found.message
    assert "point oa:hasSource at ekg:essay" in found.message


def test_a_repeated_label_names_the_other_individual() -> None:
    found = one(findings("quotes.ttl"), "duplicate-label")
    assert (found.level, place(found), found.subject) == (
        "ERROR",
        ("quotes.ttl", 13, 16),
        "ekg:AnotherAwakening",
    )
    assert 'the label "The Awakening", as ekg:TheAwakening (ontology/essay.ttl:' in found.message


def test_missing_label_evidence_and_offsets() -> None:
    found = findings("quotes.ttl")
    label = one(found, "missing-label")
    assert (label.level, place(label), label.subject) == ("ERROR", ("quotes.ttl", 20, 1), "ekg:ClaimUnnamed")
    evidence = one(found, "missing-evidence")
    assert (evidence.level, place(evidence), evidence.subject) == (
        "WARN",
        ("quotes.ttl", 17, 1),
        "ekg:ClaimUnquoted",
    )
    assert "oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact" in evidence.message
    assert "kg anchor FILE.ttl" in evidence.message
    offsets = one(found, "missing-offsets")
    assert (offsets.level, place(offsets)) == ("WARN", ("quotes.ttl", 15, 60))


def test_gaps_repeats_and_missing_numbers_in_a_scheme() -> None:
    found = findings("order.ttl")
    gap = one(found, "order-gap")
    assert (gap.level, place(gap), gap.subject) == ("ERROR", ("order.ttl", 9, 39), "ekg:ChallengeNine")
    assert "nothing in ekg:SixChallenges has ekg:position 8" in gap.message
    repeat = one(found, "order-duplicate")
    assert place(repeat) == ("order.ttl", 13, 39)
    assert "ekg:ResistanceFromInternalCulture both have ekg:position 1" in repeat.message
    missing = one(found, "order-missing-position")
    assert place(missing) == ("order.ttl", 17, 5)
    assert "add `ekg:position 7 ;`" in missing.message


def test_a_next_stage_loop_names_the_link_to_remove() -> None:
    found = findings("order.ttl")
    cycle = one(found, "order-cycle")
    assert (cycle.level, place(cycle)) == ("ERROR", ("order.ttl", 19, 39))
    assert "remove `ekg:CareerDecisionPoint ekg:nextStage ekg:TheAwakening`" in cycle.message
    assert not [f for f in found if f.rule == "order-next"]  # the loop says it all


def test_a_stage_with_two_next_stages() -> None:
    found = one(findings("stages.ttl"), "order-next")
    assert place(found) == ("stages.ttl", 13, 45)
    assert "has 2 ekg:nextStage (ekg:StageFive, ekg:StormOfCulturalConflict)" in found.message


def test_values_of_the_wrong_datatype() -> None:
    found = {f.line: f for f in findings("order.ttl", "vocab.ttl") if f.rule == "wrong-datatype"}
    assert 'ekg:value takes a xsd:decimal (its rdfs:range), not "forty-one"' in found[23].message
    assert "write `ekg:value 41.5`" in found[23].message
    assert '"seven" is not a valid xsd:integer' in found[24].message
    assert (found[24].line, found[24].column) == (24, 42)
    assert "ekg:stance links to a ekg:Stance" in found[25].message
    assert "`ekg:stance ekg:" in found[25].message  # an example of one
    assert "ekg:position takes an xsd:integer literal (its rdfs:range), not a node" in found[15].message


def test_new_terms_without_a_definition_are_infos() -> None:
    found = [f for f in findings("vocab.ttl") if f.rule == "missing-definition"]
    assert [(f.level, f.subject, f.line) for f in found] == [
        ("INFO", "ekg:Gadget", 10),
        ("INFO", "ekg:weight", 11),
    ]


def test_a_clean_extension_has_no_finding() -> None:
    assert lint([REPO / "tests" / "data" / "ext" / "with_evidence.ttl"], only_extra=True).findings == []


# --- positions ------------------------------------------------------------------------------------


def test_positions_skip_comments_and_strings_and_follow_nesting() -> None:
    text = textwrap.dedent(
        """\
        @prefix ekg: <https://w3id.org/essay-kg/ns#> .
        # ekg:Decoy a ekg:Thing .
        ekg:A ekg:says \"\"\"ekg:Decoy . ; ]
        still a string\"\"\" ;
            ekg:has [ ekg:inner "x\\"y" ; ekg:list ( ekg:B 7 ) ] , ekg:C .
        <https://w3id.org/essay-kg/ns#D> a ekg:Thing .
        """
    )
    pos = Positions(text)
    assert EKG + "Decoy" not in pos.terms
    assert pos.subject(EKG + "A") == (3, 1)
    assert pos.predicate(EKG + "A", EKG + "has") == (5, 5)
    assert pos.predicate(None, EKG + "inner") == (5, 15)
    assert pos.literal(EKG + "inner", 'x"y') == (5, 25)
    assert pos.object(None, EKG + "list", EKG + "B") == (5, 45)
    assert pos.literal(EKG + "list", "7") == (5, 51)
    assert pos.object(EKG + "A", EKG + "has", EKG + "C") == (5, 59)
    assert pos.subject(EKG + "D") == (6, 1)
    assert pos.prefix("ekg") == (1, 9)


# --- the command ----------------------------------------------------------------------------------


def test_cli_exit_codes_follow_fail_on(run: Callable[..., object]) -> None:
    errors = run("lint", "tests/data/lint/quotes.ttl")
    assert errors.exit_code == 1, errors.output
    assert "ERROR  quote-mismatch" in errors.stdout
    assert "tests/data/lint/quotes.ttl:9:60" in errors.stdout
    assert errors.stdout.rstrip().endswith("3 errors, 2 warnings, 0 infos in 4 files.")
    warnings_only = "tests/data/ext/no_evidence.ttl"
    assert run("lint", warnings_only).exit_code == 0
    assert run("lint", warnings_only, "--fail-on", "WARN").exit_code == 1
    assert run("lint", warnings_only, "--fail-on", "warn").exit_code == 1  # any case
    assert run("--data", warnings_only, "lint", "--fail-on", "INFO").exit_code == 1
    clean = run("lint")
    assert clean.exit_code == 0
    assert clean.stdout == "0 errors, 0 warnings, 0 infos in 3 files.\n"


def test_cli_unreadable_input_exits_2(run: Callable[..., object], tmp_path: Path) -> None:
    missing = run("lint", str(tmp_path / "nope.ttl"))
    assert missing.exit_code == 2
    assert "no such file or folder" in missing.stderr
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ekg: <https://w3id.org/essay-kg/ns#> .\nekg:A ekg:b ekg:c\n")
    bad = run("lint", str(broken))
    assert bad.exit_code == 2
    assert bad.stderr.startswith(f"Error: {broken}:")


def test_cli_json(run: Callable[..., object]) -> None:
    result = run("lint", "tests/data/lint/misspelt.ttl", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["counts"] == {"ERROR": 3, "WARN": 0, "INFO": 0}
    assert data["files"][-1] == "tests/data/lint/misspelt.ttl"
    first = data["findings"][0]
    assert set(first) == {"level", "rule", "file", "line", "column", "subject", "message"}
    assert (first["rule"], first["file"], first["line"], first["column"]) == (
        "undeclared-class",
        "tests/data/lint/misspelt.ttl",
        6,
        22,
    )


def test_cli_tsv(run: Callable[..., object]) -> None:
    result = run("lint", "tests/data/lint/order.ttl", "--format", "tsv")
    lines = result.stdout.splitlines()
    assert lines[0] == "level\trule\tfile\tline\tcolumn\tsubject\tmessage"
    rows = [line.split("\t") for line in lines[1:]]
    assert all(len(row) == 7 for row in rows)
    assert rows[0][:6] == ["ERROR", "order-gap", "tests/data/lint/order.ttl", "9", "39", "ekg:ChallengeNine"]


def test_cli_rules(run: Callable[..., object]) -> None:
    result = run("lint", "--rules")
    assert result.exit_code == 0
    for rule, (level, _) in RULES.items():
        assert any(line.split()[:2] == [rule, level] for line in result.stdout.splitlines()), rule


def test_control_characters_in_messages_are_escaped(run: Callable[..., object]) -> None:
    result = run("lint", "tests/data/describe/hostile.ttl")
    assert "\x1b" not in result.stdout
    assert "\\x1b]0;title\\x07" in result.stdout


# --- the gate -------------------------------------------------------------------------------------


def test_the_gate_refuses_an_extension_with_errors(run: Callable[..., object]) -> None:
    refused = run("--data", "tests/data/lint/misspelt.ttl", "query", "stages")
    assert refused.exit_code == 2
    assert refused.stdout == ""
    assert refused.stderr.startswith(
        "Error: tests/data/lint/misspelt.ttl:6:22: the class ekg:Challange is declared in no loaded file "
        "(did you mean ekg:Challenge?)"
    )
    assert "tests/data/lint/misspelt.ttl:8:5: the property ekg:statedby" in refused.stderr
    assert "3 lint errors in tests/data/lint/misspelt.ttl: fix them" in refused.stderr
    assert "--force" in refused.stderr

    forced = run("--force", "--data", "tests/data/lint/misspelt.ttl", "query", "stages")
    assert forced.exit_code == 0, forced.output
    assert "The Awakening" in forced.stdout

    # The store built with --force remembers its errors: without --force it is refused again.
    again = run("--data", "tests/data/lint/misspelt.ttl", "sparql", "ASK { ?s ?p ?o }")
    assert again.exit_code == 2
    assert "tests/data/lint/misspelt.ttl:6:22:" in again.stderr


@pytest.mark.parametrize("fixture", ["prefix.ttl", "quotes.ttl"])
def test_the_gate_names_prefixes_labels_and_quotes(run: Callable[..., object], fixture: str) -> None:
    refused = run("--data", f"tests/data/lint/{fixture}", "query", "stages")
    assert refused.exit_code == 2
    expected = {"prefix.ttl": ["prefix.ttl:2:9"], "quotes.ttl": ["quotes.ttl:9:60", "quotes.ttl:13:16"]}
    for where in expected[fixture]:
        assert f"Error: tests/data/lint/{where}" in refused.stderr or f"\ntests/data/lint/{where}" in (
            refused.stderr
        )


@pytest.mark.parametrize(
    "command",
    [
        ["stats"],
        ["export", "--format", "nt"],
        ["viz", "stages", "-o", "{tmp}"],
        ["build", "--no-queries", "-o", "{tmp}"],
        ["docs", "-o", "{tmp}"],
    ],
    ids=lambda c: c[0],
)
def test_the_commands_that_read_the_files_directly_refuse_them_too(
    run: Callable[..., object], tmp_path: Path, command: list[str]
) -> None:
    args = [part.replace("{tmp}", str(tmp_path / "out")) for part in command]
    refused = run("--data", "tests/data/lint/misspelt.ttl", *args)
    assert refused.exit_code == 2
    assert "(did you mean ekg:Challenge?)" in refused.stderr
    assert not (tmp_path / "out").exists()  # nothing written
    forced = run("--force", "--data", "tests/data/lint/misspelt.ttl", *args)
    assert forced.exit_code in (0, 1), forced.output  # 1: build's graph does not conform


def test_validate_reports_lint_errors_as_violations_at_their_place(run: Callable[..., object]) -> None:
    result = run("validate", "tests/data/lint/misspelt.ttl")
    assert result.exit_code == 1
    assert "Violation: lint undeclared-class" in result.stdout
    assert "at:      tests/data/lint/misspelt.ttl:6:22" in result.stdout
    assert "(did you mean ekg:Challenge?)" in result.stdout


def test_warnings_do_not_stop_the_gate(run: Callable[..., object]) -> None:
    result = run("--data", "tests/data/ext/no_evidence.ttl", "query", "stages")
    assert result.exit_code == 0, result.output


def test_the_gate_in_the_library(tmp_path: Path) -> None:
    from kg.compile import compiled_store
    from kg.errors import LintError

    with pytest.raises(LintError) as refused:
        compiled_store([LINT / "prefix.ttl"], force=False)
    assert [f.rule for f in refused.value.findings] == ["prefix-mismatch"]  # type: ignore[attr-defined]
    assert compiled_store([LINT / "prefix.ttl"], force=True).store is not None


def test_a_warm_query_does_not_lint(tmp_path: Path) -> None:
    """The gate runs when the store is built; a query on a built store imports neither kg.lint nor rdflib."""
    ext = REPO / "tests" / "data" / "ext" / "with_evidence.ttl"
    script = (
        "import sys\nfrom pathlib import Path\nfrom kg.compile import compiled_store\n"
        f"compiled_store([Path({str(ext)!r})])\n"
        "print('kg.lint' in sys.modules, 'rdflib' in sys.modules)\n"
    )
    env = {"KG_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    first = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert first.stdout.split() == ["True", "False"]  # built: linted, without rdflib
    warm = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert warm.stdout.split() == ["False", "False"]


# --- validate: missing evidence ---------------------------------------------------------------------


def test_validate_says_which_individual_has_no_evidence_and_how_to_add_it(run: Callable[..., object]) -> None:
    result = run("validate", "docs/examples/unquoted-claim.ttl")
    assert result.exit_code == 1
    assert "  at:      docs/examples/unquoted-claim.ttl:5:1\n" in result.stdout
    assert "message: ekg:ClaimUnquoted has no evidence:" in result.stdout
    example = (
        "`ekg:evidence [ a oa:SpecificResource ; oa:hasSource ekg:essay ; "
        'oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "..." ] ] ;`'
    )
    assert example in result.stdout
    assert "then run `kg anchor FILE.ttl` to add their offsets" in result.stdout
    data = json.loads(run("validate", "--format", "json", "docs/examples/unquoted-claim.ttl").stdout)
    assert data["findings"][0]["where"] == "docs/examples/unquoted-claim.ttl:5:1"


# --- the vocabularies -----------------------------------------------------------------------------

OA = """Annotation Choice CssSelector CssStyle DataPositionSelector Direction FragmentSelector
HttpRequestState Motivation RangeSelector ResourceSelection Selector SpecificResource State Style SvgSelector
TextPositionSelector TextQuoteSelector TextualBody TimeState XPathSelector annotationService bodyValue
cachedSource canonical end exact hasBody hasEndSelector hasPurpose hasScope hasSelector hasSource
hasStartSelector hasState hasTarget motivatedBy prefix processingLanguage refinedBy renderedVia sourceDate
sourceDateEnd sourceDateStart start styleClass styledBy suffix textDirection via PreferContainedDescriptions
PreferContainedIRIs assessing bookmarking classifying commenting describing editing highlighting identifying
linking moderating questioning replying tagging autoDirection ltrDirection rtlDirection"""
SIOC = """Community Container Forum Item Post Role Site Space Thread UserAccount Usergroup about account_of
addressed_to administrator_of attachment avatar container_of content content_encoded created_at creator_of
delivered_at description discussion_of earlier_version email email_sha1 embeds_knowledge feed first_name
follows function_of group_of has_administrator has_container has_creator has_discussion has_function
has_group has_host has_member has_moderator has_modifier has_owner has_parent has_part has_reply has_scope
has_space has_subscriber has_usergroup host_of id ip_address is_unread last_activity_date last_item_date
last_name last_reply_date later_version latest_version link links_to member_of mentions moderator_of
modified_at modifier_of name next_by_date next_version note num_authors num_items num_replies num_threads
num_views owner_of parent_of part_of previous_by_date previous_version read_at reference related_to reply_of
respond_to scope_of sibling space_of subject subscriber_of title topic usergroup_of"""


def expected_vocabularies() -> dict[str, list[str]]:
    from rdflib.namespace import DC, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD

    found = {
        str(ns._NS): sorted({*ns.__annotations__, *getattr(ns, "_extras", [])})
        for ns in (RDF, RDFS, OWL, XSD, SKOS, DCTERMS, DC, FOAF, PROV, SDO)
    }
    found["http://www.w3.org/ns/oa#"] = sorted(set(OA.split()))
    found["http://rdfs.org/sioc/ns#"] = sorted(set(SIOC.split()))
    return found


def test_the_vocabularies_are_rdflibs_and_cover_the_ontology() -> None:
    known = known_vocabularies()
    assert {ns: sorted(terms) for ns, terms in known.items()} == expected_vocabularies(), (
        "run: python tests/test_lint.py --update-vocabularies"
    )
    assert "label" in known["http://www.w3.org/2000/01/rdf-schema#"]
    assert "TextQuoteSelector" in known["http://www.w3.org/ns/oa#"]


def update_vocabularies() -> None:
    lines = [
        "# The terms of the standard vocabularies kg.lint knows: a namespace line, then its terms.",
        "# RDF, RDFS, OWL, XSD, SKOS, DCTERMS, DC, FOAF, PROV and schema.org as rdflib lists them; Web "
        "Annotation",
        "# (oa:) and SIOC from their specifications. Regenerate: python tests/test_lint.py "
        "--update-vocabularies",
        "",
    ]
    for namespace, terms in expected_vocabularies().items():
        lines += [f"<{namespace}>", *textwrap.wrap(" ".join(terms), 108), ""]
    (REPO / "kg" / "vocabularies.txt").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update-vocabularies"]:
        sys.exit("usage: python tests/test_lint.py --update-vocabularies")
    update_vocabularies()
