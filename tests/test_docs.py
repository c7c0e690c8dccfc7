"""`kg docs`: every class, the counts, schemes, shapes and queries on one page; data shown as text."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import Result

from kg.build import build
from kg.catalog import catalog
from kg.docs import Docs, document
from kg.docs_html import DOCS_FILE, render_docs
from kg.sources import load
from kg.stats import label
from kg.viz.html import template
from tests.conftest import DATA

EKG = "https://w3id.org/essay-kg/ns#"
HOSTILE = DATA / "docs" / "hostile.ttl"
HOSTILE_QUERIES = DATA / "docs" / "queries"
SUMMARY = re.compile(r"\(\d+ classes, \d+ properties, \d+ concept schemes, \d+ shapes, \d+ quer(y|ies)\)")


class Page(HTMLParser):
    """The page as the browser would read it: elements with their attributes, articles with their text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.articles: dict[str, str] = {}  # id -> its text
        self.codes: dict[str, list[str]] = {}  # article id -> the text of its <code> elements
        self.text: list[str] = []
        self._open: list[str] = []
        self._in_script = False
        self._code: list[str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")
        if tag == "article":
            self._open.append(dict(attrs)["id"] or "")
            self.articles[self._open[-1]] = ""
            self.codes[self._open[-1]] = []
        if tag == "code" and self._open:
            self._code = self.codes[self._open[-1]]
            self._code.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        if tag == "article":
            self._open.pop()
        if tag == "code":
            self._code = None

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
            return
        self.text.append(data)
        if self._code is not None:
            self._code[-1] += data
        for anchor in self._open:
            self.articles[anchor] += data

    def hrefs(self) -> list[str]:
        return [attrs["href"] or "" for tag, attrs in self.tags if tag == "a" and "href" in attrs]

    def ids(self) -> list[str]:
        return [attrs["id"] or "" for _, attrs in self.tags if "id" in attrs]


@pytest.fixture(scope="module")
def docs() -> Docs:
    return document()


@pytest.fixture(scope="module")
def page(docs: Docs) -> Page:
    return Page(render_docs(docs))


@pytest.fixture(scope="module")
def hostile() -> str:
    return render_docs(document([HOSTILE], query_dirs=[HOSTILE_QUERIES]))


def _class(docs: Docs, curie: str):
    return next(c for c in docs.classes if c.curie == curie)


# ---- content ---------------------------------------------------------------------------------------


def test_every_class_is_documented_by_label_iri_and_anchor(page: Page) -> None:
    from rdflib import OWL, RDF, RDFS

    graph = load().graph
    classes = {*graph.subjects(RDF.type, OWL.Class), *graph.subjects(RDF.type, RDFS.Class)}
    assert len(classes) > 40
    ids, hrefs = page.ids(), set(page.hrefs())
    for cls in classes:
        found = [a for a, codes in page.codes.items() if a.startswith("class-") and str(cls) in codes]
        assert len(found) == 1, cls
        anchor = found[0]
        assert label(graph, cls) in page.articles[anchor]
        assert ids.count(anchor) == 1
        assert f"#{anchor}" in hrefs  # the table of contents links to it
    assert "class-ekg-Stage" in page.articles


def test_the_ontologys_own_classes_come_first(docs: Docs) -> None:
    prefixes = [c.curie.split(":")[0] for c in docs.classes]
    own = prefixes.count("ekg")
    assert prefixes[:own] == ["ekg"] * own
    assert "ekg" not in prefixes[own:]


@pytest.mark.parametrize(
    ("curie", "direct", "total"),
    [("ekg:Stage", 4, 4), ("ekg:Claim", 31, 72), ("foaf:Agent", 5, 21), ("skos:Concept", 0, 60)],
)
def test_instance_counts_include_the_rdfs_inferences(
    docs: Docs, page: Page, curie: str, direct: int, total: int
) -> None:
    found = _class(docs, curie)
    assert (found.instances, found.with_subclasses) == (direct, total)
    assert f"{direct} typed with it directly, {total} with its subclasses" in page.articles[found.anchor]


def test_a_class_shows_its_hierarchy_properties_and_shapes(docs: Docs, page: Page) -> None:
    stage = _class(docs, "ekg:Stage")
    assert [r.curie for r in stage.superclasses] == ["skos:Concept"]
    assert {r.curie for r in stage.domain_of} >= {"ekg:nextStage", "ekg:leadsTo", "ekg:involvesChallenge"}
    assert [r.curie for r in stage.shapes] == ["ekgsh:StageShape"]
    assert "#class-skos-Concept" in page.hrefs()
    assert "#shape-ekgsh-StageShape" in page.hrefs()
    text = page.articles["class-ekg-Stage"]
    assert "One of the four stages the strategist's role passes through" in text  # the definition


def test_properties_have_domain_range_and_use_counts(docs: Docs, page: Page) -> None:
    next_stage = next(p for p in docs.properties if p.curie == "ekg:nextStage")
    assert next_stage.kind == "object property"
    assert [r.curie for r in next_stage.domains] == [r.curie for r in next_stage.ranges] == ["ekg:Stage"]
    assert next_stage.uses == 3
    evidence = next(p for p in docs.properties if p.curie == "ekg:evidence")
    assert [r.curie for r in evidence.superproperties] == ["prov:wasDerivedFrom"]
    text = page.articles["prop-ekg-nextStage"]
    assert "next stage" in text
    assert "3 triples" in text


def test_concept_schemes_list_their_concepts_in_order(docs: Docs, page: Page) -> None:
    stages = next(s for s in docs.schemes if s.curie == "ekg:CareerStages")
    assert [e.ref.curie for e in stages.concepts] == [
        "ekg:TheAwakening",
        "ekg:AscensionOfTheCorporateSocialStrategist",
        "ekg:StormOfCulturalConflict",
        "ekg:CareerDecisionPoint",
    ]
    assert [e.position for e in stages.concepts] == ["1", "2", "3", "4"]
    assert stages.first is not None
    assert stages.first.curie == "ekg:TheAwakening"
    assert [e.next.curie if e.next else None for e in stages.concepts][-2:] == [
        "ekg:CareerDecisionPoint",
        None,
    ]
    assert [c.curie for c in stages.concepts[0].classes] == ["ekg:Stage"]
    text = page.articles["scheme-ekg-CareerStages"]
    assert (
        text.index("The Awakening") < text.index("Storm of Cultural Conflict") < text.index("Career Decision")
    )
    challenges = next(s for s in docs.schemes if s.curie == "ekg:SixChallenges")
    assert len(challenges.concepts) == 6


def test_every_shape_is_documented_with_its_targets_and_messages(docs: Docs, page: Page) -> None:
    from rdflib import RDF, URIRef

    shapes = load().shapes
    node_shapes = set(shapes.subjects(RDF.type, URIRef("http://www.w3.org/ns/shacl#NodeShape")))
    assert {s.iri for s in docs.shapes} == {str(s) for s in node_shapes}
    everything = "".join(page.text)
    for message in shapes.objects(None, URIRef("http://www.w3.org/ns/shacl#message")):
        assert str(message) in everything, message
    stage = page.articles["shape-ekgsh-StageShape"]
    assert "instances of stage ekg:Stage" in stage
    assert "minCount 1" in stage
    assert "ekgsh:UniquePosition" in stage
    individual = next(s for s in docs.shapes if s.curie == "ekgsh:IndividualShape")
    assert individual.targets[0].kind == "a SPARQL query"
    assert "FILTER NOT EXISTS" in individual.targets[0].sparql
    evidence = next(s for s in docs.shapes if s.curie == "ekgsh:EvidenceShape")
    assert "oa:hasSelector / oa:exact" in [r.path for r in evidence.rules]
    assert any(r.severity == "Warning" for s in docs.shapes for r in s.rules)


def test_the_query_catalogue_lists_every_query(docs: Docs, page: Page) -> None:
    names = sorted(catalog())
    assert [q.name for q in docs.queries] == names
    for name in names:
        assert name in page.articles[f"query-{name}"]
        assert f"#query-{name}" in page.hrefs()
    after = page.articles["query-stage-after"]
    assert "Which stage follows a given stage?" in after
    assert "stage (iri, required)" in after
    assert "What comes after {stage}?" in after


def test_the_page_is_offline_and_links_only_inside_itself(page: Page) -> None:
    for tag, attrs in page.tags:
        assert "src" not in attrs, tag
        if tag == "link":
            pytest.fail(f"a <link> element: {attrs}")
    ids = set(page.ids())
    for href in page.hrefs():
        assert href.startswith("#"), href
        assert href[1:] in ids, href
    assert page.scripts == [template("docs.js")]
    csp = next(
        attrs["content"] for tag, attrs in page.tags if attrs.get("http-equiv") == "Content-Security-Policy"
    )
    assert csp is not None
    assert csp.startswith("default-src 'none'; script-src 'sha256-")


# ---- hostile text ----------------------------------------------------------------------------------


def test_hostile_labels_definitions_and_queries_are_text(hostile: str) -> None:
    parsed = Page(hostile)
    assert parsed.scripts == [template("docs.js")]  # no script element from the data
    for tag, attrs in parsed.tags:
        assert tag not in {"img", "svg", "iframe", "object", "embed", "b"}, tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        href = (attrs.get("href") or "").strip().lower()
        assert not href.startswith("javascript:"), attrs
        assert not (attrs.get("src") or "").strip().lower().startswith("javascript:"), attrs
    text = "".join(parsed.text)
    for payload in [
        "<script>window.__pwned='class'</script>hostile class",
        "<a href=\"javascript:window.__pwned='alt'\">click me</a>",
        "<svg onload=\"window.__pwned='property'\">hostile link",
        "<iframe src=\"javascript:window.top.__pwned='scheme'\"></iframe>",
        "</style></script><script>window.__pwned='comment'</script><!--",
        "<script>window.__pwned='query'</script> which hostile things are there?",
        '<a href="javascript:alert(1)">what</a> is hostile?',
        "&lt;script&gt; already escaped & not",
        "<javascript:window.__pwned='iri'>",  # a class named by a javascript: IRI, shown, not linked
    ]:
        assert payload in text, payload
    # Terminal escapes and bidi overrides are shown as escapes, never passed to the reader.
    assert "\x1b" not in hostile
    assert "\u202e" not in hostile
    assert "red \\x1b[31mALERT\\x1b[0m and \\u202ereversed" in text
    assert "\\x1b]8;;javascript:alert(1)" in text


def test_hostile_extension_classes_are_documented(hostile: str) -> None:
    parsed = Page(hostile)
    assert "1 typed with it directly, 1 with its subclasses" in parsed.articles["class-ekg-HostileDocClass"]
    assert "prop-ekg-hostileDocLink" in parsed.articles
    assert "scheme-ekg-HostileDocScheme" in parsed.articles


# ---- the command -----------------------------------------------------------------------------------


def test_cli_docs_writes_the_page_into_the_folder(run: Callable[..., Result], tmp_path: Path) -> None:
    folder = tmp_path / "site"
    result = run("docs", "-o", str(folder))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"wrote {folder / DOCS_FILE} (")
    assert SUMMARY.search(result.stderr)
    written = (folder / DOCS_FILE).read_text(encoding="utf-8")
    assert 'id="class-ekg-Stage"' in written
    assert 'href="index.html"' not in written  # no index beside it
    (folder / "index.html").write_text("an index")
    assert run("docs", "-o", str(folder)).exit_code == 0
    assert 'href="index.html"' in (folder / DOCS_FILE).read_text(encoding="utf-8")


def test_cli_docs_default_folder(run: Callable[..., Result], tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("docs")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"wrote {Path('outputs') / DOCS_FILE} (")
    assert (tmp_path / "outputs" / DOCS_FILE).is_file()


@pytest.mark.parametrize("how", ["argument", "--data", "KG_DATA"])
def test_cli_docs_documents_extension_classes(run: Callable[..., Result], tmp_path: Path, how: str) -> None:
    args = {
        "argument": ["docs", "-o", str(tmp_path), str(HOSTILE)],
        "--data": ["--data", str(HOSTILE), "docs", "-o", str(tmp_path)],
        "KG_DATA": ["docs", "-o", str(tmp_path)],
    }[how]
    env = {"KG_DATA": str(HOSTILE)} if how == "KG_DATA" else None
    result = run(*args, env=env)
    assert result.exit_code == 0, result.output
    written = Page((tmp_path / DOCS_FILE).read_text(encoding="utf-8"))
    assert (
        "<script>window.__pwned='class'</script>hostile class"
        in written.articles["class-ekg-HostileDocClass"]
    )


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("file", "{target}: exists and is not a folder: give -o a folder (new or existing)"),
        (
            "missing/site",
            "{target}: the folder {parent} does not exist: create it first, or give -o another folder",
        ),
        (
            "docs.html",
            "{target}: -o takes a folder, and the page is written into it as docs.html: "
            "give a folder, such as -o {parent}/docs",
        ),
    ],
)
def test_cli_docs_bad_output(run: Callable[..., Result], tmp_path: Path, where: str, message: str) -> None:
    (tmp_path / "file").write_text("in the way")
    target = tmp_path / where
    result = run("docs", "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr == "Error: " + message.format(target=target, parent=target.parent) + "\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_cli_docs_bad_extension_is_a_clean_error(run: Callable[..., Result], tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ekg: <https://w3id.org/essay-kg/ns#> .\nekg:A a ekgg:Class .\n")
    result = run("docs", "-o", str(tmp_path / "site"), str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {bad}:2:")
    assert not (tmp_path / "site").exists()


def test_a_failed_run_leaves_the_previous_page(
    run: Callable[..., Result], tmp_path: Path, monkeypatch
) -> None:
    (tmp_path / DOCS_FILE).write_text("old page")

    def broken(*args, **kwargs):
        raise RuntimeError("rendering broke")

    monkeypatch.setattr("kg.docs_html.render_docs", broken)
    result = run("docs", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "unexpected RuntimeError: rendering broke" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == [DOCS_FILE]
    assert (tmp_path / DOCS_FILE).read_text() == "old page"


def test_help_has_an_example(run: Callable[..., Result]) -> None:
    result = run("docs", "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert "kg docs -o site my-extension.ttl" in result.stdout


# ---- kg build --------------------------------------------------------------------------------------


def test_build_writes_the_docs_and_the_index_links_them(tmp_path: Path) -> None:
    folder = tmp_path / "outputs"
    build(folder, [HOSTILE], queries=False)
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert f'href="{DOCS_FILE}"' in index
    written = Page((folder / DOCS_FILE).read_text(encoding="utf-8"))
    assert "index.html" in written.hrefs()
    assert "class-ekg-HostileDocClass" in written.articles  # extension classes, in the build too
    text = "".join(written.text)
    assert "<script>window.__pwned='class'</script>hostile class" in text  # escaped once, not twice
