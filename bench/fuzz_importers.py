"""Coverage-guided fuzzing of the importers with atheris (optional, not part of the tests).

    pip install atheris
    python bench/fuzz_importers.py apple-health -max_total_time=600

Each input is written to a scratch file and parsed; the only acceptable outcomes
are records, :class:`ParseIssue` items or :class:`InputRejected`. Anything else
(an uncaught exception, a hang, a memory blow-up) is a finding. The hypothesis
tests in ``tests/importers`` run a small, fast version of the same idea.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

SUFFIXES = {
    "apple-health": "export.xml",
    "fitbit": "sleep-2024-01-01.json",
    "oura": "oura.json",
    "garmin": "x_sleepData.json",
    "samsung": "com.samsung.shealth.sleep_stage.1.csv",
    "sleep-as-android": "sleep-export.csv",
    "health-connect": "export.db",
}


def main() -> None:
    import atheris  # imported here so the module can be read without it

    with atheris.instrument_imports():
        from kratom_journal.importers import REGISTRY
        from kratom_journal.importers.safe_input import InputRejected

    source = (
        sys.argv.pop(1) if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else "apple-health"
    )
    scratch = Path(tempfile.mkdtemp()) / SUFFIXES[source]
    parse = REGISTRY[source].parse

    def one_input(data: bytes) -> None:
        scratch.write_bytes(data)
        try:
            for _item in parse(scratch, zone="UTC"):
                pass
        except InputRejected:
            pass

    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
