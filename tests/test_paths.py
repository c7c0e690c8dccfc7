from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg import paths
from tests.conftest import REPO


def test_checkout_uses_its_own_ontology_and_queries() -> None:
    assert paths.ontology_dir() == REPO / "ontology"
    assert paths.queries_dir() == REPO / "queries"
    assert (paths.ontology_dir() / "core.ttl").is_file()


def test_bundled_data_wins_when_present(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ontology").mkdir()
    monkeypatch.setattr(paths, "_BUNDLED", tmp_path)
    assert paths.ontology_dir() == tmp_path / "ontology"
    assert paths.queries_dir() == tmp_path / "queries"


def test_checkout_has_no_bundled_copy() -> None:
    # A stray kg/_data would silently shadow the checkout's ontology.
    assert not (REPO / "kg" / "_data").exists()


def editable_install() -> bool:
    try:
        direct_url = importlib.metadata.distribution("essay-kg").read_text("direct_url.json")
    except importlib.metadata.PackageNotFoundError:
        return False
    return bool(direct_url) and json.loads(direct_url).get("dir_info", {}).get("editable", False)


@pytest.mark.skipif(not editable_install(), reason="essay-kg is not installed in editable mode")
def test_editable_install_uses_the_checkout_from_anywhere(tmp_path: Path) -> None:
    # hatchling copies force-included files into site-packages/kg/_data even for an
    # editable install; that copy must never shadow the checkout.
    done = subprocess.run(
        [sys.executable, "-c", "import kg.paths; print(kg.paths.ontology_dir())"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    assert Path(done.stdout.strip()) == REPO / "ontology"
