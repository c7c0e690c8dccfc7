"""The package as users get it: public API, fast start, and a wheel that works outside the checkout."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import kg
from tests.conftest import REPO

HEAVY = ("rdflib", "pyshacl", "pyoxigraph", "owlrl")


def test_public_api_is_re_exported() -> None:
    from kg.checks import check
    from kg.infer import rdfs_closure
    from kg.sources import load

    assert kg.load is load
    assert kg.check is check
    assert kg.rdfs_closure is rdfs_closure
    assert {"load", "Loaded", "check", "Report", "rdfs_closure", "compute_stats", "serialize"} <= set(dir(kg))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = kg.nope


def test_version_matches_the_installed_metadata() -> None:
    try:
        installed = importlib.metadata.version("essay-kg")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("essay-kg is not installed (running from a bare source tree)")
    assert installed == kg.__version__


def heavy_modules_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys\nprint('HEAVY=' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, check=True)
    line = done.stdout.rsplit("HEAVY=", 1)[1].strip()
    return line.split(",") if line else []


def test_import_kg_stays_light() -> None:
    assert heavy_modules_after("import kg") == []


CLI_PROBE = """
import kg.cli
try:
    kg.cli.cli.main({args!r}, prog_name="kg")
except SystemExit:
    pass
"""


def test_help_and_version_stay_light() -> None:
    for args in (["--help"], ["--version"], ["validate", "--help"], ["export", "-h"]):
        assert heavy_modules_after(CLI_PROBE.format(args=args)) == [], args


@pytest.mark.slow
def test_wheel_ships_the_ontology_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    dist, site, elsewhere = tmp_path / "dist", tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "-q"]
    # No build isolation: hatchling comes with the test extra, so no download and no network.
    subprocess.run(
        [*pip, "wheel", str(REPO), "--no-deps", "--no-build-isolation", "-w", str(dist)], check=True
    )
    (wheel,) = dist.glob("essay_kg-*.whl")

    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("core.ttl", "essay.ttl", "comments.ttl", "shapes.ttl", "source/essay.txt"):
        assert f"kg/_data/ontology/{name}" in names
    assert any(n.startswith("kg/_data/queries/") for n in names)
    assert "kg/cli.py" in names
    assert "kg/vocabularies.txt" in names  # kg.lint's list of the standard vocabularies' terms
    assert not any(n.startswith(("tests/", "ontology/")) for n in names)
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "kg = kg.__main__:main" in zipfile.ZipFile(wheel).read(entry_points).decode()

    # Install the wheel alone into a folder that goes first on the path; dependencies
    # come from the current environment. Run from outside the checkout.
    subprocess.run(
        [*pip, "install", "--no-deps", "--no-compile", "--target", str(site), str(wheel)], check=True
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("KG_DATA", None)

    where = subprocess.run(
        [sys.executable, "-c", "import kg.paths; print(kg.paths.ontology_dir())"],
        capture_output=True, text=True, cwd=elsewhere, env=env, check=True,
    )  # fmt: skip
    assert Path(where.stdout.strip()) == site / "kg" / "_data" / "ontology"

    stats = subprocess.run(
        [sys.executable, "-m", "kg", "stats", "--format", "json"],
        capture_output=True, text=True, cwd=elsewhere, env=env, check=False,
    )  # fmt: skip
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["individuals"] > 0

    script = subprocess.run(
        [str(site / "bin" / "kg"), "--version"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=False,
    )
    assert script.returncode == 0, script.stderr
    assert script.stdout == f"kg {kg.__version__}\n"
