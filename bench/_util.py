"""Small helpers shared by the benchmarks: timing commands and printing ratios."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def time_command(args: list[str], repeat: int = 5, setup=None) -> list[float]:  # type: ignore[no-untyped-def]
    """Wall-clock seconds of ``repeat`` runs of a command (``setup()`` before each)."""
    times = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.perf_counter()
        subprocess.run(
            args, check=True, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        times.append(time.perf_counter() - start)
    return times


def report(
    name: str, ours: list[float], baseline_name: str, baseline: list[float], limit: float
) -> bool:
    """Print medians and their ratio; return whether the ratio is within ``limit``."""
    ratio = statistics.median(ours) / statistics.median(baseline)
    ok = ratio <= limit
    print(
        f"{name}: median {statistics.median(ours):.3f}s vs {baseline_name} "
        f"{statistics.median(baseline):.3f}s -> ratio {ratio:.2f} "
        f"({'ok' if ok else 'OVER'} the target of {limit:g})"
    )
    return ok
