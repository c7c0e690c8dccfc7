"""Debian's Chromium driven by Playwright, as the browser tests and bench/bench_viz.py launch it.

Playwright cannot download a browser here, so the system's ``chromium`` is passed
as ``executable_path``. As root Chromium needs --no-sandbox; the other flags keep
it from reaching the network at start (the machine's network is closed).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1400, "height": 860}


def chromium_path() -> str | None:
    """The system's Chromium, if it is on PATH."""
    return shutil.which("chromium")


def launch(playwright: Any, profile: Path, executable: str) -> Any:
    """A headless browser context with a fresh user data dir in ``profile``."""
    return playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=executable,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport=VIEWPORT,
    )
