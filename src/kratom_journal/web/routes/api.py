"""The JSON API under ``/api/v1``: the same services and validation as the forms.

Errors a person (or a client) causes come back as 422 with the field named,
in FastAPI's own error shape: ``{"detail": [{"loc": [...], "msg": ..., "type": ...}]}``.

Every write takes an ``Idempotency-Key`` header (as the IETF draft
"The Idempotency-Key HTTP Header Field" names it): a request repeating a key gets
the first request's answer and writes nothing; a key reused for a different
request is refused with 422.
"""

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Header, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from kratom_journal.domain.entries import Kind
from kratom_journal.domain.errors import ImplausibleEntry, InvalidEntry, JournalError, NotFound
from kratom_journal.domain.timeparse import FutureTime
from kratom_journal.services import entries as entry_service
from kratom_journal.services.clock import Clock
from kratom_journal.services.keyed import keyed_response
from kratom_journal.services.settings import (
    SETTINGS,
    JournalSettings,
    effective_settings,
    set_setting,
)
from kratom_journal.store.journal import Journal, StoredEntry
from kratom_journal.web import forms
from kratom_journal.web.deps import ClockDep, JournalDep, SettingsDep
from kratom_journal.web.routes import api_results
from kratom_journal.web.views import written

router = APIRouter(prefix="/api/v1")
T = TypeVar("T")

Text = Annotated[str, Field(max_length=2000)]
Day = Annotated[
    str | None,
    Field(
        default=None,
        max_length=32,
        description="YYYY-MM-DD: the day of a clock time in at (needed for a time later than now)",
    ),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=255,
        description="A key of your choosing: the same key again returns the first answer",
    ),
]
OptionalText = Annotated[str | None, Field(default=None, max_length=2000)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DoseCreate(_Body):
    """A dose as typed: ``amount`` with its unit (``3.5g``, ``500mg``, ``4 capsules``)."""

    amount: Annotated[str, Field(max_length=100, examples=["3.5g"])]
    substance: Annotated[str, Field(max_length=200)] = "kratom"
    strain: OptionalText = None
    form: OptionalText = None
    product: OptionalText = None
    at: Annotated[
        str | None,
        Field(default=None, max_length=64, description="HH:MM (today, or on date) or ISO 8601"),
    ] = None
    date: Day = None
    grams_per_capsule: float | None = None
    note: OptionalText = None
    confirm: bool = Field(default=False, description="accept an unusual amount")


class SleepCreate(_Body):
    """A diary night; times ``HH:MM`` (from 12:00 the evening's) or ISO 8601."""

    night: Annotated[str | None, Field(default=None, max_length=32)] = None
    bed_at: Annotated[str, Field(max_length=64)]
    tried_at: Annotated[str, Field(max_length=64)]
    sol_min: int
    awakenings: int
    waso_min: int
    final_wake_at: Annotated[str, Field(max_length=64)]
    out_of_bed_at: Annotated[str, Field(max_length=64)]
    quality: int
    nap_count: int | None = None
    nap_min: int | None = None
    note: OptionalText = None


class MoodCreate(_Body):
    mood: int
    anxiety: int | None = None
    energy: int | None = None
    at: Annotated[str | None, Field(default=None, max_length=64)] = None
    date: Day = None
    note: OptionalText = None


class SideEffectCreate(_Body):
    symptom: Annotated[str, Field(max_length=64)]
    severity: int
    at: Annotated[str | None, Field(default=None, max_length=64)] = None
    date: Day = None
    note: OptionalText = None


class EntryUpdate(_Body):
    """Fields to change, as text (as ``kj edit --set field=value`` takes them)."""

    changes: dict[Annotated[str, Field(max_length=64)], Text]
    confirm: bool = False


class SettingUpdate(_Body):
    value: Annotated[str, Field(max_length=200)]


def invalid(field: str | None, message: str, kind: str = "invalid_entry") -> HTTPException:
    return HTTPException(
        422, [{"loc": ["body", field] if field else ["body"], "msg": message, "type": kind}]
    )


def guarded(action: Callable[[], T]) -> T:
    """Run a service call; turn the errors a client can cause into 404/422."""
    try:
        return action()
    except FutureTime as exc:
        raise invalid(
            exc.field,
            f'{exc.message}; send "date" to say which day (today or another)',
            "future_time",
        ) from None
    except ImplausibleEntry as exc:
        raise invalid(
            exc.field, f'{exc.message}; send "confirm": true to accept it', "needs_confirmation"
        ) from None
    except InvalidEntry as exc:
        raise invalid(exc.field, exc.message) from None
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except JournalError as exc:
        raise invalid(None, str(exc) or "invalid value") from None
    except OverflowError:
        raise invalid(None, "a date or number is out of range") from None


RESOURCES: dict[str, Kind] = {
    "doses": Kind.DOSE,
    "sleep": Kind.SLEEP,
    "moods": Kind.MOOD,
    "side-effects": Kind.SIDE_EFFECT,
}


def _stored(journal: Journal, kind: Kind, entry_id: str) -> StoredEntry:
    stored = guarded(lambda: journal.entries.get(entry_id))
    if stored.kind is not kind:
        raise HTTPException(404, f"no {kind.value} with id {entry_id!r}")
    return stored


Creator = Callable[[Journal, JournalSettings, Clock, Any, str | None], StoredEntry]
"""Stores the entry a request body describes (once per idempotency key)."""


def keyed(scope: str, key: str | None) -> str | None:
    """The journal's key for a client's ``Idempotency-Key`` on one kind of request."""
    if key is None:
        return None
    if not key.strip() or not key.isprintable() or not key.isascii():
        raise invalid(None, "Idempotency-Key must be 1 to 255 printable ASCII characters")
    return f"api:{scope}:{key}"


def _add_resource(path: str, kind: Kind, create_model: type[BaseModel], create: Creator) -> None:
    tag = path

    @router.get(f"/{path}", tags=[tag], summary=f"List {kind.value} entries")
    def list_kind(
        journal: JournalDep,
        settings: SettingsDep,
        since: Annotated[str | None, Query(max_length=32)] = None,
        until: Annotated[str | None, Query(max_length=32)] = None,
        include_deleted: bool = False,
        limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    ) -> list[dict[str, Any]]:
        stored = guarded(
            lambda: entry_service.list_entries(
                journal, [kind], since, until, include_deleted, settings=settings
            )
        )
        return [entry_service.entry_view(s) for s in stored[-limit:]]

    @router.post(f"/{path}", tags=[tag], status_code=201, summary=f"Log a {kind.value}")
    def create_kind(
        request: Request,
        body: create_model,  # type: ignore[valid-type]
        journal: JournalDep,
        settings: SettingsDep,
        clock: ClockDep,
        idempotency_key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        key = keyed(f"create:{path}", idempotency_key)
        stored = guarded(lambda: create(journal, settings, clock, body, key))
        written(request)
        first = first_answer(journal, key)
        return first if first is not None else entry_service.entry_view(stored)

    @router.get(f"/{path}/{{entry_id}}", tags=[tag], summary=f"One {kind.value}")
    def get_kind(journal: JournalDep, entry_id: str) -> dict[str, Any]:
        return entry_service.entry_view(_stored(journal, kind, entry_id))

    @router.patch(f"/{path}/{{entry_id}}", tags=[tag], summary=f"Change a {kind.value}")
    def update_kind(
        request: Request,
        entry_id: str,
        body: EntryUpdate,
        journal: JournalDep,
        settings: SettingsDep,
        clock: ClockDep,
    ) -> dict[str, Any]:
        stored = _stored(journal, kind, entry_id)
        updated = guarded(
            lambda: entry_service.edit(
                journal,
                stored.id,
                dict(body.changes),
                body.confirm,
                settings=settings,
                clock=clock,
            )
        )
        written(request)
        return entry_service.entry_view(updated)

    @router.delete(f"/{path}/{{entry_id}}", tags=[tag], summary=f"Delete a {kind.value}")
    def delete_kind(
        request: Request,
        entry_id: str,
        journal: JournalDep,
        idempotency_key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        stored = _stored(journal, kind, entry_id)
        key = keyed(f"delete:{stored.id}", idempotency_key)
        deleted = guarded(lambda: entry_service.delete_entry(journal, stored.id, key))
        written(request)
        first = first_answer(journal, key)
        return first if first is not None else entry_service.entry_view(deleted)

    @router.post(
        f"/{path}/{{entry_id}}/restore", tags=[tag], summary=f"Restore a deleted {kind.value}"
    )
    def restore_kind(
        request: Request,
        entry_id: str,
        journal: JournalDep,
        idempotency_key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        stored = _stored(journal, kind, entry_id)
        key = keyed(f"restore:{stored.id}", idempotency_key)
        restored = guarded(lambda: entry_service.restore_entry(journal, stored.id, key))
        written(request)
        first = first_answer(journal, key)
        return first if first is not None else entry_service.entry_view(restored)


def first_answer(journal: Journal, key: str | None) -> dict[str, Any] | None:
    """The answer stored with a key: the first request's, which a repeat gets again."""
    return None if key is None else keyed_response(journal, key)


def _as_values(body: BaseModel) -> dict[str, str]:
    return {
        k: ("1" if v is True else "" if v in (None, False) else str(v))
        for k, v in body.model_dump().items()
    }


def _create_dose(
    journal: Journal, settings: JournalSettings, clock: Clock, body: DoseCreate, key: str | None
) -> StoredEntry:
    data = entry_service.DoseInput(
        amount=body.amount,
        substance=body.substance,
        strain=body.strain,
        form=body.form,
        product=body.product,
        at=body.at,
        grams_per_capsule=body.grams_per_capsule,
        note=body.note,
        day=body.date,
        future_ok=body.date is not None,
    )
    return entry_service.log_dose(
        journal, data, body.confirm, settings=settings, clock=clock, key=key
    )


def _create_sleep(
    journal: Journal, settings: JournalSettings, clock: Clock, body: SleepCreate, key: str | None
) -> StoredEntry:
    data = forms.sleep_input(_as_values(body))
    return entry_service.log_sleep(journal, data, settings=settings, clock=clock, key=key)


def _create_mood(
    journal: Journal, settings: JournalSettings, clock: Clock, body: MoodCreate, key: str | None
) -> StoredEntry:
    return entry_service.log_mood(
        journal,
        body.mood,
        body.anxiety,
        body.energy,
        body.at,
        body.note,
        settings=settings,
        clock=clock,
        day=body.date,
        future_ok=body.date is not None,
        key=key,
    )


def _create_side_effect(
    journal: Journal,
    settings: JournalSettings,
    clock: Clock,
    body: SideEffectCreate,
    key: str | None,
) -> StoredEntry:
    return entry_service.log_side_effect(
        journal,
        body.symptom,
        body.severity,
        body.at,
        body.note,
        settings=settings,
        clock=clock,
        day=body.date,
        future_ok=body.date is not None,
        key=key,
    )


_add_resource("doses", Kind.DOSE, DoseCreate, _create_dose)
_add_resource("sleep", Kind.SLEEP, SleepCreate, _create_sleep)
_add_resource("moods", Kind.MOOD, MoodCreate, _create_mood)
_add_resource("side-effects", Kind.SIDE_EFFECT, SideEffectCreate, _create_side_effect)


@router.get("/settings", tags=["settings"], summary="Settings with defaults filled in")
def get_settings(journal: JournalDep) -> dict[str, str]:
    return effective_settings(journal)


@router.put("/settings/{key}", tags=["settings"], summary="Set one setting")
def put_setting(
    request: Request, key: str, body: SettingUpdate, journal: JournalDep
) -> dict[str, str]:
    if key not in SETTINGS:
        raise HTTPException(404, f"unknown setting {key!r}; known: {', '.join(SETTINGS)}")
    value = guarded(lambda: set_setting(journal, key, body.value))
    written(request)
    return {key: value}


router.include_router(api_results.router)
