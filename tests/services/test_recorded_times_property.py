"""Property: changing the journal's zone never moves an entry, in storage or on screen.

What is tested: for random instants and zones, entries logged in one zone keep
their stored instant, their shown clock time and their place on the sleep chart
after the journal's zone changes (any number of times); only a "New York time"
note is added where the zone differs.
What is NOT tested: the browser drawing the chart (tests/web/test_browser_logging.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kratom_journal.domain.errors import InvalidEntry
from kratom_journal.services import entries
from kratom_journal.services.clock import FixedClock
from kratom_journal.services.entry_views import clock_text, recorded_local
from kratom_journal.services.settings import read_settings, set_setting
from kratom_journal.store.journal import Journal
from kratom_journal.web.sleep_chart import hours_into
from tests.strategies import ZONES

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)
CLOCK = FixedClock(NOW)

instants = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
    max_value=datetime(2025, 12, 30),  # noqa: DTZ001
    timezones=st.just(UTC),
).map(lambda d: d.replace(second=0, microsecond=0))


def _shown(journal: Journal) -> dict[str, tuple[datetime, str, str, float]]:
    """Each entry's stored instant, shown clock, local wall time and chart position."""
    zone_name = read_settings(journal).zone_name
    found = {}
    for stored in journal.entries.list():
        instant = entries.entry_time(stored)
        local = recorded_local(instant, stored.entry.zone)
        clock = clock_text(instant, stored.entry.zone, zone_name)[:5]
        night = (local - timedelta(hours=12)).date()
        position = hours_into(instant, night, stored.entry.zone)
        found[stored.id] = (instant.astimezone(UTC), clock, local.isoformat(), position)
    return found


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    instant=instants,
    zone=st.sampled_from(ZONES),
    changes=st.lists(st.sampled_from(ZONES), min_size=1, max_size=3),
)
def test_changing_the_zone_never_moves_an_entry(
    journal: Journal, instant: datetime, zone: str, changes: list[str]
) -> None:
    set_setting(journal, "timezone", zone)
    local = instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    try:
        entries.log_mood(journal, 5, at=local.isoformat(timespec="minutes"), clock=CLOCK)
    except InvalidEntry:  # a time the DST change skips: refused, nothing to keep
        return
    before = _shown(journal)
    for other in changes:
        set_setting(journal, "timezone", other)
        after = _shown(journal)
        assert after == before
        for stored in journal.entries.list():
            note = clock_text(entries.entry_time(stored), stored.entry.zone, other)
            assert note.startswith(before[stored.id][1])
            assert (" time" in note or "UTC" in note) == (stored.entry.zone != other)
