"""`kj log dose` start to exit, against `python -c "import sqlalchemy, typer"`.

Heavy libraries (statistics, plotting, PDF, web) must load only in the commands
that use them, so logging a dose costs little more than importing the two
libraries it needs. Target ratio: <= 2.

    python bench/cli_startup.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import BIN, report, time_command


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "journal.sqlite3"
        kj = [str(BIN / "kratom-journal"), "--db", str(db)]
        time_command([*kj, "list"], 1)  # create and migrate the journal once
        ours = time_command([*kj, "log", "dose", "3.5g", "--strain", "Red Bali"], args.repeat)
        baseline = time_command([sys.executable, "-c", "import sqlalchemy, typer"], args.repeat)
    report("kj log dose", ours, "import sqlalchemy, typer", baseline, 2.0)


if __name__ == "__main__":
    main()
