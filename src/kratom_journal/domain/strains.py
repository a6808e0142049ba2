"""Strain labels: keep what the person wrote, and a normalized key for grouping.

Vendors spell the same label many ways ("Red Bali ", "red  bali", "Bali Red",
"RED-BALI"). Analyses group by the key; the label as written is kept verbatim.
"""

from __future__ import annotations

import re
import unicodedata

VEIN_COLOURS: tuple[str, ...] = ("red", "green", "white", "yellow", "gold")
"""Vein colours commonly used on kratom labels."""

REGIONS: dict[str, str] = {
    "bali": "bali",
    "indo": "indo",
    "indonesian": "indo",
    "maeng da": "maeng-da",
    "maengda": "maeng-da",
    "maeng-da": "maeng-da",
    "borneo": "borneo",
    "malay": "malay",
    "malaysian": "malay",
    "thai": "thai",
    "sumatra": "sumatra",
    "kali": "kali",
    "kalimantan": "kali",
    "horn": "horned",
    "horned": "horned",
    "elephant": "elephant",
    "vietnam": "vietnam",
    "papua": "papua",
    "hulu": "hulu",
    "jongkong": "jongkong",
    "riau": "riau",
    "sunda": "sunda",
}
"""Region or style words, spelled variants mapped to one key."""

_SEPARATORS = re.compile(r"[\s_\-/.,]+")


def normalize_strain(label: str) -> str | None:
    """Return a stable grouping key for a strain label, or ``None`` for a blank one.

    Examples
    --------
    >>> normalize_strain("Red Bali ")
    'red-bali'
    >>> normalize_strain("red  bali")
    'red-bali'
    >>> normalize_strain("Bali Red")
    'red-bali'
    >>> normalize_strain("Green Maeng Da")
    'green-maeng-da'
    >>> normalize_strain("House Blend #2")
    'house-blend-#2'
    """
    text = unicodedata.normalize("NFKC", label).casefold().strip()
    if not text:
        return None
    words = [w for w in _SEPARATORS.split(text) if w]
    colours = [w for w in words if w in VEIN_COLOURS]
    region, rest = _take_region(words)
    if colours and region is not None:
        others = [w for w in rest if w not in VEIN_COLOURS]
        return "-".join([*colours, region, *others])
    return "-".join(words)


def _take_region(words: list[str]) -> tuple[str | None, list[str]]:
    """Find the first recognised region (one or two words) and return it and the other words."""
    for i in range(len(words)):
        pair = " ".join(words[i : i + 2])
        if i + 1 < len(words) and pair in REGIONS:
            return REGIONS[pair], words[:i] + words[i + 2 :]
        if words[i] in REGIONS:
            return REGIONS[words[i]], words[:i] + words[i + 1 :]
    return None, words
