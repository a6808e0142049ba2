"""The app's routers, one module per page (and one for the JSON API)."""

from kratom_journal.web.routes import (
    api,
    entries,
    experiments,
    history,
    import_page,
    insights,
    mood,
    purge,
    report_page,
    safety_page,
    settings_page,
    share_page,
    sleep,
    surveys,
    today,
    welcome,
)

ROUTERS = [
    today.router,
    welcome.router,
    entries.router,
    purge.router,
    sleep.router,
    mood.router,
    surveys.router,
    insights.router,
    experiments.router,
    safety_page.router,
    import_page.router,
    history.router,
    report_page.router,
    settings_page.router,
    share_page.router,
    api.router,
]
