"""The ontology's documentation (kg.docs) as one offline HTML page.

The page is the project's own template (``templates/docs.html``) with the
index's conventions: a Content-Security-Policy that loads nothing and allows
only the page's own inline script (a filter box; the page reads the same
without it), and every label, definition, message and query text put in as
escaped text. Terminal control characters and bidirectional marks are written
as visible escapes (``\\x1b``), never passed through. Links go to anchors on
the page, or to ``index.html`` beside it; never to an IRI from the data, so no
``javascript:`` IRI can become a link.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.docs import (
        ClassDoc,
        Docs,
        OntologyDoc,
        PropertyDoc,
        QueryDoc,
        Ref,
        Rule,
        SchemeDoc,
        ShapeDoc,
        Target,
    )

DOCS_FILE = "docs.html"


def render_docs(docs: Docs, *, index_link: bool = False) -> str:
    """The page; ``index_link`` adds a link to ``index.html`` (the page sits beside `kg build`'s index)."""
    from kg.viz.html import page, template

    ontology = docs.ontologies[0] if docs.ontologies else None
    title = f"{ontology.label}: documentation" if ontology else "Ontology documentation"
    description = (
        ontology.definition
        if ontology and ontology.definition
        else "The classes, properties, concept schemes, shapes and queries of the graph."
    )
    body = "\n".join([_toc(docs, index_link), '<main class="docs-main">', *_sections(docs), "</main>"])
    return page(
        "docs.html",
        title=title,
        description=description,
        data=None,
        scripts=[template("docs.js")],
        styles=[template("page.css"), template("docs.css")],
        body=body,
    )


# ---- text ------------------------------------------------------------------------------------------


def text(value: object) -> str:
    """``value`` as HTML text: escaped, with control characters and bidi marks made visible."""
    from kg.printable import printable

    lines = str(value).split("\n")
    return html.escape("\n".join(printable(line) for line in lines), quote=True)


def _code(value: object) -> str:
    return f"<code>{text(value)}</code>"


def _ref(ref: Ref) -> str:
    name = text(ref.label)
    if ref.anchor:
        name = f'<a href="#{text(ref.anchor)}">{name}</a>'
    return f"{name} {_code(ref.curie)}"


def _refs(refs: Sequence[Ref]) -> str:
    return ", ".join(_ref(r) for r in refs)


def _facts(rows: Iterable[tuple[str, str]]) -> str:
    """A definition list of the rows whose value is not empty (values are HTML, already escaped)."""
    items = [f"<dt>{text(name)}</dt><dd>{value}</dd>" for name, value in rows if value]
    return f'<dl class="facts">{"".join(items)}</dl>' if items else ""


def _heading(label: str, curie: str, anchor: str, kind: str) -> str:
    return (
        f'<h3><a class="self" href="#{text(anchor)}">{text(label)}</a> {_code(curie)} '
        f'<span class="kind">{text(kind)}</span></h3>'
    )


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


# ---- the table of contents -------------------------------------------------------------------------


def _toc(docs: Docs, index_link: bool) -> str:
    def entries(items: Iterable[tuple[str, str, str]]) -> str:
        lis = [
            f'<li data-term><a href="#{text(anchor)}">{text(label)}</a> <code>{text(name)}</code></li>'
            for anchor, label, name in items
        ]
        return f"<ul>{''.join(lis)}</ul>"

    parts = [
        '<nav class="toc" aria-label="Contents">',
        '<input id="filter" type="search" placeholder="Filter: a label or prefixed name" '
        'aria-label="Filter the terms" hidden>',
        '<p id="filter-status" class="muted" aria-live="polite"></p>',
    ]
    if index_link:
        parts.append('<p><a href="index.html">← index of the outputs</a></p>')
    parts.append('<ol><li><a href="#overview">Overview</a></li>')
    parts.append(f'<li><a href="#classes">Classes</a> <span class="muted">{len(docs.classes):,}</span>')
    parts.append(entries((c.anchor, c.label, c.curie) for c in docs.classes) + "</li>")
    parts.append(
        f'<li><a href="#properties">Properties</a> <span class="muted">{len(docs.properties):,}</span>'
    )
    parts.append(entries((p.anchor, p.label, p.curie) for p in docs.properties) + "</li>")
    parts.append(
        f'<li><a href="#schemes">Concept schemes</a> <span class="muted">{len(docs.schemes):,}</span>'
    )
    parts.append(entries((s.anchor, s.label, s.curie) for s in docs.schemes) + "</li>")
    parts.append(f'<li><a href="#shapes">Shapes</a> <span class="muted">{len(docs.shapes):,}</span>')
    parts.append(entries((s.anchor, s.label, s.curie) for s in docs.shapes) + "</li>")
    parts.append(
        f'<li><a href="#queries">Query catalogue</a> <span class="muted">{len(docs.queries):,}</span>'
    )
    parts.append(entries((q.anchor, q.summary, q.name) for q in docs.queries) + "</li>")
    parts.append('<li><a href="#namespaces">Namespaces</a></li></ol></nav>')
    return "\n".join(parts)


# ---- the sections ----------------------------------------------------------------------------------


def _sections(docs: Docs) -> list[str]:
    return [
        _overview(docs),
        _section(
            "classes", "Classes", docs.classes, _class, "Instances are counted with the RDFS inferences."
        ),
        _section(
            "properties", "Properties", docs.properties, _property, "Uses are triples with the property."
        ),
        _section("schemes", "Concept schemes", docs.schemes, _scheme, "Concepts in order (ekg:position)."),
        _section(
            "shapes",
            "Shapes",
            docs.shapes,
            _shape,
            "The SHACL shapes `kg validate` checks (ontology/shapes.ttl).",
        ),
        _section(
            "queries",
            "Query catalogue",
            docs.queries,
            _query,
            "Run one with `kg query NAME [-p NAME VALUE]...`; `kg list` lists them.",
        ),
        _namespaces(docs),
    ]


def _section(anchor: str, title: str, items: Sequence[Any], render: Callable[[Any], str], note: str) -> str:
    articles = "\n".join(render(item) for item in items)
    empty = "" if items else '<p class="muted">None.</p>'
    return (
        f'<section id="{anchor}"><h2>{text(title)} <span class="muted">{len(items):,}</span></h2>'
        f'<p class="muted">{text(note)}</p>{empty}\n{articles}</section>'
    )


def _overview(docs: Docs) -> str:
    parts = ['<section id="overview"><h2>Overview</h2>']
    for o in docs.ontologies:
        parts.append(_ontology(o))
    parts.append(
        _facts(
            [
                ("documents", text(docs.summary())),
                (
                    "triples",
                    f"{docs.asserted_triples:,} asserted, {docs.inferred_triples:,} with the RDFS inferences",
                ),
                ("files read", ", ".join(_code(f) for f in docs.files)),
            ]
        )
    )
    parts.append("</section>")
    return "".join(parts)


def _ontology(o: OntologyDoc) -> str:
    return (
        f"<h3>{text(o.label)} {_code(o.curie)}</h3>"
        + (f'<p class="definition">{text(o.definition)}</p>' if o.definition else "")
        + _facts([("IRI", _code(o.iri)), ("version", text(o.version))])
    )


def _class(c: ClassDoc) -> str:
    counts = (
        f"{c.instances:,} typed with it directly, {c.with_subclasses:,} with its subclasses"
        if c.with_subclasses or c.instances
        else "none"
    )
    note = "" if c.declared else '<p class="muted">Used as a type, not declared a class.</p>'
    return (
        f'<article class="term" id="{text(c.anchor)}" data-term>'
        + _heading(c.label, c.curie, c.anchor, "class")
        + note
        + (f'<p class="definition">{text(c.definition)}</p>' if c.definition else "")
        + _facts(
            [
                ("IRI", _code(c.iri)),
                ("also called", text(", ".join(c.alt_labels))),
                ("subclass of", _refs(c.superclasses)),
                ("subclasses", _refs(c.subclasses)),
                ("instances", text(counts)),
                ("properties (domain)", _refs(c.domain_of)),
                ("values of (range)", _refs(c.range_of)),
                ("shapes", _refs(c.shapes)),
            ]
        )
        + "</article>"
    )


def _property(p: PropertyDoc) -> str:
    uses = _plural(p.uses, "triple", "triples") + (
        f" ({p.uses_inferred:,} with the RDFS inferences)" if p.uses_inferred != p.uses else ""
    )
    return (
        f'<article class="term" id="{text(p.anchor)}" data-term>'
        + _heading(p.label, p.curie, p.anchor, p.kind)
        + (f'<p class="definition">{text(p.definition)}</p>' if p.definition else "")
        + _facts(
            [
                ("IRI", _code(p.iri)),
                ("also called", text(", ".join(p.alt_labels))),
                ("domain", _refs(p.domains)),
                ("range", _refs(p.ranges)),
                ("subproperty of", _refs(p.superproperties)),
                ("subproperties", _refs(p.subproperties)),
                ("uses", text(uses)),
            ]
        )
        + "</article>"
    )


def _scheme(s: SchemeDoc) -> str:
    rows = [
        "<tr>"
        f'<td class="num">{text(e.position or "")}</td>'
        f"<td>{_ref(e.ref)}</td>"
        f"<td>{_refs(e.classes)}</td>"
        f"<td>{_ref(e.next) if e.next else ''}{_refs(e.broader)}</td>"
        f"<td>{text(e.definition)}</td>"
        "</tr>"
        for e in s.concepts
    ]
    table = (
        '<table class="concepts"><tr><th class="num">#</th><th>concept</th><th>class</th>'
        "<th>next / broader</th><th>definition</th></tr>" + "".join(rows) + "</table>"
        if rows
        else '<p class="muted">No concepts.</p>'
    )
    return (
        f'<article class="term" id="{text(s.anchor)}" data-term>'
        + _heading(s.label, s.curie, s.anchor, "concept scheme")
        + (f'<p class="definition">{text(s.definition)}</p>' if s.definition else "")
        + _facts(
            [
                ("IRI", _code(s.iri)),
                ("concepts", text(_plural(len(s.concepts), "concept", "concepts"))),
                ("first stage", _ref(s.first) if s.first else ""),
            ]
        )
        + table
        + "</article>"
    )


def _shape(s: ShapeDoc) -> str:
    rows = [_rule(r) for r in s.rules]
    table = (
        '<table class="rules"><tr><th>path</th><th>requires</th><th>severity</th><th>message</th></tr>'
        + "".join(rows)
        + "</table>"
        if rows
        else ""
    )
    return (
        f'<article class="term" id="{text(s.anchor)}" data-term>'
        + _heading(s.label, s.curie, s.anchor, "shape")
        + (f'<p class="definition">{text(s.comment)}</p>' if s.comment else "")
        + _facts([("IRI", _code(s.iri)), ("targets", "<br>".join(_target(t) for t in s.targets))])
        + table
        + "</article>"
    )


def _target(t: Target) -> str:
    if t.ref is not None:
        return f"{text(t.kind)} {_ref(t.ref)}"
    if t.sparql:
        return f"{text(t.kind)}{_sparql(t.sparql)}"
    return text(t.kind)


def _rule(r: Rule) -> str:
    if r.sparql or r.name:
        path = "SPARQL" + (f" {_code(r.name)}" if r.name else "")
        requires = _sparql(r.sparql) if r.sparql else ""
    else:
        path = _code(r.path) if r.path else '<span class="muted">the node itself</span>'
        requires = "<br>".join(_code(c) for c in r.constraints)
    severity = f'<span class="severity {text(r.severity)}">{text(r.severity)}</span>'
    messages = "".join(f"<p>{text(m)}</p>" for m in r.messages)
    return f"<tr><td>{path}</td><td>{requires}</td><td>{severity}</td><td>{messages}</td></tr>"


def _sparql(query: str) -> str:
    return f"<details><summary>SPARQL</summary><pre><code>{text(query)}</code></pre></details>"


def _query(q: QueryDoc) -> str:
    questions = "".join(f"<li>{text(question)}</li>" for question in q.questions)
    return (
        f'<article class="term" id="{text(q.anchor)}" data-term>'
        f'<h3><a class="self" href="#{text(q.anchor)}">{text(q.name)}</a> '
        f'<span class="kind">{text(q.form)}</span></h3>'
        f'<p class="definition">{text(q.summary)}</p>'
        + (f"<p>{text(q.description)}</p>" if q.description else "")
        + _facts(
            [
                ("parameters", text(", ".join(q.params))),
                ("tags", text(", ".join(q.tags))),
                ("questions", f"<ul>{questions}</ul>" if questions else ""),
                ("file", _code(q.file)),
                ("run", _code(f"kg query {q.name}")),
            ]
        )
        + "</article>"
    )


def _namespaces(docs: Docs) -> str:
    rows = "".join(
        f"<tr><td>{_code(prefix + ':')}</td><td>{_code(iri)}</td></tr>" for prefix, iri in docs.namespaces
    )
    return (
        '<section id="namespaces"><h2>Namespaces</h2>'
        f"<table><tr><th>prefix</th><th>namespace</th></tr>{rows}</table></section>"
    )
