"""What a route may ask FastAPI for: the journal, settings snapshot, clock, today and cache.

Each is read once per request: the settings snapshot is kept on the request, so the
page, its services and the template all see the same zone and country.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Request

from kratom_journal.services.clock import Clock
from kratom_journal.services.import_jobs import ImportJobs
from kratom_journal.services.settings import JournalSettings, read_settings
from kratom_journal.store.journal import Journal
from kratom_journal.web.cache import PageCache
from kratom_journal.web.config import WebSettings


def journal_for(request: Request) -> Journal:
    """The journal the app serves."""
    journal: Journal = request.app.state.journal
    return journal


def settings_for(request: Request) -> JournalSettings:
    """The journal's settings, read once per request."""
    found = getattr(request.state, "journal_settings", None)
    if isinstance(found, JournalSettings):
        return found
    snapshot = read_settings(journal_for(request))
    request.state.journal_settings = snapshot
    return snapshot


def clock_for(request: Request) -> Clock:
    """The app's clock (the system clock unless a test gave another)."""
    clock: Clock = request.app.state.clock
    return clock


def today_for(request: Request) -> date:
    """Today's date on the journal's clock."""
    return clock_for(request).today(settings_for(request).zone)


def page_cache_for(request: Request) -> PageCache:
    """The cache of expensive page parts."""
    cache: PageCache = request.app.state.page_cache
    return cache


def import_jobs_for(request: Request) -> ImportJobs:
    """The background imports of this app."""
    jobs: ImportJobs = request.app.state.import_jobs
    return jobs


def web_settings_for(request: Request) -> WebSettings:
    """How this app was started (CSRF secret, limits)."""
    settings: WebSettings = request.app.state.web_settings
    return settings


JournalDep = Annotated[Journal, Depends(journal_for)]
SettingsDep = Annotated[JournalSettings, Depends(settings_for)]
ClockDep = Annotated[Clock, Depends(clock_for)]
TodayDep = Annotated[date, Depends(today_for)]
PageCacheDep = Annotated[PageCache, Depends(page_cache_for)]
ImportJobsDep = Annotated[ImportJobs, Depends(import_jobs_for)]
