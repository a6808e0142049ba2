"""``kj share`` from a local journal to the server, incremental syncs, and withdrawal.

What is tested: a clinician's invite shares a local journal's entries, each stored
once; a later sync sends only what changed (new and edited entries), and one after
that sends nothing; joining a study from a local journal creates the same schedule
(same hash) locally and on the server, sends only entries from the day of consent on
without notes; withdrawing with ``--delete`` removes every row of the participant's
study data from the server.
What is NOT tested: the server's own join pages (test_study_end_to_end.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from kratom_journal.cli.app import app as cli
from kratom_journal.domain.entries import Kind, MoodCheckin
from kratom_journal.services import experiments
from kratom_journal.services.server import invites, studies
from kratom_journal.services.server.protocols import EligibilityQuestion, StudyProtocol
from kratom_journal.store.journal import open_journal
from kratom_journal.store.server.rls import journal_tables
from kratom_journal.store.tenancy import acting_as
from tests.server.people import new_person

pytestmark = pytest.mark.postgres


def _kj(runner: CliRunner, db: Path, *args: str):  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.output


def _mood(hours: float, mood: int, note: str | None = None) -> MoodCheckin:
    return MoodCheckin(at=datetime.now(UTC) + timedelta(hours=hours), mood=mood, note=note)


def _owner_rows(server_urls, owner) -> int:  # type: ignore[no-untyped-def]
    dsn = server_urls.owner.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        conn.execute("SET app.maintenance = 'on'")
        return sum(
            conn.execute(
                f'SELECT count(*) FROM "{t.name}" WHERE owner_id = %s', (owner,)
            ).fetchone()[0]
            for t in journal_tables()
            if t.name not in ("journal_changes", "settings")
        )


def test_a_clinician_share_then_incremental_syncs(server_db, apps, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clinician = new_person(server_db, "clin", role="clinician")
    code = invites.clinician_invite(server_db, clinician.id, ["mood", "sleep"], 7)
    db = tmp_path / "local.sqlite3"
    journal = open_journal(db)
    journal.settings.set("timezone", "Europe/Berlin")
    first = [journal.entries.add(_mood(-h, 5, "private note")) for h in range(1, 16)]
    runner = CliRunner()
    out = _kj(
        runner, db, "share", "--server", apps[0].base, "--code", code, "--agree", "--name", "Ann"
    )
    assert "sent 15 records (15 new)" in out

    journal.entries.edit(first[0].id, {"mood": 7})
    for h in (1, 2, 3):
        journal.entries.add(_mood(-h / 10, 6))
    out = _kj(runner, db, "share", "sync")
    assert "sent 4 records, 3 new, 1 changed, 0 already there" in out
    out = _kj(runner, db, "share", "sync")
    assert "sent 0 records" in out

    patient = list(_patients(server_db, clinician.id))
    assert len(patient) == 1
    with acting_as(clinician.id, patient[0]):
        moods = server_db.journal.entries.list(kind=Kind.MOOD)
    assert sorted(m.id for m in moods) == sorted(s.id for s in journal.entries.list(kind=Kind.MOOD))
    assert {m.entry.mood for m in moods if m.id == first[0].id} == {7}
    assert len({m.id for m in moods}) == len(moods) == 18
    journal.close()


def _patients(server_db, clinician_id):  # type: ignore[no-untyped-def]
    from kratom_journal.services.server import sharing

    return [row.id for row in sharing.patients(server_db, clinician_id)]


def test_a_study_share_brings_its_schedule_and_withdrawal_deletes(
    server_db, apps, server_urls, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    researcher = new_person(server_db, "res", role="researcher")
    protocol = StudyProtocol(
        title="Red vs green",
        condition_a="Red Bali 3 g",
        condition_b="Green Malay 3 g",
        comparison="strain_a_vs_b",
        design="day",
        block_days=1,
        washout_days=0,
        weeks=2,
        outcome="mood_next_day",
        consent_text="I agree to share my mood for two weeks.",
        eligibility=(EligibilityQuestion("Are you 18 or older?", True),),
    )
    study = studies.create_study(server_db, researcher.id, protocol)
    studies.open_study(server_db, researcher.id, study.id)
    code = studies.study_invite(server_db, researcher.id, study.id, 5, 7)
    db = tmp_path / "local.sqlite3"
    journal = open_journal(db)
    journal.settings.set("timezone", "Europe/Berlin")
    journal.entries.add(_mood(-48, 3, "before the study"))
    runner = CliRunner()
    refused = runner.invoke(
        cli, ["--db", str(db), "share", "--server", apps[1].base, "--code", code, "--answer", "yes"]
    )
    assert refused.exit_code == 1 and "nothing was shared" in refused.output
    out = _kj(
        runner, db, "share", "--server", apps[1].base, "--code", code, "--answer", "yes", "--agree"
    )
    assert "Shared as " in out
    local = experiments.current_experiment(journal)
    for h in (1, 2):
        journal.entries.add(_mood(h, 6, "names someone"))
    experiments.log_adherence(journal, local.schedule.days[0].day, True)
    out = _kj(runner, db, "share", "sync")
    assert "sent 3 records" in out

    participant = list(studies_participants(server_db, researcher.id, study.id))[0]
    with acting_as(researcher.id, participant):
        remote = experiments.current_experiment(server_db.journal, include_closed=True)
        moods = server_db.journal.entries.list(kind=Kind.MOOD)
        log = experiments.adherence_log(server_db.journal, remote.id)
    assert remote.frozen_hash == local.frozen_hash and remote.schedule == local.schedule
    assert len(moods) == 2 and all(m.entry.note is None for m in moods)
    assert log == {local.schedule.days[0].day: True}
    assert _owner_rows(server_urls, participant) > 0

    _kj(runner, db, "share", "withdraw", "1", "--delete")
    assert _owner_rows(server_urls, participant) == 0
    with acting_as(researcher.id, participant):
        assert server_db.journal.entries.list() == []
    assert "shares with no server" in _kj(
        runner, db, "share", "sync"
    )  # a stopped share is not synced
    assert len(journal.entries.list(kind=Kind.MOOD)) == 3  # the local journal keeps everything
    journal.close()


def studies_participants(server_db, researcher_id, study_id):  # type: ignore[no-untyped-def]
    from kratom_journal.store.server import studies as store

    with acting_as(researcher_id), server_db.session() as session:
        return [row.owner_id for row in store.participations(session, study_id)]


def test_the_local_web_app_shares_the_same_way(server_db, apps, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from kratom_journal.web import WebSettings, create_app
    from tests.web.conftest import csrf_token

    clinician = new_person(server_db, "clin-web", role="clinician")
    code = invites.clinician_invite(server_db, clinician.id, ["mood"], 7)
    db = tmp_path / "web.sqlite3"
    journal = open_journal(db)
    journal.settings.set("timezone", "Europe/Berlin")
    for h in range(1, 4):
        journal.entries.add(_mood(-h, 4))
    journal.close()
    with TestClient(
        create_app(WebSettings(db=str(db))), base_url="http://127.0.0.1:8000"
    ) as client:
        offer = client.get("/share", params={"server": apps[0].base, "code": code})
        assert offer.status_code == 200 and "Share with Clin-Web" in offer.text
        token = csrf_token(client, "/")
        shared = client.post(
            "/share/join",
            data={
                "server": apps[0].base,
                "code": code,
                "name": "Bea",
                "agree": "yes",
                "csrf_token": token,
            },
            follow_redirects=False,
        )
        assert shared.status_code == 303 and "3+records+sent" in shared.headers["location"]
        assert "last sync" in client.get("/share").text
    assert len(_patients(server_db, clinician.id)) == 1
