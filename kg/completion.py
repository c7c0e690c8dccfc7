"""Shell completion for bash, zsh and fish, through click's own mechanism (``_KG_COMPLETE``).

``kg completion SHELL`` prints the script a shell sources; the script runs
``kg`` with ``_KG_COMPLETE=SHELL_complete`` and the words typed so far, and
click calls back the ``shell_complete`` functions of kg's parameters (see
``kg.cli_options.completer``), which land in ``complete`` here: query names,
tags, view names, entity labels. Paths complete as paths (click.Path).

Completing never fails loudly: a bad extension file, a missing folder or a
bug gives no items, never a traceback. Entity labels come from the compiled
Oxigraph store (~0.1 s), never from an rdflib load.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, MutableMapping
from pathlib import Path
from typing import Any

import click
from click.shell_completion import (
    BashComplete,
    CompletionItem,
    FishComplete,
    add_completion_class,
    get_completion_class,
)

SHELLS = ("bash", "zsh", "fish")
PROG = "kg"
COMPLETE_VAR = "_KG_COMPLETE"
MAX_ITEMS = 200  # more is noise in a terminal

# click's bash script, but stderr silenced, and a value with spaces ("The Awakening") inserted escaped as one
# word (printf %q), or as typed inside a quote the user opened.
_SOURCE_BASH = """\
%(complete_func)s() {
    local IFS=$'\\n'
    local response completion type value quoted

    response=$(env COMP_WORDS="${COMP_WORDS[*]}" COMP_CWORD=$COMP_CWORD \
%(complete_var)s=bash_complete $1 2>/dev/null)

    for completion in $response; do
        IFS=',' read -r type value <<< "$completion"

        if [[ $type == 'dir' ]]; then
            COMPREPLY=()
            compopt -o dirnames
        elif [[ $type == 'file' ]]; then
            COMPREPLY=()
            compopt -o default
        elif [[ $type == 'plain' ]]; then
            if [[ ${COMP_WORDS[COMP_CWORD]} == [\\"\\']* ]]; then
                COMPREPLY+=("$value")
            else
                printf -v quoted '%%q' "$value"
                COMPREPLY+=("$quoted")
            fi
        fi
    done

    return 0
}

%(complete_func)s_setup() {
    complete -o nosort -F %(complete_func)s %(prog_name)s
}

%(complete_func)s_setup;
"""


# click's fish script, but split at the first comma only: a label may hold commas ("work, lead").
_SOURCE_FISH = """\
function %(complete_func)s;
    set -l response (env %(complete_var)s=fish_complete COMP_WORDS=(commandline -cp) \
COMP_CWORD=(commandline -t) %(prog_name)s 2>/dev/null);

    for completion in $response;
        set -l metadata (string split -m 1 "," $completion);

        if test $metadata[1] = "dir";
            __fish_complete_directories $metadata[2];
        else if test $metadata[1] = "file";
            __fish_complete_path $metadata[2];
        else if test $metadata[1] = "plain";
            echo $metadata[2];
        end;
    end;
end;

complete --no-files --command %(prog_name)s --arguments \
"(%(complete_func)s)";
"""


class KgBashComplete(BashComplete):
    """click's bash completion with values holding spaces kept whole."""

    source_template = _SOURCE_BASH


class KgFishComplete(FishComplete):
    """click's fish completion with values holding commas kept whole."""

    source_template = _SOURCE_FISH


def register_shells() -> None:
    """Make ``bash`` and ``fish`` mean kg's scripts, for ``kg completion SHELL`` and ``_KG_COMPLETE``."""
    add_completion_class(KgBashComplete, "bash")
    add_completion_class(KgFishComplete, "fish")


def completion_script(shell: str, cli: click.Command) -> str:
    """The script that makes ``shell`` complete kg's commands and arguments."""
    from kg.errors import KgError

    if shell not in SHELLS:
        raise KgError(f'kg has no completion script for "{shell}": give one of {", ".join(SHELLS)}')
    register_shells()
    completion_class = get_completion_class(shell)
    assert completion_class is not None
    # For bash, click's source() also warns (on stderr) when bash is older than 4.4.
    return completion_class(cli, {}, PROG, COMPLETE_VAR).source()


def shell_complete_quietly(
    cli: click.Command, ctx_args: MutableMapping[str, Any], prog_name: str, complete_var: str | None
) -> None:
    """Answer the shell (click's ``_main_shell_completion``), and exit; on any error, with no items."""
    from click.shell_completion import shell_complete

    complete_var = complete_var or f"_{prog_name}_COMPLETE".replace("-", "_").upper()
    instruction = os.environ.get(complete_var, "")
    register_shells()
    try:
        status = shell_complete(cli, ctx_args, prog_name, complete_var, instruction)
    except Exception:  # a completion must never show a traceback at the prompt
        status = 1
    sys.exit(status)


# --- what each kind of argument completes to ---------------------------------------------------


def complete(kind: str, ctx: click.Context, incomplete: str) -> list[CompletionItem]:
    """The items of ``kind`` that fit what was typed; no items, never an exception, on an error."""
    try:
        return _COMPLETERS[kind](ctx, incomplete)[:MAX_ITEMS]
    except Exception:
        return []


def _global(ctx: click.Context, name: str) -> list[Path]:
    """A repeatable global option (--data, --queries) as typed so far on the command line."""
    value = ctx.find_root().params.get(name) or ()
    return [Path(p) for p in value]


def _query_dirs(ctx: click.Context) -> list[Path]:
    """The built-in query folder plus the --queries and KG_QUERIES folders that exist."""
    from kg.catalog import env_query_dirs
    from kg.paths import queries_dir

    given = [*_global(ctx, "queries"), *env_query_dirs()]
    return [queries_dir(), *(d for d in given if d.is_dir())]


def _fits(text: str, incomplete: str) -> bool:
    return text.casefold().startswith(incomplete.casefold())


def _items(values: Iterable[tuple[str, str | None]], incomplete: str) -> list[CompletionItem]:
    return [CompletionItem(value, help=help_) for value, help_ in values if _fits(value, incomplete)]


def _queries(ctx: click.Context, incomplete: str) -> list[CompletionItem]:
    from kg.catalog import query_names

    return _items(((name, None) for name in query_names(_query_dirs(ctx))), incomplete)


def _constructs(ctx: click.Context, incomplete: str) -> list[CompletionItem]:
    from kg.catalog import catalog

    queries = catalog(_query_dirs(ctx)).values()
    shown = ((q.name, q.summary or None) for q in queries if q.form in ("CONSTRUCT", "DESCRIBE"))
    return _items(shown, incomplete)


def _tags(ctx: click.Context, incomplete: str) -> list[CompletionItem]:
    from kg.catalog import catalog

    tags = sorted({tag for q in catalog(_query_dirs(ctx)).values() for tag in q.tags})
    return _items(((tag, None) for tag in tags), incomplete)


def _views(ctx: click.Context, incomplete: str) -> list[CompletionItem]:
    from kg.viz.views import VIEWS

    return _items(((name, spec.summary) for name, spec in VIEWS.items()), incomplete)


def _entities(ctx: click.Context, incomplete: str) -> list[CompletionItem]:
    """Labels (and, once a ``:`` is typed, prefixed names) of the graph's entities, from the compiled store.

    A label matches from its start, or else from the start of one of its words ("awak" -> "The Awakening").
    """
    from kg.compile import compiled_store
    from kg.entities import _ALL_LABELS
    from kg.sources import env_data_paths
    from kg.terms import compact

    compiled = compiled_store([*env_data_paths(), *_global(ctx, "data")])
    labels: dict[str, str] = {}
    for solution in compiled.store.query(_ALL_LABELS):
        iri, label = solution["entity"].value, solution["label"].value
        if "\n" not in label:  # the shells read one item a line
            labels.setdefault(label, compact(iri, compiled.prefixes))
    if ":" in incomplete:  # a prefixed name (zsh and fish; bash splits words at ":")
        names = sorted({name for name in labels.values() if ":" in name and not name.startswith("<")})
        return _items(((name, None) for name in names), incomplete)
    ordered = sorted(labels.items(), key=lambda item: item[0].casefold())
    found = _items(ordered, incomplete)
    if found or not incomplete:
        return found
    wanted = incomplete.casefold()
    return [
        CompletionItem(label, help=name)
        for label, name in ordered
        if any(word.startswith(wanted) for word in label.casefold().split())
    ]


def _dirs(ctx: click.Context, incomplete: str) -> list[CompletionItem]:
    return [CompletionItem(incomplete, type="dir")]  # the shell lists the folders


def _shells(ctx: click.Context, incomplete: str) -> list[CompletionItem]:
    return _items(((shell, None) for shell in SHELLS), incomplete)


_COMPLETERS = {
    "shells": _shells,
    "dirs": _dirs,
    "queries": _queries,
    "constructs": _constructs,
    "tags": _tags,
    "views": _views,
    "entities": _entities,
}
