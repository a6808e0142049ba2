"""A tiny run of ``bench/web_load.py``: the served journal answers reads and writes under a
few concurrent clients without errors, and the report prints the p95 and its target."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from kratom_journal.store.journal import open_journal

BENCH = Path(__file__).resolve().parents[2] / "bench" / "web_load.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("web_load_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_a_tiny_load_run_has_no_errors_and_prints_its_targets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bench = load_bench()
    db = tmp_path / "load.sqlite3"
    journal = open_journal(db)
    journal.settings.set("timezone", "Europe/Berlin")
    journal.close()
    baseline, loaded, report_seconds = bench.bench_backend(str(db), 3, 0.3, 2.0, 0.05)
    assert loaded.latencies and loaded.writes > 0
    assert loaded.errors == []
    assert report_seconds > 0
    bench.report("sqlite", baseline, loaded)
    printed = capsys.readouterr().out
    assert "sqlite load:" in printed and "errors 0" in printed
    assert "p95" in printed and "target: 0 errors, p95 < 1 s" in printed
