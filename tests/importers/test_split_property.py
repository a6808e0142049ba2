"""Property: however the same samples are split into files and containers, and in
whatever order those are imported, the nights are those of one import.

Samsung stage rows (a sample per row, times with their offsets) and Fitbit logs
(local times read in the journal's zone) are dealt into parts, some rows into two
parts; each part becomes a lone file, a folder or a zip, and the parts are
imported in a drawn order. Checked: the nights equal those of importing every
row at once, total sleep never exceeds time in bed, and no date has two chosen
nights.
"""

from __future__ import annotations

import itertools
import json
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kratom_journal.services.wearable_nights import list_nights, night_dict
from kratom_journal.services.wearables import import_wearable
from kratom_journal.store.journal import Journal, open_journal
from tests.importers import real_shapes as shapes

STAGES = [shapes.A, shapes.L, shapes.D, shapes.R]
CONTAINERS = ["file", "folder", "zip"]
_counter = itertools.count()


@st.composite
def hypnograms(draw: st.DrawFn) -> tuple[shapes.Hypnogram, ...]:
    nights = []
    for index in range(draw(st.integers(1, 3))):
        bed = datetime(2024, 3, 10 + index, 21, 0, tzinfo=shapes.BERLIN) + timedelta(
            minutes=draw(st.integers(0, 180))
        )
        stages = draw(
            st.lists(
                st.tuples(st.sampled_from(STAGES), st.integers(1, 90)), min_size=2, max_size=12
            )
        )
        nights.append(shapes.Hypnogram(bed, tuple(stages)))
    return tuple(nights)


def journal_at(folder: Path) -> Journal:
    journal = open_journal(folder / f"journal-{next(_counter)}.sqlite3")
    journal.settings.set("timezone", "Europe/Berlin")
    return journal


def nights_of(journal: Journal) -> list[dict[str, object]]:
    return [night_dict(chosen, others) for chosen, others in list_nights(journal)]


def contain(file: Path, kind: str, folder: Path) -> Path:
    """The file as it is, in a folder of its own, or in a zip."""
    if kind == "file":
        return file
    if kind == "folder":
        return file.parent
    archive = folder / f"{file.parent.name}.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(file, f"export/{file.name}")
    return archive


def check_invariants(nights: list[dict[str, object]]) -> None:
    dates = [n["night"] for n in nights]
    assert len(dates) == len(set(dates))  # one chosen night per date
    for night in nights:
        asleep, in_bed = night["total_sleep_min"], night["time_in_bed_min"]
        assert asleep is None or asleep <= in_bed  # type: ignore[operator]


def samsung_rows(nights: tuple[shapes.Hypnogram, ...], folder: Path) -> list[str]:
    path = shapes.samsung_stage_csv(folder / "all" / "com.samsung.health.sleep_stage.0.csv", nights)
    return path.read_text().splitlines()


def fitbit_logs(nights: tuple[shapes.Hypnogram, ...]) -> list[dict[str, object]]:
    return [shapes.fitbit_log(n, 90_000 + i) for i, n in enumerate(nights)]


SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(nights=hypnograms(), data=st.data())
def test_samsung_rows_split_any_way_give_the_nights_of_one_import(tmp_path_factory, nights, data):
    folder = tmp_path_factory.mktemp("samsung")
    lines = [line for line in samsung_rows(nights, folder) if line]
    preamble, rows = lines[:2], lines[2:]
    whole = journal_at(folder)
    import_wearable(whole, None, folder / "all" / "com.samsung.health.sleep_stage.0.csv")
    want = nights_of(whole)
    whole.close()
    parts = data.draw(st.integers(1, 4), label="parts")
    homes = [data.draw(st.sets(st.integers(0, parts - 1), min_size=1, max_size=2)) for _ in rows]
    order = data.draw(st.permutations(range(parts)), label="order")
    split = journal_at(folder)
    for part in order:
        chosen_rows = [row for row, home in zip(rows, homes, strict=True) if part in home]
        if not chosen_rows:
            continue
        file = folder / f"part{part}" / f"com.samsung.health.sleep_stage.{part}.csv"
        shapes.write(file, "\n".join([*preamble, *chosen_rows]) + "\n", crlf=True)
        kind = data.draw(st.sampled_from(CONTAINERS), label=f"container {part}")
        import_wearable(split, "samsung", contain(file, kind, folder))
    got = nights_of(split)
    split.close()
    check_invariants(got)
    assert got == want


@SETTINGS
@given(nights=hypnograms(), data=st.data())
def test_fitbit_logs_split_any_way_give_the_nights_of_one_import(tmp_path_factory, nights, data):
    folder = tmp_path_factory.mktemp("fitbit")
    logs = fitbit_logs(nights)
    whole = journal_at(folder)
    everything = shapes.write(folder / "all" / "sleep-2024-03-10.json", json.dumps(logs))
    import_wearable(whole, "fitbit", everything)
    want = nights_of(whole)
    whole.close()
    parts = data.draw(st.integers(1, 3), label="parts")
    homes = [data.draw(st.sets(st.integers(0, parts - 1), min_size=1, max_size=2)) for _ in logs]
    split = journal_at(folder)
    for part in data.draw(st.permutations(range(parts)), label="order"):
        mine = [log for log, home in zip(logs, homes, strict=True) if part in home]
        if not mine:
            continue
        file = shapes.write(
            folder / f"part{part}" / f"sleep-2024-03-1{part}.json", json.dumps(mine)
        )
        kind = data.draw(st.sampled_from(CONTAINERS), label=f"container {part}")
        import_wearable(split, "fitbit", contain(file, kind, folder))
    got = nights_of(split)
    split.close()
    check_invariants(got)
    assert got == want
