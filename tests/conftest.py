"""Shared fixtures: the repository's paths, a CLI runner, and a miniature ontology."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kg.cli import cli

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
MINI = DATA / "mini"


@pytest.fixture(autouse=True, scope="session")
def _compiled_store_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Compiled stores (kg.compile) go to a temporary cache for the whole run, never ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KG_CACHE_DIR", str(tmp_path_factory.mktemp("kg-cache")))
        yield


def _runner() -> CliRunner:
    try:  # click 8.1 mixes stderr into stdout unless told not to; 8.2+ always keeps both
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Invoke ``kg ARGS...`` in-process from the repository root, with KG_DATA and KG_QUERIES unset.

    Error messages name files relative to the working directory, so tests that
    compare them exactly need a fixed one.
    """
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("KG_DATA", raising=False)
    monkeypatch.delenv("KG_QUERIES", raising=False)

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return _runner().invoke(cli, list(args), env=env, prog_name="kg")

    return invoke


@pytest.fixture
def mini(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the built-in ontology at tests/data/mini: small, fast and independent of the essay data."""
    monkeypatch.setattr("kg.paths.ontology_dir", lambda: MINI)
    return MINI
