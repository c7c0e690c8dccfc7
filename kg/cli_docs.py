"""The ``kg docs`` command: gather the ontology's documentation (kg.docs), render it (kg.docs_html), write it.

Registered lazily by kg.cli (LAZY_COMMANDS). Only click and kg modules without
heavy imports load here; rdflib loads inside the command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kg.errors import KgError

DEFAULT_FOLDER = Path("outputs")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PATH]...")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=DEFAULT_FOLDER,
    show_default=True,
    metavar="DIR",
    help="The folder to write docs.html into (made if missing; its parent must exist).",
)
@click.pass_obj
def docs(options: Any, paths: tuple[Path, ...], output: Path) -> None:
    """Write the ontology's documentation as one offline HTML page, DIR/docs.html.

    Every class and property with its label, definition, superclasses,
    domains, ranges and counts (instances and uses, with the RDFS
    inferences); the SKOS concept schemes with their concepts in order; the
    SHACL shapes with their targets, constraints and messages; the query
    catalogue. Every term has an anchor (docs.html#class-ekg-Stage). Classes
    and properties of extension files (PATH..., --data, KG_DATA) are
    documented too. `kg build` writes the same page beside its index.

    \b
    Example:
      kg docs
      kg docs -o site my-extension.ttl
      kg --data extensions/ docs -o /tmp/docs
    """
    from kg.atomic import write_atomic
    from kg.build import check_output_folder
    from kg.cli_options import extension_files
    from kg.docs import document
    from kg.docs_html import DOCS_FILE, render_docs

    if output.suffix.lower() in {".html", ".htm"} and not output.is_dir():
        raise KgError(
            f"{output}: -o takes a folder, and the page is written into it as {DOCS_FILE}: "
            f"give a folder, such as -o {output.parent / output.stem}"
        )
    folder = check_output_folder(output)
    # The query catalogue: the built-in queries, plus the --queries / KG_QUERIES folders when given.
    query_dirs = options.query_dirs() if hasattr(options, "query_dirs") else None
    found = document(extension_files(options, paths), query_dirs=query_dirs)
    target = folder / DOCS_FILE
    write_atomic(target, render_docs(found, index_link=(folder / "index.html").is_file()).encode("utf-8"))
    click.echo(f"wrote {target} ({found.summary()})", err=True)
