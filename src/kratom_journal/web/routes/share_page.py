"""Share: send this journal's chosen parts to a clinic's or study's server (``kj share``).

The only page that talks to another machine, and only when the person asks: reading an
invite, joining, syncing and withdrawing go to the server they typed in.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from kratom_journal.domain.errors import JournalError
from kratom_journal.services import share_client
from kratom_journal.web.deps import ClockDep, JournalDep
from kratom_journal.web.views import FormState, checked_form, redirect, render, text_values, written

router = APIRouter(include_in_schema=False)
Form = Annotated[FormData, Depends(checked_form)]


def _page(
    request: Request, journal: JournalDep, context: dict[str, object], status: int = 200
) -> Response:
    base: dict[str, object] = {
        "page": "share",
        "title": "Share",
        "links": share_client.links(journal),
        "state": FormState(),
        "offer": None,
        "message": None,
    }
    base.update(context)
    return render(request, "share.html", base, status=status)


@router.get("/share", response_class=HTMLResponse)
def share_page(request: Request, journal: JournalDep) -> Response:
    params = request.query_params
    server, code = params.get("server", "").strip(), params.get("code", "").strip()
    if not (server and code):
        return _page(request, journal, {"message": params.get("done")})
    state = FormState(values={"server": server, "code": code})
    try:
        offer = share_client.read_invite(server, code)
    except JournalError as exc:
        state.message = str(exc)
        return _page(request, journal, {"state": state}, status=422)
    return _page(request, journal, {"state": state, "offer": offer})


@router.post("/share/join")
def join(request: Request, form: Form, journal: JournalDep, clock: ClockDep) -> Response:
    values = text_values(form)
    state = FormState(values=values)
    try:
        offer = share_client.read_invite(values.get("server", ""), values.get("code", ""))
        answers = [values.get(f"q{i}") == "yes" for i in range(len(offer.questions))]
        if values.get("agree") != "yes":
            state.message = "Nothing was shared: tick that you agree to share what is listed."
            return _page(request, journal, {"state": state, "offer": offer}, status=422)
        pushed = share_client.join(
            journal, offer, answers, display_name=values.get("name", ""), clock=clock
        )
    except JournalError as exc:
        state.message = str(exc)
        return _page(request, journal, {"state": state}, status=422)
    written(request)
    return redirect("/share?" + urlencode({"done": f"Shared: {pushed.sent} records sent."}))


@router.post("/share/sync")
def sync(request: Request, _form: Form, journal: JournalDep, clock: ClockDep) -> Response:
    try:
        results = share_client.sync_all(journal, clock=clock)
    except JournalError as exc:
        return _page(request, journal, {"message": str(exc)}, status=502)
    sent = sum(r.sent for r in results)
    return redirect("/share?" + urlencode({"done": f"Synced: {sent} records sent."}))


@router.post("/share/{link_id}/withdraw")
def withdraw(
    request: Request, link_id: int, form: Form, journal: JournalDep, clock: ClockDep
) -> Response:
    try:
        status = share_client.withdraw(journal, link_id, form.get("delete") == "yes", clock=clock)
    except JournalError as exc:
        return _page(request, journal, {"message": str(exc)}, status=422)
    written(request)
    return redirect("/share?" + urlencode({"done": f"Share {link_id} {status}."}))
