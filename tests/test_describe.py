"""kg describe: finding an entity, what is gathered about it, safe output, and every engine agreeing."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg.describe import (
    AmbiguousEntity,
    Description,
    EntityNotFound,
    describe,
    describe_json,
    describe_text,
    resolve,
)
from kg.engines import Result, open_engine
from kg.entities import fold
from kg.errors import KgError
from kg.printable import printable
from kg.sparqltext import bind_values
from tests.conftest import REPO

EKG = "https://w3id.org/essay-kg/ns#"
HOSTILE = REPO / "tests" / "data" / "describe" / "hostile.ttl"
ESSAY_TEXT = (REPO / "ontology" / "source" / "essay.txt").read_text(encoding="utf-8")
# What a terminal would act on: C0 (but the newline between lines), DEL, C1, bidi and line separators.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class StoreEngine:
    """The Engine interface over an in-memory pyoxigraph store, binding the way the engines do.

    Lets these tests load hostile Turtle without a compiled store, and count triples before and after.
    """

    def __init__(self, *files: Path) -> None:
        self.store = ox.Store()
        self.prefixes: dict[str, str] = {"ekg": EKG, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
        for path in files:
            self.store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
        self.queries: list[str] = []

    def run(self, sparql: str, bindings: Mapping[str, str] | None = None) -> Result:
        text = bind_values(sparql, bindings) if bindings else sparql
        self.queries.append(text)
        answer = self.store.query(text)
        if isinstance(answer, ox.QueryBoolean):
            return Result("ASK", [], [], bool(answer), [])
        variables = [v.value for v in answer.variables]
        rows = [{v: s[v] for v in variables if s[v] is not None} for s in answer]
        return Result("SELECT", variables, rows, None, [])


@pytest.fixture(scope="module", autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One compiled store for the module, outside the user's cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KG_CACHE_DIR", str(tmp_path_factory.mktemp("kg-cache")))
        patch.delenv("KG_DATA", raising=False)
        yield


@pytest.fixture(scope="module")
def oxigraph() -> Any:
    return open_engine("oxigraph")


@pytest.fixture(scope="module")
def rdflib_engine() -> Any:
    return open_engine("rdflib")


@pytest.fixture(scope="module")
def hostile() -> StoreEngine:
    ontology = REPO / "ontology"
    return StoreEngine(ontology / "core.ttl", ontology / "essay.ttl", ontology / "comments.ttl", HOSTILE)


# --- finding the entity ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The Awakening",
        "the awakening",
        "THE AWAKENING",
        "  The   Awakening ",
        "The Awakening.",
        "“The Awakening”",
        '"the awakening?"',
        "Awakening",  # an skos:altLabel
        "ekg:TheAwakening",
        f"<{EKG}TheAwakening>",
        f"{EKG}TheAwakening",
    ],
)
def test_resolve_by_label_prefixed_name_or_iri(oxigraph: Any, text: str) -> None:
    node = resolve(oxigraph, text)
    assert (node.iri, node.id) == (EKG + "TheAwakening", "ekg:TheAwakening")


@pytest.mark.parametrize(
    ("text", "iri"),
    [
        ("Owyang", "JeremiahOwyang"),  # altLabel
        ("altimeter's research", "CareerPathReport"),  # straight apostrophe for the label's curly one
        ("engage", "Engage"),  # the label is "Engage!"
    ],
)
def test_resolve_forgives_quotes_and_punctuation(oxigraph: Any, text: str, iri: str) -> None:
    assert resolve(oxigraph, text).iri == EKG + iri


def test_a_miss_suggests_the_closest_label(oxigraph: Any) -> None:
    with pytest.raises(EntityNotFound) as caught:
        resolve(oxigraph, "Awakning")
    assert str(caught.value) == 'no entity matches "Awakning" (did you mean: The Awakening?)'


def test_a_mistyped_prefixed_name_suggests_prefixed_names(oxigraph: Any) -> None:
    with pytest.raises(EntityNotFound) as caught:
        resolve(oxigraph, "ekg:TheAwakning")
    assert caught.value.suggestions[0] == "ekg:TheAwakening"


def test_a_miss_with_nothing_close_says_what_to_give(oxigraph: Any) -> None:
    with pytest.raises(EntityNotFound, match=r'no entity matches "qqqzzzxxx": give a label'):
        resolve(oxigraph, "qqqzzzxxx")


def test_a_label_two_entities_share_is_ambiguous(oxigraph: Any) -> None:
    with pytest.raises(AmbiguousEntity) as caught:
        resolve(oxigraph, "stance")  # the class ekg:Stance and the property ekg:stance
    assert str(caught.value) == (
        '"stance" is the label of 2 entities: ekg:Stance (Class), ekg:stance (ObjectProperty): '
        "give the prefixed name or IRI of the one you mean"
    )


def test_an_exact_label_first_then_a_label_before_an_alternative_label(hostile: StoreEngine) -> None:
    assert resolve(hostile, "shared name").iri == EKG + "LabelOwner"  # its rdfs:label, as written
    assert resolve(hostile, "Shared Name").iri == EKG + "AltOwner"  # its skos:altLabel, as written
    assert resolve(hostile, "SHARED NAME").iri == EKG + "LabelOwner"  # neither: the label wins


def test_an_invalid_iri_is_an_error_not_a_miss(oxigraph: Any) -> None:
    with pytest.raises(KgError) as caught:
        resolve(oxigraph, "<not an iri>")
    assert not isinstance(caught.value, EntityNotFound)


def test_fold() -> None:
    assert fold("  “The  Awakening.”  ") == fold("the awakening") == "the awakening"
    assert fold("Altimeter’s research") == "altimeter's research"
    assert fold("Engage!") == "engage"


# --- injection: the user's text is a bound literal ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '" } ; DROP ALL ; #',
        'x" . } } INSERT DATA { <urn:a> <urn:b> <urn:c> } #',
        "back\\slash\nnew line '''",
        "?_entity_iri",
        "} UNION { ?s ?p ?o",
    ],
)
def test_hostile_text_stays_a_literal(hostile: StoreEngine, text: str) -> None:
    before = len(hostile.store)
    hostile.queries.clear()
    with pytest.raises(EntityNotFound):
        resolve(hostile, text)
    assert len(hostile.store) == before
    bound = [q for q in hostile.queries if "VALUES (?_label)" in q]
    assert bound, "the label look-up binds the text"
    # The text appears in the query only as one escaped string literal in the VALUES row.
    row = bound[0].split("VALUES (?_label)", 1)[1].split("\n", 1)[0]
    literals = re.findall(r'"((?:[^"\\]|\\.)*)"', row)
    assert len(literals) == 1
    assert json.loads(f'"{literals[0]}"') == text.strip()


def test_a_label_holding_sparql_syntax_is_found_exactly(hostile: StoreEngine) -> None:
    node = resolve(hostile, 'Tricky "quoted" \\ back } ; DROP ALL ; #')
    assert node.iri == EKG + "TrickyLabel"


# --- what is gathered ----------------------------------------------------------------------------------


def test_describe_a_stage(oxigraph: Any) -> None:
    desc = describe(oxigraph, "the awakening")
    assert (desc.entity.label, desc.entity.id) == ("The Awakening", "ekg:TheAwakening")
    assert [t.id for t in desc.types] == ["ekg:Stage"]
    assert "skos:Concept" in {t.id for t in desc.supertypes}  # inferred, shown apart
    assert desc.alt_labels == ["Awakening"]
    assert desc.definitions
    assert desc.definitions[0].startswith("As customers rapidly adopt")
    out = {(r.property.id, getattr(r.other, "id", None) or r.other.display()) for r in desc.outgoing}
    assert ("ekg:nextStage", "ekg:AscensionOfTheCorporateSocialStrategist") in out
    assert ("ekg:position", "1") in out
    incoming = {(r.property.id, r.other.id) for r in desc.incoming}  # type: ignore[union-attr]
    assert ("ekg:firstStage", "ekg:CareerStages") in incoming
    assert desc.statistic is None


def test_values_carry_their_labels(oxigraph: Any) -> None:
    desc = describe(oxigraph, "ekg:TheAwakening")
    nxt = next(r.other for r in desc.outgoing if r.property.id == "ekg:nextStage")
    assert (
        nxt.display()
        == "Ascension of the Corporate Social Strategist (ekg:AscensionOfTheCorporateSocialStrategist)"
    )
    assert next(r.property for r in desc.outgoing if r.property.id == "ekg:nextStage").label == "next stage"


def test_evidence_is_sorted_by_start_and_true_to_the_text(oxigraph: Any) -> None:
    desc = describe(oxigraph, "Brian Solis")
    starts = [e.start for e in desc.evidence]
    assert len(starts) >= 3
    assert starts == sorted(starts)  # type: ignore[type-var]
    for ev in desc.evidence:
        assert ev.source is not None
        assert ev.source.id == "ekg:essay"
        assert ESSAY_TEXT[ev.start : ev.end] == ev.quote


def test_describe_a_statistic(oxigraph: Any) -> None:
    desc = describe(oxigraph, "ekg:StatMarketing41")
    stat = desc.statistic
    assert stat is not None
    shown = {name: [v.display() for v in values] for name, values in stat.items()}
    assert shown == {
        "value": ["41"],
        "unit": ["percent (ekg:percent)"],
        "asWritten": ['"41%"'],
        "measures": ['"share of social strategists who reside in marketing"'],
        "population": ["social strategist (ekg:SocialStrategist)"],
        "statedBy": ["Altimeter Group (ekg:AltimeterGroup)"],
        "source": ["Career Path of the Corporate Social Media Strategist (ekg:CareerPathReport)"],
    }
    # Shown in the statistic block, not again among the relations; and the super-property
    # prov:wasAttributedTo (implied by ekg:statedBy) is left out.
    assert not {r.property.id for r in desc.outgoing} & {"ekg:value", "prov:wasAttributedTo"}


def test_a_range_statistic_with_qualifier_and_sample(oxigraph: Any) -> None:
    text = describe_text(describe(oxigraph, "ekg:StatExperience3to6"))
    assert re.search(r"^  range +3 to 6$", text, re.M)
    assert re.search(r'^  as written +"3-6 years"$', text, re.M)
    assert re.search(r"^  sample +50 job descriptions \(ekg:SampleJobDescriptions50\)$", text, re.M)
    qualified = describe(oxigraph, "ekg:StatFormalizedProgram23").statistic
    assert qualified is not None
    assert [v.display() for v in qualified["qualifier"]] == ['"only"']


def test_a_sample_is_a_statistic_without_reasoning_too() -> None:
    plain = open_engine("oxigraph", reason=False)
    desc = describe(plain, "ekg:SampleInterviews50")
    assert desc.statistic is not None
    assert [t.id for t in desc.types] == ["ekg:Sample"]


def test_a_source_text_counts_the_evidence_citing_it(oxigraph: Any) -> None:
    desc = describe(oxigraph, "ekg:essay")
    (cited,) = desc.anonymous_incoming
    assert cited.property.id == "oa:hasSource"
    assert cited.count > 150
    assert desc.evidence == []


def test_a_property_shows_how_often_it_is_used(oxigraph: Any) -> None:
    desc = describe(oxigraph, "ekg:nextStage")
    assert desc.uses_as_property == 3
    assert "comes before" in desc.alt_labels


def test_the_text_report(oxigraph: Any) -> None:
    text = describe_text(describe(oxigraph, "The Awakening"))
    lines = text.splitlines()
    assert lines[:4] == [
        "The Awakening",
        "=============",
        "  id             ekg:TheAwakening",
        f"  IRI            <{EKG}TheAwakening>",
    ]
    assert re.search(r"^  type +stage \(ekg:Stage\)$", text, re.M)
    assert re.search(
        r"^  next stage \(ekg:nextStage\) +-> Ascension of the Corporate Social Strategist "
        r"\(ekg:AscensionOfTheCorporateSocialStrategist\)$",
        text,
        re.M,
    )
    assert re.search(r"^  first stage \(ekg:firstStage\) +<- .* \(ekg:CareerStages\)$", text, re.M)
    assert re.search(r'^  \[4885-5096 essay\.txt\] "The Awakening\. As customers', text, re.M)


# --- safe output --------------------------------------------------------------------------------------


def test_control_characters_from_the_graph_are_neutralised(hostile: StoreEngine) -> None:
    desc = describe(hostile, "ekg:HostileThing")
    text = describe_text(desc)
    assert not UNSAFE.search(text)
    assert "hostile \\x1b[31mred\\x1b[0m thing" in text
    assert "bidi \\u202eevil\\u202c and C1 \\x9b31m" in text
    assert "line one\\nline two\\x07" in text
    assert '"quote with \\x1b]0;title\\x07 osc"' in text


def test_json_is_safe_and_exact(hostile: StoreEngine) -> None:
    desc = describe(hostile, "ekg:HostileThing")
    out = describe_json(desc)
    assert not UNSAFE.search(out)
    assert json.loads(out) == desc.to_json()
    assert json.loads(out)["label"] == "hostile \x1b[31mred\x1b[0m thing"


def test_the_miss_message_is_safe_too(hostile: StoreEngine) -> None:
    with pytest.raises(EntityNotFound) as caught:
        resolve(hostile, "hostile \x1b[31mred")
    assert not UNSAFE.search(str(caught.value))


def test_printable() -> None:
    assert printable("a\x1b[2Jb\u202e\u0085\n\t") == "a\\x1b[2Jb\\u202e\\x85\\n\\t"
    assert printable("Altimeter’s “research” – fine") == "Altimeter’s “research” – fine"


# --- engines agree -------------------------------------------------------------------------------------

ENTITIES = [
    "The Awakening",
    "ekg:StatMarketing41",
    "ekg:StatExperience3to6",
    "Jeremiah Owyang",
    "ekg:essay",
    "ekg:Stage",
    "ekg:nextStage",
    "ekg:comment3",
]


@pytest.mark.parametrize("text", ENTITIES)
def test_oxigraph_and_rdflib_agree(oxigraph: Any, rdflib_engine: Any, text: str) -> None:
    assert describe(oxigraph, text).to_json() == describe(rdflib_engine, text).to_json()


def test_the_endpoint_engine_agrees(oxigraph: Any, sparql_endpoint: str) -> None:
    endpoint = open_engine("endpoint", endpoint=sparql_endpoint, timeout=10)
    for text in ENTITIES:
        assert describe(endpoint, text).to_json() == describe(oxigraph, text).to_json()


@pytest.fixture(scope="module")
def sparql_endpoint(oxigraph: Any) -> Iterator[str]:
    """A SPARQL 1.1 protocol endpoint on 127.0.0.1, answering from a copy of the compiled graph."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in oxigraph_quads(oxigraph))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            query = self.rfile.read(int(self.headers["Content-Length"])).decode()
            answer = store.query(query)
            if isinstance(answer, ox.QueryTriples):
                body, kind = answer.serialize(format=ox.RdfFormat.N_TRIPLES), "application/n-triples"
            else:
                body = answer.serialize(format=ox.QueryResultsFormat.JSON)
                kind = "application/sparql-results+json"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/query"
    server.shutdown()
    server.server_close()


def oxigraph_quads(engine: Any) -> list[ox.Quad]:
    """Every triple the oxigraph engine answers with (its default graph: asserted + inferred)."""
    result = engine.run("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    return [ox.Quad(t.subject, t.predicate, t.object) for t in result.triples]


# --- the command ---------------------------------------------------------------------------------------


def test_cli_text(run: Any) -> None:
    result = run("describe", "The Awakening")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("The Awakening\n=============\n  id             ekg:TheAwakening\n")


def test_cli_miss(run: Any) -> None:
    result = run("describe", "Awakning")
    assert result.exit_code == 2
    assert result.stderr == 'Error: no entity matches "Awakning" (did you mean: The Awakening?)\n'
    assert result.stdout == ""


def test_cli_json_and_engines(run: Any) -> None:
    ox_out = run("describe", "ekg:StatMarketing41", "--format", "json")
    rdflib_out = run("describe", "ekg:StatMarketing41", "--format", "json", "--engine", "rdflib")
    assert ox_out.exit_code == rdflib_out.exit_code == 0
    data = json.loads(ox_out.stdout)
    assert data["id"] == "ekg:StatMarketing41"
    assert data["statistic"]["asWritten"] == [{"type": "literal", "value": "41%", "datatype": "xsd:string"}]
    assert json.loads(rdflib_out.stdout) == data


def test_cli_data_extension_and_no_reason(run: Any) -> None:
    label = 'Tricky "quoted" \\ back } ; DROP ALL ; #'
    # --force: a hostile quote is not the essay's, a lint error
    result = run("--force", "--data", str(HOSTILE), "describe", label, "--no-reason")
    assert result.exit_code == 0, result.output
    assert "ekg:TrickyLabel" in result.stdout
    assert "supertypes" not in result.stdout  # no inferred supertypes without reasoning


def test_describe_imports_no_rdflib(tmp_path: Path) -> None:
    """The fast path, cold cache (compile) and warm, loads neither rdflib nor the other heavy modules."""
    script = (
        "import sys\n"
        "from kg.cli import main\n"
        "sys.argv = ['kg', 'describe', 'The Awakening']\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "heavy = [m for m in ('rdflib', 'pyshacl', 'networkx', 'pyvis') if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    env = {**os.environ, "KG_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("KG_DATA", None)
    for _ in ("compile", "warm"):
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        assert "HEAVY []" in done.stderr
        assert done.stdout.startswith("The Awakening\n")


def test_description_json_round_trips(oxigraph: Any) -> None:
    desc = describe(oxigraph, "Jeremiah Owyang")
    assert isinstance(desc, Description)
    data = json.loads(describe_json(desc))
    assert data["label"] == "Jeremiah Owyang"
    assert {t["id"] for t in data["types"]} == {"foaf:Person"}
    assert any(
        r["property"]["id"] == "ekg:worksFor" and r["value"]["id"] == "ekg:AltimeterGroup"
        for r in data["outgoing"]
    )
