"""Plain sentences for answers: the primary answer first, in words a tired person can read.

Observational results say "associated with", never that kratom causes anything, and no
sentence suggests an amount, a time, or starting, changing or stopping use.
"""

from __future__ import annotations

from datetime import date

from kratom_journal.analysis.answers import Answer
from kratom_journal.analysis.dependence import MAX_WINDOW
from kratom_journal.analysis.evidence import MAX_DAYS_NEEDED, Verdict
from kratom_journal.analysis.thresholds import OutcomeThreshold

REMINDER = (
    "This is an association in your own records, not proof that one leads to the other: "
    "days differ in ways you did not log."
)

EXPOSURE_PHRASES = {
    "daily_kratom_grams": ("gram of kratom in the day", "g"),
    "evening_kratom_grams": ("gram of evening kratom", "g"),
    "doses_per_day": ("kratom dose in the day", "dose"),
    "sleep_quality_last_night": ("point of last night's sleep quality", "point"),
    "mood_today": ("point of the day's mood", "point"),
    "kratom_days_share_14d": ("share of days with kratom in the two weeks before", ""),
}

GROUP_PHRASES = {
    "evening_kratom": ("nights with an evening dose", "days with kratom earlier only"),
    "seven_oh": ("days with a 7-OH product", "other days with kratom"),
}


def num(value: float) -> str:
    """A short number with a real minus sign.

    >>> num(-2.345), num(12.0), num(0.04)
    ('\u22122.3', '12', '0.04')
    """
    if abs(value) >= 10:
        text = f"{value:.0f}"
    elif abs(value) >= 1:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return text.replace("-", "\u2212")


def unit_text(meta: OutcomeThreshold) -> str:
    """`` min``, `` points``, ``%``... as written after a number."""
    return "%" if meta.unit == "%" else f" {meta.unit}"


def _direction(value: float, unit: str) -> str:
    if value == 0:
        return "no different"
    word = "higher" if value > 0 else "lower"
    return f"{num(abs(value))}{unit} {word}"


def interval_words(low: float, high: float, unit: str) -> str:
    """``95% CI 3.0 min lower to 2.0 min higher`` (always with "95% CI")."""
    return f"95% CI {_direction(low, unit)} to {_direction(high, unit)}"


def break_phrase() -> str:
    """How a break is described."""
    return f"nights of a break of {MAX_WINDOW + 1} or more days without kratom"


def window_phrase(window: int | None) -> str:
    """``the first night`` / ``the first 2 nights`` after a day without kratom."""
    if not window or window == 1:
        return "the first night after a day without kratom"
    return f"the first {window} nights after a day without kratom"


def days_phrase(days: int | None) -> str:
    """``about 40 more days would decide`` (or more than two years)."""
    if days is None:
        return ""
    if days > MAX_DAYS_NEEDED:
        return "more than two years of logging at this pace would be needed to decide"
    if days <= 0:
        return "a few more days may decide"
    return f"about {days} more days would decide"


def comparison(answer: Answer, meta: OutcomeThreshold) -> str:
    """What was compared, as the subject of the sentence."""
    label = meta.label
    if answer.kind == "sustained_use":
        return f"{label} on nights on days with kratom compared with {break_phrase()}"
    if answer.kind == "after_skipped_dose":
        return f"{label} on {window_phrase(answer.window)} compared with nights with kratom"
    if answer.exposure in GROUP_PHRASES:
        with_, without = GROUP_PHRASES[answer.exposure]
        return f"{label} on {with_} compared with {without}"
    if answer.exposure.startswith(("strain_", "form_")):
        word, _, name = answer.exposure.partition("_")
        return (
            f"{label} on kratom nights with {word} {name.replace('_', ' ')} compared with "
            f"another {word}"
        )
    per, unit = EXPOSURE_PHRASES.get(answer.exposure, (answer.exposure.replace("_", " "), ""))
    more = f"{num(answer.scale)} {unit}".strip() if unit else f"{answer.scale:.0%}"
    return f"{label} for {more} more ({per})"


def sentence(answer: Answer, meta: OutcomeThreshold) -> str:
    """The one or two sentences shown for an answer."""
    unit = unit_text(meta)
    subject = comparison(answer, meta)
    shown = answer.shown()
    if answer.verdict is Verdict.INSUFFICIENT_DATA or shown is None:
        more = (
            f" About {answer.days_needed} more days of logging are needed."
            if answer.days_needed and answer.days_needed <= MAX_DAYS_NEEDED
            else ""
        )
        why = answer.reason or "no days have both values"
        return f"{subject[0].upper()}{subject[1:]}: not enough data yet ({why}).{more}".replace(
            "..", "."
        )
    est, low, high = shown
    shrunk = " shrunk towards no difference," if answer.shrunk is not None else ""
    numbers = (
        f"{_direction(est, unit)} ({shrunk} {interval_words(low, high, unit)}".replace("( ", "(")
        + f"; {answer.n_days} nights)"
    )
    m = f"{num(answer.meaningful)}{unit}"
    prefix = "Exploratory: " if not answer.primary else ""
    if answer.verdict in (Verdict.ASSOCIATED_BETTER, Verdict.ASSOCIATED_WORSE):
        word = "better" if answer.verdict is Verdict.ASSOCIATED_BETTER else "worse"
        direction = "higher" if est > 0 else "lower"
        text = (
            f"{prefix}{subject[0].upper()}{subject[1:]}: {numbers}. In your records this is "
            f"associated with {direction} {meta.label}, which counts as {word}."
        )
        if answer.kind == "after_skipped_dose" and word == "worse":
            text += " This may be a rebound or withdrawal effect after a skipped dose."
        return f"{text} {REMINDER}"
    if answer.verdict is Verdict.NO_MEANINGFUL_DIFFERENCE:
        return (
            f"{prefix}No meaningful difference in {subject}: {numbers}; the whole interval is "
            f"within the meaningful change of {m} either way."
        )
    decide = days_phrase(answer.days_needed)
    return (
        f"{prefix}Not clear yet for {subject}: {numbers}. The interval still reaches a "
        f"meaningful change ({m}) or the difference could be chance"
        + (f"; {decide}." if decide else ".")
    )


def notable_nights(answer: Answer, meta: OutcomeThreshold, dates: tuple[date, ...] | None) -> str:
    """A "one night drives this" note when full weight on unusual nights would change the answer."""
    if not answer.drives():
        return ""
    unit = unit_text(meta)
    named = []
    for night in answer.unusual:
        when = dates[night.day].strftime("%d %b %Y") if dates else f"day {night.day + 1}"
        named.append(f"{when}: {num(night.value)}{unit}")
    count = len(answer.unusual)
    lead = "One night stands out" if count == 1 else f"{count} nights stand out"
    ordinary = (answer.ordinary_estimate or 0.0) * answer.scale
    return (
        f"{lead} ({'; '.join(named)}) and {'drives' if count == 1 else 'drive'} the plain "
        f"average; {'it is' if count == 1 else 'they are'} given less weight here. At full "
        f"weight the difference would be {_direction(ordinary, unit)}."
    )


TOPIC_PHRASES = {
    # family id: (what "better" reads as, what "worse" reads as)
    "sleep_onset": ("falling asleep faster", "falling asleep more slowly"),
    "sleep_maintenance": ("less time awake in the night", "more time awake in the night"),
    "total_sleep": ("more or better sleep", "less or worse sleep"),
    "mood": ("a better mood the next day", "a worse mood the next day"),
    "anxiety": ("less anxiety the next day", "more anxiety the next day"),
    "withdrawal": ("better nights and days", "worse nights and days"),
}


def _groups(answer: Answer) -> tuple[str, str]:
    """The two groups a primary question compares, as plain words."""
    if answer.kind == "after_skipped_dose":
        window = answer.window or 1
        first = "the first night" if window == 1 else f"the first {window} nights"
        return f"{first} after a day without kratom", "nights with kratom"
    return "days with kratom", "breaks from it"


def headline(answer: Answer, meta: OutcomeThreshold) -> str:
    """The primary answer in one plain sentence, without interval arithmetic.

    >>> meta = OutcomeThreshold(label="minutes to fall asleep", unit="min",
    ...     higher_is_better=False, kind="absolute", value=10, source="Edinger et al. 2021",
    ...     as_of=date(2021, 2, 1))
    >>> a = Answer("sleep_onset", "sustained_use", "sustained_use", "sol_min", True, 10.0,
    ...            False, 40, verdict=Verdict.NOT_CLEAR_YET, estimate=-3.0, ci_low=-9.0,
    ...            ci_high=3.0)
    >>> headline(a, meta).startswith("Not clear yet whether there is a difference in minutes")
    True
    """
    these, those = _groups(answer)
    label = meta.label
    shown = answer.shown()
    if answer.verdict in (Verdict.ASSOCIATED_BETTER, Verdict.ASSOCIATED_WORSE) and shown:
        better, worse = TOPIC_PHRASES.get(answer.family, ("better results", "worse results"))
        phrase = better if answer.verdict is Verdict.ASSOCIATED_BETTER else worse
        verb = "is" if these.startswith("the first night ") else "are"
        text = (
            f"{these[0].upper()}{these[1:]} {verb} associated with {phrase} than {those} "
            f"({label} {_direction(shown[0], unit_text(meta))})"
        )
        if answer.kind == "after_skipped_dose" and answer.verdict is Verdict.ASSOCIATED_WORSE:
            text += ", possibly a rebound or withdrawal effect"
        return text + "."
    if answer.verdict is Verdict.NO_MEANINGFUL_DIFFERENCE:
        return f"No meaningful difference in {label} between {these} and {those}."
    if answer.verdict is Verdict.NOT_CLEAR_YET:
        return (
            f"Not clear yet whether there is a difference in {label} between {these} and {those}."
        )
    return f"Not enough nights yet to compare {label} on {these} with {those}."


def settle(answer: Answer) -> str:
    """What would settle a question (or the reminder that an association is not a cause)."""
    if answer.verdict in (Verdict.ASSOCIATED_BETTER, Verdict.ASSOCIATED_WORSE):
        return REMINDER
    if answer.verdict is Verdict.NO_MEANINGFUL_DIFFERENCE:
        return "Any difference is smaller than the change that would matter."
    if answer.verdict is Verdict.NOT_CLEAR_YET:
        decide = days_phrase(answer.days_needed)
        return f"{decide[0].upper()}{decide[1:]}." if decide else "More nights would decide."
    why = f"{answer.reason[0].upper()}{answer.reason[1:]}." if answer.reason else ""
    if answer.kind == "sustained_use" and answer.counts.get("break", 0) == 0:
        # Said plainly, and never as a suggestion to stop or to take a break.
        return "There are no nights from a longer break without kratom to compare with."
    more = (
        f" About {answer.days_needed} more days of logging are needed."
        if answer.days_needed and answer.days_needed <= MAX_DAYS_NEEDED
        else ""
    )
    return (why + more).strip() or "More nights are needed."
