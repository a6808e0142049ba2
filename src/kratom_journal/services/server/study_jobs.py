"""Background jobs of studies: the pooled analysis and the pseudonymous export.

The pooled analysis takes each participant's own estimate from the product's
experiment engine (the same result the participant sees) and combines them in the
random-effects model of :mod:`kratom_journal.analysis.pooled`. Participants whose
trial cannot give an estimate yet (too few nights) are left out and counted.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from typing import Any

from kratom_journal.analysis.errors import AnalysisError
from kratom_journal.analysis.pooled import person_input, pool
from kratom_journal.domain.errors import NotFound
from kratom_journal.services import experiments as experiment_service
from kratom_journal.services.clock import Clock, FixedClock, journal_zone
from kratom_journal.services.server.jobs import handler
from kratom_journal.services.server.studies import StudyView, own_study
from kratom_journal.services.server.study_views import ParticipantData, participants_data
from kratom_journal.store.server import studies as store
from kratom_journal.store.server.schema import ServerDatabase
from kratom_journal.store.tenancy import acting_as, current_scope


def _researcher() -> uuid.UUID:
    scope = current_scope()
    if scope is None:
        raise NotFound("a study job runs as the researcher who asked for it")
    return scope.user_id


def person_estimate(
    db: ServerDatabase, researcher_id: uuid.UUID, owner_id: uuid.UUID, clock: Clock
) -> tuple[float, float] | None:
    """(estimate, standard error) of one participant's trial, or ``None`` when it has none yet."""
    with acting_as(researcher_id, owner_id):
        today = clock.now().astimezone(journal_zone(db.journal)).date()
        try:
            result = experiment_service.experiment_result(db.journal, today)
        except AnalysisError:
            return None
    return person_input(result)


def pooled_result(
    db: ServerDatabase, researcher_id: uuid.UUID, study: StudyView, clock: Clock
) -> dict[str, Any]:
    labels, estimates, errors, excluded = [], [], [], []
    for p in participants_data(db, researcher_id, study, clock):
        found = None if p.deleted else person_estimate(db, researcher_id, p.owner_id, clock)
        if found is None:
            excluded.append(p.pseudonym)
            continue
        labels.append(p.pseudonym)
        estimates.append(found[0])
        errors.append(found[1])
    body: dict[str, Any] = {
        "study": str(study.id),
        "protocol_hash": study.protocol_hash,
        "outcome": study.protocol.outcome,
        "computed_at": clock.now().isoformat(),
        "excluded": excluded,
    }
    if len(estimates) < 2:
        body["result"] = None
        body["problem"] = "fewer than two participants have an estimate yet"
        return body
    body["result"] = pool(estimates, errors, labels).as_dict()
    return body


@handler("pooled-analysis")
def pooled_job(db: ServerDatabase, payload: dict[str, Any], clock: Clock) -> dict[str, Any]:
    researcher_id = _researcher()
    study = own_study(db, researcher_id, uuid.UUID(str(payload["study_id"])))
    fixed = FixedClock(clock.now())
    body = pooled_result(db, researcher_id, study, fixed)
    with db.session() as session:
        row = store.add_file(
            session,
            study.id,
            "pooled",
            "pooled.json",
            "application/json",
            json.dumps(body, indent=1).encode(),
            fixed.now(),
        )
    return {"file_id": row.id, "k": (body["result"] or {}).get("k", 0)}


def day_rows(p: ParticipantData) -> list[dict[str, Any]]:
    """One row per scheduled day elapsed or logged, by study day (no calendar dates)."""
    if p.schedule is None:
        return []
    rows = []
    for index, day in enumerate(p.schedule.days, start=1):
        if day.day >= p.today and day.day not in p.outcomes and day.day not in p.adherence:
            continue
        rows.append(
            {
                "participant": p.pseudonym,
                "study_day": index,
                "weekday": day.day.isoweekday(),
                "pair": day.pair + 1,
                "condition": day.condition,
                "washout": day.washout,
                "outcome": p.outcomes.get(day.day),
                "followed": p.adherence.get(day.day),
            }
        )
    return rows


def export_zip(
    db: ServerDatabase, researcher_id: uuid.UUID, study: StudyView, clock: Clock
) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    people = participants_data(db, researcher_id, study, clock)
    days = [row for p in people for row in day_rows(p)]
    columns = [
        "participant",
        "study_day",
        "weekday",
        "pair",
        "condition",
        "washout",
        "outcome",
        "followed",
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "protocol.json",
            json.dumps(
                {
                    "title": study.title,
                    "protocol_hash": study.protocol_hash,
                    "frozen_at": study.frozen_at.isoformat() if study.frozen_at else None,
                    "protocol": json.loads(study.protocol.to_json()),
                },
                indent=1,
            ),
        )
        archive.writestr(
            "participants.csv",
            _csv(
                ["participant", "status", "withdrawn", "data_deleted"],
                [
                    {
                        "participant": p.pseudonym,
                        "status": p.status,
                        "withdrawn": "yes" if p.withdrawn else "no",
                        "data_deleted": "yes" if p.deleted else "no",
                    }
                    for p in people
                ],
            ),
        )
        archive.writestr("days.csv", _csv(columns, days))
        table = pa.Table.from_pylist(
            days,
            schema=pa.schema(
                [
                    ("participant", pa.string()),
                    ("study_day", pa.int32()),
                    ("weekday", pa.int8()),
                    ("pair", pa.int32()),
                    ("condition", pa.string()),
                    ("washout", pa.bool_()),
                    ("outcome", pa.float64()),
                    ("followed", pa.bool_()),
                ]
            ),
        )
        sink = io.BytesIO()
        pq.write_table(table, sink)
        archive.writestr("days.parquet", sink.getvalue())
        with db.session() as session:
            pooled = store.latest_file(session, study.id, "pooled")
            if pooled is not None:
                archive.writestr("pooled.json", pooled.content)
        archive.writestr("README.txt", EXPORT_README)
    return buffer.getvalue()


EXPORT_README = """Kratom Journal study export (pseudonymous).

protocol.json     the frozen protocol and its SHA-256 (what every participant consented to)
participants.csv  one row per participant: pseudonymous id, status, withdrawal
days.csv          one row per scheduled day elapsed: study day (1 = first scheduled day),
days.parquet      weekday (1 = Monday), pair, condition A/B, washout day, primary outcome
                  (empty when not logged), schedule followed (empty when not logged)
pooled.json       the latest pooled analysis, when one was run

No names, usernames, calendar dates or free-text notes are included.
"""


def _csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row[k] for k in columns})
    return out.getvalue()


@handler("study-export")
def export_job(db: ServerDatabase, payload: dict[str, Any], clock: Clock) -> dict[str, Any]:
    researcher_id = _researcher()
    study = own_study(db, researcher_id, uuid.UUID(str(payload["study_id"])))
    content = export_zip(db, researcher_id, study, clock)
    with db.session() as session:
        row = store.add_file(
            session,
            study.id,
            "export",
            f"study-{str(study.id)[:8]}.zip",
            "application/zip",
            content,
            clock.now(),
        )
    return {"file_id": row.id, "bytes": len(content)}
