"""```console blocks in the project's Markdown (README.md, docs/extending.md): found, run, compared.

A block is ``$ COMMAND`` on its first line and the output (stdout and stderr,
as a terminal shows them) below.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

BLOCK = re.compile(r"```console\n\$ (?P<command>[^\n]*)\n(?P<output>.*?)```", re.S)


def console_blocks(text: str) -> list[re.Match[str]]:
    return list(BLOCK.finditer(text))


def run_shell(command: str, cwd: Path) -> str:
    """Run ``command`` with bash in ``cwd``, this interpreter's ``kg`` first on PATH, KG_DATA and
    KG_QUERIES unset: its output as a terminal shows it."""
    env = {k: v for k, v in os.environ.items() if k not in ("KG_DATA", "KG_QUERIES")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
    )
    return done.stdout


def normalise(output: str) -> str:
    return "\n".join(line.rstrip() for line in output.strip("\n").splitlines())


def with_outputs(text: str, outputs: list[str]) -> str:
    """``text`` with each console block's output replaced by the next of ``outputs``."""
    for block, output in reversed(list(zip(console_blocks(text), outputs, strict=True))):
        start, end = block.span("output")
        text = text[:start] + (f"{normalise(output)}\n" if normalise(output) else "") + text[end:]
    return text
