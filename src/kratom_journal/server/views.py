"""Drawing the server's pages: the navigation for each role, and ``page`` for rendering."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from kratom_journal.server.web_door import NAV, render
from kratom_journal.services.server.signin import Current

STAFF_NAV = {
    "clinician": [("clinic", "/clinic", "Patients"), ("account", "/account", "Account")],
    "researcher": [("research", "/research", "Studies"), ("account", "/account", "Account")],
    "admin": [
        ("admin", "/admin", "Accounts"),
        ("audit", "/admin/audit", "Audit log"),
        ("clinic-settings", "/admin/clinic", "Clinic"),
        ("account", "/account", "Account"),
    ],
}
HIDDEN_ON_SERVER = {"import", "share"}


def current_of(request: Request) -> Current | None:
    current = request.scope.get("kj_current")
    return current if isinstance(current, Current) and current.complete else None


def server_nav(request: Request) -> list[tuple[str, str, str]]:
    """The pages the signed-in account may open (none before signing in)."""
    current = current_of(request)
    if current is None:
        return []
    role = current.account.role
    if role in STAFF_NAV:
        return STAFF_NAV[role]
    pages = [item for item in NAV if item[0] not in HIDDEN_ON_SERVER]
    extra = (
        ("study", "/study", "Study")
        if role == "participant"
        else ("sharing", "/sharing", "Sharing")
    )
    return [*pages, extra, ("account", "/account", "Account")]


def page(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """Render a server page (the app's common context, plus the signed-in account)."""
    base: dict[str, Any] = {"current": current_of(request), "page": ""}
    base.update(context or {})
    return render(request, template, base, status=status)
