"""docs/extending.md is real: its files are the ones in docs/tutorial/, its commands give its output.

The commands run in order, in a copy of docs/tutorial/ (they change files there:
`kg anchor` writes offsets, `kg new-query` a query). After a change of wording,
rewrite the outputs from real runs with ``python tests/test_tutorial.py
--update`` and review the diff.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from tests.console import console_blocks, normalise, run_shell, with_outputs

REPO = Path(__file__).resolve().parents[1]
TUTORIAL = REPO / "docs" / "extending.md"
FILES = REPO / "docs" / "tutorial"
FILE = re.compile(r"```(?:turtle|text|sparql) (?P<path>[^\s`]+)\n(?P<body>.*?)```", re.S)


def run_all(commands: list[str], folder: Path) -> list[str]:
    """Each command's output, run in ``folder`` in order."""
    return [run_shell(command, folder) for command in commands]


TEXT = TUTORIAL.read_text(encoding="utf-8")
BLOCKS = console_blocks(TEXT)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("tutorial") / "kg-tutorial"
    shutil.copytree(FILES, folder)
    return run_all([b["command"] for b in BLOCKS], folder)


@pytest.mark.parametrize("index", range(len(BLOCKS)), ids=[b["command"][:60] for b in BLOCKS])
def test_each_command_prints_what_the_tutorial_shows(index: int, outputs: list[str]) -> None:
    assert normalise(outputs[index]) == normalise(BLOCKS[index]["output"])


@pytest.mark.parametrize("block", list(FILE.finditer(TEXT)), ids=lambda m: m["path"])
def test_each_file_shown_is_the_file_in_docs_tutorial(block: re.Match[str]) -> None:
    assert (FILES / block["path"]).read_text(encoding="utf-8") == block["body"]


def test_the_tutorial_shows_every_file_of_its_folder() -> None:
    shown = {m["path"] for m in FILE.finditer(TEXT)}
    on_disk = {str(p.relative_to(FILES)) for p in FILES.rglob("*") if p.is_file()}
    assert shown == on_disk


def update() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "kg-tutorial"
        shutil.copytree(FILES, folder)
        outputs = run_all([b["command"] for b in BLOCKS], folder)
    TUTORIAL.write_text(with_outputs(TEXT, outputs), encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--update"]:
        update()
    else:
        sys.exit("usage: python tests/test_tutorial.py --update")
