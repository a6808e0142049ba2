"""Sharing a local journal with a clinic's or study's server: join, push changes, withdraw.

The only network calls of the local app, made when the person runs ``kj share`` (or
presses Share in the local web app), to the server they name; HTTPS only (plain HTTP
is allowed to this machine's own loopback address, for a server run locally). What
is sent is what the invite asks for and the person agreed to: the areas named, for a
study only from the day of consent on and without free-text notes. The local journal
stays the primary copy; each sync sends what changed since the last one, once.
"""

from __future__ import annotations

import ipaddress
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from kratom_journal import __version__
from kratom_journal.analysis.experiments import plan_from_json
from kratom_journal.domain.errors import JournalError
from kratom_journal.domain.serialize import entry_to_dict
from kratom_journal.services import experiments as experiment_service
from kratom_journal.services.clock import SYSTEM_CLOCK, Clock, journal_zone_name
from kratom_journal.services.questionnaire_transfer import export_administrations
from kratom_journal.store import experiments as experiment_store
from kratom_journal.store import share_links as store
from kratom_journal.store.journal import Journal, StoredEntry

TIMEOUT_S = 30
CHUNK = 2000
KIND_AREAS = {"dose": "doses", "sleep": "sleep", "mood": "mood", "side-effect": "side-effects"}


class ShareError(JournalError):
    """The server cannot be reached or refused; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Offer:
    """What an invite code asks for, to show before the person agrees."""

    server: str
    code: str
    kind: str
    areas: tuple[str, ...]
    title: str
    summary: str
    consent_text: str
    protocol_hash: str
    questions: tuple[str, ...]
    clinician: str


@dataclass(frozen=True, slots=True)
class LinkView:
    id: int
    server: str
    kind: str
    title: str
    pseudonym: str | None
    areas: tuple[str, ...]
    last_synced_at: datetime | None
    stopped: bool


@dataclass(frozen=True, slots=True)
class Pushed:
    link: LinkView
    sent: int
    added: int
    updated: int
    unchanged: int


def check_server(url: str) -> str:
    """The server's base URL; HTTPS unless it is this machine's loopback address."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ShareError(f"{url}: expected the server's address, like https://journal.example.org")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise ShareError(f"{url}: the server must use https (plain http only on this machine)")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _call(server: str, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(server + path, data=data, method=method)
    request.add_header("accept", "application/json")
    request.add_header("user-agent", f"kratom-journal/{__version__}")
    if data is not None:
        request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return json.loads(response.read().decode("utf-8") or "null")
    except urllib.error.HTTPError as exc:
        raise ShareError(f"{server}: {_detail(exc)}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ShareError(f"{server}: cannot reach the server ({reason})") from None
    except json.JSONDecodeError:
        raise ShareError(f"{server}: the answer is not a Kratom Journal server's") from None


def _detail(exc: urllib.error.HTTPError) -> str:
    try:
        detail = json.loads(exc.read().decode("utf-8")).get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, list) and detail:
        detail = detail[0].get("msg") if isinstance(detail[0], dict) else str(detail[0])
    return str(detail or f"the server answered {exc.code}")


def read_invite(server: str, code: str) -> Offer:
    base = check_server(server)
    found = _call(base, "GET", f"/api/v1/share/invites/{quote(code.strip(), safe='')}")
    study = found.get("study") or {}
    return Offer(
        server=base,
        code=code.strip(),
        kind=str(found.get("kind")),
        areas=tuple(found.get("areas") or ()),
        title=str(study.get("title") or ""),
        summary=str(study.get("summary") or ""),
        consent_text=str(study.get("consent_text") or ""),
        protocol_hash=str(study.get("protocol_hash") or ""),
        questions=tuple(str(q.get("text")) for q in study.get("eligibility") or ()),
        clinician=str(found.get("clinician") or ""),
    )


def _view(row: store.ShareLinkRow) -> LinkView:
    return LinkView(
        row.id,
        row.server_url,
        row.kind,
        row.title,
        row.pseudonym,
        tuple(a for a in row.areas.split(",") if a),
        row.last_synced_at_utc,
        row.stopped_at_utc is not None,
    )


def join(
    journal: Journal,
    offer: Offer,
    answers: list[bool],
    *,
    display_name: str = "",
    clock: Clock = SYSTEM_CLOCK,
) -> Pushed:
    """Join the study (or share with the clinician) the offer is for, then push once."""
    if offer.kind == "study":
        with journal.session() as session:
            if experiment_store.open_experiment(session) is not None:
                raise ShareError(
                    "an experiment is open in this journal; stop it ('kj experiment stop') "
                    "before joining a study, which brings its own schedule"
                )
    body = {
        "code": offer.code,
        "answers": answers,
        "consent_hash": offer.protocol_hash,
        "timezone": journal_zone_name(journal),
        "display_name": display_name if offer.kind == "clinician" else "",
    }
    joined = _call(offer.server, "POST", "/api/v1/share/join", body)
    experiment_id = None
    if offer.kind == "study":
        plan = plan_from_json(str(joined["plan"]))
        experiment_service.plan_experiment(journal, plan, clock=clock)
        experiment_id = experiment_service.start_experiment(journal, seed=plan.seed, clock=clock).id
    with journal.session() as session:
        row = store.add_link(
            session,
            server_url=offer.server,
            kind=offer.kind,
            token=str(joined["token"]),
            title=offer.title or offer.clinician,
            pseudonym=joined.get("pseudonym"),
            areas=",".join(joined.get("areas") or offer.areas),
            experiment_id=experiment_id,
            since_utc=clock.now() if offer.kind == "study" else None,
            entries_mark=0,
            created_at_utc=clock.now(),
        )
        link_id = row.id
    return push(journal, link_id, clock=clock)


def links(journal: Journal) -> list[LinkView]:
    with journal.session() as session:
        return [_view(r) for r in store.links(session)]


def _covers(areas: str, area: str) -> bool:
    chosen = areas.split(",")
    return "all" in chosen or area in chosen


def _entry_instant(stored: StoredEntry) -> datetime:
    entry = stored.entry
    for name in ("taken_at", "at", "bed_at"):
        value = getattr(entry, name, None)
        if isinstance(value, datetime):
            return value
    return stored.created_at


def _entry_record(stored: StoredEntry, strip_notes: bool) -> dict[str, Any]:
    data = entry_to_dict(stored.entry)
    if strip_notes:
        data["note"] = None
    return {
        "id": stored.id,
        "version": stored.version,
        "created_at": stored.created_at.isoformat(),
        "updated_at": stored.updated_at.isoformat(),
        "deleted_at": stored.deleted_at.isoformat() if stored.deleted_at else None,
        "data": data,
    }


def _bundle(journal: Journal, row: store.ShareLinkRow) -> tuple[dict[str, Any], dict[str, Any]]:
    """What changed since the last push, within the share, and the marks to keep after it."""
    study = row.kind == "study"
    with journal.session() as session:
        changed, entries_mark = store.changed_entries(session, row.entries_mark)
    entries = [
        _entry_record(s, study)
        for s in changed
        if _covers(row.areas, KIND_AREAS[s.kind.value])
        and (row.since_utc is None or _entry_instant(s) >= row.since_utc)
    ]
    questionnaires: list[dict[str, Any]] = []
    q_mark = row.questionnaires_mark
    if _covers(row.areas, "questionnaires"):
        for record in export_administrations(journal):
            created = datetime.fromisoformat(record["created_at"])
            if (q_mark is None or created > q_mark) and (
                row.since_utc is None or created >= row.since_utc
            ):
                questionnaires.append({**record, "note": None} if study else record)
                q_mark = created if q_mark is None else max(q_mark, created)
    adherence: list[dict[str, Any]] = []
    a_mark = row.adherence_mark
    if study and row.experiment_id is not None:
        with journal.session() as session:
            for entry in experiment_store.adherence(session, row.experiment_id):
                if row.adherence_mark is None or entry.logged_at > row.adherence_mark:
                    adherence.append({"day": entry.day.isoformat(), "followed": entry.followed})
                    a_mark = entry.logged_at if a_mark is None else max(a_mark, entry.logged_at)
    bundle = {
        "format": "kratom-journal-share",
        "format_version": 1,
        "entries": entries,
        "questionnaires": questionnaires,
        "adherence": adherence,
    }
    marks = {"entries_mark": entries_mark, "questionnaires_mark": q_mark, "adherence_mark": a_mark}
    return bundle, marks


def push(journal: Journal, link_id: int, *, clock: Clock = SYSTEM_CLOCK) -> Pushed:
    """Send what changed since the last push of one share (each change once)."""
    with journal.session() as session:
        row = store.link(session, link_id)
        if row is None:
            raise ShareError(f"no share {link_id} in this journal")
        if row.stopped_at_utc is not None:
            raise ShareError(f"share {link_id} was stopped")
    bundle, marks = _bundle(journal, row)
    totals = {"added": 0, "updated": 0, "unchanged": 0}
    sent = 0
    for part in _chunks(bundle):
        answer = _call(row.server_url, "POST", "/api/v1/share/sync", part, token=row.token)
        for key in totals:
            totals[key] += int(answer.get(key, 0))
        sent += len(part["entries"]) + len(part["questionnaires"]) + len(part["adherence"])
    with journal.session() as session:
        stored = store.link(session, link_id)
        assert stored is not None
        for key, value in marks.items():
            setattr(stored, key, value)
        stored.last_synced_at_utc = clock.now()
        view = _view(stored)
    return Pushed(view, sent, **totals)


def _chunks(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    head = {k: v for k, v in bundle.items() if not isinstance(v, list)}
    parts = []
    for name in ("entries", "questionnaires", "adherence"):
        items = bundle[name]
        for start in range(0, len(items), CHUNK):
            part = {**head, "entries": [], "questionnaires": [], "adherence": []}
            part[name] = items[start : start + CHUNK]
            parts.append(part)
    return parts or [{**head, "entries": [], "questionnaires": [], "adherence": []}]


def sync_all(journal: Journal, *, clock: Clock = SYSTEM_CLOCK) -> list[Pushed]:
    """Push every share that is not stopped."""
    return [push(journal, link.id, clock=clock) for link in links(journal) if not link.stopped]


def withdraw(journal: Journal, link_id: int, delete: bool, *, clock: Clock = SYSTEM_CLOCK) -> str:
    """Stop a share (a study: withdraw consent; with ``delete`` the server's copy goes too)."""
    with journal.session() as session:
        row = store.link(session, link_id)
        if row is None:
            raise ShareError(f"no share {link_id} in this journal")
        server, token, experiment_id = row.server_url, row.token, row.experiment_id
    answer = _call(server, "POST", "/api/v1/share/withdraw", {"delete": delete}, token=token)
    with journal.session() as session:
        stored = store.link(session, link_id)
        assert stored is not None
        stored.stopped_at_utc = clock.now()
    if experiment_id is not None:
        try:
            experiment_service.stop_experiment(journal, "consent withdrawn", clock=clock)
        except JournalError:
            pass  # finished or stopped already
    return str(answer.get("status", "stopped"))
