"""``kg anchor``: fill in the offsets of evidence quotes; kg/cli.py registers it. The work is in kg.anchor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

ESSAY = "https://w3id.org/essay-kg/ns#essay"


@click.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False), metavar="FILE..."
)
@click.pass_obj
def anchor(options: Any, files: tuple[Path, ...]) -> None:
    """Write the offsets of every evidence quote in FILE... (Turtle) into the file.

    Each `oa:exact` quote is looked up in the source text its evidence names
    with `oa:hasSource` (the essay, or a text an extension brings with
    `ekg:localPath`), and the `oa:TextPositionSelector` after it is added or
    corrected: `oa:start` and `oa:end`, in characters. A quote that is not in
    its text, or is there more than once, is an error naming its line; the
    file is then left as it was.

    \b
    Example:
      kg anchor my-extension/challenge.ttl
      kg anchor my-extension/*.ttl
    """
    from kg.anchor import anchor_turtle, text_of_quote
    from kg.atomic import write_atomic
    from kg.errors import KgError
    from kg.sources import load
    from kg.turtle import declared_prefixes

    loaded = load([*options.data, *files])  # the files must parse; their source texts are read too
    for path in files:
        turtle = path.read_text(encoding="utf-8")
        text_at = text_of_quote(turtle, declared_prefixes(turtle), loaded.texts, ESSAY)
        try:
            new, changed = anchor_turtle(turtle, text_at)
        except KgError as e:
            raise KgError(f"{path}:{str(e).removeprefix('line ')}") from None
        if changed:
            write_atomic(path, new.encode("utf-8"))
        click.echo(f"{path}: {changed} position selector{'' if changed == 1 else 's'} written", err=True)
