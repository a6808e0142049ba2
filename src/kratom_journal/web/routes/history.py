"""History: filter entries by kind and dates; edit, delete and undo."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kratom_journal.domain.entries import Kind
from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.services import entries as entry_service
from kratom_journal.web.deps import JournalDep, SettingsDep, TodayDep
from kratom_journal.web.routes.today import flash
from kratom_journal.web.views import FormState, render

router = APIRouter(include_in_schema=False)

MAX_ROWS = 500
DEFAULT_DAYS = 30


FLASH_PARAMS = frozenset({"saved", "edited", "deleted", "restored"})


def here_without_flash(request: Request) -> str:
    """This page's address without the confirmation of the last action."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in FLASH_PARAMS]
    return str(request.url.path) + ("?" + urlencode(kept) if kept else "")


@router.get("/history", response_class=HTMLResponse)
def history_page(
    request: Request, journal: JournalDep, settings: SettingsDep, today: TodayDep
) -> Response:
    params = request.query_params
    values = {
        "kind": params.get("kind", ""),
        "since": params.get("since") or (today - timedelta(days=DEFAULT_DAYS)).isoformat(),
        "until": params.get("until", ""),
        "deleted": params.get("deleted", ""),
    }
    state = FormState(values=values)
    kinds = None
    if values["kind"]:
        try:
            kinds = [Kind(values["kind"])]
        except ValueError:
            state.errors["kind"] = "choose one of the kinds listed"
    stored = []
    if not state.errors:
        try:
            stored = entry_service.list_entries(
                journal,
                kinds,
                values["since"],
                values["until"] or None,
                include_deleted=bool(values["deleted"]),
                settings=settings,
            )
        except InvalidEntry as exc:
            state.errors[exc.field or "since"] = exc.message
    found = flash(request, journal, settings)
    if found and all(s.id != found["entry"].id for s in stored):
        # The entry just deleted stays in its place, with its undo button.
        stored = sorted([*stored, found["entry"]], key=entry_service.entry_time)
    stored = list(reversed(stored))
    return render(
        request,
        "history.html",
        {
            "page": "history",
            "title": "History",
            "state": state,
            "kinds": [k.value for k in Kind],
            "entries": stored[:MAX_ROWS],
            "more": max(0, len(stored) - MAX_ROWS),
            "summary": entry_service.summary_text,
            "when": lambda item: entry_service.when_text(item, settings.zone_name),
            "flash": found,
            "here": here_without_flash(request),
        },
        status=422 if state.errors else 200,
    )
