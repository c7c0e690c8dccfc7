"""Smoke test of bench/bench_query.py: its parts work on a small size (the benchmark is run by hand)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox
import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_query", REPO / "bench" / "bench_query.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_query"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_the_synthetic_extension_has_the_triples_it_says(bench: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "synthetic.ttl"
    written = bench.generate_extension(path, 1000)
    parsed = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    assert len(parsed) == written
    assert 900 <= written <= 1000


def test_measure_reports_time_and_the_childs_own_peak_memory(bench: ModuleType) -> None:
    small = bench.measure([sys.executable, "-c", "pass"])
    big = bench.measure([sys.executable, "-c", "block = bytearray(64 * 2**20); block[::4096] = b'x' * 16384"])
    assert 0 < small.seconds < 10
    assert small.cpu >= 0
    assert big.peak_mib >= 64 > small.peak_mib


def test_a_failing_command_is_an_error_not_a_number(bench: ModuleType) -> None:
    with pytest.raises(RuntimeError, match="exited 3:\nboom"):
        bench.measure([sys.executable, "-c", "import sys; sys.stderr.write('boom'); sys.exit(3)"])


def test_a_small_extension_end_to_end(bench: ModuleType, tmp_path: Path) -> None:
    result = bench.bench_size(300, 1, tmp_path)
    assert result.triples > 250
    assert result.compile.seconds > 0
    assert all(len(series.runs) == 1 for series in result.cold.values())
    essay = {
        name: bench.Series(name, [bench.Run(seconds, seconds, 30.0)])
        for name, seconds in [
            (f"kg query {bench.QUERY}", 0.05),
            ('python -c "import rdflib"', 0.1),
            (bench.ASK, 0.07),
            (bench.RDFLIB_SCRIPT_NAME, 0.5),
        ]
    }
    report = bench.render(essay, [result], 1)
    assert f"`kg query {bench.QUERY}` / `import rdflib`: **0.50** wall" in report
    assert f"`{bench.ASK}` / `import rdflib`: **0.70** wall" in report
    assert "**10.0x** wall" in report
    assert f"| {result.triples:,} triples |" in report
