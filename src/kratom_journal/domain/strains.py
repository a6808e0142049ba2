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
_ZERO_WIDTH_SPACE = "\u200b"


def visible_text(text: str) -> str:
    """``text`` in NFC with invisible format characters removed and odd spaces made plain.

    Names pasted from shops and chats carry zero-width spaces (U+200B), joiners
    (U+200C/U+200D), byte order marks (U+FEFF) and soft hyphens (U+00AD): all of
    Unicode's *format* category, which no one can see or type on purpose. Left in,
    "Red\u200bBali" would be a second strain beside "Red Bali". A zero-width space
    marks a break between words, so it becomes a space, as no-break and other odd
    spaces do: splitting on words then treats them alike.

    >>> visible_text("Red\u200bBali"), visible_text("\ufeffRed\u00a0Bali\u00ad")
    ('Red Bali', 'Red Bali')
    >>> visible_text("Cafe\u0301") == "Caf\u00e9"
    True
    """
    kept = (
        " " if c == _ZERO_WIDTH_SPACE or unicodedata.category(c) == "Zs" else c
        for c in text
        if c == _ZERO_WIDTH_SPACE or unicodedata.category(c) != "Cf"
    )
    return unicodedata.normalize("NFC", "".join(kept))


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
    text = unicodedata.normalize("NFKC", visible_text(label)).casefold().strip()
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
