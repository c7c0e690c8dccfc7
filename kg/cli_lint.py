"""``kg lint``: the click command; kg/cli.py registers it. The rules are in kg.lint."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from kg.cli_options import format_choice

LEVEL_NAMES = ("ERROR", "WARN", "INFO")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PATH]...")
@click.option(
    "--fail-on",
    type=click.Choice(LEVEL_NAMES, case_sensitive=False),
    default="ERROR",
    show_default=True,
    help="Exit 1 when a finding of this level or worse is found.",
)
@format_choice("table", "json", "tsv", help_text="A table, JSON ({counts, files, findings}) or TSV rows.")
@click.option("--rules", "list_rules", is_flag=True, help="List the rules and their levels; lint nothing.")
@click.pass_obj
def lint(options: Any, paths: tuple[Path, ...], fail_on: str, fmt: str, list_rules: bool) -> None:
    """Report what is wrong or doubtful in the ontology and in PATH... (and --data).

    In the style of ROBOT's report: one row per finding, with its level
    (ERROR, WARN, INFO), the rule, where it is (file:line:column), the subject
    and how to fix it. Misspelt classes and properties (with the closest
    declared name), prefixes bound to another namespace, individuals without a
    label or evidence, repeated labels, quotes their source does not hold,
    dangling ekg: references, gaps and loops in numbered schemes, values of
    the wrong datatype. Commands that compile the graph refuse extension files
    with ERRORs unless given `kg --force`. Exit status: 0 nothing at or above
    --fail-on, 1 something, 2 a file could not be read.

    \b
    Example:
      kg lint my-extension.ttl
      kg lint --fail-on WARN extensions/
      kg --data my-extension.ttl lint --format json > lint.json
      kg lint --rules
    """
    from kg.lint import RULES
    from kg.lint import lint as run_lint
    from kg.printable import json_printable, printable
    from kg.render import table

    if list_rules:
        rows = [(rule, level, what) for rule, (level, what) in RULES.items()]
        rows.sort(key=lambda r: (LEVEL_NAMES.index(r[1]), r[0]))
        click.echo(table(["rule", "level", "finds"], rows))
        return
    report = run_lint([*options.data, *paths])
    if fmt == "json":
        click.echo(json_printable(json.dumps(report.to_json(), indent=2, ensure_ascii=False)))
    elif fmt == "tsv":
        click.echo(_tsv(report.findings), nl=False)
    else:
        rows = [
            [printable(v) for v in (f.level, f.rule, f.where, f.subject, f.message)] for f in report.findings
        ]
        if rows:
            click.echo(table(["level", "rule", "where", "subject", "message"], rows))
            click.echo()
        click.echo(report.summary())
    sys.exit(1 if report.at_or_above(fail_on) else 0)


def _tsv(findings: list[Any]) -> str:
    """Tab-separated rows under a header; in a value, a backslash is doubled and a tab, line break or other
    control character written as an escape (kg.printable)."""
    from kg.printable import printable

    def cell(value: object) -> str:
        return printable(("" if value is None else str(value)).replace("\\", "\\\\"))

    header = ["level", "rule", "file", "line", "column", "subject", "message"]
    lines = ["\t".join(header)]
    lines += ["\t".join(cell(getattr(f, name)) for name in header) for f in findings]
    return "\n".join(lines) + "\n"
