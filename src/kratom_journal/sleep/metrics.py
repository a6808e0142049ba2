"""Per-night Consensus Sleep Diary metrics.

Pure functions: every duration is real elapsed time in minutes, computed in
UTC, so nights that cross midnight or a daylight-saving change come out
right. A metric whose inputs are missing is missing (``None``), never zero.

References
----------
Carney CE, Buysse DJ, Ancoli-Israel S, Edinger JD, Krystal AD, Lichstein KL,
Morin CM. The Consensus Sleep Diary: standardizing prospective sleep
self-monitoring. Sleep 2012;35(2):287-302. doi:10.5665/sleep.1642
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from kratom_journal.domain.days import NIGHT_STARTS, local_time
from kratom_journal.domain.entries import SleepDiaryEntry
from kratom_journal.domain.errors import InvalidEntry

SOL_FLAG_MIN = 30
"""Sleep onset latency above this many minutes is flagged (insomnia research convention)."""
WASO_FLAG_MIN = 30
"""Wake after sleep onset above this many minutes is flagged."""
SE_FLAG_PCT = 85.0
"""Sleep efficiency below this percentage is flagged."""


def minutes_between(start: datetime | None, end: datetime | None) -> float | None:
    """Real elapsed minutes from ``start`` to ``end`` (``None`` if either is missing).

    Both instants are converted to UTC first: Python subtracts two datetimes
    that share a ``tzinfo`` as wall-clock times, which is wrong by an hour on
    the night clocks change.

    >>> from datetime import timezone
    >>> a = datetime(2024, 1, 1, 22, 0, tzinfo=timezone.utc)
    >>> minutes_between(a, a + timedelta(hours=8, minutes=45))
    525.0
    """
    if start is None or end is None:
        return None
    return (end.astimezone(UTC) - start.astimezone(UTC)) / timedelta(minutes=1)


def time_in_bed(bed_at: datetime | None, out_of_bed_at: datetime | None) -> float | None:
    """Time in bed, TIB = time out of bed - time into bed (CSD items 7 - 1), in minutes.

    Parameters
    ----------
    bed_at : datetime or None
        "What time did you get into bed?" (CSD item 1).
    out_of_bed_at : datetime or None
        "What time did you get out of bed for the day?" (CSD item 7).

    Returns
    -------
    float or None
        Minutes, or ``None`` when an item is missing.

    References
    ----------
    Carney CE, et al. The Consensus Sleep Diary. Sleep 2012;35(2):287-302.
    doi:10.5665/sleep.1642
    """
    return minutes_between(bed_at, out_of_bed_at)


def terminal_wakefulness(
    final_wake_at: datetime | None, out_of_bed_at: datetime | None
) -> float | None:
    """Terminal wakefulness, TWAK = time out of bed - final awakening (items 7 - 6), minutes.

    References
    ----------
    Carney CE, et al. The Consensus Sleep Diary. Sleep 2012;35(2):287-302.
    doi:10.5665/sleep.1642
    """
    return minutes_between(final_wake_at, out_of_bed_at)


def total_sleep_time(
    tried_at: datetime | None,
    final_wake_at: datetime | None,
    sol_min: float | None,
    waso_min: float | None,
) -> float | None:
    """Total sleep time, TST = (final awakening - tried to sleep) - SOL - WASO, in minutes.

    Parameters
    ----------
    tried_at : datetime or None
        "What time did you try to go to sleep?" (CSD item 2).
    final_wake_at : datetime or None
        "What time was your final awakening?" (CSD item 6).
    sol_min : float or None
        Sleep onset latency, minutes (item 3).
    waso_min : float or None
        Total minutes of the awakenings, not counting the final one (item 5).

    Returns
    -------
    float or None
        Minutes, or ``None`` when an item is missing.

    Notes
    -----
    Time in bed before trying to sleep is not sleep, and neither is time in
    bed after the final awakening; subtracting those from TIB instead is a
    known error in diary apps.

    References
    ----------
    Carney CE, et al. The Consensus Sleep Diary. Sleep 2012;35(2):287-302.
    doi:10.5665/sleep.1642

    Examples
    --------
    >>> from datetime import timezone
    >>> tried = datetime(2024, 1, 1, 22, 30, tzinfo=timezone.utc)
    >>> total_sleep_time(tried, tried + timedelta(hours=8), 18, 30)
    432.0
    """
    window = minutes_between(tried_at, final_wake_at)
    if window is None or sol_min is None or waso_min is None:
        return None
    return window - sol_min - waso_min


def sleep_efficiency(tst_min: float | None, tib_min: float | None) -> float | None:
    """Sleep efficiency, SE = 100 x TST / TIB, in percent.

    Parameters
    ----------
    tst_min : float or None
        Total sleep time, minutes.
    tib_min : float or None
        Time in bed, minutes; must be positive.

    Returns
    -------
    float or None
        Percent, or ``None`` when an input is missing or TIB is not positive.

    Notes
    -----
    The denominator is time in bed, the CSD definition ("percent of time
    asleep out of time spent in bed"). Reed and Sacco (2016) propose the
    sleep episode instead; that variant is not used here.

    References
    ----------
    Carney CE, et al. The Consensus Sleep Diary. Sleep 2012;35(2):287-302.
    doi:10.5665/sleep.1642
    Reed DL, Sacco WP. Measuring sleep efficiency: what should the denominator
    be? J Clin Sleep Med 2016;12(2):263-266. doi:10.5664/jcsm.5498

    Examples
    --------
    >>> round(sleep_efficiency(432, 525), 1)
    82.3
    """
    if tst_min is None or tib_min is None or tib_min <= 0:
        return None
    return 100.0 * tst_min / tib_min


@dataclass(frozen=True, slots=True)
class NightMetrics:
    """Derived metrics of one diary night; durations in minutes, SE in percent."""

    night: date
    tib_min: float
    sol_min: float
    waso_min: float
    twak_min: float
    tst_min: float
    se_pct: float
    awakenings: int
    quality: int
    nap_count: int | None
    nap_min: int | None

    @property
    def flags(self) -> tuple[str, ...]:
        """Clinical flags: SOL > 30 min, WASO > 30 min, SE < 85 %."""
        return night_flags(self.sol_min, self.waso_min, self.se_pct)


def night_flags(
    sol_min: float | None, waso_min: float | None, se_pct: float | None
) -> tuple[str, ...]:
    """Names of the flags a night raises: ``sol_over_30``, ``waso_over_30``, ``se_under_85``.

    Notes
    -----
    Conventional insomnia thresholds (SOL or WASO above 30 minutes, sleep
    efficiency below 85 %). A missing metric raises no flag.
    """
    flags = []
    if sol_min is not None and sol_min > SOL_FLAG_MIN:
        flags.append("sol_over_30")
    if waso_min is not None and waso_min > WASO_FLAG_MIN:
        flags.append("waso_over_30")
    if se_pct is not None and se_pct < SE_FLAG_PCT:
        flags.append("se_under_85")
    return tuple(flags)


def night_metrics(entry: SleepDiaryEntry) -> NightMetrics:
    """Compute every CSD metric for one diary entry.

    Raises
    ------
    InvalidEntry
        When the entry contradicts itself in real elapsed time (for example
        minutes awake that do not fit into a night shortened by a clock change).
    """
    tib = _required(time_in_bed(entry.bed_at, entry.out_of_bed_at))
    twak = _required(terminal_wakefulness(entry.final_wake_at, entry.out_of_bed_at))
    tst = _required(
        total_sleep_time(entry.tried_at, entry.final_wake_at, entry.sol_min, entry.waso_min)
    )
    _check_real_time(entry, tib, twak, tst)
    se = _required(sleep_efficiency(tst, tib))
    return NightMetrics(
        night=entry.night,
        tib_min=tib,
        sol_min=float(entry.sol_min),
        waso_min=float(entry.waso_min),
        twak_min=twak,
        tst_min=tst,
        se_pct=se,
        awakenings=entry.awakenings,
        quality=entry.quality,
        nap_count=entry.nap_count,
        nap_min=entry.nap_min,
    )


def _required(value: float | None) -> float:
    if value is None:
        raise InvalidEntry("a sleep diary time is missing")
    return value


def _check_real_time(entry: SleepDiaryEntry, tib: float, twak: float, tst: float) -> None:
    """Refuse entries that only look consistent on the wall clock."""
    pre_sleep = minutes_between(entry.bed_at, entry.tried_at)
    if tib <= 0 or twak < 0 or (pre_sleep is not None and pre_sleep < 0):
        raise InvalidEntry(
            "the diary times are out of order in real time (check a clock change that night)",
            "out_of_bed_at",
        )
    if tst < 0:
        window = tst + entry.sol_min + entry.waso_min
        raise InvalidEntry(
            f"minutes to fall asleep plus minutes awake ({entry.sol_min + entry.waso_min}) "
            f"exceed the {window:.0f} real minutes between trying to sleep and final awakening",
            "waso_min",
        )


def diary_metrics(entry: SleepDiaryEntry) -> dict[str, float | int | None]:
    """The derived metrics of one night as a flat dict for listings and JSON.

    Keys: ``tib_min``, ``tst_min``, ``twak_min``, ``se_pct`` (one decimal),
    ``sol_over_30``, ``waso_over_30``, ``se_under_85`` (1 or 0). On an entry
    that contradicts itself in real time every value is ``None``.
    """
    try:
        metrics = night_metrics(entry)
    except InvalidEntry:
        keys = ("tib_min", "tst_min", "twak_min", "se_pct", *_FLAG_NAMES)
        return dict.fromkeys(keys)
    flags = metrics.flags
    result: dict[str, float | int | None] = {
        "tib_min": round(metrics.tib_min, 1),
        "tst_min": round(metrics.tst_min, 1),
        "twak_min": round(metrics.twak_min, 1),
        "se_pct": round(metrics.se_pct, 1),
    }
    for name in _FLAG_NAMES:
        result[name] = int(name in flags)
    return result


_FLAG_NAMES = ("sol_over_30", "waso_over_30", "se_under_85")


def local_wall_time(instant: datetime, zone: str | None) -> datetime:
    """The naive local clock time of ``instant`` in ``zone`` (or its own offset)."""
    return local_time(instant, zone).replace(tzinfo=None)


def minutes_after_noon(instant: datetime, night: date, zone: str | None) -> float:
    """Local clock minutes after 12:00 on the evening of ``night``.

    Clock times of a night are averaged on this scale so that 23:50 and 00:10
    average to midnight, not midday.

    >>> from datetime import timezone
    >>> minutes_after_noon(datetime(2024, 3, 31, 7, 0, tzinfo=timezone.utc), date(2024, 3, 30),
    ...                    "Europe/Berlin")
    1260.0
    """
    noon = datetime.combine(night, NIGHT_STARTS)
    return (local_wall_time(instant, zone) - noon) / timedelta(minutes=1)
