"""Score an administration and interpret change, exactly as the instrument file says.

Pure functions over an :class:`~kratom_journal.instruments.schema.Instrument`
and a mapping of item id to answer value (``None`` = not answered).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from kratom_journal.instruments.loader import InstrumentError
from kratom_journal.instruments.schema import Band, Instrument

Answers = Mapping[str, int | None]


class InvalidAnswers(InstrumentError):
    """Answers name an unknown item or use a value the item does not offer."""


@dataclass(frozen=True, slots=True)
class SafetyFlag:
    """A safety rule that fired: the answer must show crisis resources first."""

    item: str
    value: int
    action: str
    reason: str


@dataclass(frozen=True, slots=True)
class SubscaleScore:
    """Total and band of a short form scored inside a longer one (e.g. PHQ-2)."""

    id: str
    name: str
    total: int | None
    band: str | None


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """The score of one administration.

    ``total`` is ``None`` when the missing-item rule allows no score;
    ``no_score_reason`` then says why. ``safety_flags`` is filled whatever the
    total is: a flag never depends on the other answers.
    """

    instrument_id: str
    total: int | None
    max_total: int
    band: str | None
    answered: int
    missing: tuple[str, ...]
    prorated: bool
    no_score_reason: str | None
    subscales: tuple[SubscaleScore, ...]
    safety_flags: tuple[SafetyFlag, ...]

    @property
    def crisis(self) -> bool:
        """True when an answer requires crisis resources to be shown."""
        return needs_crisis_resources(self.safety_flags)


def validate_answers(instrument: Instrument, answers: Answers) -> dict[str, int | None]:
    """Return answers for every item in order, refusing unknown items and values."""
    known = {item.id for item in instrument.items}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise InvalidAnswers(f"{instrument.short_name} has no item {unknown[0]!r}")
    checked: dict[str, int | None] = {}
    for item in instrument.items:
        value = answers.get(item.id)
        if value is not None:
            allowed = [option.value for option in instrument.options(item)]
            if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
                raise InvalidAnswers(
                    f"{instrument.short_name} item {item.id}: answer {value!r} is not one of "
                    f"{', '.join(str(v) for v in allowed)}"
                )
        checked[item.id] = value
    return checked


def parse_answer_list(instrument: Instrument, text: str) -> dict[str, int | None]:
    """Parse ``"0,1,2,..."`` into answers; an empty field or ``-`` means not answered.

    The list gives the scored items in order, optionally followed by the
    unscored ones (for example the PHQ-9 difficulty question).
    """
    fields = [field.strip() for field in text.split(",")]
    scored = instrument.scored_items
    if len(fields) not in (len(scored), len(instrument.items)):
        expected = f"{len(scored)}" + (
            f" or {len(instrument.items)}" if len(instrument.items) != len(scored) else ""
        )
        raise InvalidAnswers(
            f"{instrument.short_name} needs {expected} comma-separated answers, got {len(fields)}"
        )
    order = scored + [item for item in instrument.items if not item.scored]
    answers: dict[str, int | None] = {}
    for position, (item, field) in enumerate(zip(order, fields, strict=False), start=1):
        if field in ("", "-"):
            answers[item.id] = None
            continue
        try:
            answers[item.id] = int(field)
        except ValueError:
            raise InvalidAnswers(
                f"{instrument.short_name} answer {position}: {field!r} is not a whole number"
            ) from None
    return validate_answers(instrument, answers)


def band_for(bands: list[Band], total: float | None) -> str | None:
    """Label of the band containing ``total``; ``None`` without bands or total."""
    if total is None:
        return None
    for band in bands:
        if band.contains(total):
            return band.label
    return None


def score(instrument: Instrument, answers: Answers) -> ScoreResult:
    """Score one administration.

    Parameters
    ----------
    instrument : Instrument
        The questionnaire definition.
    answers : mapping of str to int or None
        Item id to chosen value; missing keys and ``None`` mean not answered.

    Returns
    -------
    ScoreResult
        Total (sum of scored items), its band, subscale totals and safety flags.

    Notes
    -----
    Missing items follow the instrument's own rule: ``no_score`` gives no
    total when any scored item is unanswered (never a guess); ``prorate``
    scales the mean of answered items to the full item count when no more
    than ``max_missing`` are unanswered.
    """
    checked = validate_answers(instrument, answers)
    scored_ids = [item.id for item in instrument.scored_items]
    given = {i: checked[i] for i in scored_ids if checked[i] is not None}
    missing = tuple(i for i in scored_ids if checked[i] is None)
    total, prorated, reason = _total(instrument, given, missing)
    return ScoreResult(
        instrument_id=instrument.id,
        total=total,
        max_total=instrument.score_range[1],
        band=band_for(instrument.bands, total),
        answered=len(given),
        missing=missing,
        prorated=prorated,
        no_score_reason=reason,
        subscales=tuple(_subscale_scores(instrument, checked)),
        safety_flags=safety_flags(instrument, checked),
    )


def _total(
    instrument: Instrument, given: dict[str, int | None], missing: tuple[str, ...]
) -> tuple[int | None, bool, str | None]:
    values = [v for v in given.values() if v is not None]
    if not missing:
        return sum(values), False, None
    rule = instrument.scoring.missing
    count = len(missing)
    if rule.rule == "prorate" and count <= rule.max_missing:
        n_items = len(instrument.scored_items)
        return _round_half_up(sum(values) * n_items / len(values)), True, None
    noun = "item" if count == 1 else "items"
    return None, False, f"{count} {noun} unanswered ({', '.join(missing)}); {rule.basis}"


def _round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def _subscale_scores(instrument: Instrument, checked: dict[str, int | None]) -> list[SubscaleScore]:
    results = []
    for subscale in instrument.subscales:
        values = [checked[i] for i in subscale.items]
        total = None if any(v is None for v in values) else sum(v for v in values if v is not None)
        band = band_for(subscale.bands, total)
        results.append(SubscaleScore(subscale.id, subscale.name, total, band))
    return results


def safety_flags(instrument: Instrument, answers: Mapping[str, object]) -> tuple[SafetyFlag, ...]:
    """The safety rules of ``instrument`` that the answers given so far meet.

    This is the one crisis check of the product: the survey screens of both faces
    call it after every answer, and scoring, result screens and reports read the
    flags it gives. The rules come from the instrument's own file (PHQ-9: item 9
    above 0), never from code. It works on partial answers and never raises: an
    answer that cannot be read as a number is ignored rather than trusted.

    >>> from kratom_journal.instruments.loader import shipped_instrument
    >>> phq9 = shipped_instrument("phq9")
    >>> [(f.item, f.value, f.action) for f in safety_flags(phq9, {"1": 0, "9": 1})]
    [('9', 1, 'crisis')]
    >>> safety_flags(phq9, {"1": 3, "9": 0}), safety_flags(phq9, {"9": "2"})[0].value
    ((), 2)
    """
    flags = []
    for rule in instrument.safety:
        value = _answer_number(answers.get(rule.item))
        if value is not None and value >= rule.min_value:
            flags.append(SafetyFlag(rule.item, value, rule.action, rule.reason))
    return tuple(flags)


def needs_crisis_resources(flags: Iterable[SafetyFlag]) -> bool:
    """True when any flag requires crisis resources to be shown first."""
    return any(flag.action == "crisis" for flag in flags)


def _answer_number(value: object) -> int | None:
    """An answer as a whole number, leniently (``2``, ``2.0``, ``" 2 "``); else ``None``."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return math.floor(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return math.floor(number) if math.isfinite(number) else None
    return None


Direction = Literal["improved", "worsened", "no meaningful change"]


@dataclass(frozen=True, slots=True)
class ChangeResult:
    """Change of a total against the previous and the first administration.

    ``meaningful`` is ``None`` when the instrument has no MCID; ``response``
    and ``remission`` are ``None`` when the instrument defines none or the
    baseline makes them undefined.
    """

    previous_total: int
    current_total: int
    delta: int
    mcid: float | None
    meaningful: Direction | None
    baseline_total: int | None
    percent_from_baseline: float | None
    response: bool | None
    remission: bool | None


def compare(
    instrument: Instrument,
    current_total: int,
    previous_total: int,
    baseline_total: int | None = None,
) -> ChangeResult:
    """Interpret the change from ``previous_total`` to ``current_total``.

    Parameters
    ----------
    instrument : Instrument
        Supplies the direction, MCID, response fraction and remission cut-off.
    current_total, previous_total : int
        Totals of this and the previous administration.
    baseline_total : int, optional
        Total of the first administration, for response and remission.

    Returns
    -------
    ChangeResult

    Notes
    -----
    A change counts as meaningful when ``|delta| >= MCID`` (PHQ-9: 5 points,
    Löwe et al. 2004; GAD-7: 4 points, Toussaint et al. 2020). Response is a
    drop of at least ``response_drop_fraction`` from baseline (PHQ-9: 50 %);
    remission is ``current < remission_below`` (PHQ-9: below 5), defined
    only when the baseline was at or above that cut-off.

    References
    ----------
    Löwe B, et al. Monitoring depression treatment outcomes with the Patient
    Health Questionnaire-9. Med Care 2004;42(12):1194-1201.
    doi:10.1097/00005650-200412000-00006

    Examples
    --------
    >>> from kratom_journal.instruments.loader import shipped_instrument
    >>> result = compare(shipped_instrument("phq9"), 9, 16, baseline_total=18)
    >>> result.delta, result.meaningful, result.response, result.remission
    (-7, 'improved', True, False)
    """
    rule = instrument.change
    delta = current_total - previous_total
    better_sign = -1 if rule.direction == "lower_is_better" else 1
    meaningful: Direction | None = None
    if rule.mcid is not None:
        if abs(delta) < rule.mcid:
            meaningful = "no meaningful change"
        else:
            meaningful = "improved" if delta * better_sign > 0 else "worsened"
    percent = None
    if baseline_total is not None and baseline_total != 0:
        percent = round(100.0 * (current_total - baseline_total) / baseline_total, 1)
    return ChangeResult(
        previous_total=previous_total,
        current_total=current_total,
        delta=delta,
        mcid=rule.mcid,
        meaningful=meaningful,
        baseline_total=baseline_total,
        percent_from_baseline=percent,
        response=_response(instrument, current_total, baseline_total),
        remission=_remission(instrument, current_total, baseline_total),
    )


def _response(instrument: Instrument, current: int, baseline: int | None) -> bool | None:
    fraction = instrument.change.response_drop_fraction
    if fraction is None or baseline is None or baseline <= 0:
        return None
    if instrument.change.direction == "lower_is_better":
        return current <= baseline * (1 - fraction)
    return current >= baseline * (1 + fraction)


def _remission(instrument: Instrument, current: int, baseline: int | None) -> bool | None:
    cutoff = instrument.change.remission_below
    if cutoff is None or baseline is None or baseline < cutoff:
        return None
    return current < cutoff
