"""The instrument file format, as pydantic models.

One JSON file describes one questionnaire completely: wording, response
options, scoring, severity bands, change thresholds, citations and the safety
rules that must show crisis resources. The shipped instruments and any file a
person supplies go through the same models, so a file that loads is a file the
engine can score.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

FORMAT_VERSION = 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(_Strict):
    """A reference for the instrument, a cut-off or a change threshold."""

    text: str = Field(min_length=1)
    doi: str | None = None


class ResponseOption(_Strict):
    """One answer choice and the points it scores."""

    value: int = Field(ge=0)
    label: str = Field(min_length=1)
    loinc: str | None = None


class Item(_Strict):
    """One question, worded exactly as the instrument publishes it."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    text: str = Field(min_length=1)
    response_set: str
    loinc: str | None = None
    scored: bool = True
    required: bool = True
    note: str | None = None


class Band(_Strict):
    """A closed score range ``min..max`` with its label (e.g. 5-9 "mild")."""

    min: int
    max: int
    label: str = Field(min_length=1)

    def contains(self, total: float) -> bool:
        """True when ``total`` lies in this band."""
        return self.min <= total <= self.max


class MissingRule(_Strict):
    """What to do with unanswered scored items.

    ``no_score``: any unanswered scored item means no total.
    ``prorate``: with at most ``max_missing`` unanswered items, the total is
    the mean of the answered items times the number of scored items, rounded
    to the nearest integer (halves up), as some manuals state.
    """

    rule: Literal["no_score", "prorate"]
    max_missing: int = Field(default=0, ge=0)
    basis: str = Field(min_length=1)


class Scoring(_Strict):
    """How items combine into a total. Only summation is used by shipped files."""

    method: Literal["sum"]
    missing: MissingRule


class ChangeRule(_Strict):
    """Thresholds for interpreting change between administrations."""

    direction: Literal["lower_is_better", "higher_is_better"]
    mcid: float | None = Field(default=None, gt=0)
    mcid_basis: str | None = None
    response_drop_fraction: float | None = Field(default=None, gt=0, lt=1)
    remission_below: float | None = None
    response_basis: str | None = None


class Subscale(_Strict):
    """A short form scored from a subset of items (e.g. PHQ-2 inside PHQ-9)."""

    id: str = Field(min_length=1, pattern=r"^[a-z0-9_]+$")
    name: str
    items: list[str] = Field(min_length=1)
    loinc_total: str | None = None
    bands: list[Band] = Field(default_factory=list)
    citation: Citation | None = None


class SafetyRule(_Strict):
    """An answer that must show crisis resources before any score."""

    item: str
    min_value: int = Field(ge=1)
    action: Literal["crisis"]
    reason: str = Field(min_length=1)


class LoincCodes(_Strict):
    """LOINC codes for the whole panel and its total score."""

    panel: str | None = None
    total: str | None = None


class Instrument(_Strict):
    """A complete questionnaire definition (one instrument file)."""

    format: Literal[1]
    id: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=1)
    short_name: str = Field(min_length=1)
    kind: Literal["validated", "screen"]
    measures: str = Field(min_length=1)
    recall_period: str = Field(min_length=1)
    instructions: str = Field(min_length=1)
    copyright: str = Field(min_length=1)
    license: str = Field(min_length=1)
    citations: list[Citation] = Field(min_length=1)
    source: str = Field(min_length=1)
    as_of: date
    disclaimer: str | None = None
    loinc: LoincCodes | None = None
    response_sets: dict[str, list[ResponseOption]] = Field(min_length=1)
    items: list[Item] = Field(min_length=1)
    scoring: Scoring
    bands: list[Band] = Field(default_factory=list)
    change: ChangeRule
    subscales: list[Subscale] = Field(default_factory=list)
    safety: list[SafetyRule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check_consistency(self) -> Instrument:
        self._check_response_sets()
        self._check_items()
        low, high = self.score_range
        _check_bands(self.bands, low, high, "bands")
        self._check_subscales()
        self._check_safety()
        if self.scoring.missing.max_missing >= len(self.scored_items):
            raise ValueError("scoring.missing.max_missing must be below the number of scored items")
        return self

    def _check_response_sets(self) -> None:
        for name, options in self.response_sets.items():
            if not options:
                raise ValueError(f"response set {name!r} has no options")
            values = [option.value for option in options]
            if len(set(values)) != len(values):
                raise ValueError(f"response set {name!r} repeats a value")

    def _check_items(self) -> None:
        ids = [item.id for item in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("item ids must be unique")
        for item in self.items:
            if item.response_set not in self.response_sets:
                raise ValueError(
                    f"item {item.id!r} uses unknown response set {item.response_set!r}"
                )
        if not self.scored_items:
            raise ValueError("at least one item must be scored")

    def _check_subscales(self) -> None:
        scored = {item.id for item in self.scored_items}
        for subscale in self.subscales:
            unknown = [i for i in subscale.items if i not in scored]
            if unknown:
                raise ValueError(
                    f"subscale {subscale.id!r} names unscored or unknown items {unknown}"
                )
            low, high = self._range_of(subscale.items)
            _check_bands(subscale.bands, low, high, f"subscale {subscale.id!r} bands")

    def _check_safety(self) -> None:
        known = {item.id for item in self.items}
        for rule in self.safety:
            if rule.item not in known:
                raise ValueError(f"safety rule names unknown item {rule.item!r}")
            item = self.item(rule.item)
            values = [option.value for option in self.options(item)]
            if rule.min_value > max(values):
                raise ValueError(f"safety rule on item {rule.item!r} can never trigger")

    # -- lookups ---------------------------------------------------------
    @property
    def scored_items(self) -> list[Item]:
        """Items that count towards the total, in order."""
        return [item for item in self.items if item.scored]

    def item(self, item_id: str) -> Item:
        """Return the item with this id or raise ``KeyError``."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f"{self.short_name} has no item {item_id!r}")

    def options(self, item: Item) -> list[ResponseOption]:
        """The response options of an item."""
        return self.response_sets[item.response_set]

    @property
    def score_range(self) -> tuple[int, int]:
        """Lowest and highest possible total."""
        return self._range_of([item.id for item in self.scored_items])

    def _range_of(self, item_ids: list[str]) -> tuple[int, int]:
        low = high = 0
        for item_id in item_ids:
            values = [option.value for option in self.options(self.item(item_id))]
            low += min(values)
            high += max(values)
        return low, high


def _check_bands(bands: list[Band], low: int, high: int, where: str) -> None:
    """Bands must be ordered, contiguous and cover exactly ``low..high``."""
    if not bands:
        return
    if bands[0].min != low or bands[-1].max != high:
        raise ValueError(f"{where} must cover the score range {low}-{high}")
    for band in bands:
        if band.min > band.max:
            raise ValueError(f"{where}: band {band.label!r} has min above max")
    for before, after in zip(bands, bands[1:], strict=False):
        if after.min != before.max + 1:
            raise ValueError(
                f"{where}: {before.label!r} and {after.label!r} leave a gap or overlap"
            )
