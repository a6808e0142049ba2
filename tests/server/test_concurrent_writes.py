"""Concurrent logging through both app processes: every acknowledged write stored once.

A small version of ``bench/server_load.py`` (500 participants for two minutes).
What is tested: eight signed-in people log moods and doses through the journal API and
open pages at the same time, each request going to one of the two app processes in
turn; no request answers 5xx; every write acknowledged with 201 is in the database
exactly once, under its writer, and nothing is stored that was not acknowledged.
What is NOT tested: latency and throughput (the bench prints them).
"""

from __future__ import annotations

import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from tests.server.client import Browser
from tests.server.people import Person, new_person

pytestmark = pytest.mark.postgres

PEOPLE, ROUNDS = 8, 12


def _log(person: Person, bases: list[str], tag: str) -> tuple[list[str], list[int]]:
    phone = Browser(bases)
    phone.sign_in(person.username, person.password)
    acknowledged, statuses = [], []
    for i in range(ROUNDS):
        marker = f"{tag}:{person.username}:{uuid.uuid4().hex}"
        if i % 3 == 2:
            written = phone.api(
                "POST", "/api/v1/doses", json={"amount": "3g", "note": marker, "confirm": True}
            )
        else:
            written = phone.api("POST", "/api/v1/moods", json={"mood": i % 11, "note": marker})
        statuses.append(written.status_code)
        if written.status_code == 201:
            acknowledged.append(marker)
        statuses.append(phone.get("/" if i % 2 else "/api/v1/moods").status_code)
    phone.close()
    return acknowledged, statuses


def test_concurrent_writes_are_stored_once(server_db, apps, server_urls) -> None:  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:8]
    people = [new_person(server_db, "load") for _ in range(PEOPLE)]
    bases = [a.base for a in apps]
    with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        done = list(pool.map(lambda p: _log(p, bases, tag), people))
    statuses = Counter(s for _, found in done for s in found)
    assert not [s for s in statuses if s >= 500], statuses
    assert statuses[201] == PEOPLE * ROUNDS, statuses
    acknowledged = [m for found, _ in done for m in found]

    dsn = server_urls.owner.replace("postgresql+psycopg://", "postgresql://")
    stored: Counter[str] = Counter()
    owners = {}
    with psycopg.connect(dsn) as conn:
        conn.execute("SET app.maintenance = 'on'")
        for table in ("mood_checkins", "doses"):
            rows = conn.execute(
                f"SELECT note, owner_id FROM {table} WHERE note LIKE %s", (f"{tag}:%",)
            )
            for note, owner in rows:
                stored[note] += 1
                owners[note] = owner
    assert {m for m, n in stored.items() if n != 1} == set()
    assert set(stored) == set(acknowledged)
    by_name = {p.username: p.id for p in people}
    assert all(owners[m] == by_name[m.split(":")[1]] for m in acknowledged)
