"""The server's own routers, one module per section."""

from kratom_journal.server.routes import (
    account_pages,
    admin_pages,
    clinic_pages,
    ops,
    participant_pages,
    research_pages,
    sharing_pages,
    sign_in_pages,
    sync_api,
)

ROUTERS = [
    ops.router,
    sign_in_pages.router,
    account_pages.router,
    admin_pages.router,
    sharing_pages.router,
    clinic_pages.router,
    research_pages.router,
    participant_pages.router,
    sync_api.router,
]
