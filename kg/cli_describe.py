"""``kg describe``: the click command; kg/cli.py registers it. The work is in kg.describe."""

from __future__ import annotations

from typing import Any

import click

from kg.cli_options import EngineChoice, completer, engine_options, format_choice


@click.command()
@click.argument("entity", shell_complete=completer("entities"))
@format_choice("text", "json")
@engine_options
@click.pass_obj
def describe(options: Any, entity: str, fmt: str, engine: EngineChoice) -> None:
    """Everything the graph says about ENTITY: a label, prefixed name or IRI.

    Shows its types, labels and definition, its outgoing and incoming
    relations (with the labels of the nodes at the other end), a statistic's
    value, unit, qualifier, population and sample, and the evidence: the
    essay's words with their offsets, sorted by where they start. Labels
    (rdfs:label, skos:prefLabel, skos:altLabel) match whatever the case and
    the punctuation around them; a miss suggests the closest ones.

    \b
    Example:
      kg describe "The Awakening"
      kg describe ekg:StatMarketing41
      kg describe "jeremiah owyang" --format json
      kg describe "Storm of Cultural Conflict" --engine rdflib
    """
    from kg.describe import describe as describe_entity
    from kg.describe import describe_json, describe_text

    description = describe_entity(engine.open(options.data), entity)
    click.echo(describe_json(description) if fmt == "json" else describe_text(description))
