"""``kg new-query NAME``: write a query file skeleton; kg/cli.py registers it.

The skeleton (kg/templates/new-query.rq) has every header key and an optional
parameter, and runs as written: ``kg --queries DIR query NAME`` answers at once.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from kg.cli_options import completer
from kg.errors import KgError

SKELETON = Path(__file__).resolve().parent / "templates" / "new-query.rq"
DEFAULT_FOLDER = Path("queries")
NAME_PATTERN = r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*"
MAX_NAME = 100


def skeleton(name: str) -> str:
    """The text of a new query file named ``name``."""
    return SKELETON.read_text(encoding="utf-8").replace("@NAME@", name)


def check_name(name: str) -> str:
    """``name`` if it can name a query (letters, digits and single hyphens), else a KgError saying why."""
    if name.endswith(".rq") and re.fullmatch(NAME_PATTERN, name[:-3]):
        raise KgError(f'"{name}": give the name without .rq (kg new-query {name[:-3]}): the file is NAME.rq')
    if len(name) > MAX_NAME or not re.fullmatch(NAME_PATTERN, name):
        from kg.printable import printable

        suggestion = "-".join(re.findall(r"[A-Za-z0-9]+", name))[:MAX_NAME].lower() or "my-query"
        raise KgError(
            f'"{printable(name)}" cannot name a query: use letters, digits and hyphens '
            f"(at most {MAX_NAME} characters, no hyphen at either end), such as {suggestion}"
        )
    return name


def new_query_file(name: str, folder: Path, known: dict[str, Path]) -> Path:
    """Write the skeleton for ``name`` into ``folder``; ``known`` maps the names already in use to files.

    Refuses a name in use (by a file there, or by a query of another folder, which it would clash with).
    """
    from kg.atomic import write_atomic
    from kg.sources import display_path

    check_name(name)
    target = folder / f"{name}.rq"
    if target.exists():
        raise KgError(
            f"{target}: this file already exists and is left as it is: "
            f"choose another name, or delete the file first"
        )
    clash = known.get(name)
    if clash is not None and clash.resolve().parent != folder.resolve():
        raise KgError(
            f'a query named "{name}" already exists ({display_path(clash.resolve())}): two queries '
            f"cannot share a name; choose another one, such as my-{name}"
        )
    if folder.exists() and not folder.is_dir():
        raise KgError(f"{folder}: not a folder: give --dir a folder (it is made if missing)")
    write_atomic(target, skeleton(name).encode("utf-8"))
    return target


@click.command("new-query")
@click.argument("name", metavar="NAME")
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path),
    metavar="DIR",
    shell_complete=completer("dirs"),
    help="The folder to write NAME.rq into (made if missing). Default: the first --queries folder, "
    "else the first KG_QUERIES folder, else ./queries.",
)
@click.pass_obj
def new_query(options: Any, name: str, folder: Path | None) -> None:
    """Write NAME.rq, a query file skeleton that runs as it is: edit it from there.

    The skeleton has the #+ header (summary, description, tags, questions,
    defaults, expect) and a SPARQL query with an optional parameter. An
    existing file is never replaced. Add its folder with --queries (or
    KG_QUERIES) to list, run and ask it.

    \b
    Example:
      kg new-query stage-position
      kg --queries my-queries new-query stage-position
      kg new-query stage-position --dir my-queries
      kg --queries my-queries query stage-position
    """
    from kg.catalog import query_paths
    from kg.paths import queries_dir

    given = list(getattr(options, "queries", []))
    if folder is None:
        folder = given[0] if given else DEFAULT_FOLDER
    known: dict[str, Path] = {}
    for other in reversed([queries_dir(), *given]):
        if Path(other).is_dir():
            known.update(query_paths([Path(other)]))
    target = new_query_file(name, folder, known)
    # The built-in folder (a checkout's queries/) needs no --queries.
    builtin = folder.resolve() == queries_dir().resolve()
    flag = "" if builtin else f"--queries {_quoted(str(folder))} "
    click.echo(
        f"wrote {target}: run it with `kg {flag}query {name}`, list it with `kg {flag}list`",
        err=True,
    )


def _quoted(text: str) -> str:
    import shlex

    return shlex.quote(text)
