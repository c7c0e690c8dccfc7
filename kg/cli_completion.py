"""``kg completion SHELL``: print the shell completion script; kg/cli.py registers it. The work is in
kg.completion."""

from __future__ import annotations

import click

from kg.cli_options import completer


@click.command()
@click.argument("shell", metavar="SHELL", shell_complete=completer("shells"))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the script that makes SHELL (bash, zsh or fish) complete kg's words.

    It completes commands and options, query names (kg query, kg viz
    --query), tags (kg list --tag), view names (kg viz), entity labels (kg
    describe, kg viz --focus) and paths. Load it from the shell's start-up
    file (bash 4.4 or newer).

    \b
    Example:
      kg completion bash | head
      eval "$(kg completion bash)"      # in ~/.bashrc
      eval "$(kg completion zsh)"       # in ~/.zshrc
      kg completion fish > ~/.config/fish/completions/kg.fish
    """
    from kg.completion import completion_script

    click.echo(completion_script(shell, ctx.find_root().command), nl=False)
