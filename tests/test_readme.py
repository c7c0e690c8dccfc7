"""The README's examples are real: every ```console block is run and its output compared.

A block is ``$ COMMAND`` on its first line and the output (stdout and stderr,
as a terminal shows them) below. After a change of data or wording, rewrite the
blocks from real runs with ``python tests/test_readme.py --update`` and review
the diff.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.console import console_blocks, normalise, run_shell, with_outputs

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"


def _run(command: str) -> str:
    """A README command, run from the repository root (some write to outputs/)."""
    (REPO / "outputs").mkdir(exist_ok=True)
    return run_shell(command, REPO)


README_TEXT = README.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "block", console_blocks(README_TEXT), ids=lambda m: m["command"][:60] if isinstance(m, re.Match) else None
)
def test_readme_example_output_is_real(block: re.Match[str]) -> None:
    assert normalise(_run(block["command"])) == normalise(block["output"])


def test_every_command_is_documented() -> None:
    import click

    from kg.cli import cli

    for name in cli.list_commands(click.Context(cli)):
        assert f"### kg {name}" in README_TEXT, f"README.md has no section for `kg {name}`"


def test_quickstart_is_two_commands_install_and_test() -> None:
    quickstart = README_TEXT.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", quickstart, re.S)
    assert len(commands) == 2
    install_and_run, install_and_test = commands
    assert "pip install" in install_and_run
    assert re.search(r"(^|[ /])kg ", install_and_run)
    assert "pip install" in install_and_test
    assert "pytest" in install_and_test


def update() -> None:
    """Rewrite every console block's output from a real run."""
    outputs = [_run(block["command"]) for block in console_blocks(README_TEXT)]
    README.write_text(with_outputs(README_TEXT, outputs), encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python tests/test_readme.py --update")
    update()
