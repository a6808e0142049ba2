"""A tiny run of ``bench/export_scaling.py``: every measure runs and prints beside its target.

The bench itself (4,380 and 43,800 entries, a 1-million-row CSV) is run by hand
(docs/exports.md has its table); this runs 3 and 10 busy days and a 200-row CSV.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "export_scaling.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("export_scaling_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_a_tiny_bench_run_prints_every_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bench = load_bench()
    rows = bench.run(tmp_path, 3, 10, 200)
    bench.print_table(rows)
    printed = capsys.readouterr().out
    assert "JSON export, 36 entries" in printed and "JSON export, 120 entries" in printed
    assert "JSON import, 120 entries" in printed
    assert "<= 12x" in printed and "<= 2x" in printed and "< 300 MiB" in printed
    assert "CSV import, 200 rows" in printed
