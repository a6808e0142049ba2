"""A small run of ``bench/apple_health_import.py``: every case runs and the targets print.

The bench itself (a one-year export of 150 MB and a 1.5 GB one, a quarter of the
records all-day heart rate) is run by hand; this checks, on a 12-night export, that
each case (our first import, re-import, a newer export, healthkit-to-sqlite, one bare
lxml pass) runs in its own process with its peak memory, and that the report prints
every target's ratio side by side.
"""

from __future__ import annotations

import importlib.util
import re
from datetime import date
from pathlib import Path
from types import ModuleType

from kratom_journal.demo import synthetic

BENCH = Path(__file__).resolve().parents[2] / "bench" / "apple_health_import.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("apple_health_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_small_bench_run_prints_every_target(tmp_path, monkeypatch, capsys):
    bench = load_bench()

    def small_export(size_mb: int, extra_nights: int = 0) -> Path:
        path = tmp_path / f"export-{size_mb}-{extra_nights}.zip"
        nights = synthetic.generate_nights(
            2024, synthetic.NightPlan(date(2024, 1, 1), 12 + extra_nights)
        )
        options = synthetic.AppleOptions(filler_per_night=5, day_heart_rate_per_night=40, seed=1)
        return synthetic.write_apple_health(path, nights, options, as_zip=True)

    monkeypatch.setattr(bench, "generate", small_export)
    results = bench.run_size(1, list(bench.KINDS), h2s_max_mb=200)
    assert set(results) == set(bench.KINDS)
    assert "12 nights added" in str(results["ours"]["summary"])
    assert "30 nights added" in str(results["newer"]["summary"])
    assert all(float(row["peak_mib"]) > 0 for row in results.values())
    capsys.readouterr()
    bench.report({1: results, 2: results})
    printed = capsys.readouterr().out
    for text in bench.TARGETS.values():
        line = next(line for line in printed.splitlines() if line.startswith(text))
        assert len(re.findall(r"(PASS|FAIL) \S+", line)) == 2  # one column per size
    assert re.search(
        r"first import / bare lxml iterparse .*(PASS|FAIL) [\d.]+x \[[\d.]+x\]", printed
    )


def test_checks_compare_against_the_baselines_of_the_same_run():
    bench = load_bench()
    row = {"seconds": 1.0, "peak_mib": 100.0}
    results = {
        "ours": {**row, "cpu": 2.0},
        "reimport": {**row, "cpu": 0.1},
        "newer": {**row, "cpu": 1.0},
        "h2s": {**row, "cpu": 10.0},
        "lxml": {**row, "cpu": 3.0},
    }
    assert bench.checks(results) == {
        "vs lxml": ("1.50x", True),
        "vs h2s": ("5.0x", True),
        "re-import": ("20x", True),
        "newer": ("2.0x", True),
        "peak": ("100 MiB", True),
    }
    slow = {**results, "ours": {**row, "cpu": 4.0, "peak_mib": 200.0}}
    assert [passed for _value, passed in bench.checks(slow).values()] == [
        False,
        False,
        True,
        True,
        False,
    ]
    assert bench.checks({})["vs lxml"] is None
