"""``kj demo``: build the demo journal in its own database file."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kratom_journal.demo.experiment import add_demo_experiment
from kratom_journal.demo.journal import DEMO_ZONE, generate_demo_entries
from kratom_journal.demo.medicines import add_demo_medicines
from kratom_journal.demo.questionnaires import add_demo_administrations
from kratom_journal.demo.wearable import extend_demo_journal
from kratom_journal.domain.entries import Dose, kind_of
from kratom_journal.domain.errors import InvalidInput
from kratom_journal.services.questionnaire_transfer import export_administrations
from kratom_journal.services.wearable_nights import list_nights
from kratom_journal.store.journal import Journal, bulk_add, list_entries, new_id, open_journal
from kratom_journal.store.private_files import private_folder

MIN_DEMO_DAYS = 120


def default_demo_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("kratom-journal", appauthor=False) / "demo" / "demo-journal.sqlite3"


def build_demo_journal(
    path: Path | None = None, days: int = 150, seed: int = 7, end: date | None = None
) -> tuple[Journal, Path]:
    """Write a fresh demo journal (replacing an older demo file) and open it."""
    if days < MIN_DEMO_DAYS:
        raise InvalidInput(f"a demo journal has at least {MIN_DEMO_DAYS} days, got {days}")
    target = path or default_demo_path()
    private_folder(target.parent)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    journal = open_journal(target)
    journal.settings.set("timezone", DEMO_ZONE)
    journal.settings.set("country", "US")
    journal.settings.set("region", "US-TX")
    last = end or datetime.now(ZoneInfo(DEMO_ZONE)).date()
    entries = generate_demo_entries(days, seed, last)
    with journal.session() as session:
        bulk_add(session, [(new_id(), e) for e in entries], source="demo")
    add_demo_administrations(journal, last - timedelta(days=days), last, DEMO_ZONE, seed)
    add_demo_medicines(journal)
    extend_demo_journal(journal, seed)  # watch and phone nights beside the diary
    add_demo_experiment(journal, last - timedelta(days=20), last)  # a running self-experiment
    return journal, target


def summary_rows(journal: Journal) -> list[tuple[str, int]]:
    """Counts of what the demo journal holds, for the terminal summary."""
    with journal.session() as session:
        stored = list_entries(session)
    counts = Counter(kind_of(s.entry).value for s in stored)
    substances = Counter(s.entry.substance for s in stored if isinstance(s.entry, Dose))
    strains = {
        s.entry.strain_key for s in stored if isinstance(s.entry, Dose) and s.entry.strain_key
    }
    rows = [
        ("nights in the sleep diary", counts["sleep"]),
        ("kratom doses", substances["kratom"]),
        ("strains", len(strains)),
        ("other substances", sum(substances.values()) - substances["kratom"]),
        ("mood check-ins", counts["mood"]),
        ("side effects", counts["side-effect"]),
    ]
    rows.append(("questionnaires", len(export_administrations(journal))))
    rows.append(("wearable nights", len(list_nights(journal))))
    return rows
